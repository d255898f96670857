"""The token store protocol, run on the file store and on the Redis store."""

from __future__ import annotations

import asyncio
import stat
from dataclasses import replace
from pathlib import Path

import pytest
import redis.asyncio as redis_asyncio

from sprinklr_mcp.auth import (
    FileTokenStore,
    RedisTokenStore,
    StoredTokens,
    StoreLockTimeoutError,
    TokenStore,
    TokenStoreError,
)

from .conftest import REDIS_URL, require_redis


def pair(
    generation: int = 1, access: str = "at-1", refresh: str = "rt-1"
) -> StoredTokens:
    return StoredTokens(
        access_token=access,
        refresh_token=refresh,
        token_type="Bearer",
        obtained_at=1000.0,
        expires_at=4600.0,
        generation=generation,
        environment="prod2",
        api_key_fingerprint="f" * 16,
    )


async def test_load_missing_returns_none(store: TokenStore) -> None:
    assert await store.load("nobody") is None


async def test_save_then_load_round_trips(store: TokenStore) -> None:
    tokens = pair()

    written = await store.save("conn", tokens, expected_generation=0)

    assert written is True
    assert await store.load("conn") == tokens


async def test_save_rejects_stale_generation(store: TokenStore) -> None:
    await store.save("conn", pair(1), expected_generation=0)
    await store.save("conn", pair(2, "at-2", "rt-2"), expected_generation=1)

    stale_write = await store.save(
        "conn", pair(2, "at-x", "rt-x"), expected_generation=1
    )

    assert stale_write is False
    stored = await store.load("conn")
    assert stored is not None
    assert stored.access_token == "at-2"


async def test_save_on_empty_store_needs_generation_zero(store: TokenStore) -> None:
    assert await store.save("conn", pair(5), expected_generation=4) is False
    assert await store.load("conn") is None


async def test_unconditional_save_replaces_any_pair(store: TokenStore) -> None:
    await store.save("conn", pair(7), expected_generation=0)

    written = await store.save("conn", pair(8, "at-new"), expected_generation=None)

    assert written is True
    stored = await store.load("conn")
    assert stored is not None
    assert stored.access_token == "at-new"


async def test_rejected_mark_round_trips(store: TokenStore) -> None:
    marked = pair(1).marked_rejected(2000.0)

    await store.save("conn", marked, expected_generation=0)

    stored = await store.load("conn")
    assert stored is not None
    assert stored.refresh_rejected_at == 2000.0
    assert stored.generation == 2


async def test_missing_refresh_token_round_trips(store: TokenStore) -> None:
    tokens = replace(pair(), refresh_token=None)

    await store.save("conn", tokens, expected_generation=0)

    assert await store.load("conn") == tokens


async def test_delete_removes_pair(store: TokenStore) -> None:
    await store.save("conn", pair(), expected_generation=0)

    assert await store.delete("conn") is True
    assert await store.load("conn") is None
    assert await store.delete("conn") is False


async def test_connections_are_separate(store: TokenStore) -> None:
    await store.save("one", pair(1, "at-one"), expected_generation=0)
    await store.save("two", pair(1, "at-two"), expected_generation=0)

    one = await store.load("one")
    two = await store.load("two")

    assert one is not None and one.access_token == "at-one"
    assert two is not None and two.access_token == "at-two"


async def test_lock_excludes_second_holder(store: TokenStore) -> None:
    async with store.lock("conn", wait=5.0):
        with pytest.raises(StoreLockTimeoutError):
            async with store.lock("conn", wait=0.05):
                pass


async def test_lock_is_released_after_block(store: TokenStore) -> None:
    async with store.lock("conn", wait=5.0):
        pass

    async with store.lock("conn", wait=0.05):
        pass


async def test_lock_is_released_after_error(store: TokenStore) -> None:
    with pytest.raises(RuntimeError):
        async with store.lock("conn", wait=5.0):
            raise RuntimeError("boom")

    async with store.lock("conn", wait=0.05):
        pass


async def test_waiter_gets_lock_after_release(store: TokenStore) -> None:
    order: list[str] = []

    async def second() -> None:
        async with store.lock("conn", wait=10.0):
            order.append("second")

    async with store.lock("conn", wait=5.0):
        waiter = asyncio.create_task(second())
        order.append("first")
    await asyncio.wait_for(waiter, 10.0)

    assert order == ["first", "second"]


async def test_locks_of_connections_are_independent(store: TokenStore) -> None:
    async with store.lock("one", wait=5.0), store.lock("two", wait=0.05):
        pass


async def test_description_names_no_secret(store: TokenStore) -> None:
    assert "password" not in store.description
    assert store.description


# --- file store -----------------------------------------------------------------


async def test_file_store_writes_mode_0600(file_store: FileTokenStore) -> None:
    await file_store.save("conn", pair(), expected_generation=0)

    mode = stat.S_IMODE(file_store.token_path("conn").stat().st_mode)
    directory_mode = stat.S_IMODE(file_store.directory.stat().st_mode)

    assert mode == 0o600
    assert directory_mode == 0o700


async def test_file_store_keeps_0600_after_rewrite(file_store: FileTokenStore) -> None:
    await file_store.save("conn", pair(1), expected_generation=0)
    await file_store.save("conn", pair(2), expected_generation=1)

    mode = stat.S_IMODE(file_store.token_path("conn").stat().st_mode)

    assert mode == 0o600


async def test_file_store_lock_file_mode_0600(file_store: FileTokenStore) -> None:
    async with file_store.lock("conn", wait=1.0):
        pass

    lock_path = file_store.directory / "conn.lock"
    assert stat.S_IMODE(lock_path.stat().st_mode) == 0o600


async def test_file_store_failed_write_keeps_old_pair(tmp_path: Path) -> None:
    def fail(temporary: Path) -> None:
        raise OSError("disk full")

    good = FileTokenStore(tmp_path)
    await good.save("conn", pair(1, "at-old"), expected_generation=0)
    failing = FileTokenStore(tmp_path, before_replace=fail)

    with pytest.raises(OSError, match="disk full"):
        await failing.save("conn", pair(2, "at-new"), expected_generation=1)

    stored = await good.load("conn")
    assert stored is not None
    assert stored.access_token == "at-old"
    assert list(tmp_path.glob("*.tmp")) == []


async def test_file_store_removes_stale_temporary_files(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path)
    stale = tmp_path / ".conn.json.abc123.tmp"
    stale.write_text('{"access_token": "half')

    await store.save("conn", pair(), expected_generation=0)

    assert not stale.exists()
    assert await store.load("conn") == pair()


async def test_file_store_corrupt_file_raises(file_store: FileTokenStore) -> None:
    file_store.directory.mkdir(parents=True)
    file_store.token_path("conn").write_text("{not json")

    with pytest.raises(TokenStoreError, match="auth login conn"):
        await file_store.load("conn")


async def test_file_store_corrupt_file_blocks_fenced_write(
    file_store: FileTokenStore,
) -> None:
    file_store.directory.mkdir(parents=True)
    file_store.token_path("conn").write_text("{not json")

    assert await file_store.save("conn", pair(), expected_generation=0) is False
    assert await file_store.save("conn", pair(), expected_generation=None) is True


# --- Redis store --------------------------------------------------------------------


async def test_redis_lock_expires_after_timeout(redis_prefix: str) -> None:
    stalled = RedisTokenStore(REDIS_URL, prefix=redis_prefix, lock_timeout=0.2)
    other = RedisTokenStore(REDIS_URL, prefix=redis_prefix, lock_timeout=10.0)
    try:
        # The first holder stalls past its lock's timeout; the second gets
        # the lock without the first releasing it.
        async with stalled.lock("conn", wait=1.0), other.lock("conn", wait=5.0):
            pass
    finally:
        await stalled.aclose()
        await other.aclose()


async def test_redis_stalled_holder_cannot_overwrite(redis_prefix: str) -> None:
    stalled = RedisTokenStore(REDIS_URL, prefix=redis_prefix, lock_timeout=0.2)
    other = RedisTokenStore(REDIS_URL, prefix=redis_prefix, lock_timeout=10.0)
    await other.save("conn", pair(1), expected_generation=0)
    try:
        async with stalled.lock("conn", wait=1.0):
            read = await stalled.load("conn")
            assert read is not None
            async with other.lock("conn", wait=5.0):
                await other.save("conn", pair(2, "at-newer"), expected_generation=1)

            late_write = await stalled.save(
                "conn", pair(2, "at-stalled"), expected_generation=read.generation
            )
    finally:
        await stalled.aclose()
        await other.aclose()

    assert late_write is False
    check = RedisTokenStore(REDIS_URL, prefix=redis_prefix)
    try:
        stored = await check.load("conn")
    finally:
        await check.aclose()
    assert stored is not None
    assert stored.access_token == "at-newer"


async def test_redis_keys_use_prefix(redis_prefix: str) -> None:
    store = RedisTokenStore(REDIS_URL, prefix=redis_prefix)
    try:
        await store.save("conn", pair(), expected_generation=0)
    finally:
        await store.aclose()

    client = redis_asyncio.from_url(REDIS_URL)
    try:
        keys = sorted([key async for key in client.scan_iter(match=f"{redis_prefix}*")])
    finally:
        await client.aclose()
    assert keys == [f"{redis_prefix}conn:tokens".encode()]


async def test_redis_prefix_and_name_stay_apart(redis_prefix: str) -> None:
    # "team" + "a" and "" + "teama" used to join into the same key.
    team = RedisTokenStore(REDIS_URL, prefix=f"{redis_prefix}team")
    bare = RedisTokenStore(REDIS_URL, prefix=redis_prefix)
    try:
        await team.save("a", pair(access="at-team-a"), expected_generation=None)
        await bare.save("teama", pair(access="at-teama"), expected_generation=None)
        team_pair = await team.load("a")
        bare_pair = await bare.load("teama")
    finally:
        await team.aclose()
        await bare.aclose()

    assert team_pair is not None
    assert team_pair.access_token == "at-team-a"
    assert bare_pair is not None
    assert bare_pair.access_token == "at-teama"


async def test_redis_key_layout(redis_prefix: str) -> None:
    base = redis_prefix.rstrip(":")
    cases = [
        (base, "conn", f"{base}:conn:tokens"),
        (f"{base}:", "conn", f"{base}:conn:tokens"),
        (f"{base}:", "a:b c", f"{base}:a%3Ab%20c:tokens"),
    ]
    for prefix, connection, expected in cases:
        store = RedisTokenStore(REDIS_URL, prefix=prefix)
        try:
            await store.save(connection, pair(), expected_generation=None)
        finally:
            await store.aclose()

        client = redis_asyncio.from_url(REDIS_URL)
        try:
            assert await client.exists(expected) == 1, (prefix, connection)
            await client.delete(expected)
        finally:
            await client.aclose()


async def test_redis_unreachable_raises_store_error() -> None:
    await require_redis()
    # Port 1 on loopback refuses connections at once.
    store = RedisTokenStore("redis://127.0.0.1:1/0", prefix="sprinklr-mcp-test:none:")
    try:
        with pytest.raises(TokenStoreError, match="Redis"):
            await store.load("conn")
    finally:
        await store.aclose()
