"""The API gateway in front of the sandbox's endpoints.

It does what Sprinklr's gateway does before a call reaches the API: checks the
environment segment, the ``Key`` header, the per-key rate limit and the bearer
token, and responds to failures in the gateway's own formats. It also injects the
configured faults and records every call for tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from aiohttp import web

from .config import SandboxConfig
from .envelope import ApiError, error_response, json_response, text_error
from .faults import Fault, FaultInjector
from .oauth import OAuthServer
from .ratelimit import RateLimiter, RateLimitExceeded
from .routes import Handler

__all__ = ["CallRecord", "Gateway", "catch_unexpected"]

logger = logging.getLogger(__name__)

# Seconds a client should wait after an injected 503.
FAULT_RETRY_AFTER = 1


@dataclass(frozen=True)
class CallRecord:
    """One call the sandbox received. ``status`` is None when it was dropped."""

    method: str
    route: str
    path: str
    environment: str
    status: int | None
    fault: Fault | None


def _route_of(request: web.Request) -> str:
    """Return the route template without the environment segment."""
    resource = request.match_info.route.resource
    template = resource.canonical if resource is not None else request.path
    if template.startswith("/{env}"):
        return template[len("/{env}") :]
    return template


def _area(route: str) -> str:
    if route.startswith("/api/"):
        return "api"
    if route.startswith("/oauth/"):
        return "oauth"
    return "other"


class Gateway:
    """The aiohttp middleware that fronts the API and OAuth routes."""

    def __init__(
        self,
        config: SandboxConfig,
        limiter: RateLimiter,
        injector: FaultInjector,
        oauth: OAuthServer,
    ) -> None:
        self._config = config
        self._limiter = limiter
        self._injector = injector
        self._oauth = oauth
        self.calls: list[CallRecord] = []
        # Set when the server stops, so that calls held by injected latency
        # finish at once instead of holding up the shutdown.
        self.closing = asyncio.Event()

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        """Run one call through faults and the environment, key, rate, token checks."""
        route = _route_of(request)
        area = _area(route)
        if area == "other":
            return await self._call(request, handler)
        environment = request.match_info.get("env", "")
        if environment not in self._config.environments:
            unknown = text_error(404, f"Unknown environment: {environment}")
            self._record(request, route, environment, None, unknown.status)
            return unknown

        fault = None
        if area == "api" or self._injector.config.include_oauth:
            latency = self._injector.config.latency
            if latency > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.closing.wait(), latency)
            fault = self._injector.pick()
        if fault is not None and fault.before_handler:
            injected = _fault_response(fault)
            self._record(request, route, environment, fault, injected.status)
            return injected

        rejection = self._reject(request, environment) if area == "api" else None
        if rejection is None:
            response = await self._call(request, handler)
        else:
            logger.info(
                "sandbox gateway rejected %s %s with %d",
                request.method,
                route,
                rejection.status,
            )
            response = rejection

        if fault is Fault.DROP:
            self._record(request, route, environment, fault, None)
            logger.info(
                "sandbox dropped the connection of %s %s", request.method, route
            )
            _close_connection(request)
            return response
        self._record(request, route, environment, fault, response.status)
        if fault is Fault.TRUNCATE:
            logger.info(
                "sandbox truncated the response to %s %s", request.method, route
            )
            return await _truncate(request, response)
        return response

    def _record(
        self,
        request: web.Request,
        route: str,
        environment: str,
        fault: Fault | None,
        status: int | None,
    ) -> None:
        self.calls.append(
            CallRecord(request.method, route, request.path, environment, status, fault)
        )

    def _reject(
        self, request: web.Request, environment: str
    ) -> web.StreamResponse | None:
        """Return the gateway's response when the key, rate or token is not accepted.

        The key and its environment are checked first (403, 421), then the
        rate limit, then the token (401), so calls with a bad token still count.
        """
        api_key = request.headers.get("Key", "").strip()
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        access_token = token.strip() if scheme.lower() == "bearer" else None
        failure = self._oauth.check_bearer(access_token, api_key or None, environment)
        if failure is not None and failure.status != 401:
            return failure.response()

        exceeded = self._limiter.admit(api_key)
        if exceeded is not None:
            return _over_rate(exceeded, self._limiter.limits.status)
        if failure is not None:
            return failure.response()
        return None

    async def _call(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as error:
            logger.info(
                "sandbox returned %d to %s %s: %s",
                error.status,
                request.method,
                request.path,
                error.message,
            )
            return error_response(error)
        except web.HTTPException as exc:
            # Redirects and other aiohttp responses raised by a handler, turned
            # into a response so that the call is recorded like any other.
            return web.Response(status=exc.status, headers=exc.headers, body=exc.body)
        except Exception:
            logger.exception(
                "sandbox handler failed on %s %s", request.method, request.path
            )
            return error_response(ApiError(500, "Internal Server Error"))


@web.middleware
async def catch_unexpected(
    request: web.Request, handler: Handler
) -> web.StreamResponse:
    """Return 500 in the envelope when the gateway itself raises.

    ``Gateway._call`` already catches what an endpoint raises; this outer
    layer covers the gateway's own checks, so that no request gets aiohttp's
    default error page or a traceback.
    """
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        logger.exception("sandbox failed on %s %s", request.method, request.path)
        return error_response(ApiError(500, "Internal Server Error"))


def _over_rate(exceeded: RateLimitExceeded, status: int) -> web.StreamResponse:
    """Return the response to a call over the rate limit: 403 text or 429 JSON."""
    if status == 403:
        return text_error(403, "Developer Over Rate")
    # NOTE: Sprinklr documents only the 403 form. This 429 body and its fields
    # follow a third-party description and are unverified.
    window = exceeded.window.replace("_", " ")
    return json_response(
        {
            "data": None,
            "errors": [
                {
                    "code": "RATE_LIMIT_EXCEEDED",
                    "message": f"Too Many Requests: the API key is over its limit "
                    f"of {exceeded.limit} calls {window}",
                    "details": {
                        "limit": exceeded.limit,
                        "window": exceeded.window,
                        "retryAfter": exceeded.retry_after,
                    },
                }
            ],
        },
        status=429,
        headers={"Retry-After": str(exceeded.retry_after)},
    )


def _fault_response(fault: Fault) -> web.StreamResponse:
    if fault is Fault.ERROR_500:
        return error_response(ApiError(500, "Internal Server Error (injected fault)"))
    return error_response(
        ApiError(
            503,
            "Service Unavailable (injected fault)",
            headers={"Retry-After": str(FAULT_RETRY_AFTER)},
        )
    )


def _close_connection(request: web.Request) -> None:
    transport = request.transport
    if transport is not None:
        transport.close()


async def _truncate(
    request: web.Request, response: web.StreamResponse
) -> web.StreamResponse:
    """Send the response's headers and half its body, then close the connection."""
    body = response.body if isinstance(response, web.Response) else None
    if not isinstance(body, bytes) or len(body) < 2:
        _close_connection(request)
        return response
    cut = web.StreamResponse(status=response.status, headers=response.headers)
    cut.content_length = len(body)
    await cut.prepare(request)
    await cut.write(body[: len(body) // 2])
    _close_connection(request)
    return cut
