"""The old synchronous ``SprinklrClient`` package: installed here, inspected, never run.

Every request URL in it is an f-string that starts with the literal
``https://api2.sprinklr.com/``, so no setting points it at 127.0.0.1, and calling
it would send traffic to the real Sprinklr. This benchmark therefore reads the
installed source and records why it did not run, instead of timing anything.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from bench.common import BenchOptions, missing
from bench.venv import VENV_DIR, ensure_bench_venv

__all__ = ["run"]

HOST_LITERAL = re.compile(r"https://api\d?\.sprinklr\.com/")


async def run(options: BenchOptions) -> dict[str, Any]:
    await asyncio.to_thread(ensure_bench_venv)
    sources = sorted(VENV_DIR.glob("lib/python*/site-packages/SprinklrClient/*.py"))
    if not sources:
        return missing("SprinklrClient is not installed in .tools/bench-venv")

    hard_coded = 0
    for source in sources:
        hard_coded += len(HOST_LITERAL.findall(Path(source).read_text()))
    version_files = list(
        VENV_DIR.glob("lib/python*/site-packages/SprinklrClient-*.dist-info")
    )
    version = (
        version_files[0].name.removesuffix(".dist-info").split("-", 1)[1]
        if version_files
        else None
    )
    return {
        "status": "not_run",
        "reason": "every request URL hard-codes a real Sprinklr host; it cannot be "
        "pointed at 127.0.0.1, so it was not called",
        "installed_version": version,
        "hard_coded_host_urls": hard_coded,
    }
