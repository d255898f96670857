"""Item 7: import time of the generated package and of the MCP server module.

Each sample is a fresh interpreter that times one ``import`` statement with
``time.perf_counter``, so interpreter start-up is left out. One extra run with
``-X importtime`` lists the modules that cost the most.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from bench.common import BenchOptions
from bench.procs import PROJECT_PYTHON, child_environment
from bench.stats import summarize

__all__ = ["run"]

logger = logging.getLogger(__name__)

SUBJECTS = {
    "generated_package": (
        "import sprinklr_generated.models, sprinklr_generated.operations,"
        " sprinklr_generated.catalog"
    ),
    "mcp_server_module": "import sprinklr_mcp.mcp_server.server",
    "serve_command": (
        "import sprinklr_mcp.cli, sprinklr_mcp.mcp_server.cli,"
        " sprinklr_mcp.mcp_server.backend"
    ),
    "mcp_sdk_alone": "import mcp.server, mcp.server.stdio",
}

TIMER = (
    "import time; _start = time.perf_counter(); {statement}; "
    "print(time.perf_counter() - _start)"
)


async def _python(*args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        PROJECT_PYTHON,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=child_environment(),
    )
    stdout, stderr = await process.communicate()
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


def heaviest_imports(importtime_log: str, top: int = 12) -> list[dict[str, Any]]:
    """Parse ``-X importtime`` output and return the modules with the most own time."""
    rows: list[dict[str, Any]] = []
    for line in importtime_log.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = (part.strip() for part in line[12:].split("|"))
        rows.append(
            {
                "module": name.strip(),
                "self_us": int(own),
                "cumulative_us": int(cumulative),
            }
        )
    rows.sort(key=lambda row: row["self_us"], reverse=True)
    return rows[:top]


async def measure(statement: str, rounds: int) -> dict[str, Any]:
    samples = []
    for _ in range(rounds):
        code, stdout, stderr = await _python("-c", TIMER.format(statement=statement))
        if code != 0:
            return {"status": "failed", "reason": stderr.strip().splitlines()[-1:]}
        samples.append(float(stdout.strip()) * 1000)

    _, _, log = await _python("-X", "importtime", "-c", statement)
    return {
        "status": "ok",
        "statement": statement,
        "import_ms": summarize(samples, digits=2),
        "heaviest_by_own_time": heaviest_imports(log),
    }


async def run(options: BenchOptions) -> dict[str, Any]:
    rounds = options.rounds(full=15, quick=2)
    figures = {}
    for name, statement in SUBJECTS.items():
        logger.info("import time: %s", name)
        figures[name] = await measure(statement, rounds)

    failed = [name for name, result in figures.items() if result["status"] != "ok"]
    status = "ok" if not failed else "partial"
    logger.debug("import figures: %s", json.dumps(figures)[:200])
    return {"status": status, "rounds": rounds, "figures": figures, "failed": failed}
