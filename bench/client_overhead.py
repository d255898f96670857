"""Item 1: the generated client against a bare aiohttp loop on an instant server.

Both sides send the same request and parse the same JSON; the generated client
also validates the envelope into pydantic models. Rounds alternate which side
goes first, and each round's ratio is taken before the median, so that drift on
a shared machine cancels out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from bench import project
from bench.common import BenchOptions, profile_async, target
from bench.payloads import CASE_ID, MESSAGE_IDS
from bench.procs import PROJECT_PYTHON, started_process
from bench.stats import ratio_summary, summarize

__all__ = ["run"]

logger = logging.getLogger(__name__)

TARGET_RATIO = 1.15
IN_FLIGHT = 50
HEADERS = {"Authorization": "Bearer bench-token", "Key": "bench-key"}

Call = Callable[[], Awaitable[object]]


async def sequential(call: Call, count: int) -> float:
    """Return seconds per request over ``count`` requests made one after another."""
    start = time.perf_counter()
    for _ in range(count):
        await call()
    return (time.perf_counter() - start) / count


async def concurrent(call: Call, count: int, in_flight: int = IN_FLIGHT) -> float:
    """Return seconds per request over ``count`` requests with ``in_flight`` open."""
    per_worker, extra = divmod(count, in_flight)

    async def worker(share: int) -> None:
        for _ in range(share):
            await call()

    start = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for index in range(in_flight):
            group.create_task(worker(per_worker + (1 if index < extra else 0)))
    return (time.perf_counter() - start) / count


def bare_calls(session: aiohttp.ClientSession, base_url: str) -> dict[str, Call]:
    case_url = f"{base_url}/api/v2/case/{CASE_ID}"
    bulk_url = f"{base_url}/api/v2/message/bulk-fetch"

    async def get_case() -> object:
        async with session.get(case_url, headers=HEADERS) as response:
            response.raise_for_status()
            payload = await response.json()
        return payload["data"]

    async def read_messages() -> object:
        async with session.post(
            bulk_url, json=MESSAGE_IDS, headers=HEADERS
        ) as response:
            response.raise_for_status()
            payload = await response.json()
        return payload["data"]

    return {"get_case_by_id": get_case, "read_multiple_messages": read_messages}


async def measure_pair(
    bare: Call, ours: Call, *, rounds: int, count: int, mode: str
) -> dict[str, Any]:
    runner = sequential if mode == "sequential" else concurrent
    await runner(bare, max(count // 10, IN_FLIGHT))
    await runner(ours, max(count // 10, IN_FLIGHT))

    bare_times: list[float] = []
    our_times: list[float] = []
    for index in range(rounds):
        order = [("bare", bare), ("ours", ours)]
        if index % 2:
            order.reverse()
        for side, call in order:
            seconds = await runner(call, count)
            (bare_times if side == "bare" else our_times).append(seconds)

    return {
        "requests_per_round": count,
        "bare_aiohttp_us": summarize([t * 1e6 for t in bare_times], digits=1),
        "generated_client_us": summarize([t * 1e6 for t in our_times], digits=1),
        "ratio": ratio_summary(our_times, bare_times),
    }


async def profile_pair(bare: Call, ours: Call, mode: str, count: int) -> dict[str, Any]:
    """Profile ``count`` requests of each side, for a target that was missed."""
    runner = sequential if mode == "sequential" else concurrent
    return {
        "requests": count,
        "generated_client": await profile_async(lambda: runner(ours, count)),
        "bare_aiohttp": await profile_async(
            lambda: runner(bare, count), focus=("aiohttp",)
        ),
    }


async def run(options: BenchOptions) -> dict[str, Any]:
    rounds = options.rounds(full=9, quick=2)
    counts = {
        "sequential": options.count(full=2000, quick=100),
        "concurrent": options.count(full=5000, quick=200),
    }

    argv = [PROJECT_PYTHON, "-m", "bench.instant_server"]
    async with started_process(argv, port_line=True) as (_, words):
        base_url = f"http://127.0.0.1:{words[0]}"
        client_cm = project.open_client(base_url)
        figures: dict[str, Any] = {}
        targets = []
        async with aiohttp.ClientSession() as session, client_cm as client:
            bare = bare_calls(session, base_url)
            ours = project.client_calls(client, CASE_ID, MESSAGE_IDS)
            for operation in ("get_case_by_id", "read_multiple_messages"):
                for mode, count in counts.items():
                    logger.info("client overhead: %s %s", operation, mode)
                    result = await measure_pair(
                        bare[operation],
                        ours[operation],
                        rounds=rounds,
                        count=count,
                        mode=mode,
                    )
                    key = f"{operation}.{mode}"
                    figures[key] = result
                    ratio = result["ratio"]["median"]
                    targets.append(
                        target(
                            key,
                            f"<= {TARGET_RATIO} x bare aiohttp",
                            ratio,
                            ratio <= TARGET_RATIO,
                        )
                    )

            profile = {}
            for missed in (t for t in targets if not t["met"]):
                operation, mode = missed["target"].split(".")
                profile[missed["target"]] = await profile_pair(
                    bare[operation], ours[operation], mode, counts[mode]
                )

    return {
        "status": "ok",
        "in_flight": IN_FLIGHT,
        "rounds": rounds,
        "figures": figures,
        "targets": targets,
        "profiles": profile,
    }
