"""Item 5: resident memory of the sprinklr-mcp server after 1,000 and 100,000 calls.

The server runs over stdio against the sandbox in another process, so the
sandbox's own state does not count. Calls alternate between ``get_case_by_id``
and ``get_messages_bulk`` (ten messages). RSS is read with psutil after every
tenth of the calls, once the server has returned every call so far.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import psutil  # type: ignore[import-untyped]

from bench import project
from bench.common import BenchOptions, MissingPart, target
from bench.contenders import stdio_session

__all__ = ["run"]

logger = logging.getLogger(__name__)

TARGET_GROWTH_MIB = 10.0


def server_process(marker: str) -> psutil.Process:
    """Return a process under this one whose command line contains ``marker``."""
    for child in psutil.Process().children(recursive=True):
        try:
            if any(marker in part for part in child.cmdline()):
                return child
        except psutil.NoSuchProcess:
            continue
    raise RuntimeError(f"no child process runs {marker!r}")


async def run(options: BenchOptions) -> dict[str, Any]:
    early = options.count(full=1_000, quick=100)
    late = options.count(full=100_000, quick=1_000)
    checkpoints = sorted({early, *range(late // 10, late + 1, late // 10)})

    notes: list[str] = []
    async with project.benchmark_setup(options) as setup:
        ours = [c for c in setup.contenders(notes) if c.name == "sprinklr_mcp"]
        if not ours:
            raise MissingPart("; ".join(notes) or "sprinklr-mcp server not available")
        contender = ours[0]
        setup_sandbox = setup.sandbox
        assert setup_sandbox is not None
        async with stdio_session(contender, options.log_dir) as client:
            process = server_process(setup.server_marker)
            rss_mib = {0: round(process.memory_info().rss / 2**20, 2)}
            calls = [
                (contender.tool, contender.arguments),
                ("get_messages_bulk", {"messageIds": setup_sandbox.message_ids}),
            ]
            started = time.perf_counter()
            done = 0
            for checkpoint in checkpoints:
                while done < checkpoint:
                    tool, arguments = calls[done % 2]
                    result = await client.call_tool(tool, arguments)
                    if result.is_error:
                        raise RuntimeError(f"tool call {done} failed: {result.content}")
                    done += 1
                rss_mib[checkpoint] = round(process.memory_info().rss / 2**20, 2)
                logger.info("memory: %d calls, %.1f MiB", done, rss_mib[checkpoint])
            seconds = time.perf_counter() - started

    growth = round(rss_mib[late] - rss_mib[early], 2)
    return {
        "status": "ok",
        "transport": "stdio",
        "tools": ["get_case_by_id", "get_messages_bulk"],
        "calls": late,
        "calls_seconds": round(seconds, 1),
        "rss_mib_by_calls": {str(k): v for k, v in sorted(rss_mib.items())},
        "growth_mib": growth,
        "targets": [
            target(
                f"rss_growth_{early}_to_{late}",
                f"< {TARGET_GROWTH_MIB} MiB",
                growth,
                growth < TARGET_GROWTH_MIB,
            )
        ],
    }
