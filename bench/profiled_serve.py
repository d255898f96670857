"""Run the ``sprinklr-mcp`` command with cProfile on after its imports are done.

Used as ``python -m bench.profiled_serve serve ...``. The profile covers the
steady state: imports are done before it starts. SIGUSR1 stops the profiler and
writes its stats to ``BENCH_PROFILE_OUTPUT``, because a server under uvicorn or
on stdio may never exit cleanly by itself.
"""

from __future__ import annotations

import cProfile
import os
import signal
import sys
from types import FrameType

# The modules that `serve` imports lazily, loaded here so they stay out of the profile.
import sprinklr_mcp.mcp_server.backend
import sprinklr_mcp.mcp_server.cli  # noqa: F401
from sprinklr_mcp import cli

OUTPUT = os.environ["BENCH_PROFILE_OUTPUT"]
profiler = cProfile.Profile()


def write_profile(signum: int, frame: FrameType | None) -> None:
    profiler.disable()
    profiler.dump_stats(OUTPUT + ".partial")
    os.replace(OUTPUT + ".partial", OUTPUT)


if __name__ == "__main__":
    signal.signal(signal.SIGUSR1, write_profile)
    profiler.enable()
    sys.exit(cli.main(sys.argv[1:]))
