"""Fixtures: a running sandbox and a logged-in HTTP session that calls it."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from sprinklr_mcp.sandbox import SandboxServer

sys.path.insert(0, str(Path(__file__).parent))

from sandbox_helpers import Api, make_config


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with SandboxServer(make_config()) as running:
        yield running


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
async def api(sandbox: SandboxServer, session: aiohttp.ClientSession) -> Api:
    logged_in = Api(sandbox, session)
    await logged_in.login()
    return logged_in
