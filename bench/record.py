"""One JSON record per benchmark run under ``bench/results/``; older records stay."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shlex
import sys
from pathlib import Path
from typing import Any

from bench.machine import REPO_ROOT, describe_machine, git_revision

__all__ = ["RESULTS_DIR", "SCHEMA_VERSION", "RunRecord", "load_records"]

logger = logging.getLogger(__name__)

RESULTS_DIR = REPO_ROOT / "bench" / "results"
SCHEMA_VERSION = 1


class RunRecord:
    """Collects the results of one ``python -m bench`` run and writes them once."""

    def __init__(self, *, quick: bool, argv: list[str]) -> None:
        self.started = dt.datetime.now(dt.UTC)
        self.data: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "started_at": self.started.isoformat(timespec="seconds"),
            "finished_at": None,
            "command": shlex.join([Path(sys.executable).name, "-m", "bench", *argv]),
            "quick": quick,
            "machine": describe_machine(),
            "git": git_revision(),
            "benchmarks": {},
        }

    def add(self, name: str, result: dict[str, Any]) -> None:
        self.data["benchmarks"][name] = result

    def write(self, directory: Path = RESULTS_DIR) -> Path:
        """Write the record as ``<UTC time>-<full|quick>.json`` and return its path."""
        self.data["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        directory.mkdir(parents=True, exist_ok=True)
        stamp = self.started.strftime("%Y%m%dT%H%M%SZ")
        kind = "quick" if self.data["quick"] else "full"
        path = directory / f"{stamp}-{kind}.json"
        path.write_text(json.dumps(self.data, indent=2, sort_keys=False) + "\n")
        logger.info("wrote %s", path)
        return path


def load_records(directory: Path = RESULTS_DIR) -> list[dict[str, Any]]:
    """Return every record in ``directory``, oldest first, skipping unreadable files."""
    records = []
    for path in sorted(directory.glob("*.json")):
        try:
            record = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as error:
            logger.warning("skipped unreadable result %s: %s", path, error)
            continue
        record["_file"] = path.name
        records.append(record)
    return records
