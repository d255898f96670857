"""Brokers in separate processes sharing one store: one refresh, no torn pair."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from sprinklr_mcp.auth import (
    FileTokenStore,
    RedisTokenStore,
    RefreshRejectedError,
    TokenBroker,
    TokenStore,
    login_unattended,
)
from sprinklr_mcp.config import ConnectionSettings
from sprinklr_mcp.sandbox.oauth import OAuthServer

from .conftest import (
    API_KEY,
    API_SECRET,
    ENVIRONMENT,
    REDIS_URL,
    build_app,
    free_port,
)

WORKER = Path(__file__).with_name("refresh_worker.py")
PROCESSES = 4
CALLS_PER_PROCESS = 100
# Bounds on waiting for the workers; they normally finish in a few seconds.
START_TIMEOUT = 60.0
RUN_TIMEOUT = 90.0


class RealTimeSprinklr:
    """An OAuth server on the wall clock, which the worker processes share."""

    def __init__(self) -> None:
        # The delay keeps the one refresh in flight while the other processes
        # queue on the store's lock, so the test exercises the lock.
        self.oauth = OAuthServer(access_token_lifetime=28_800, token_delay=0.2)
        self.redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
        self.oauth.register_app(
            API_KEY, API_SECRET, self.redirect_uri, ENVIRONMENT, auto_approve=True
        )
        self.server = TestServer(build_app(self.oauth), host="127.0.0.1", port=0)

    @property
    def base_url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")


@pytest.fixture
async def real_time_sprinklr() -> AsyncIterator[RealTimeSprinklr]:
    sprinklr = RealTimeSprinklr()
    await sprinklr.server.start_server()
    try:
        yield sprinklr
    finally:
        await sprinklr.server.close()


def settings_values(
    sprinklr: RealTimeSprinklr, data_dir: Path, **extra: Any
) -> dict[str, Any]:
    return {
        "name": "shared",
        "environment": ENVIRONMENT,
        "base_url": sprinklr.base_url,
        "api_key": API_KEY,
        "api_secret": API_SECRET,
        "redirect_uri": sprinklr.redirect_uri,
        "data_dir": str(data_dir),
        "lock_timeout": 20.0,
        **extra,
    }


def to_settings(values: dict[str, Any]) -> ConnectionSettings:
    converted = dict(values)
    converted["api_secret"] = SecretStr(values["api_secret"])
    converted["data_dir"] = Path(values["data_dir"])
    if "redis_url" in values:
        converted["redis_url"] = SecretStr(values["redis_url"])
    return ConnectionSettings(**converted)


async def log_in_expired(
    sprinklr: RealTimeSprinklr, settings: ConnectionSettings, store: TokenStore
) -> None:
    """Log in, then make the stored and the server's access token expired."""
    tokens = await login_unattended(settings, store)
    expired = replace(
        tokens,
        generation=tokens.generation + 1,
        expires_at=time.time() - 1,
    )
    assert await store.save(
        settings.name, expired, expected_generation=tokens.generation
    )
    sprinklr.oauth.expire_access_tokens()
    sprinklr.oauth.reset_counters()


async def spawn(mode: str, values: dict[str, Any]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(WORKER),
        mode,
        json.dumps(values),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def run_workers(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Start the workers, release them together and collect their summaries."""
    workers = [await spawn("calls", values) for _ in range(PROCESSES)]
    try:
        for worker in workers:
            assert worker.stdout is not None
            line = await asyncio.wait_for(worker.stdout.readline(), START_TIMEOUT)
            assert line == b"ready\n", line
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write(b"go\n")
            await worker.stdin.drain()
        outputs = await asyncio.wait_for(
            asyncio.gather(*(worker.communicate() for worker in workers)),
            RUN_TIMEOUT,
        )
    finally:
        for worker in workers:
            if worker.returncode is None:
                worker.kill()
                await worker.wait()

    summaries = []
    for worker, (stdout, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr.decode()
        summaries.append(json.loads(stdout.decode().strip().splitlines()[-1]))
    return summaries


def assert_one_refresh(
    sprinklr: RealTimeSprinklr, summaries: list[dict[str, Any]]
) -> None:
    for summary in summaries:
        assert summary["errors"] == []
        assert summary["statuses"] == {"200": CALLS_PER_PROCESS}
    assert sum(summary["token_requests"] for summary in summaries) == 1
    assert sprinklr.oauth.token_requests == {"refresh_token": 1}


async def test_four_processes_file_store_one_refresh(
    real_time_sprinklr: RealTimeSprinklr, tmp_path: Path
) -> None:
    values = settings_values(real_time_sprinklr, tmp_path, calls=CALLS_PER_PROCESS)
    settings = to_settings({k: v for k, v in values.items() if k != "calls"})
    await log_in_expired(
        real_time_sprinklr, settings, FileTokenStore(tmp_path / "tokens")
    )

    summaries = await run_workers(values)

    assert_one_refresh(real_time_sprinklr, summaries)


async def test_four_processes_redis_store_one_refresh(
    real_time_sprinklr: RealTimeSprinklr, tmp_path: Path, redis_prefix: str
) -> None:
    values = settings_values(
        real_time_sprinklr,
        tmp_path,
        calls=CALLS_PER_PROCESS,
        token_store="redis",
        redis_url=REDIS_URL,
        redis_key_prefix=redis_prefix,
    )
    settings = to_settings({k: v for k, v in values.items() if k != "calls"})
    store = RedisTokenStore(REDIS_URL, prefix=redis_prefix)
    try:
        await log_in_expired(real_time_sprinklr, settings, store)
    finally:
        await store.aclose()

    summaries = await run_workers(values)

    assert_one_refresh(real_time_sprinklr, summaries)


async def test_kill_during_write_leaves_whole_pair(
    real_time_sprinklr: RealTimeSprinklr, tmp_path: Path
) -> None:
    values = settings_values(real_time_sprinklr, tmp_path)
    settings = to_settings(values)
    store = FileTokenStore(tmp_path / "tokens")
    await log_in_expired(real_time_sprinklr, settings, store)
    before = await store.load("shared")

    worker = await spawn("kill", values)
    _, stderr = await asyncio.wait_for(worker.communicate(), RUN_TIMEOUT)

    # The worker received the new pair and died before the rename.
    assert worker.returncode == -signal.SIGKILL, stderr.decode()
    assert real_time_sprinklr.oauth.token_requests == {"refresh_token": 1}
    leftovers = list((tmp_path / "tokens").glob(".shared.json.*.tmp"))
    assert len(leftovers) == 1
    assert await store.load("shared") == before


async def test_pair_left_by_kill_needs_login(
    real_time_sprinklr: RealTimeSprinklr, tmp_path: Path
) -> None:
    values = settings_values(real_time_sprinklr, tmp_path)
    settings = to_settings(values)
    store = FileTokenStore(tmp_path / "tokens")
    await log_in_expired(real_time_sprinklr, settings, store)
    worker = await spawn("kill", values)
    await asyncio.wait_for(worker.communicate(), RUN_TIMEOUT)

    # The old pair is whole, but the server rotated it when it sent the lost
    # new pair, so its refresh token is rejected and a login is the recovery.
    broker = TokenBroker(settings, store)
    with pytest.raises(RefreshRejectedError, match="auth login shared"):
        await broker.access_token()
    await login_unattended(settings, store)
    token = await broker.access_token()

    assert real_time_sprinklr.oauth.check_bearer(token, API_KEY, ENVIRONMENT) is None
    assert list((tmp_path / "tokens").glob("*.tmp")) == []
