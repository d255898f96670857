"""The browser login end to end: authorize page, redirect, code exchange, store.

An aiohttp client plays the browser: it loads the authorize page, approves or
denies on the consent form and follows the redirect to the login's listener.
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import aiohttp
import pytest

from sprinklr_mcp.auth import LoginError, TokenStore, login, login_unattended
from sprinklr_mcp.auth.login import authorize_url, listener_address, parse_redirect

from .conftest import API_KEY, API_SECRET, ManualClock, SettingsFactory, Sprinklr

CONSENT_ACTION = re.compile(r'<form method="post" action="([^"]+)"')


class Browser:
    """Drives the authorize page like a person would, in background tasks."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self.session = session
        self.base_url = base_url
        self.tasks: list[asyncio.Task[None]] = []
        self.landed: list[int] = []

    def opener(
        self, visit: Callable[[str], Coroutine[Any, Any, None]]
    ) -> Callable[[str], Awaitable[bool]]:
        """Return an ``open_browser`` callable that runs ``visit`` in a task."""

        async def open_browser(url: str) -> bool:
            self.tasks.append(asyncio.create_task(visit(url)))
            return True

        return open_browser

    async def approve(self, url: str) -> None:
        await self._decide(url, "approve")

    async def deny(self, url: str) -> None:
        await self._decide(url, "deny")

    async def _decide(self, url: str, decision: str) -> None:
        async with self.session.get(url) as page:
            html = await page.text()
        match = CONSENT_ACTION.search(html)
        assert match is not None, html
        action = self.base_url + match.group(1).replace("&amp;", "&")
        async with self.session.post(action, data={"decision": decision}) as landed:
            self.landed.append(landed.status)

    async def redirect_of(self, url: str) -> str:
        """Load the authorize URL (auto-approving app) and return the redirect."""
        async with self.session.get(url, allow_redirects=False) as answer:
            assert answer.status == 302
            return answer.headers["Location"]

    async def follow(self, url: str) -> None:
        async with self.session.get(url) as landed:
            self.landed.append(landed.status)

    async def finish(self) -> None:
        await asyncio.wait_for(asyncio.gather(*self.tasks), 10)


@pytest.fixture
async def browser(sprinklr: Sprinklr) -> AsyncIterator[Browser]:
    async with aiohttp.ClientSession() as session:
        yield Browser(session, sprinklr.base_url)


def require_consent(sprinklr: Sprinklr) -> None:
    sprinklr.oauth.register_app(
        API_KEY, API_SECRET, sprinklr.redirect_uri, "prod2", auto_approve=False
    )


def with_query_value(url: str, name: str, value: str | None) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    if value is None:
        query.pop(name, None)
    else:
        query[name] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


async def test_consent_approval_stores_tokens(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    browser: Browser,
) -> None:
    require_consent(sprinklr)
    settings = make_settings()

    tokens = await login(
        settings,
        store,
        open_browser=browser.opener(browser.approve),
        notify=lambda text: None,
        callback_timeout=10,
    )
    await browser.finish()

    assert await store.load("test") == tokens
    assert tokens.generation == 1
    assert sprinklr.oauth.check_bearer(tokens.access_token, API_KEY, "prod2") is None
    assert sprinklr.oauth.token_requests == {"authorization_code": 1}
    assert browser.landed == [200]


async def test_auto_approve_redirect_logs_in(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    browser: Browser,
) -> None:
    tokens = await login(
        make_settings(),
        store,
        open_browser=browser.opener(browser.follow),
        notify=lambda text: None,
        callback_timeout=10,
    )
    await browser.finish()

    assert await store.load("test") == tokens


async def test_second_login_raises_generation(
    make_settings: SettingsFactory, store: TokenStore, browser: Browser
) -> None:
    settings = make_settings()
    first = await login_unattended(settings, store)

    second = await login(
        settings,
        store,
        open_browser=browser.opener(browser.follow),
        notify=lambda text: None,
        callback_timeout=10,
    )
    await browser.finish()

    assert second.generation == first.generation + 1


async def test_wrong_state_is_rejected(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    browser: Browser,
) -> None:
    async def forge_state(url: str) -> None:
        redirect = await browser.redirect_of(url)
        await browser.follow(with_query_value(redirect, "state", "forged"))

    with pytest.raises(LoginError, match="state does not match"):
        await login(
            make_settings(),
            store,
            open_browser=browser.opener(forge_state),
            notify=lambda text: None,
            callback_timeout=10,
        )
    await browser.finish()

    assert await store.load("test") is None
    assert sprinklr.oauth.token_request_count == 0


async def test_missing_state_is_accepted_with_warning(
    make_settings: SettingsFactory,
    store: TokenStore,
    browser: Browser,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def drop_state(url: str) -> None:
        redirect = await browser.redirect_of(url)
        await browser.follow(with_query_value(redirect, "state", None))

    with caplog.at_level(logging.WARNING, logger="sprinklr_mcp.auth.login"):
        tokens = await login(
            make_settings(),
            store,
            open_browser=browser.opener(drop_state),
            notify=lambda text: None,
            callback_timeout=10,
        )
    await browser.finish()

    assert await store.load("test") == tokens
    assert "no state parameter" in caplog.text


async def test_expired_code_is_rejected(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    browser: Browser,
    clock: ManualClock,
) -> None:
    async def approve_late(url: str) -> None:
        redirect = await browser.redirect_of(url)
        clock.advance(601)
        await browser.follow(redirect)

    with pytest.raises(LoginError, match="rejected the authorization code") as caught:
        await login(
            make_settings(),
            store,
            open_browser=browser.opener(approve_late),
            notify=lambda text: None,
            callback_timeout=10,
        )
    await browser.finish()

    assert caught.value.status == 400
    assert "expired" in (caught.value.sprinklr_message or "")
    assert await store.load("test") is None
    assert sprinklr.oauth.token_requests == {"authorization_code": 1}


async def test_callback_error_parameter_fails(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    browser: Browser,
) -> None:
    require_consent(sprinklr)

    with pytest.raises(LoginError, match="access_denied"):
        await login(
            make_settings(),
            store,
            open_browser=browser.opener(browser.deny),
            notify=lambda text: None,
            callback_timeout=10,
        )
    await browser.finish()

    assert await store.load("test") is None
    assert sprinklr.oauth.token_request_count == 0


async def test_listener_ignores_other_paths(
    make_settings: SettingsFactory,
    store: TokenStore,
    browser: Browser,
    sprinklr: Sprinklr,
) -> None:
    origin = sprinklr.redirect_uri.rsplit("/", 1)[0]
    statuses: list[int] = []

    async def favicon_first(url: str) -> None:
        async with browser.session.get(f"{origin}/favicon.ico") as answer:
            statuses.append(answer.status)
        await browser.follow(url)

    tokens = await login(
        make_settings(),
        store,
        open_browser=browser.opener(favicon_first),
        notify=lambda text: None,
        callback_timeout=10,
    )
    await browser.finish()

    assert statuses == [404]
    assert await store.load("test") == tokens


async def test_listener_times_out(
    make_settings: SettingsFactory, store: TokenStore, browser: Browser
) -> None:
    async def ignore(url: str) -> None:
        return None

    with pytest.raises(LoginError, match=r"no login redirect arrived within 0\.2 s"):
        await login(
            make_settings(),
            store,
            open_browser=browser.opener(ignore),
            notify=lambda text: None,
            callback_timeout=0.2,
        )


async def test_no_browser_prints_url(
    make_settings: SettingsFactory, store: TokenStore, browser: Browser
) -> None:
    messages: list[str] = []

    async def no_browser(url: str) -> bool:
        browser.tasks.append(asyncio.create_task(browser.follow(url)))
        return False

    await login(
        make_settings(),
        store,
        open_browser=no_browser,
        notify=messages.append,
        callback_timeout=10,
    )
    await browser.finish()

    assert any("Open this URL" in message for message in messages)
    assert any("/prod2/oauth/authorize?" in message for message in messages)


async def test_busy_port_fails_clearly(
    sprinklr: Sprinklr, make_settings: SettingsFactory, store: TokenStore
) -> None:
    port, _ = listener_address(sprinklr.redirect_uri) or (0, "")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()

        with pytest.raises(LoginError, match=f"cannot listen on 127.0.0.1:{port}"):
            await login(
                make_settings(),
                store,
                open_browser=lambda url: asyncio.sleep(0, result=True),
                notify=lambda text: None,
                callback_timeout=5,
            )


def pasting(
    browser: Browser, messages: list[str], transform: Callable[[str], str] = str
) -> Callable[[], Awaitable[str]]:
    """Return a ``read_line`` that pastes the redirect of the printed URL."""

    async def read_line() -> str:
        printed = next(m for m in messages if "/oauth/authorize?" in m)
        url = re.search(r"(http\S+/oauth/authorize\?\S+)", printed)
        assert url is not None
        redirect = await browser.redirect_of(url.group(1))
        return transform(redirect) + "\n"

    return read_line


async def test_paste_mode_logs_in(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    browser: Browser,
) -> None:
    messages: list[str] = []

    tokens = await login(
        make_settings(),
        store,
        paste=True,
        notify=messages.append,
        read_line=pasting(browser, messages),
    )

    assert await store.load("test") == tokens
    assert sprinklr.oauth.token_requests == {"authorization_code": 1}
    assert any("paste the full URL" in message for message in messages)


async def test_paste_mode_checks_state(
    make_settings: SettingsFactory, store: TokenStore, browser: Browser
) -> None:
    messages: list[str] = []

    def forge(redirect: str) -> str:
        return with_query_value(redirect, "state", "forged")

    with pytest.raises(LoginError, match="state does not match"):
        await login(
            make_settings(),
            store,
            paste=True,
            notify=messages.append,
            read_line=pasting(browser, messages, forge),
        )


async def test_paste_without_code_fails(
    make_settings: SettingsFactory, store: TokenStore
) -> None:
    async def paste_garbage() -> str:
        return "I clicked approve\n"

    with pytest.raises(LoginError, match="no code parameter"):
        await login(
            make_settings(),
            store,
            paste=True,
            notify=lambda text: None,
            read_line=paste_garbage,
        )


async def test_remote_redirect_uri_uses_paste(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    store: TokenStore,
    browser: Browser,
) -> None:
    remote = "https://callback.example/sprinklr"
    sprinklr.oauth.register_app(API_KEY, API_SECRET, remote, "prod2", auto_approve=True)
    messages: list[str] = []

    tokens = await login(
        make_settings(redirect_uri=remote),
        store,
        notify=messages.append,
        read_line=pasting(browser, messages),
    )

    assert await store.load("test") == tokens
    assert any("does not point at" in message for message in messages)


async def test_unattended_login_needs_auto_approve(
    sprinklr: Sprinklr, make_settings: SettingsFactory, store: TokenStore
) -> None:
    require_consent(sprinklr)

    with pytest.raises(LoginError, match="needs a browser login"):
        await login_unattended(make_settings(), store)


async def test_redirect_uri_mismatch_gets_500(
    sprinklr: Sprinklr, make_settings: SettingsFactory, browser: Browser
) -> None:
    settings = make_settings(redirect_uri="http://127.0.0.1:1/other")

    async with browser.session.get(authorize_url(settings, "s")) as answer:
        status = answer.status

    assert status == 500


def test_authorize_url_has_parameters(make_settings: SettingsFactory) -> None:
    settings = make_settings()

    url = authorize_url(settings, "the-state")

    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.path == "/prod2/oauth/authorize"
    assert query == {
        "client_id": [API_KEY],
        "response_type": ["code"],
        "redirect_uri": [settings.redirect_uri],
        "state": ["the-state"],
    }


@pytest.mark.parametrize(
    ("redirect_uri", "address"),
    [
        ("http://127.0.0.1:8400/callback", (8400, "/callback")),
        ("http://localhost:9000/", (9000, "/")),
        ("http://127.0.0.1/cb", (80, "/cb")),
        ("http://localhost:9000", (9000, "/")),
        ("https://127.0.0.1:8400/callback", None),
        ("http://[::1]:8400/callback", None),
        ("https://example.com/callback", None),
        ("http://10.0.0.5:8400/callback", None),
    ],
)
def test_listener_address(redirect_uri: str, address: tuple[int, str] | None) -> None:
    assert listener_address(redirect_uri) == address


def test_parse_redirect_accepts_url_or_query() -> None:
    from_url = parse_redirect("http://127.0.0.1:1/cb?code=abc&state=xyz\n")
    from_query = parse_redirect("?code=abc&state=xyz")

    assert from_url == from_query
    assert from_url.code == "abc"
    assert from_url.state == "xyz"
    assert "abc" not in repr(from_url)
