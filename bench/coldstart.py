"""Item 4: process start to the first ``tools/list`` response over stdio."""

from __future__ import annotations

import logging
from typing import Any

from bench import project
from bench.common import BenchOptions, profile_file_summary, target
from bench.contenders import Contender
from bench.imports import heaviest_imports
from bench.stats import ratio_summary, summarize
from bench.stdio_probe import first_tools_list

__all__ = ["run"]

logger = logging.getLogger(__name__)

TARGET_SECONDS = 0.7


async def run(options: BenchOptions) -> dict[str, Any]:
    rounds = options.rounds(full=11, quick=2)
    notes: list[str] = []
    async with project.benchmark_setup(options) as setup:
        contenders = setup.contenders(notes, calls=False)
        samples = await sample_starts(contenders, rounds, options)
        figures, targets = judge(samples)

        # The profiled starts need the sandbox's settings, so they run in here.
        profile = None
        ours = next((c for c in contenders if c.name == "sprinklr_mcp"), None)
        if ours is not None and any(not t["met"] for t in targets):
            profile = await profile_start(ours, options)

    return {
        "status": "ok" if not notes else "partial",
        "notes": notes,
        "rounds": rounds,
        "protocol_version": "2025-11-25 (initialize handshake)",
        "figures": figures,
        "targets": targets,
        "profile": profile,
    }


async def sample_starts(
    contenders: list[Contender], rounds: int, options: BenchOptions
) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {c.name: [] for c in contenders}
    for index in range(rounds):
        shift = index % len(contenders)
        for contender in contenders[shift:] + contenders[:shift]:
            seconds, _, _ = await first_tools_list(
                contender.stdio_argv,
                contender.env,
                stderr_path=options.log_dir / f"{contender.name}-coldstart.log",
            )
            samples[contender.name].append(seconds)
    return samples


def judge(
    samples: dict[str, list[float]],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    figures: dict[str, Any] = {
        "seconds": {
            name: summarize(values, digits=4) for name, values in samples.items()
        }
    }
    targets = []
    if "sprinklr_mcp" in samples:
        median = figures["seconds"]["sprinklr_mcp"]["median"]
        targets.append(
            target(
                "cold_start", f"< {TARGET_SECONDS} s", median, median < TARGET_SECONDS
            )
        )
    if "sprinklr_mcp" in samples and "fastmcp" in samples:
        ratio = ratio_summary(samples["sprinklr_mcp"], samples["fastmcp"])
        figures["sprinklr_mcp_over_fastmcp"] = ratio
        targets.append(
            target(
                "cold_start.vs_fastmcp",
                "< 1.0 x FastMCP (faster)",
                ratio["median"],
                ratio["median"] < 1.0,
            )
        )
    return figures, targets


async def profile_start(contender: Contender, options: BenchOptions) -> dict[str, Any]:
    """Return where sprinklr-mcp's start-up time goes: imports, then everything.

    One start runs with ``-X importtime`` and one under cProfile; the server
    writes its profile when its stdin ends after the ``tools/list`` response.
    """
    python, rest = contender.stdio_argv[0], contender.stdio_argv[1:]
    importtime_log = options.log_dir / "sprinklr_mcp-coldstart-importtime.log"
    importtime_log.unlink(missing_ok=True)
    await first_tools_list(
        [python, "-X", "importtime", *rest], contender.env, stderr_path=importtime_log
    )
    log = importtime_log.read_text()
    own_us = [row["self_us"] for row in heaviest_imports(log, top=100_000)]

    output = options.log_dir / "sprinklr_mcp-coldstart.prof"
    await first_tools_list(
        [python, "-m", "cProfile", "-o", str(output), *rest],
        contender.env,
        stderr_path=options.log_dir / "sprinklr_mcp-coldstart-profile.log",
    )
    return {
        "imports_ms_total": round(sum(own_us) / 1000, 1),
        "modules_imported": len(own_us),
        "heaviest_imports": heaviest_imports(log, top=15),
        "cprofile": profile_file_summary(output, top=25),
    }
