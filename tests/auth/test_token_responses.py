"""Token-endpoint responses in every shape Sprinklr has been seen to send."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sprinklr_mcp.auth import (
    RefreshRejectedError,
    TokenBroker,
    TokenEndpointError,
    TokenStore,
    login_unattended,
)
from sprinklr_mcp.auth.tokens import parse_expires_in, parse_token_response
from sprinklr_mcp.sandbox.oauth import ExpiresInStyle

from .conftest import API_KEY, LIFETIME, ManualClock, SettingsFactory, Sprinklr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (28799, 28799.0),
        ("28799", 28799.0),
        (" 2591999 ", 2591999.0),
        (3600.5, 3600.5),
        (None, None),
        ("", None),
        ("soon", None),
        (0, None),
        (-5, None),
        ("-5", None),
        (True, None),
        ([3600], None),
        ("nan", None),
    ],
)
def test_parse_expires_in(value: Any, expected: float | None) -> None:
    assert parse_expires_in(value) == expected


@pytest.mark.parametrize(
    ("style", "lifetime"),
    [("int", float(LIFETIME)), ("string", float(LIFETIME)), ("missing", 3600.0)],
)
async def test_expires_in_styles_set_expiry(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
    style: ExpiresInStyle,
    lifetime: float,
) -> None:
    sprinklr.oauth.expires_in_style = style
    settings = make_settings(default_token_lifetime=3600.0)

    tokens = await login_unattended(settings, store, clock=clock)

    assert tokens.lifetime == lifetime
    assert tokens.expires_at == clock() + lifetime


async def test_missing_expires_in_refreshes_early(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    sprinklr.oauth.expires_in_style = "missing"
    settings = make_settings(default_token_lifetime=3600.0, refresh_leeway=300.0)
    await login_unattended(settings, store, clock=clock)
    broker = TokenBroker(settings, store, clock=clock)
    sprinklr.oauth.reset_counters()

    # The server's token lives 8 hours, but without expires_in the broker
    # assumes one hour and refreshes before that.
    clock.advance(3600 - 299)
    await broker.access_token()

    assert sprinklr.oauth.token_request_count == 1


async def test_missing_refresh_token_keeps_stored_one(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    settings = make_settings()
    first = await login_unattended(settings, store, clock=clock)
    broker = TokenBroker(settings, store, clock=clock)
    sprinklr.oauth.omit_refresh_token = True
    clock.advance(LIFETIME + 1)

    await broker.access_token()
    after_first_refresh = await store.load("test")
    clock.advance(LIFETIME + 1)
    token = await broker.access_token()

    assert after_first_refresh is not None
    assert after_first_refresh.refresh_token == first.refresh_token
    assert after_first_refresh.access_token != first.access_token
    assert sprinklr.oauth.check_bearer(token, API_KEY, "prod2") is None


async def test_ok_status_with_error_field_fails(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    settings = make_settings()
    before = await login_unattended(settings, store, clock=clock)
    broker = TokenBroker(settings, store, clock=clock)
    sprinklr.oauth.fail_next_token_requests("error_field")
    clock.advance(LIFETIME + 1)

    with pytest.raises(TokenEndpointError) as caught:
        await broker.access_token()

    assert caught.value.status == 200
    assert "server_error" in str(caught.value)
    assert "HTTP 200 with an error" in str(caught.value)
    assert await store.load("test") == before


async def test_html_error_page_fails_readably(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    clock: ManualClock,
) -> None:
    settings = make_settings()
    before = await login_unattended(settings, store, clock=clock)
    broker = TokenBroker(settings, store, clock=clock)
    sprinklr.oauth.fail_next_token_requests("html_page")
    clock.advance(LIFETIME + 1)

    with pytest.raises(TokenEndpointError) as caught:
        await broker.access_token()

    message = str(caught.value)
    assert caught.value.status == 502
    assert caught.value.retryable is True
    assert "without JSON" in message
    assert "Bad Gateway" in message
    assert "<h1>" not in message
    assert await store.load("test") == before


def parse(status: int, body: Any, content_type: str = "application/json") -> Any:
    text = body if isinstance(body, str) else json.dumps(body)
    return parse_token_response(
        status, content_type, text, connection="main", secrets=("s3cr3t", "rt-old")
    )


def test_parse_success_defaults_token_type() -> None:
    response = parse(200, {"access_token": "a", "refresh_token": "r"})

    assert response.token_type == "Bearer"
    assert response.expires_in is None
    assert response.refresh_token == "r"


def test_parse_empty_refresh_token_counts_as_missing() -> None:
    response = parse(200, {"access_token": "a", "refresh_token": ""})

    assert response.refresh_token is None


def test_parse_success_without_access_token_fails() -> None:
    with pytest.raises(TokenEndpointError, match="no access_token"):
        parse(200, {"token_type": "Bearer"})


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, {"error": "invalid_grant"}),
        (401, {"error": "invalid_grant", "error_description": "expired"}),
        (200, {"error": "invalid_grant"}),
        (400, "refresh token is invalid"),
        (401, "Refresh token has expired"),
        (400, {"message": "code has expired"}),
    ],
)
def test_parse_rejected_grant(status: int, body: Any) -> None:
    with pytest.raises(RefreshRejectedError) as caught:
        parse(
            status, body, "text/plain" if isinstance(body, str) else "application/json"
        )

    assert "sprinklr-mcp auth login main" in str(caught.value)


@pytest.mark.parametrize(
    ("status", "body", "retryable"),
    [
        (500, {"error": "server_error"}, True),
        (503, "", True),
        (401, {"error": "invalid_client"}, False),
        (429, "Too Many Requests", True),
        (200, "<html><body>maintenance</body></html>", True),
    ],
)
def test_parse_endpoint_errors(status: int, body: Any, retryable: bool) -> None:
    with pytest.raises(TokenEndpointError) as caught:
        parse(status, body, "text/html" if "<html>" in str(body) else "text/plain")

    assert not isinstance(caught.value, RefreshRejectedError)
    assert caught.value.status == status
    assert caught.value.retryable is retryable


def test_parse_invalid_client_names_fix() -> None:
    with pytest.raises(TokenEndpointError, match="check the connection's API key"):
        parse(401, {"error": "invalid_client"})


def test_parse_error_text_is_redacted() -> None:
    page = "<html><body>bad request: client_secret=s3cr3t refresh=rt-old</body></html>"

    with pytest.raises(TokenEndpointError) as caught:
        parse(502, page, "text/html")

    message = str(caught.value)
    assert "s3cr3t" not in message
    assert "rt-old" not in message
    assert "[redacted]" in message


def test_parse_error_text_is_shortened() -> None:
    with pytest.raises(TokenEndpointError) as caught:
        parse(500, "x" * 5000, "text/plain")

    assert caught.value.sprinklr_message is not None
    assert len(caught.value.sprinklr_message) <= 300
