"""Item 6: the access token expires under 1,000 concurrent tool calls.

Two scenarios, each against a fresh sandbox process: one sprinklr-mcp HTTP
server with the file token store, and three servers sharing one Redis token
store. The calls start, the sandbox expires the live access token once 10% of
them have finished, and the rest meet 401 and need the refreshed token. The
target: the sandbox counts exactly one token request, and no call fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import secrets
from typing import Any

from mcp import Client

from bench import project
from bench.common import BenchOptions, MissingPart, target
from bench.contenders import http_server

__all__ = ["run"]

logger = logging.getLogger(__name__)

REDIS_URL = "redis://127.0.0.1:6379/0"
CLIENTS_PER_SERVER = 4
# How long the sandbox delays each token request, in seconds, so that the
# refreshes of many callers overlap as they would against a remote Sprinklr.
TOKEN_DELAY = 0.2


async def redis_available() -> str | None:
    """Return why Redis cannot be used, or None when it replies to PING."""
    try:
        import redis.asyncio as redis_asyncio
    except ImportError as error:
        return f"redis-py is not installed: {error}"
    client = redis_asyncio.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as error:
        return f"Redis at {REDIS_URL} did not reply: {error}"
    finally:
        await client.aclose()
    return None


async def delete_prefix(prefix: str) -> int:
    import redis.asyncio as redis_asyncio

    client = redis_asyncio.from_url(REDIS_URL)
    deleted = 0
    try:
        async for key in client.scan_iter(match=f"{prefix}*"):
            deleted += await client.delete(key)
    finally:
        await client.aclose()
    return deleted


async def burst(
    clients: list[Client],
    tool: str,
    arguments: dict[str, Any],
    calls: int,
    expire: Any,
) -> dict[str, Any]:
    """Make ``calls`` concurrent tool calls spread over ``clients``; expire midway."""
    finished = 0
    tenth_done = asyncio.Event()
    failures: list[str] = []

    async def one(index: int) -> None:
        nonlocal finished
        client = clients[index % len(clients)]
        try:
            result = await client.call_tool(tool, arguments)
        except Exception as error:
            failures.append(f"{type(error).__name__}: {error}")
        else:
            if result.is_error:
                text = " ".join(getattr(part, "text", "") for part in result.content)
                failures.append(text[:300])
        finished += 1
        if finished >= calls // 10:
            tenth_done.set()

    async with asyncio.TaskGroup() as group:
        for index in range(calls):
            group.create_task(one(index))
        await tenth_done.wait()
        expired = await asyncio.to_thread(expire)
        in_flight = calls - finished

    return {
        "calls": calls,
        "expired_after_finished": calls - in_flight,
        "expired_tokens": expired.get("expired"),
        "failed_calls": len(failures),
        "first_failures": failures[:5],
    }


async def scenario(
    options: BenchOptions, servers: int, redis_prefix: str | None
) -> dict[str, Any]:
    calls = options.count(full=1000, quick=100)
    async with project.start_sandbox(options) as sandbox:
        overrides: dict[str, str] = {}
        if redis_prefix is not None:
            overrides = {
                "SPRINKLR_TOKEN_STORE": "redis",
                "SPRINKLR_REDIS_URL": REDIS_URL,
                "SPRINKLR_REDIS_KEY_PREFIX": redis_prefix,
            }
            await project.login(
                sandbox, token_store="redis", redis_key_prefix=redis_prefix
            )
        contender = dataclasses.replace(
            project.our_contender(sandbox, options),
            env=sandbox.server_environment(**overrides),
        )

        async with contextlib.AsyncExitStack() as stack:
            clients: list[Client] = []
            for _ in range(servers):
                url = await stack.enter_async_context(
                    http_server(contender, options.log_dir)
                )
                for _ in range(CLIENTS_PER_SERVER):
                    client = await stack.enter_async_context(
                        Client(url, read_timeout_seconds=120)
                    )
                    clients.append(client)
            for client in clients:
                warm = await client.call_tool(contender.tool, contender.arguments)
                if warm.is_error:
                    raise RuntimeError(f"warm-up call failed: {warm.content}")

            await asyncio.to_thread(
                sandbox.control, "POST", f"/token-delay?seconds={TOKEN_DELAY}"
            )
            await asyncio.to_thread(sandbox.control, "POST", "/reset")
            result = await burst(
                clients,
                contender.tool,
                contender.arguments,
                calls,
                lambda: sandbox.control("POST", "/expire"),
            )
            counters = await asyncio.to_thread(sandbox.control, "GET", "/counters")

    result.update(
        servers=servers,
        token_store="redis" if redis_prefix else "file",
        token_requests=counters["token_requests"],
        token_requests_by_grant=counters["token_requests_by_grant"],
        api_calls_seen_by_sandbox=counters["api_calls"],
        token_delay_seconds=TOKEN_DELAY,
    )
    return result


async def run(options: BenchOptions) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    notes: list[str] = []

    logger.info("refresh under load: one server")
    figures["one_process"] = await scenario(options, servers=1, redis_prefix=None)

    problem = await redis_available()
    if problem:
        notes.append(f"three processes not run: {problem}")
    else:
        prefix = f"sprinklr-mcp-bench:{secrets.token_hex(6)}:"
        try:
            logger.info("refresh under load: three servers sharing Redis")
            figures["three_processes_redis"] = await scenario(
                options, servers=3, redis_prefix=prefix
            )
        finally:
            figures.setdefault("three_processes_redis", {})[
                "redis_keys_deleted"
            ] = await delete_prefix(prefix)

    targets = []
    for name, value in figures.items():
        if "token_requests" not in value:
            continue
        targets.append(
            target(
                f"{name}.token_requests",
                "exactly 1",
                value["token_requests"],
                value["token_requests"] == 1,
            )
        )
        targets.append(
            target(
                f"{name}.failed_calls",
                "0",
                value["failed_calls"],
                value["failed_calls"] == 0,
            )
        )
    if not targets:
        raise MissingPart("; ".join(notes) or "no refresh scenario ran")
    return {
        "status": "ok" if not notes else "partial",
        "notes": notes,
        "figures": figures,
        "targets": targets,
    }
