"""Fixtures: the sandbox logged in through its OAuth flow, and the tool server."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from mcp.server import Server

from sprinklr_mcp.mcp_server.backend import open_sandbox_client
from sprinklr_mcp.mcp_server.server import ServerOptions, build_server
from sprinklr_mcp.mcp_server.tools import ToolSpec, load_catalog
from sprinklr_mcp.sandbox import RateLimitConfig, SandboxConfig, SandboxServer

sys.path.insert(0, str(Path(__file__).parent))

# Tests make many calls quickly; the rate-limit tests switch limits back on.
UNLIMITED = {"rate_limit_per_second": 10_000.0, "rate_limit_per_hour": 10_000_000}


def sandbox_config() -> SandboxConfig:
    return SandboxConfig(
        auto_approve=True,
        rate_limits=RateLimitConfig(per_second=None, per_hour=None),
    )


@dataclass
class Backend:
    client: Any
    sandbox: SandboxServer
    catalog: list[ToolSpec]

    def server(
        self, tools: list[ToolSpec] | None = None, **options: Any
    ) -> Server[Any]:
        return build_server(
            self.client,
            self.catalog if tools is None else tools,
            ServerOptions(**options),
        )


@pytest.fixture(scope="session")
def catalog() -> list[ToolSpec]:
    return load_catalog()


@pytest.fixture
async def backend(catalog: list[ToolSpec]) -> AsyncIterator[Backend]:
    async with open_sandbox_client(sandbox_config(), **UNLIMITED) as (client, sandbox):
        yield Backend(client, sandbox, catalog)
