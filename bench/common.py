"""Options and result shapes shared by every benchmark."""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "BenchOptions",
    "MissingPart",
    "missing",
    "profile_async",
    "profile_file_summary",
    "target",
]


class MissingPart(Exception):
    """A part of the project that a benchmark needs has not landed or does not start."""


@dataclass(frozen=True)
class BenchOptions:
    quick: bool
    repeats: int | None
    log_dir: Path
    with_fastmcp: bool = True

    def rounds(self, full: int, quick: int) -> int:
        if self.repeats is not None:
            return self.repeats
        return quick if self.quick else full

    def count(self, full: int, quick: int) -> int:
        return quick if self.quick else full


def missing(reason: str) -> dict[str, Any]:
    return {"status": "missing", "reason": reason}


def target(
    name: str, limit: str, value: float | None, met: bool | None
) -> dict[str, Any]:
    """Build one checked target: ``limit`` in words, the measured value, whether met."""
    return {"target": name, "limit": limit, "value": value, "met": met}


async def profile_async(
    work: Callable[[], Awaitable[object]],
    *,
    top: int = 25,
    focus: tuple[str, ...] = ("sprinklr_mcp", "sprinklr_generated", "pydantic"),
) -> dict[str, Any]:
    """Run ``work`` under cProfile and return where the time went.

    Everything the event loop runs meanwhile in this thread is profiled too, which
    is the point: transport, parsing and validation all show up. The result
    contains the heaviest functions by own time, and by cumulative time those whose
    file path contains one of ``focus``. cProfile counts each resumption of a
    coroutine as a call, so ``ncalls`` of coroutines overstates real calls.
    """
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        await work()
    finally:
        profiler.disable()

    return {
        "top_by_own_time": _stats_lines(profiler, "tottime", top),
        "focus_by_cumulative_time": _stats_lines(profiler, "cumulative", top, focus),
    }


SERVER_FOCUS = ("sprinklr_mcp", "sprinklr_generated", "/mcp/", "mcp_types", "pydantic")


def profile_file_summary(
    path: Path, *, top: int = 30, focus: tuple[str, ...] = SERVER_FOCUS
) -> dict[str, Any]:
    """Summarize a cProfile output file the way ``profile_async`` does."""
    if not path.exists():
        return {"error": f"the profiled process wrote no {path.name}"}
    return {
        "top_by_own_time": _stats_lines(str(path), "tottime", top),
        "focus_by_cumulative_time": _stats_lines(str(path), "cumulative", top, focus),
    }


def _stats_lines(
    profiler: cProfile.Profile | str,
    sort: str,
    top: int,
    focus: tuple[str, ...] = (),
) -> list[str]:
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats(sort)
    if focus:
        stats.print_stats("|".join(focus), top)
    else:
        stats.print_stats(top)
    lines = [line.rstrip() for line in buffer.getvalue().splitlines()]
    start = next(
        (
            index
            for index, line in enumerate(lines)
            if line.lstrip().startswith("ncalls")
        ),
        0,
    )
    return [line for line in lines[start:] if line.strip()]
