"""Serve the MCP server over Streamable HTTP, with Host, Origin and bearer checks.

On a loopback address the server accepts only loopback Host headers and
Origins, which stops DNS-rebinding attacks from web pages. On any other
address it refuses to start without a bearer token, and checks that token on
every request with a constant-time comparison.
"""

from __future__ import annotations

import errno
import hmac
import ipaddress
import logging
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
import uvicorn
from mcp.server import Server
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "HttpOptions",
    "HttpSecurityError",
    "ListenError",
    "build_http_app",
    "is_loopback",
    "serve_http",
]

logger = logging.getLogger(__name__)

_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
HEALTH_PATH = "/healthz"


class HttpSecurityError(ValueError):
    """HTTP options that would expose the server without protection."""


class ListenError(OSError):
    """The HTTP server could not listen on ``host``:``port``.

    ``in_use`` is True when another socket is bound to the port. ``reason``
    is the operating system's error text, when a second bind reproduced it.
    """

    def __init__(self, host: str, port: int, reason: str | None, in_use: bool):
        self.host = host
        self.port = port
        self.reason = reason
        self.in_use = in_use
        detail = f": {reason}" if reason else ""
        super().__init__(f"could not listen on {host}:{port}{detail}")


def _bind_error(host: str, port: int) -> OSError | None:
    """Bind a socket the way uvicorn does and return the error, if any.

    uvicorn reports a failed bind only in a log line before it exits, so this
    repeats the bind to learn why. The port may be free again by then.
    """
    try:
        addresses = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except OSError as error:
        return error
    family, kind, protocol, _, address = addresses[0]
    with socket.socket(family, kind, protocol) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            return error
    return None


@dataclass(frozen=True, slots=True)
class HttpOptions:
    """Listening address, transport mode and access rules of the HTTP server.

    ``allowed_hosts`` and ``allowed_origins`` hold extra values besides the
    loopback ones; a value may end in ``:*`` to allow any port.
    """

    host: str = "127.0.0.1"
    port: int = 8765
    path: str = "/mcp"
    stateless: bool = False
    json_response: bool = False
    auth_token: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()

    def url(self, port: int | None = None) -> str:
        """Return the URL that local clients connect to."""
        host = self.host
        if host in ("0.0.0.0", "::"):  # noqa: S104 - only formats a URL
            host = "127.0.0.1"
        elif ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port if port is None else port}{self.path}"


def is_loopback(host: str) -> bool:
    """Return whether ``host`` names only this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _loopback_hosts() -> list[str]:
    return [pattern for name in _LOOPBACK_NAMES for pattern in (name, f"{name}:*")]


def _loopback_origins() -> list[str]:
    return [
        f"{scheme}://{name}{port}"
        for scheme in ("http", "https")
        for name in _LOOPBACK_NAMES
        for port in ("", ":*")
    ]


def _allowed(value: str, patterns: Sequence[str]) -> bool:
    for pattern in patterns:
        if value == pattern:
            return True
        if pattern.endswith(":*") and value.startswith(pattern[:-1]):
            port = value[len(pattern) - 1 :]
            if port.isdigit():
                return True
    return False


@dataclass(frozen=True, slots=True)
class _Guard:
    """The Host, Origin and token rules that every request must pass."""

    hosts: tuple[str, ...]
    origins: tuple[str, ...]
    token: str | None

    def check(self, headers: Headers, *, need_token: bool) -> Response | None:
        host = headers.get("host", "")
        if self.hosts and not _allowed(host, self.hosts):
            logger.warning("rejected a request with Host header %r", host[:100])
            return PlainTextResponse("Invalid Host header", status_code=421)

        origin = headers.get("origin")
        if origin is not None and not _allowed(origin, self.origins):
            logger.warning("rejected a request with Origin header %r", origin[:100])
            return PlainTextResponse("Invalid Origin header", status_code=403)

        if need_token and self.token is not None:
            scheme, _, presented = headers.get("authorization", "").partition(" ")
            valid = scheme.lower() == "bearer" and hmac.compare_digest(
                presented.strip().encode(), self.token.encode()
            )
            if not valid:
                logger.warning("rejected a request without a valid bearer token")
                return PlainTextResponse(
                    "Missing or invalid bearer token",
                    status_code=401,
                    headers={"WWW-Authenticate": 'Bearer realm="sprinklr-mcp"'},
                )
        return None


def _is_health_check(scope: Scope) -> bool:
    """Return whether the request reaches the health route, the one without a token.

    ``build_http_app`` keeps the MCP endpoint off this path, so the path and
    method alone identify the health route.
    """
    return scope.get("path") == HEALTH_PATH and scope.get("method") in ("GET", "HEAD")


class _GuardMiddleware:
    """Apply ``_Guard`` before any HTTP request reaches the MCP transport."""

    def __init__(self, app: ASGIApp, guard: _Guard) -> None:
        self._app = app
        self._guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            need_token = not _is_health_check(scope)
            rejection = self._guard.check(Headers(scope=scope), need_token=need_token)
            if rejection is not None:
                await rejection(scope, receive, send)
                return
        await self._app(scope, receive, send)


def _build_guard(options: HttpOptions) -> _Guard:
    if options.path.rstrip("/") == HEALTH_PATH:
        raise HttpSecurityError(
            f"--path {options.path} is the health check path, which needs no "
            "bearer token; choose another path, such as /mcp"
        )

    loopback = is_loopback(options.host)
    if not loopback and not options.auth_token:
        raise HttpSecurityError(
            f"--host {options.host} accepts connections from other machines, so "
            "a bearer token is required: pass --auth-token or set "
            "SPRINKLR_MCP_AUTH_TOKEN"
        )

    hosts: list[str] = list(options.allowed_hosts)
    if loopback or hosts:
        # Without --allowed-host a server on a public address cannot know its
        # own name, so it checks no Host header and relies on the token.
        hosts = _loopback_hosts() + hosts
    origins = _loopback_origins() + list(options.allowed_origins)
    return _Guard(hosts=tuple(hosts), origins=tuple(origins), token=options.auth_token)


async def _health(_request: Any) -> Response:
    return PlainTextResponse("ok")


def build_http_app(server: Server[Any], options: HttpOptions) -> ASGIApp:
    """Return the ASGI app: the SDK's Streamable HTTP app behind the guard.

    Raises ``HttpSecurityError`` when the options would expose the server,
    including a ``path`` equal to the health check path.
    """
    guard = _build_guard(options)
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=bool(guard.hosts),
        allowed_hosts=list(guard.hosts),
        allowed_origins=list(guard.origins),
    )
    app: Starlette = server.streamable_http_app(
        streamable_http_path=options.path,
        stateless_http=options.stateless,
        json_response=options.json_response,
        transport_security=security,
        host=options.host,
        custom_starlette_routes=[Route(HEALTH_PATH, _health, methods=["GET"])],
    )
    return _GuardMiddleware(app, guard)


class _NotifyingServer(uvicorn.Server):
    """A uvicorn server that sets ``startup_done`` once it listens or failed to."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.startup_done = anyio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        finally:
            self.startup_done.set()


async def serve_http(
    server: Server[Any],
    options: HttpOptions,
    *,
    on_ready: Callable[[str], Awaitable[None] | None] | None = None,
) -> None:
    """Serve until cancelled; call ``on_ready`` with the URL once listening."""
    app = build_http_app(server, options)
    config = uvicorn.Config(
        app,
        host=options.host,
        port=options.port,
        log_config=None,
        access_log=False,
        lifespan="on",
        server_header=False,
        timeout_graceful_shutdown=5,
    )
    http_server = _NotifyingServer(config)
    stopped = anyio.Event()
    startup_failed = False

    async def run() -> None:
        nonlocal startup_failed
        try:
            # Shielded so that cancelling serve_http shuts uvicorn down through
            # should_exit, which closes its sockets, instead of abandoning it.
            with anyio.CancelScope(shield=True):
                await http_server.serve()
        except SystemExit:
            # uvicorn exits the process when it cannot bind; report it instead.
            startup_failed = True
        finally:
            stopped.set()
            http_server.startup_done.set()

    listening = False
    async with anyio.create_task_group() as group:
        group.start_soon(run)
        try:
            await http_server.startup_done.wait()
            listening = http_server.started and not stopped.is_set()
            if listening:
                port = http_server.servers[0].sockets[0].getsockname()[1]
                url = options.url(port)
                logger.info("MCP server listening on %s", url)
                if on_ready is not None:
                    outcome = on_ready(url)
                    if outcome is not None:
                        await outcome
                await stopped.wait()
        finally:
            http_server.should_exit = True
            with anyio.CancelScope(shield=True):
                await stopped.wait()

    if not listening:
        error = _bind_error(options.host, options.port) if startup_failed else None
        raise ListenError(
            options.host,
            options.port,
            reason=error.strerror or str(error) if error is not None else None,
            in_use=error is not None and error.errno == errno.EADDRINUSE,
        )
