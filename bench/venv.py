"""Create ``.tools/bench-venv``: FastMCP and the tokenizer, away from the project venv.

FastMCP pulls in about 70 packages that the project does not need, so its side
of the comparison runs in this separate venv, in a subprocess.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from bench.machine import REPO_ROOT
from bench.procs import BENCH_PYTHON

__all__ = ["REQUIREMENTS", "VENV_DIR", "ensure_bench_venv", "setup_bench_venv"]

logger = logging.getLogger(__name__)

VENV_DIR = REPO_ROOT / ".tools" / "bench-venv"
REQUIREMENTS = REPO_ROOT / "bench" / "requirements-fastmcp.txt"
STAMP = VENV_DIR / ".installed"


def setup_bench_venv() -> None:
    """Create the venv with the running interpreter and install the pinned packages."""
    logger.info("creating %s", VENV_DIR)
    subprocess.run([sys.executable, "-m", "venv", str(VENV_DIR)], check=True)
    subprocess.run(
        [BENCH_PYTHON, "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)],
        check=True,
    )
    STAMP.write_text(REQUIREMENTS.read_text())


def ensure_bench_venv() -> Path:
    """Return the venv's python; install first when it is absent or the pins changed."""
    if not STAMP.exists() or STAMP.read_text() != REQUIREMENTS.read_text():
        setup_bench_venv()
    return Path(BENCH_PYTHON)
