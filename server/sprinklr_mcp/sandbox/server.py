"""The embedded Sprinklr sandbox as an in-process aiohttp server on 127.0.0.1."""

from __future__ import annotations

import logging
import secrets
from types import TracebackType

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from . import (
    agent_assist,
    cases,
    comments,
    deflection,
    entities,
    journeys,
    knowledge,
    media,
    messages,
    profiles,
    publishing,
    search,
    users,
)
from .config import FaultConfig, RateLimitConfig, SandboxConfig
from .faults import Fault, FaultInjector
from .gateway import CallRecord, Gateway, catch_unexpected
from .oauth import OAuthServer
from .ratelimit import RateLimiter
from .routes import STATE_KEY, Route
from .seed import build_state
from .state import SandboxState

__all__ = ["SandboxServer", "create_app"]

logger = logging.getLogger(__name__)

API_ROUTES: tuple[Route, ...] = (
    *users.ROUTES,
    *cases.ROUTES,
    *agent_assist.ROUTES,
    *search.ROUTES,
    *profiles.ROUTES,
    *messages.ROUTES,
    *comments.ROUTES,
    *publishing.ROUTES,
    *deflection.ROUTES,
    *journeys.ROUTES,
    *media.ROUTES,
    *knowledge.ROUTES,
    *entities.ROUTES,
)

# Largest request body accepted, in bytes; uploads are the only large bodies.
MAX_REQUEST_BYTES = 64 * 1024 * 1024

# An environment path segment as Sprinklr names them (prod0, prod12, ...).
_ENVIRONMENT_SEGMENT = "/{env:[a-z][a-z0-9]{0,15}}"


class _AccessLogger(AbstractAccessLogger):
    """Logs method, path and status at DEBUG, never the query string.

    Token requests may carry the client secret and refresh token in the query.
    """

    def log(
        self, request: web.BaseRequest, response: web.StreamResponse, time: float
    ) -> None:
        self.logger.debug(
            "%s %s -> %s in %.1f ms",
            request.method,
            request.path,
            response.status,
            time * 1000,
        )


def _add_route(app: web.Application, route: Route, *, with_environment: bool) -> None:
    app.router.add_route(route.method, route.path, route.handler)
    if with_environment:
        app.router.add_route(
            route.method, _ENVIRONMENT_SEGMENT + route.path, route.handler
        )


def oauth_routes(oauth: OAuthServer) -> tuple[Route, ...]:
    """Return the authorize and token endpoints, which read the environment segment."""

    async def authorize(request: web.Request) -> web.StreamResponse:
        return await oauth.handle_authorize(request, request.match_info.get("env", ""))

    async def token(request: web.Request) -> web.StreamResponse:
        return await oauth.handle_token(request, request.match_info.get("env", ""))

    return (
        Route("GET", "/oauth/authorize", authorize),
        Route("POST", "/oauth/authorize", authorize),
        Route("*", "/oauth/token", token),
    )


def create_app(
    state: SandboxState, gateway: Gateway, oauth_routes: tuple[Route, ...]
) -> web.Application:
    """Build the aiohttp application: API and OAuth routes under every environment."""
    app = web.Application(
        middlewares=[catch_unexpected, gateway.middleware],
        client_max_size=MAX_REQUEST_BYTES,
    )
    app[STATE_KEY] = state
    for route in (*API_ROUTES, *oauth_routes):
        _add_route(app, route, with_environment=True)
    _add_route(app, media.MEDIA_FILE_ROUTE, with_environment=False)
    return app


class SandboxServer:
    """A local server that behaves like Sprinklr's API, OAuth included.

    ``async with SandboxServer(config) as sandbox:`` starts it on
    ``config.host`` (127.0.0.1) and a free port unless ``config.port`` is set,
    and stops it on exit. The registered app's credentials are ``api_key``,
    ``api_secret`` and ``redirect_uri``; point a client at ``url`` with
    ``environment``. ``rate_limits`` and ``faults`` can be changed while it runs.
    """

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.config.validate()
        self.environment = self.config.environment
        self.api_key = self.config.api_key or secrets.token_hex(16)
        self.api_secret = self.config.api_secret or secrets.token_urlsafe(32)
        self.redirect_uri = self.config.redirect_uri
        self.state = build_state(self.config.seed, self.config.clock)
        self.limiter = RateLimiter(self.config.rate_limits, self.config.clock)
        self.injector = FaultInjector(self.config.faults)
        self.oauth = OAuthServer(
            clock=self.config.clock,
            access_token_lifetime=self.config.token_lifetime,
        )
        self.oauth.register_app(
            self.api_key,
            self.api_secret,
            self.redirect_uri,
            self.environment,
            auto_approve=self.config.auto_approve,
        )
        self.gateway = Gateway(self.config, self.limiter, self.injector, self.oauth)
        self.app = create_app(self.state, self.gateway, oauth_routes(self.oauth))
        self._runner: web.AppRunner | None = None
        self._url: str | None = None

    @property
    def rate_limits(self) -> RateLimitConfig:
        """The live rate-limit settings; change them to take effect at once."""
        return self.limiter.limits

    @property
    def faults(self) -> FaultConfig:
        """The live fault settings; change them to take effect at once."""
        return self.injector.config

    @property
    def url(self) -> str:
        """Scheme, host and port of the running server, with no environment."""
        if self._url is None:
            raise RuntimeError(
                "the sandbox is not running; use 'async with SandboxServer()'"
            )
        return self._url

    @property
    def base_url(self) -> str:
        """The same as ``url``: what a client uses in place of https://api3.sprinklr.com."""
        return self.url

    @property
    def environment_url(self) -> str:
        """``url`` plus the environment segment; ``/api/v2/...`` is appended to it."""
        return f"{self.url}/{self.environment}" if self.environment else self.url

    @property
    def calls(self) -> list[CallRecord]:
        """Every call received so far, oldest first."""
        return self.gateway.calls

    def fail_next(self, fault: Fault | str, count: int = 1) -> None:
        """Make the next ``count`` API calls meet ``fault``.

        ``fault`` is a Fault or its value: "500", "503", "drop" or "truncate".
        """
        self.injector.fail_next(fault, count)

    def expire_tokens(self, api_key: str | None = None) -> None:
        """Expire the access tokens of one key, or of all keys; refresh still works."""
        self.oauth.expire_access_tokens(api_key)

    async def start(self) -> None:
        """Bind the port and start serving."""
        if self._runner is not None:
            raise RuntimeError("the sandbox is already running")
        self.gateway.closing.clear()
        runner = web.AppRunner(
            self.app, access_log_class=_AccessLogger, handle_signals=False
        )
        await runner.setup()
        site = web.TCPSite(runner, self.config.host, self.config.port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self._url = f"http://{host}:{port}"
        logger.info(
            "Sprinklr sandbox listening at %s (environment %s)",
            self._url,
            self.environment or "global production",
        )

    async def close(self) -> None:
        """Stop serving and forget every connection; the state is kept."""
        if self._runner is None:
            return
        self.gateway.closing.set()
        await self._runner.cleanup()
        self._runner = None
        logger.info("Sprinklr sandbox at %s stopped", self._url)
        self._url = None

    async def __aenter__(self) -> SandboxServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
