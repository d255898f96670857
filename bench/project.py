"""Adapters from the benchmarks to the parts of sprinklr-mcp: client, sandbox, server.

Every benchmark goes through this module, so that a change in how a part is
started touches one file. A part that has not landed raises ``MissingPart``;
the benchmarks then measure what they can and record what they could not.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import tempfile
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import BenchOptions, MissingPart
from bench.contenders import Contender, fastmcp_contender, floor_contender
from bench.procs import PROJECT_PYTHON, started_process
from bench.venv import ensure_bench_venv

__all__ = [
    "Sandbox",
    "Setup",
    "benchmark_setup",
    "client_calls",
    "login",
    "open_client",
    "our_contender",
    "start_sandbox",
]

logger = logging.getLogger(__name__)

# The floor serves HTTP in the same mode as sprinklr-mcp's default: stateful, SSE.
FLOOR_HTTP_FLAGS: list[str] = []

CONNECTION = "bench"
REDIRECT_URI = "http://127.0.0.1:8765/oauth/callback"
RATE_PER_SECOND = 1_000_000.0
RATE_PER_HOUR = 1_000_000_000


class StaticToken:
    """A token provider that never refreshes, for servers that check no token."""

    async def access_token(self) -> str:
        return "bench-token"

    async def refresh_after_unauthorized(self, rejected: str) -> str:
        raise RuntimeError("the instant server rejected the bench token")


def connection_settings(
    base_url: str,
    environment: str,
    api_key: str,
    api_secret: str,
    data_dir: Path,
    **overrides: Any,
) -> Any:
    """Return settings for a loopback server, with the rate limiter out of the way.

    The limits stay on but far above any benchmark's rate, so their cost counts
    while they never make a call wait.
    """
    try:
        from pydantic import SecretStr

        from sprinklr_mcp.config import ConnectionSettings
    except ImportError as error:
        raise MissingPart(f"sprinklr_mcp.config is not importable: {error}") from error
    return ConnectionSettings(
        name=CONNECTION,
        environment=environment,
        base_url=base_url,
        api_key=api_key,
        api_secret=SecretStr(api_secret),
        redirect_uri=REDIRECT_URI,
        data_dir=data_dir,
        rate_limit_per_second=RATE_PER_SECOND,
        rate_limit_per_hour=RATE_PER_HOUR,
        **overrides,
    )


@contextlib.asynccontextmanager
async def open_client(base_url: str) -> AsyncIterator[Any]:
    """Yield the project's client aimed at ``base_url`` with a fixed token."""
    try:
        from sprinklr_mcp.client import SprinklrClient
    except ImportError as error:
        raise MissingPart(f"sprinklr_mcp.client is not importable: {error}") from error
    with tempfile.TemporaryDirectory(prefix="sprinklr-bench-") as data_dir:
        settings = connection_settings(
            base_url, "", "bench-key", "unused", Path(data_dir)
        )
        async with SprinklrClient(settings, token_provider=StaticToken()) as client:
            yield client


def client_calls(
    client: Any, case_id: str, message_ids: list[str]
) -> dict[str, Callable[[], Awaitable[object]]]:
    async def get_case() -> object:
        return await client.get_case_by_id(case_id)

    async def read_messages() -> object:
        return await client.get_messages_bulk(body=message_ids)

    return {"get_case_by_id": get_case, "read_multiple_messages": read_messages}


@dataclass
class Sandbox:
    """A sandbox process on 127.0.0.1 and the credentials it issued."""

    base_url: str
    environment: str
    api_key: str
    api_secret: str
    control_url: str
    data_dir: Path
    access_token: str
    case_id: str
    message_ids: list[str]

    @property
    def environment_url(self) -> str:
        """``base_url`` plus the environment segment, like the spec's server URL."""
        return (
            f"{self.base_url}/{self.environment}" if self.environment else self.base_url
        )

    def control(self, method: str, path: str) -> dict[str, Any]:
        """Call the sandbox process's control port and return its JSON response."""
        request = urllib.request.Request(self.control_url + path, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            payload: dict[str, Any] = json.load(response)
        return payload

    def settings(self, **overrides: Any) -> Any:
        return connection_settings(
            self.base_url,
            self.environment,
            self.api_key,
            self.api_secret,
            self.data_dir,
            **overrides,
        )

    def server_environment(self, **extra: str) -> dict[str, str]:
        """Return ``SPRINKLR_*`` variables that make ``serve`` use this sandbox."""
        env = {
            "SPRINKLR_CONFIG": str(self.data_dir / "no-config.toml"),
            "SPRINKLR_CONNECTION": CONNECTION,
            "SPRINKLR_ENVIRONMENT": self.environment,
            "SPRINKLR_BASE_URL": self.base_url,
            "SPRINKLR_API_KEY": self.api_key,
            "SPRINKLR_API_SECRET": self.api_secret,
            "SPRINKLR_REDIRECT_URI": REDIRECT_URI,
            "SPRINKLR_DATA_DIR": str(self.data_dir),
            "SPRINKLR_RATE_LIMIT_PER_SECOND": str(RATE_PER_SECOND),
            "SPRINKLR_RATE_LIMIT_PER_HOUR": str(RATE_PER_HOUR),
        }
        env.update(extra)
        return env


@dataclass
class Setup:
    """The servers and calls one benchmark compares, all started and ready."""

    options: BenchOptions
    sandbox: Sandbox | None = None
    ours: Contender | None = None
    fastmcp: Contender | None = None
    direct_call: Callable[[], Awaitable[Any]] | None = None
    server_marker: str = "sprinklr_mcp.cli"
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
    """Run the sandbox in its own process and log in to it once.

    Sprinklr keeps one live token pair per API key, so every contender shares
    the pair stored here instead of logging in on its own.
    """
    api_key = "bench-" + secrets.token_hex(8)
    api_secret = secrets.token_urlsafe(24)
    argv = [PROJECT_PYTHON, "-m", "bench.sandbox_process"]
    env = {"BENCH_SANDBOX_KEY": api_key, "BENCH_SANDBOX_SECRET": api_secret}
    log = options.log_dir / "sandbox.log"
    with tempfile.TemporaryDirectory(prefix="sprinklr-bench-tokens-") as data_dir:
        async with started_process(argv, env=env, port_line=True, stderr_path=log) as (
            _,
            words,
        ):
            api_port, control_port, environment = words[0], words[1], words[2]
            sandbox = Sandbox(
                base_url=f"http://127.0.0.1:{api_port}",
                environment=environment,
                api_key=api_key,
                api_secret=api_secret,
                control_url=f"http://127.0.0.1:{control_port}",
                data_dir=Path(data_dir),
                access_token="",
                case_id="",
                message_ids=[],
            )
            seed = await asyncio.to_thread(sandbox.control, "GET", "/seed")
            sandbox.case_id = seed["case_id"]
            sandbox.message_ids = seed["message_ids"]

            sandbox.access_token = await login(sandbox)
            yield sandbox


async def login(sandbox: Sandbox, **overrides: Any) -> str:
    """Log in to ``sandbox`` into the store that ``overrides`` select; return the token.

    Logging in again mints a new pair, which ends the previous one.
    """
    try:
        from sprinklr_mcp.auth.broker import TokenBroker
        from sprinklr_mcp.auth.login import login_unattended
    except ImportError as error:
        raise MissingPart(f"the token broker is not importable: {error}") from error

    settings = sandbox.settings(**overrides)
    async with TokenBroker(settings) as broker:
        tokens = await login_unattended(settings, broker.store)
    access_token: str = tokens.access_token
    return access_token


def our_contender(sandbox: Sandbox, options: BenchOptions) -> Contender:
    """Describe ``sprinklr-mcp serve`` with every tool, against ``sandbox``."""
    try:
        import sprinklr_generated.catalog  # noqa: F401
        import sprinklr_mcp.mcp_server.cli  # noqa: F401
    except ImportError as error:
        raise MissingPart(f"the MCP server is not importable: {error}") from error

    base = [
        PROJECT_PYTHON,
        "-m",
        "sprinklr_mcp.cli",
        "serve",
        "--connection",
        CONNECTION,
    ]
    return Contender(
        name="sprinklr_mcp",
        stdio_argv=base,
        http_argv=lambda port: [*base, "--http", "--port", str(port)],
        tool="get_case_by_id",
        arguments={"caseId": sandbox.case_id},
        env=sandbox.server_environment(),
    )


@contextlib.asynccontextmanager
async def direct_client(
    sandbox: Sandbox,
) -> AsyncIterator[Callable[[], Awaitable[Any]]]:
    """Yield one ``get_case_by_id`` call of the project's client against ``sandbox``."""
    try:
        from sprinklr_mcp.auth.broker import TokenBroker
        from sprinklr_mcp.client import SprinklrClient
    except ImportError as error:
        raise MissingPart(f"sprinklr_mcp.client is not importable: {error}") from error

    settings = sandbox.settings()
    async with (
        TokenBroker(settings) as broker,
        SprinklrClient(settings, token_provider=broker) as client,
    ):

        async def call() -> Any:
            return await client.get_case_by_id(sandbox.case_id)

        yield call


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
            # Port 9 (discard) replaces a missing sandbox, because nothing calls it.
            sandbox_or_none = setup.sandbox
            setup.fastmcp = fastmcp_contender(
                sandbox_or_none.environment_url
                if sandbox_or_none
                else "http://127.0.0.1:9",
                sandbox_or_none.access_token if sandbox_or_none else "none",
                sandbox_or_none.api_key if sandbox_or_none else "none",
                "getCaseById",
                {"caseId": sandbox_or_none.case_id if sandbox_or_none else ""},
            )
        else:
            setup.problems.append("FastMCP left out (--without-fastmcp)")
        yield setup
