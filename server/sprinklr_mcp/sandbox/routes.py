"""The route table type and app keys that every API handler module uses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from .state import SandboxState

__all__ = ["STATE_KEY", "Handler", "Route", "base_url", "state_of"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

STATE_KEY = web.AppKey("sprinklr_sandbox_state", SandboxState)


@dataclass(frozen=True)
class Route:
    """One API endpoint, with its path as documented (no environment segment)."""

    method: str
    path: str
    handler: Handler


def state_of(request: web.Request) -> SandboxState:
    """Return the sandbox state behind the request's application."""
    return request.app[STATE_KEY]


def base_url(request: web.Request) -> str:
    """Return scheme and host the caller used, for URLs that point back here."""
    return f"{request.scheme}://{request.host}"
