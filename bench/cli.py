"""``python -m bench``: run the benchmarks and write one JSON record of the run."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import BenchOptions, MissingPart, missing
from bench.record import RESULTS_DIR, RunRecord

__all__ = ["BENCHMARKS", "main"]

logger = logging.getLogger(__name__)

# Name on the command line -> (module with ``async run(options)``, what it measures).
BENCHMARKS: dict[str, tuple[str, str]] = {
    "client": ("bench.client_overhead", "generated client vs a bare aiohttp loop"),
    "toolcall": ("bench.toolcall", "tools/call round trips vs the floor and FastMCP"),
    "toollist": ("bench.toollist", "tools/list size in bytes and tokens vs FastMCP"),
    "coldstart": ("bench.coldstart", "process start to the first tools/list response"),
    "memory": ("bench.memory", "resident memory after 1,000 and 100,000 tool calls"),
    "refresh": ("bench.refresh", "token expiry under 1,000 concurrent calls"),
    "imports": ("bench.imports", "import time of the generated package and server"),
    "sprinklrclient": (
        "bench.old_client",
        "whether the old SprinklrClient can be run here",
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark sprinklr-mcp against its alternatives on this machine.",
        epilog="Benchmarks: "
        + "; ".join(f"{name}: {text}" for name, (_, text) in BENCHMARKS.items()),
    )
    parser.add_argument(
        "benchmarks",
        nargs="*",
        metavar="BENCHMARK",
        help="benchmarks to run (default: all); see the list below",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a short smoke run: few requests and rounds; figures are not comparable",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="rounds per comparison (default: 9 for timings, 11 for cold starts,"
        " 15 for imports; 2 with --quick)",
    )
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=None,
        help="where the JSON record goes (default: bench/results/, or"
        " bench/results/tmp/ for --quick, which git ignores)",
    )
    parser.add_argument(
        "--no-record", action="store_true", help="print the results; write no record"
    )
    parser.add_argument(
        "--setup-venv",
        action="store_true",
        help="(re)create .tools/bench-venv from the pinned list, then exit",
    )
    parser.add_argument(
        "--update-docs",
        action="store_true",
        help="after the run (or alone, with no benchmark named), rewrite the"
        " recorded-runs section of docs/benchmarks.md from bench/results/",
    )
    parser.add_argument(
        "--without-fastmcp",
        action="store_true",
        help="leave FastMCP out, so that .tools/bench-venv is neither needed nor made",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    return parser


def _leaf_errors(error: BaseException) -> list[BaseException]:
    """Return the errors inside (nested) exception groups, or ``error`` itself."""
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaf_errors(inner)]
    return [error]


async def run_one(name: str, options: BenchOptions) -> dict[str, Any]:
    module_name = BENCHMARKS[name][0]
    started = time.perf_counter()
    try:
        module = importlib.import_module(module_name)
        result: dict[str, Any] = await module.run(options)
    except MissingPart as error:
        result = missing(str(error))
    except Exception as error:
        logger.exception("benchmark %s failed", name)
        leaves = _leaf_errors(error)
        result = {
            "status": "failed",
            "reason": "; ".join(f"{type(e).__name__}: {e}" for e in leaves),
            "traceback": traceback.format_exc().splitlines()[-12:],
        }
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


async def run_all(
    names: Sequence[str], options: BenchOptions, record: RunRecord
) -> None:
    for name in names:
        logger.warning("running %s", name)
        result = await run_one(name, options)
        record.add(name, result)
        logger.warning("%s: %s in %.1f s", name, result["status"], result["seconds"])


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(arguments)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )

    # Per-request INFO lines of the HTTP and MCP libraries would drown the progress.
    for noisy in ("httpx2", "httpcore2", "mcp", "uvicorn"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    if args.setup_venv:
        from bench.venv import setup_bench_venv

        setup_bench_venv()
        return 0

    if args.update_docs and not args.benchmarks:
        from bench.report import update_docs

        update_docs()
        return 0

    unknown = [name for name in args.benchmarks if name not in BENCHMARKS]
    if unknown:
        parser.error(
            f"unknown benchmark {', '.join(unknown)};"
            f" choose from {', '.join(BENCHMARKS)}"
        )
    if args.repeats is not None and args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    names = args.benchmarks or list(BENCHMARKS)

    log_dir = Path(tempfile.mkdtemp(prefix="sprinklr-bench-"))
    options = BenchOptions(
        quick=args.quick,
        repeats=args.repeats,
        log_dir=log_dir,
        with_fastmcp=not args.without_fastmcp,
    )
    record = RunRecord(quick=args.quick, argv=arguments)
    record.data["server_logs"] = str(log_dir)
    asyncio.run(run_all(names, options, record))

    if args.no_record:
        import json

        print(json.dumps(record.data, indent=2))
    else:
        results_dir = args.results_dir or (
            RESULTS_DIR / "tmp" if args.quick else RESULTS_DIR
        )
        path = record.write(results_dir)
        print(f"wrote {path}")
    if args.update_docs:
        from bench.report import update_docs

        update_docs()
    return 0
