"""How the benchmarks reach the parts of sprinklr-mcp: client, sandbox and server.

Every benchmark goes through this module, so that a change in how a part is
started touches one file. A part that has not landed raises ``MissingPart``;
the benchmarks then measure what they can and record what they could not.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from bench.common import BenchOptions, MissingPart
from bench.contenders import Contender, fastmcp_contender, floor_contender
from bench.venv import ensure_bench_venv

__all__ = ["Setup", "benchmark_setup", "client_calls", "open_client"]

logger = logging.getLogger(__name__)

# The floor serves HTTP in the same mode as sprinklr-mcp's default.
FLOOR_HTTP_FLAGS: list[str] = []


def open_client(base_url: str) -> AbstractAsyncContextManager[Any]:
    """Return the project's client, unopened, aimed at ``base_url``, fixed token."""
    try:
        from sprinklr_mcp.client import SprinklrClient  # noqa: F401
    except ImportError as error:
        raise MissingPart(
            f"sprinklr_mcp.client is not importable yet: {error}"
        ) from error
    raise MissingPart("SprinklrClient landed; bench.project.open_client needs wiring")


def client_calls(
    client: Any, case_id: str, message_ids: list[str]
) -> dict[str, Callable[[], Awaitable[object]]]:
    async def get_case() -> object:
        return await client.get_case_by_id(case_id)

    async def read_messages() -> object:
        return await client.read_multiple_messages(message_ids)

    return {"get_case_by_id": get_case, "read_multiple_messages": read_messages}


@dataclass
class Sandbox:
    """A sandbox process on 127.0.0.1 and the credentials it issued."""

    base_url: str
    api_key: str
    access_token: str
    case_id: str
    message_ids: list[str]


@dataclass
class Setup:
    """The servers and calls one benchmark compares, all started and ready."""

    options: BenchOptions
    sandbox: Sandbox | None = None
    ours: Contender | None = None
    fastmcp: Contender | None = None
    direct_call: Callable[[], Awaitable[Any]] | None = None
    server_marker: str = "sprinklr_mcp"
    problems: list[str] = field(default_factory=list)

    def contenders(self, notes: list[str], *, calls: bool = True) -> list[Contender]:
        """Return the contenders that can run; add why others cannot to ``notes``.

        With ``calls`` false, a FastMCP server with no sandbox behind it counts,
        because listing its tools sends nothing upstream.
        """
        notes.extend(self.problems)
        found = [floor_contender(FLOOR_HTTP_FLAGS)]
        if self.ours:
            found.append(self.ours)
        if self.fastmcp and (self.sandbox is not None or not calls):
            found.append(self.fastmcp)
        return found


@contextlib.asynccontextmanager
async def start_sandbox(options: BenchOptions) -> AsyncIterator[Sandbox]:
    raise MissingPart("the sandbox cannot be started as a process yet")
    yield  # pragma: no cover


def our_contender(sandbox: Sandbox, options: BenchOptions) -> Contender:
    raise MissingPart("the sprinklr-mcp server cannot be started yet")


@contextlib.asynccontextmanager
async def direct_client(
    sandbox: Sandbox,
) -> AsyncIterator[Callable[[], Awaitable[Any]]]:
    raise MissingPart("the client cannot reach the sandbox yet")
    yield  # pragma: no cover


@contextlib.asynccontextmanager
async def benchmark_setup(options: BenchOptions) -> AsyncIterator[Setup]:
    """Start the sandbox and describe every contender that can run against it."""
    setup = Setup(options)
    async with contextlib.AsyncExitStack() as stack:
        try:
            setup.sandbox = await stack.enter_async_context(start_sandbox(options))
        except MissingPart as error:
            setup.problems.append(str(error))
        if setup.sandbox is not None:
            sandbox = setup.sandbox
            try:
                setup.ours = our_contender(sandbox, options)
            except MissingPart as error:
                setup.problems.append(str(error))
            try:
                setup.direct_call = await stack.enter_async_context(
                    direct_client(sandbox)
                )
            except MissingPart as error:
                setup.problems.append(str(error))
        if options.with_fastmcp:
            await asyncio.to_thread(ensure_bench_venv)
            # Port 9 (discard) stands in when no sandbox runs; nothing calls it.
            sandbox_or_none = setup.sandbox
            setup.fastmcp = fastmcp_contender(
                sandbox_or_none.base_url if sandbox_or_none else "http://127.0.0.1:9",
                sandbox_or_none.access_token if sandbox_or_none else "none",
                sandbox_or_none.api_key if sandbox_or_none else "none",
                "getCaseById",
                {"caseId": sandbox_or_none.case_id if sandbox_or_none else ""},
            )
        else:
            setup.problems.append("FastMCP left out (--without-fastmcp)")
        yield setup
