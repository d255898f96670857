"""The token broker against a real OAuth server and real stores."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import aiohttp
import pytest

from sprinklr_mcp.auth import (
    LoginRequiredError,
    RefreshRejectedError,
    StoredTokens,
    TokenBroker,
    TokenEndpointError,
    TokenProvider,
    TokenStore,
    login_unattended,
)

from .conftest import API_KEY, LIFETIME, ManualClock, SettingsFactory, Sprinklr


async def log_in(
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
    **overrides: object,
) -> TokenBroker:
    settings = make_settings(**overrides)
    await login_unattended(settings, store, clock=clock)
    return TokenBroker(settings, store, clock=clock)


async def stored(broker: TokenBroker) -> StoredTokens:
    tokens = await broker.store.load(broker.settings.name)
    assert tokens is not None
    return tokens


def accepted(sprinklr: Sprinklr, token: str) -> bool:
    return sprinklr.oauth.check_bearer(token, API_KEY, "prod2") is None


async def test_broker_is_a_token_provider(
    make_settings: SettingsFactory, store: TokenStore
) -> None:
    broker = TokenBroker(make_settings(), store)

    assert isinstance(broker, TokenProvider)


async def test_fresh_token_needs_no_request(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    broker = await log_in(make_settings, store, clock)
    sprinklr.oauth.reset_counters()

    token = await broker.access_token()

    assert token == (await stored(broker)).access_token
    assert accepted(sprinklr, token)
    assert sprinklr.oauth.token_request_count == 0


async def test_expired_token_is_refreshed_once(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    broker = await log_in(make_settings, store, clock)
    before = await stored(broker)
    sprinklr.oauth.reset_counters()
    clock.advance(LIFETIME + 1)

    token = await broker.access_token()
    again = await broker.access_token()

    after = await stored(broker)
    assert token == again
    assert token != before.access_token
    assert accepted(sprinklr, token)
    assert sprinklr.oauth.token_requests == {"refresh_token": 1}
    assert after.access_token == token
    assert after.generation == before.generation + 1
    assert after.refresh_token != before.refresh_token


async def test_refresh_starts_within_leeway(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    broker = await log_in(make_settings, store, clock, refresh_leeway=300.0)
    first = await broker.access_token()
    sprinklr.oauth.reset_counters()

    clock.advance(LIFETIME - 301)
    assert await broker.access_token() == first
    clock.advance(2)
    refreshed = await broker.access_token()

    assert refreshed != first
    assert sprinklr.oauth.token_request_count == 1


async def test_leeway_is_at_most_half_lifetime(
    make_settings: SettingsFactory, store: TokenStore, clock: ManualClock
) -> None:
    broker = TokenBroker(make_settings(refresh_leeway=300.0), store, clock=clock)
    short = StoredTokens(
        access_token="a",
        refresh_token="r",
        token_type="Bearer",
        obtained_at=clock(),
        expires_at=clock() + 60,
        generation=1,
        environment="prod2",
        api_key_fingerprint="x",
    )

    assert broker.needs_refresh(short) is False
    clock.advance(30)
    assert broker.needs_refresh(short) is True


async def test_500_concurrent_calls_one_refresh(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    broker = await log_in(make_settings, store, clock)
    await broker.access_token()
    sprinklr.oauth.reset_counters()
    sprinklr.oauth.token_delay = 0.05
    clock.advance(LIFETIME + 1)

    tokens = await asyncio.gather(*(broker.access_token() for _ in range(500)))

    assert sprinklr.oauth.token_requests == {"refresh_token": 1}
    assert broker.token_requests == 1
    assert len(set(tokens)) == 1
    assert accepted(sprinklr, tokens[0])


async def test_first_use_loads_from_store_once(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    await log_in(make_settings, store, clock)
    broker = TokenBroker(make_settings(), store, clock=clock)
    sprinklr.oauth.reset_counters()

    tokens = await asyncio.gather(*(broker.access_token() for _ in range(50)))

    assert len(set(tokens)) == 1
    assert sprinklr.oauth.token_request_count == 0


async def test_unauthorized_with_current_token_refreshes(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    broker = await log_in(make_settings, store, clock)
    token = await broker.access_token()
    sprinklr.oauth.expire_access_tokens()
    sprinklr.oauth.reset_counters()

    retry_token = await broker.refresh_after_unauthorized(token)

    assert retry_token != token
    assert accepted(sprinklr, retry_token)
    assert sprinklr.oauth.token_request_count == 1


async def test_unauthorized_with_old_token_skips_refresh(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    broker = await log_in(make_settings, store, clock)
    old = await broker.access_token()
    sprinklr.oauth.expire_access_tokens()
    new = await broker.refresh_after_unauthorized(old)
    sprinklr.oauth.reset_counters()

    # A call that was sent with the old token fails after the refresh.
    retry_token = await broker.refresh_after_unauthorized(old)

    assert retry_token == new
    assert sprinklr.oauth.token_request_count == 0


async def test_many_unauthorized_calls_one_refresh(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    broker = await log_in(make_settings, store, clock)
    token = await broker.access_token()
    sprinklr.oauth.expire_access_tokens()
    sprinklr.oauth.reset_counters()
    sprinklr.oauth.token_delay = 0.05

    retry_tokens = await asyncio.gather(
        *(broker.refresh_after_unauthorized(token) for _ in range(200))
    )

    assert len(set(retry_tokens)) == 1
    assert sprinklr.oauth.token_request_count == 1


async def test_unauthorized_rereads_store_first(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    # Two brokers on one store stand for two processes.
    first = await log_in(make_settings, store, clock)
    second = TokenBroker(make_settings(), store, clock=clock)
    shared = await first.access_token()
    assert await second.access_token() == shared
    sprinklr.oauth.expire_access_tokens()
    refreshed = await first.refresh_after_unauthorized(shared)
    sprinklr.oauth.reset_counters()

    retry_token = await second.refresh_after_unauthorized(shared)

    assert retry_token == refreshed
    assert sprinklr.oauth.token_request_count == 0


async def test_two_brokers_expiry_one_refresh(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    first = await log_in(make_settings, store, clock)
    second = TokenBroker(make_settings(), store, clock=clock)
    await first.access_token()
    await second.access_token()
    sprinklr.oauth.reset_counters()
    sprinklr.oauth.token_delay = 0.05
    clock.advance(LIFETIME + 1)

    tokens = await asyncio.gather(
        *(broker.access_token() for broker in (first, second) for _ in range(100))
    )

    assert len(set(tokens)) == 1
    assert sprinklr.oauth.token_requests == {"refresh_token": 1}


async def test_rotation_never_reuses_refresh_token(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    first = await log_in(make_settings, store, clock)
    second = TokenBroker(make_settings(), store, clock=clock)
    seen_refresh_tokens = {(await stored(first)).refresh_token}
    sprinklr.oauth.reset_counters()

    for round_number in range(6):
        clock.advance(LIFETIME + 1)
        broker = first if round_number % 2 == 0 else second
        await broker.access_token()
        seen_refresh_tokens.add((await stored(broker)).refresh_token)

    # Each round spent the previous refresh token exactly once; a reused
    # one would have been rejected by the server.
    assert sprinklr.oauth.token_requests == {"refresh_token": 6}
    assert len(seen_refresh_tokens) == 7


async def test_server_rejects_reused_refresh_token(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    broker = await log_in(make_settings, store, clock)
    spent = (await stored(broker)).refresh_token
    assert spent is not None
    clock.advance(LIFETIME + 1)
    await broker.access_token()
    settings = broker.settings

    async with aiohttp.ClientSession() as session:
        response = await session.post(
            settings.oauth_token_url,
            data={
                "grant_type": "refresh_token",
                "refresh_token": spent,
                "client_id": settings.api_key,
                "client_secret": settings.api_secret.get_secret_value(),
                "redirect_uri": settings.redirect_uri,
            },
        )
        body = await response.json()

    assert response.status == 400
    assert body["error"] == "invalid_grant"


async def test_rejected_refresh_raises_login_error(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    broker = await log_in(make_settings, store, clock)
    stale = await stored(broker)
    # A login elsewhere with the same key replaces the pair at the server.
    other_store_settings = make_settings(name="elsewhere")
    await login_unattended(other_store_settings, store, clock=clock)
    clock.advance(LIFETIME + 1)
    sprinklr.oauth.reset_counters()

    with pytest.raises(RefreshRejectedError) as caught:
        await broker.access_token()

    message = str(caught.value)
    assert "'test'" in message
    assert "sprinklr-mcp auth login test" in message
    assert caught.value.login_command == "sprinklr-mcp auth login test"
    kept = await stored(broker)
    assert kept.refresh_token == stale.refresh_token
    assert kept.refresh_rejected_at is not None
    assert sprinklr.oauth.token_request_count == 1


async def test_rejected_refresh_is_not_retried(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    broker = await log_in(make_settings, store, clock)
    await login_unattended(make_settings(name="elsewhere"), store, clock=clock)
    clock.advance(LIFETIME + 1)
    with pytest.raises(RefreshRejectedError):
        await broker.access_token()
    sprinklr.oauth.reset_counters()
    other_process = TokenBroker(make_settings(), store, clock=clock)

    for caller in (broker, other_process):
        with pytest.raises(RefreshRejectedError, match="auth login test"):
            await caller.access_token()

    assert sprinklr.oauth.token_request_count == 0


async def test_login_clears_rejected_mark(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    broker = await log_in(make_settings, store, clock)
    await login_unattended(make_settings(name="elsewhere"), store, clock=clock)
    clock.advance(LIFETIME + 1)
    with pytest.raises(RefreshRejectedError):
        await broker.access_token()

    await login_unattended(broker.settings, store, clock=clock)
    token = await broker.access_token()

    assert accepted(sprinklr, token)


async def test_no_stored_tokens_asks_for_login(
    make_settings: SettingsFactory, store: TokenStore
) -> None:
    broker = TokenBroker(make_settings(), store)

    with pytest.raises(LoginRequiredError) as caught:
        await broker.access_token()

    assert not isinstance(caught.value, RefreshRejectedError)
    assert "run `sprinklr-mcp auth login test`" in str(caught.value)


async def test_tokens_of_other_key_ask_for_login(
    make_settings: SettingsFactory, store: TokenStore, clock: ManualClock
) -> None:
    await log_in(make_settings, store, clock)
    broker = TokenBroker(make_settings(api_key="another-key-0000"), store, clock=clock)

    with pytest.raises(LoginRequiredError, match="another API key"):
        await broker.access_token()


async def test_tokens_of_other_environment_ask_for_login(
    make_settings: SettingsFactory, store: TokenStore, clock: ManualClock
) -> None:
    await log_in(make_settings, store, clock)
    broker = TokenBroker(make_settings(environment="prod0"), store, clock=clock)

    with pytest.raises(LoginRequiredError, match="environment 'prod2'"):
        await broker.access_token()


async def test_no_refresh_token_asks_for_login_at_expiry(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    sprinklr.oauth.omit_refresh_token = True
    broker = await log_in(make_settings, store, clock)
    assert (await stored(broker)).refresh_token is None
    await broker.access_token()
    clock.advance(LIFETIME + 1)

    with pytest.raises(LoginRequiredError, match="no refresh token"):
        await broker.access_token()


async def test_newer_pair_in_store_is_kept(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    broker = await log_in(make_settings, store, clock)
    before = await stored(broker)
    newer = replace(
        before, access_token="written-meanwhile", generation=before.generation + 5
    )
    sprinklr.oauth.token_delay = 0.2
    clock.advance(LIFETIME + 1)

    async def write_during_refresh() -> None:
        while sprinklr.oauth.token_request_count == 0:
            await asyncio.sleep(0.005)
        # A writer whose lock ran out, or a login, stores a newer generation.
        await store.save(
            "test", replace(newer, expires_at=clock() + 999), expected_generation=None
        )

    writer = asyncio.create_task(write_during_refresh())
    token = await asyncio.wait_for(broker.access_token(), 10)
    await writer

    assert token == "written-meanwhile"
    assert (await stored(broker)).access_token == "written-meanwhile"


async def test_cancelled_caller_does_not_cancel_refresh(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    broker = await log_in(make_settings, store, clock)
    await broker.access_token()
    sprinklr.oauth.token_delay = 0.1
    sprinklr.oauth.reset_counters()
    clock.advance(LIFETIME + 1)

    impatient = asyncio.create_task(broker.access_token())
    patient = asyncio.create_task(broker.access_token())
    while sprinklr.oauth.token_request_count == 0:
        await asyncio.sleep(0.005)
    impatient.cancel()
    token = await asyncio.wait_for(patient, 10)

    assert impatient.cancelled()
    assert accepted(sprinklr, token)
    assert sprinklr.oauth.token_request_count == 1


async def test_endpoint_failure_keeps_pair_for_retry(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    broker = await log_in(make_settings, store, clock)
    before = await stored(broker)
    sprinklr.oauth.fail_next_token_requests("server_error")
    clock.advance(LIFETIME + 1)

    with pytest.raises(TokenEndpointError) as caught:
        await broker.access_token()
    unchanged = await stored(broker)
    token = await broker.access_token()

    assert caught.value.status == 500
    assert caught.value.retryable is True
    assert unchanged == before
    assert accepted(sprinklr, token)


async def test_owned_store_is_closed(make_settings: SettingsFactory) -> None:
    async with TokenBroker(make_settings()) as broker:
        assert broker.store.description.startswith("file store")
