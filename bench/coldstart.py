"""Item 4: process start to the first ``tools/list`` answer over stdio."""

from __future__ import annotations

import logging
from typing import Any

from bench import project
from bench.common import BenchOptions, target
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
    return {
        "status": "ok" if not notes else "partial",
        "notes": notes,
        "rounds": rounds,
        "protocol_version": "2025-11-25 (initialize handshake)",
        "figures": figures,
        "targets": targets,
    }
