"""Fixtures for the broker tests: a local Sprinklr OAuth server and both stores."""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as redis_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from pydantic import SecretStr
from redis.exceptions import RedisError

from sprinklr_mcp.auth import FileTokenStore, RedisTokenStore, TokenStore
from sprinklr_mcp.config import ConnectionSettings
from sprinklr_mcp.sandbox.oauth import OAuthServer

REDIS_URL = "redis://127.0.0.1:6379/0"
ENVIRONMENT = "prod2"
API_KEY = "test-key-0123456789abcdef"
API_SECRET = "test-secret-canary-7f3e9a"
LIFETIME = 28_800


class ManualClock:
    """Epoch seconds that move only when a test moves them."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def free_port() -> int:
    """Return a port that was free a moment ago on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def build_app(oauth: OAuthServer) -> web.Application:
    """Return an app with the OAuth endpoints and ``GET /api/v2/me`` of prod2."""
    app = web.Application()
    oauth.add_routes(app, (ENVIRONMENT,))

    async def me(request: web.Request) -> web.StreamResponse:
        failure = oauth.check_request(request, ENVIRONMENT)
        if failure is not None:
            return failure.response()
        return web.json_response(
            {
                "data": {"id": 42, "name": "Sandbox User", "type": "PARTNER_ADMIN"},
                "errors": [],
            }
        )

    app.router.add_get(f"/{ENVIRONMENT}/api/v2/me", me)
    return app


@dataclass
class Sprinklr:
    """A running local Sprinklr OAuth server and its settings."""

    oauth: OAuthServer
    server: TestServer
    redirect_uri: str

    @property
    def base_url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")


@pytest.fixture
def clock() -> ManualClock:
    """The clock of the OAuth server and of the brokers under test."""
    return ManualClock(time.time())


@pytest.fixture
async def sprinklr(clock: ManualClock) -> AsyncIterator[Sprinklr]:
    """An OAuth server on 127.0.0.1 with the test app registered (auto-approve)."""
    oauth = OAuthServer(clock=clock, access_token_lifetime=LIFETIME)
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    oauth.register_app(
        API_KEY, API_SECRET, redirect_uri, ENVIRONMENT, auto_approve=True
    )
    server = TestServer(build_app(oauth), host="127.0.0.1", port=0)
    await server.start_server()
    try:
        yield Sprinklr(oauth=oauth, server=server, redirect_uri=redirect_uri)
    finally:
        await server.close()


async def redis_available() -> bool:
    client = redis_asyncio.from_url(REDIS_URL)
    try:
        return bool(await client.ping())
    except (RedisError, OSError):
        return False
    finally:
        await client.aclose()


async def require_redis() -> None:
    """Skip (or, in CI, fail) when Redis at 127.0.0.1:6379 does not respond."""
    if await redis_available():
        return
    reason = "Redis at 127.0.0.1:6379 does not respond; start redis-server"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


async def delete_keys(prefix: str) -> None:
    client = redis_asyncio.from_url(REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix of our own; every key under it is deleted afterwards."""
    await require_redis()
    prefix = f"sprinklr-mcp-test:{uuid.uuid4().hex}:"
    try:
        yield prefix
    finally:
        await delete_keys(prefix)


SettingsFactory = Callable[..., ConnectionSettings]


@pytest.fixture
def make_settings(sprinklr: Sprinklr, tmp_path: Path) -> SettingsFactory:
    """Build settings that point at the local server; keywords override."""

    def factory(**overrides: Any) -> ConnectionSettings:
        values: dict[str, Any] = {
            "name": "test",
            "environment": ENVIRONMENT,
            "base_url": sprinklr.base_url,
            "api_key": API_KEY,
            "api_secret": SecretStr(API_SECRET),
            "redirect_uri": sprinklr.redirect_uri,
            "data_dir": tmp_path / "data",
            "default_token_lifetime": 3600.0,
            "lock_timeout": 10.0,
        }
        values.update(overrides)
        return ConnectionSettings(**values)

    return factory


@pytest.fixture(params=["file", "redis"])
async def store(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[TokenStore]:
    """The same cases run on the file store and on the Redis store."""
    if request.param == "file":
        yield FileTokenStore(tmp_path / "tokens")
        return
    await require_redis()
    prefix = f"sprinklr-mcp-test:{uuid.uuid4().hex}:"
    redis_store = RedisTokenStore(REDIS_URL, prefix=prefix, lock_timeout=10.0)
    try:
        yield redis_store
    finally:
        await redis_store.aclose()
        await delete_keys(prefix)


@pytest.fixture
def file_store(tmp_path: Path) -> Iterator[FileTokenStore]:
    yield FileTokenStore(tmp_path / "tokens")
