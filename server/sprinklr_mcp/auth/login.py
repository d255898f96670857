"""The authorization-code login: authorize in a browser, exchange the code, store.

Three ways to receive the redirect:

- a one-shot listener on 127.0.0.1 at the redirect URI's port and path, used
  when the redirect URI is a plain-http loopback address;
- pasting the redirect URL (``paste=True``, or a redirect URI that does not
  point at this machine), for remote machines;
- :func:`login_unattended`, which reads the redirect from the authorize
  response itself. Only a server that approves without a person (the
  sandbox) responds that way.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import sys
import time
import webbrowser
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp
from aiohttp import web

from sprinklr_mcp.auth.broker import Clock
from sprinklr_mcp.auth.errors import (
    LoginError,
    RefreshRejectedError,
    TokenStoreError,
)
from sprinklr_mcp.auth.stores import TokenStore
from sprinklr_mcp.auth.tokens import (
    SessionFactory,
    StoredTokens,
    default_session_factory,
    request_tokens,
)
from sprinklr_mcp.config import ConnectionSettings, is_loopback_host

__all__ = [
    "CallbackParameters",
    "authorize_url",
    "exchange_code",
    "listener_address",
    "login",
    "login_unattended",
    "open_system_browser",
    "parse_redirect",
    "wait_for_callback",
]

logger = logging.getLogger(__name__)

DEFAULT_LOGIN_TIMEOUT = 300.0

_DONE_PAGE = """<!doctype html><html><head><title>Sprinklr login</title></head>
<body><p>{message}</p><p>You can close this tab.</p></body></html>"""


@dataclass(frozen=True, slots=True)
class CallbackParameters:
    """The query parameters of the redirect back from the authorize page."""

    code: str | None
    state: str | None
    error: str | None
    error_description: str | None

    def __repr__(self) -> str:
        return (
            f"CallbackParameters(code={'***' if self.code else None}, "
            f"state={'***' if self.state else None}, error={self.error!r})"
        )


def authorize_url(settings: ConnectionSettings, state: str) -> str:
    """Return the authorize URL of the connection's environment."""
    query = urlencode(
        {
            "client_id": settings.api_key,
            "response_type": "code",
            "redirect_uri": settings.redirect_uri,
            "state": state,
        }
    )
    return f"{settings.oauth_authorize_url}?{query}"


def parse_redirect(text: str) -> CallbackParameters:
    """Read the parameters of a redirect URL, or of its bare query string."""
    text = text.strip()
    query = urlsplit(text).query if "://" in text else text.lstrip("?")
    values = parse_qs(query, keep_blank_values=False)

    def first(name: str) -> str | None:
        items = values.get(name)
        return items[0] if items else None

    return CallbackParameters(
        code=first("code"),
        state=first("state"),
        error=first("error"),
        error_description=first("error_description"),
    )


def listener_address(redirect_uri: str) -> tuple[int, str] | None:
    """Return (port, path) to listen on, or None when no local listener can serve.

    A listener serves plain-http redirect URIs on 127.0.0.1 or localhost; an
    https or remote redirect URI needs the paste mode.
    """
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or not is_loopback_host(parts.hostname):
        return None
    if parts.hostname not in ("127.0.0.1", "localhost"):
        return None
    return parts.port or 80, parts.path or "/"


def _check_callback(parameters: CallbackParameters, state: str, connection: str) -> str:
    """Return the code of a valid callback; raise LoginError otherwise."""
    if parameters.error is not None:
        reason = parameters.error
        if parameters.error_description:
            reason += f": {parameters.error_description}"
        raise LoginError(
            f"connection {connection!r}: the authorize page answered with an error "
            f"({reason})",
            connection=connection,
        )
    if parameters.state is None:
        # Sprinklr does not document that it returns state; accept its absence
        # but never a different value.
        logger.warning(
            "connection %r: the redirect carries no state parameter", connection
        )
    elif not secrets.compare_digest(parameters.state, state):
        raise LoginError(
            f"connection {connection!r}: the redirect's state does not match this "
            "login attempt, so it was ignored; start the login again",
            connection=connection,
        )
    if not parameters.code:
        raise LoginError(
            f"connection {connection!r}: the redirect has no code parameter",
            connection=connection,
        )
    return parameters.code


async def wait_for_callback(
    port: int,
    path: str,
    *,
    callback_timeout: float,
    ready: Callable[[], Awaitable[None]] | None = None,
) -> CallbackParameters:
    """Serve one redirect on 127.0.0.1:``port`` at ``path`` and return its query.

    Requests to other paths get 404 and are otherwise ignored. ``ready`` is
    awaited once the listener accepts connections. Raises LoginError when no
    redirect arrives within ``callback_timeout`` seconds or the port is taken.
    """
    loop = asyncio.get_running_loop()
    received: asyncio.Future[CallbackParameters] = loop.create_future()

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path != path or request.method != "GET":
            return web.Response(status=404, text="not found")
        parameters = parse_redirect(request.query_string)
        if received.done():
            return web.Response(status=409, text="this login already finished")
        received.set_result(parameters)
        if parameters.error is not None:
            message = "Sprinklr did not grant access. Return to the terminal."
        else:
            message = "Sprinklr login received. Return to the terminal."
        return web.Response(
            text=_DONE_PAGE.format(message=message), content_type="text/html"
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", port, reuse_address=True)
        try:
            await site.start()
        except OSError as exc:
            raise LoginError(
                f"cannot listen on 127.0.0.1:{port} for the login redirect "
                f"({exc.strerror}); free the port or use --no-browser"
            ) from exc
        if ready is not None:
            await ready()
        try:
            return await asyncio.wait_for(received, callback_timeout)
        except TimeoutError:
            raise LoginError(
                f"no login redirect arrived within {callback_timeout:g} s; start "
                "the login again, or use --no-browser to paste the redirect URL"
            ) from None
    finally:
        await runner.cleanup()


async def open_system_browser(url: str) -> bool:
    """Open ``url`` in a graphical browser; return False when there is none.

    On Linux without a display, Python's ``webbrowser`` would fall back to a
    text browser that takes over the terminal, so none is tried there.
    """
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return False

    def open_url() -> bool:
        try:
            return webbrowser.open(url, new=1)
        except webbrowser.Error:
            return False

    return await asyncio.to_thread(open_url)


async def _read_stdin_line() -> str:
    return await asyncio.to_thread(sys.stdin.readline)


def _print_to_stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


async def exchange_code(
    settings: ConnectionSettings,
    store: TokenStore,
    code: str,
    *,
    session_factory: SessionFactory | None = None,
    clock: Clock = time.time,
) -> StoredTokens:
    """Exchange an authorization code and store the pair as a new generation.

    Raises LoginError when Sprinklr rejects the code (expired after 10
    minutes, already used, or for another redirect URI), TokenEndpointError
    for other endpoint failures and TokenStoreError when storing fails.
    """
    name = settings.name
    try:
        response = await request_tokens(
            settings,
            {"grant_type": "authorization_code", "code": code},
            session_factory=session_factory or default_session_factory(settings),
        )
    except RefreshRejectedError as exc:
        raise LoginError(
            f"connection {name!r}: Sprinklr rejected the authorization code "
            "(it expires after 10 minutes and works once); start the login again",
            connection=name,
            status=exc.status,
            sprinklr_message=exc.sprinklr_message,
        ) from exc
    if response.refresh_token is None:
        logger.warning(
            "connection %r: the token response has no refresh_token, so a new "
            "login is needed when the access token expires",
            name,
        )

    async with store.lock(name, wait=2 * settings.lock_timeout):
        try:
            current = await store.load(name)
        except TokenStoreError:
            current = None
        generation = 1 if current is None else current.generation + 1
        tokens = response.to_stored(
            settings, now=clock(), generation=generation, previous_refresh_token=None
        )
        await store.save(name, tokens, expected_generation=None)
    logger.info(
        "connection %r: logged in (generation %d, expires in %.0f s)",
        name,
        tokens.generation,
        tokens.lifetime,
    )
    return tokens


async def login(
    settings: ConnectionSettings,
    store: TokenStore,
    *,
    paste: bool = False,
    callback_timeout: float = DEFAULT_LOGIN_TIMEOUT,
    open_browser: Callable[[str], Awaitable[bool]] = open_system_browser,
    read_line: Callable[[], Awaitable[str]] = _read_stdin_line,
    notify: Callable[[str], None] = _print_to_stderr,
    session_factory: SessionFactory | None = None,
    clock: Clock = time.time,
) -> StoredTokens:
    """Run the browser login for one connection and store the token pair.

    ``open_browser`` returns whether a browser opened; the URL is shown
    through ``notify`` either way. In paste mode ``read_line`` returns the
    redirect URL that the person pasted. ``callback_timeout`` (seconds) bounds
    the wait for the listener's redirect. Raises LoginError, TokenEndpointError or
    TokenStoreError.
    """
    state = secrets.token_urlsafe(32)
    url = authorize_url(settings, state)
    address = None if paste else listener_address(settings.redirect_uri)

    if address is None:
        if not paste:
            notify(
                f"The redirect URI {settings.redirect_uri} does not point at a "
                "plain-http port on this machine, so paste the redirect instead."
            )
        notify(f"Open this URL in a browser and approve access:\n\n  {url}\n")
        notify("Then paste the full URL that the browser was redirected to:")
        parameters = parse_redirect(await read_line())
    else:
        port, path = address

        async def show_url() -> None:
            opened = await open_browser(url)
            if opened:
                notify(f"Opened a browser. If nothing appears, open:\n\n  {url}\n")
            else:
                notify(f"Open this URL in a browser and approve access:\n\n  {url}\n")
            notify(
                f"Waiting up to {callback_timeout:g} s for the redirect "
                f"on port {port}..."
            )

        parameters = await wait_for_callback(
            port, path, callback_timeout=callback_timeout, ready=show_url
        )

    code = _check_callback(parameters, state, settings.name)
    return await exchange_code(
        settings, store, code, session_factory=session_factory, clock=clock
    )


async def login_unattended(
    settings: ConnectionSettings,
    store: TokenStore,
    *,
    session_factory: SessionFactory | None = None,
    clock: Clock = time.time,
) -> StoredTokens:
    """Log in without a person, through the real authorize and token endpoints.

    Works only against a server that approves at once and responds to the
    authorize request with a redirect carrying the code (the sandbox's
    auto-approving apps). Raises LoginError when it responds in any other way.
    """
    name = settings.name
    state = secrets.token_urlsafe(32)
    factory = session_factory or default_session_factory(settings)
    try:
        async with (
            factory() as session,
            session.get(
                authorize_url(settings, state), allow_redirects=False
            ) as answer,
        ):
            status = answer.status
            location = answer.headers.get("Location", "")
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise LoginError(
            f"connection {name!r}: the authorize request failed ({type(exc).__name__})",
            connection=name,
        ) from exc

    if status not in (301, 302, 303, 307) or not location.startswith(
        settings.redirect_uri
    ):
        raise LoginError(
            f"connection {name!r}: the authorize endpoint answered HTTP {status} "
            "instead of redirecting at once; this server needs a browser login",
            connection=name,
            status=status,
        )
    code = _check_callback(parse_redirect(location), state, name)
    return await exchange_code(
        settings, store, code, session_factory=factory, clock=clock
    )
