"""Open the Sprinklr client that the tools call: a configured connection or the sandbox.

With the sandbox, the embedded Sprinklr runs in this process on a free
loopback port and the token broker logs in to it through the sandbox's real
OAuth endpoints, so tool calls take the same path as against Sprinklr.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from sprinklr_mcp.auth.broker import TokenBroker
from sprinklr_mcp.auth.login import login_unattended
from sprinklr_mcp.client import SprinklrClient
from sprinklr_mcp.config import (
    ConnectionSettings,
    is_connection_configured,
    load_connection,
)
from sprinklr_mcp.sandbox import RateLimitConfig, SandboxConfig, SandboxServer

__all__ = [
    "SANDBOX_CONNECTION",
    "Backend",
    "BackendOptions",
    "open_backend",
    "open_sandbox_client",
]

logger = logging.getLogger(__name__)

SANDBOX_CONNECTION = "sandbox"
_SANDBOX_REDIRECT_URI = "http://127.0.0.1:8765/oauth/callback"


@dataclass(frozen=True, slots=True)
class BackendOptions:
    """Choice of backend: the sandbox, a named connection, or the active one."""

    sandbox: bool = False
    connection: str | None = None


@dataclass(frozen=True, slots=True)
class Backend:
    """An open client and a description of where it sends requests."""

    operations: Any
    description: str


def use_sandbox(options: BackendOptions) -> bool:
    """Return whether to run the sandbox: asked for, or nothing is configured."""
    if options.sandbox:
        return True
    return options.connection is None and not is_connection_configured()


@asynccontextmanager
async def open_sandbox_client(
    config: SandboxConfig | None = None, **settings: Any
) -> AsyncIterator[tuple[SprinklrClient, SandboxServer]]:
    """Start the sandbox, log in through its OAuth flow and yield (client, sandbox).

    ``settings`` are extra ``ConnectionSettings`` fields, such as rate limits.
    Tokens live in a temporary directory that is removed on exit, because the
    sandbox discards them when it stops.
    """
    # NOTE: the sandbox's own rate limiter is off because the client-side
    # limiter (10 calls per second by default) and the sandbox's window count
    # differently, so bursts near the limit were rejected at random.
    config = config or SandboxConfig(
        auto_approve=True,
        redirect_uri=_SANDBOX_REDIRECT_URI,
        rate_limits=RateLimitConfig(per_second=None, per_hour=None),
    )
    async with AsyncExitStack() as stack:
        sandbox = await stack.enter_async_context(SandboxServer(config))
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        connection = ConnectionSettings(
            name=SANDBOX_CONNECTION,
            environment=sandbox.environment,
            base_url=sandbox.url,
            api_key=sandbox.api_key,
            api_secret=SecretStr(sandbox.api_secret),
            redirect_uri=config.redirect_uri,
            data_dir=data_dir,
            **settings,
        )
        broker = await stack.enter_async_context(TokenBroker(connection))
        await login_unattended(connection, broker.store)
        client = await stack.enter_async_context(
            SprinklrClient(connection, token_provider=broker)
        )
        logger.info("logged in to the Sprinklr sandbox at %s", sandbox.url)
        yield client, sandbox


@asynccontextmanager
async def open_backend(options: BackendOptions) -> AsyncIterator[Backend]:
    """Open the client that ``options`` select, closing everything on exit."""
    if use_sandbox(options):
        if not options.sandbox:
            logger.warning(
                "no Sprinklr connection is configured, so the embedded sandbox "
                "serves the tools; configure a connection to reach Sprinklr"
            )
        async with open_sandbox_client() as (client, sandbox):
            yield Backend(client, f"the Sprinklr sandbox at {sandbox.url}")
        return

    settings = load_connection(options.connection)
    async with (
        TokenBroker(settings) as broker,
        SprinklrClient(settings, token_provider=broker) as client,
    ):
        yield Backend(
            client,
            f"connection {settings.name!r} ({settings.environment_label}, "
            f"{settings.origin})",
        )
