"""Fixtures: the sandbox logged in through its OAuth flow, and the tool catalog."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from mcp_support import UNLIMITED, Backend, sandbox_config

from sprinklr_mcp.mcp_server.backend import open_sandbox_client
from sprinklr_mcp.mcp_server.tools import ToolSpec, load_catalog


@pytest.fixture(scope="session")
def catalog() -> list[ToolSpec]:
    return load_catalog()


@pytest.fixture
async def backend(catalog: list[ToolSpec]) -> AsyncIterator[Backend]:
    async with open_sandbox_client(sandbox_config(), **UNLIMITED) as (client, sandbox):
        yield Backend(client, sandbox, catalog)
