"""Item 2: ``tools/call`` round trips over stdio and Streamable HTTP.

Contenders: sprinklr-mcp against the sandbox, the no-op floor tool on the same
SDK, and FastMCP's OpenAPI server built from our spec against the same sandbox.
The direct client call (the generated client against the sandbox, in this
process) is timed in the same rounds, because the target is
``sprinklr-mcp <= 1.2 x (floor + direct call)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from typing import Any

from mcp import Client

from bench import project
from bench.common import BenchOptions, profile_async, profile_file_summary, target
from bench.contenders import Contender, http_session, stdio_session
from bench.memory import server_process
from bench.stats import ratio_summary, summarize

__all__ = ["run"]

logger = logging.getLogger(__name__)

TARGET_OVER_FLOOR_PLUS_DIRECT = 1.2


def tool_caller(client: Client, contender: Contender) -> Callable[[], Awaitable[Any]]:
    async def call() -> Any:
        result = await client.call_tool(contender.tool, contender.arguments)
        if result.is_error:
            text = " ".join(getattr(part, "text", "") for part in result.content)
            raise RuntimeError(
                f"{contender.name} {contender.tool} failed: {text[:300]}"
            )
        return result

    return call


async def per_call_us(call: Callable[[], Awaitable[Any]], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        await call()
    return (time.perf_counter() - start) / count * 1e6


async def measure_transport(
    transport: str,
    contenders: list[Contender],
    direct: Callable[[], Awaitable[Any]] | None,
    options: BenchOptions,
) -> dict[str, Any]:
    rounds = options.rounds(full=9, quick=2)
    count = options.count(full=300, quick=20)
    session = stdio_session if transport == "stdio" else http_session

    async with contextlib.AsyncExitStack() as stack:
        calls: dict[str, Callable[[], Awaitable[Any]]] = {}
        protocols: dict[str, str | None] = {}
        for contender in contenders:
            client = await stack.enter_async_context(
                session(contender, options.log_dir)
            )
            protocols[contender.name] = client.protocol_version
            calls[contender.name] = tool_caller(client, contender)
        if direct is not None:
            calls["direct_client"] = direct

        for call in calls.values():
            await per_call_us(call, max(count // 5, 5))

        samples: dict[str, list[float]] = {name: [] for name in calls}
        names = list(calls)
        for index in range(rounds):
            shift = index % len(names)
            for name in names[shift:] + names[:shift]:
                samples[name].append(await per_call_us(calls[name], count))

        result: dict[str, Any] = {
            "calls_per_round": count,
            "rounds": rounds,
            "protocol_versions": protocols,
            "per_call_us": {
                name: summarize(values, digits=1) for name, values in samples.items()
            },
        }
        targets = []
        if "sprinklr_mcp" in samples and "direct_client" in samples:
            budget = [
                floor + direct_us
                for floor, direct_us in zip(
                    samples["floor"], samples["direct_client"], strict=True
                )
            ]
            ratio = ratio_summary(samples["sprinklr_mcp"], budget)
            result["sprinklr_mcp_over_floor_plus_direct"] = ratio
            targets.append(
                target(
                    f"{transport}.vs_floor_plus_direct",
                    f"<= {TARGET_OVER_FLOOR_PLUS_DIRECT} x (floor + direct call)",
                    ratio["median"],
                    ratio["median"] <= TARGET_OVER_FLOOR_PLUS_DIRECT,
                )
            )
        if "sprinklr_mcp" in samples and "fastmcp" in samples:
            ratio = ratio_summary(samples["sprinklr_mcp"], samples["fastmcp"])
            result["sprinklr_mcp_over_fastmcp"] = ratio
            targets.append(
                target(
                    f"{transport}.vs_fastmcp",
                    "< 1.0 x FastMCP (faster)",
                    ratio["median"],
                    ratio["median"] < 1.0,
                )
            )
        result["targets"] = targets

    if direct is not None and any(not t["met"] for t in targets):
        result["profiles"] = {
            "direct_client": await profile_async(lambda: per_call_us(direct, count)),
            "sprinklr_mcp_server": await profile_server(
                transport, contenders, count * rounds, options
            ),
        }
    return result


async def profile_server(
    transport: str, contenders: list[Contender], calls: int, options: BenchOptions
) -> dict[str, Any]:
    """Run sprinklr-mcp under cProfile for ``calls`` tool calls and summarize it."""
    ours = next(c for c in contenders if c.name == "sprinklr_mcp")
    output = options.log_dir / f"sprinklr_mcp-{transport}.prof"
    output.unlink(missing_ok=True)
    python, command = ours.stdio_argv[0], ours.stdio_argv[3:]
    wrapper = [python, "-m", "bench.profiled_serve"]
    profiled = dataclasses.replace(
        ours,
        stdio_argv=[*wrapper, *command],
        http_argv=lambda port: [*wrapper, *ours.http_argv(port)[3:]],
        env={**ours.env, "BENCH_PROFILE_OUTPUT": str(output)},
    )
    session = stdio_session if transport == "stdio" else http_session
    async with session(profiled, options.log_dir) as client:
        await per_call_us(tool_caller(client, profiled), calls)
        server = server_process("bench.profiled_serve")
        server.send_signal(signal.SIGUSR1)
        async with asyncio.timeout(30):
            while not output.exists():
                await asyncio.sleep(0.05)
    return {"calls": calls, **profile_file_summary(output)}


async def run(options: BenchOptions) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    notes: list[str] = []
    async with project.benchmark_setup(options) as setup:
        contenders = setup.contenders(notes)
        for transport in ("stdio", "http"):
            logger.info("tool calls over %s", transport)
            figures[transport] = await measure_transport(
                transport, contenders, setup.direct_call, options
            )

    targets = [t for result in figures.values() for t in result.pop("targets")]
    return {
        "status": "ok" if not notes else "partial",
        "notes": notes,
        "figures": figures,
        "targets": targets,
    }
