"""The benchmark harness runs end to end in quick mode and writes a sound record.

No assertion here is about speed: the figures are checked for shape only.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
STATUSES = {"ok", "partial", "missing", "not_run", "failed"}
SMOKE_BENCHMARKS = ["client", "imports", "toollist"]


def run_bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )


def test_quick_run_writes_record(tmp_path: Path) -> None:
    completed = run_bench(
        *SMOKE_BENCHMARKS,
        "--quick",
        "--repeats",
        "1",
        "--without-fastmcp",
        "--results-dir",
        str(tmp_path),
    )

    assert completed.returncode == 0, completed.stderr[-2000:]
    records = list(tmp_path.glob("*-quick.json"))
    assert len(records) == 1, f"expected one record, found {records}"
    record = json.loads(records[0].read_text())

    assert record["schema_version"] == 1
    assert record["quick"] is True
    assert record["command"].startswith("python")
    assert "--quick" in record["command"]
    assert dt.datetime.fromisoformat(record["started_at"])
    assert dt.datetime.fromisoformat(record["finished_at"])
    machine = record["machine"]
    assert machine["nproc"] >= 1
    assert machine["cpu_model"]
    assert machine["memory_mib"] > 0
    assert machine["python"].startswith("3.")
    assert set(record["benchmarks"]) == set(SMOKE_BENCHMARKS)
    for name, result in record["benchmarks"].items():
        assert result["status"] in STATUSES, f"{name}: {result}"
        assert result["status"] != "failed", f"{name}: {result.get('reason')}"
        assert result["seconds"] >= 0

    sdk = record["benchmarks"]["imports"]["figures"]["mcp_sdk_alone"]
    assert sdk["status"] == "ok"
    summary = sdk["import_ms"]
    assert summary["n"] == 1
    assert summary["min"] <= summary["median"] <= summary["max"]
    assert sdk["heaviest_by_own_time"], "importtime parsing found no modules"


def test_unknown_benchmark_rejected() -> None:
    completed = run_bench("no-such-benchmark", "--no-record")

    assert completed.returncode == 2
    assert "unknown benchmark no-such-benchmark" in completed.stderr
    assert "client" in completed.stderr
