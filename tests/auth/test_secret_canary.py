"""Planted secrets never reach a log record or an error message."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from sprinklr_mcp.auth import (
    LoginError,
    RefreshRejectedError,
    StoredTokens,
    TokenBroker,
    TokenEndpointError,
    TokenStore,
    login_unattended,
)
from sprinklr_mcp.auth.tokens import key_fingerprint

from .conftest import (
    API_KEY,
    API_SECRET,
    LIFETIME,
    ManualClock,
    SettingsFactory,
    Sprinklr,
)

CANARY_REFRESH = "rt-canary-5b1d0c2e"
CANARY_ACCESS = "at-canary-93ac77f1"


def records_text(caplog: pytest.LogCaptureFixture) -> str:
    # aiohttp.access is the test server's request log, not ours.
    lines = []
    for record in caplog.records:
        if record.name == "aiohttp.access":
            continue
        lines.append(record.getMessage())
        if record.exc_text:
            lines.append(record.exc_text)
    return "\n".join(lines)


@pytest.fixture
async def echoing_endpoint() -> AsyncIterator[str]:
    """A token endpoint whose error page repeats the request body."""

    async def token(request: web.Request) -> web.Response:
        posted = await request.text()
        return web.Response(
            status=502,
            text=f"<html><body>upstream failed for request {posted}</body></html>",
            content_type="text/html",
        )

    app = web.Application()
    app.router.add_post("/prod2/oauth/token", token)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def test_broker_flows_log_no_secret(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = make_settings()
    issued: list[str] = []
    errors: list[str] = []

    first = await login_unattended(settings, store, clock=clock)
    broker = TokenBroker(settings, store, clock=clock)
    clock.advance(LIFETIME + 1)
    refreshed = await broker.access_token()
    sprinklr.oauth.expire_access_tokens()
    after_401 = await broker.refresh_after_unauthorized(refreshed)
    await login_unattended(make_settings(name="elsewhere"), store, clock=clock)
    clock.advance(LIFETIME + 1)
    with pytest.raises(RefreshRejectedError) as rejected:
        await broker.access_token()
    errors.append(str(rejected.value))
    sprinklr.oauth.register_app(
        API_KEY, API_SECRET, sprinklr.redirect_uri, "prod2", auto_approve=False
    )
    with pytest.raises(LoginError) as login_failed:
        await login_unattended(settings, store, clock=clock)
    errors.append(str(login_failed.value))
    final = await store.load("test")
    assert final is not None
    issued += [first.access_token, first.refresh_token or "", refreshed, after_401]
    issued += [final.refresh_token or ""]

    text = records_text(caplog) + "\n" + "\n".join(errors)
    assert "refreshing the access token" in text
    assert API_SECRET not in text
    assert API_KEY not in text
    for token in issued:
        assert token
        assert token not in text


async def test_endpoint_echo_is_redacted(
    echoing_endpoint: str,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = make_settings(base_url=echoing_endpoint)
    expired = StoredTokens(
        access_token=CANARY_ACCESS,
        refresh_token=CANARY_REFRESH,
        token_type="Bearer",
        obtained_at=clock() - 7200,
        expires_at=clock() - 3600,
        generation=1,
        environment="prod2",
        api_key_fingerprint=key_fingerprint(settings.api_key),
    )
    await store.save("test", expired, expected_generation=0)
    broker = TokenBroker(settings, store, clock=clock)

    with pytest.raises(TokenEndpointError) as caught:
        await broker.access_token()

    text = f"{caught.value}\n{caught.value.to_dict()}\n{records_text(caplog)}"
    assert caught.value.status == 502
    assert "upstream failed" in text
    assert "[redacted]" in text
    assert API_SECRET not in text
    assert API_KEY not in text
    assert CANARY_REFRESH not in text
    assert CANARY_ACCESS not in text


def test_stored_tokens_repr_hides_tokens() -> None:
    tokens = StoredTokens(
        access_token=CANARY_ACCESS,
        refresh_token=CANARY_REFRESH,
        token_type="Bearer",
        obtained_at=0.0,
        expires_at=1.0,
        generation=1,
        environment="prod2",
        api_key_fingerprint="x",
    )

    text = f"{tokens!r} {tokens}"

    assert CANARY_ACCESS not in text
    assert CANARY_REFRESH not in text
