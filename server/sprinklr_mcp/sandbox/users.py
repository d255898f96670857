"""The current user, and one-time authentication tokens for chat users."""

from __future__ import annotations

import logging
import secrets

from aiohttp import web

from .envelope import ok
from .routes import Route, state_of
from .validation import bad_request, read_json_object

__all__ = ["ROUTES"]

logger = logging.getLogger(__name__)

# Lifetime of a one-time token when the request names none, in minutes.
DEFAULT_OTA_MINUTES = 30


async def get_me(request: web.Request) -> web.StreamResponse:
    """GET /api/v2/me: the user the token acts as."""
    return ok(state_of(request).me)


async def generate_ota(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/chat/user/ota: a one-time token that signs a chat user in."""
    state = state_of(request)
    body = await read_json_object(request)
    user_id = body.text("userId", required=True)
    minutes = body.integer("authTokenExpiryInMinutes")
    if minutes is None:
        minutes = DEFAULT_OTA_MINUTES
    if minutes < 1:
        raise bad_request(
            "authTokenExpiryInMinutes", f"must be at least 1, got {minutes}"
        )
    custom = body.nested("customUser")
    if custom is not None:
        for key in custom.data:
            custom.text(key)

    token = f"sbx-ota-{secrets.token_urlsafe(24)}"
    expiry = state.now_ms() + minutes * 60_000
    state.ota_codes[token] = {"userId": user_id, "expiryTime": expiry}
    logger.info("sandbox one-time token issued for a chat user")
    return ok({"token": token, "expiresIn": minutes * 60, "expiryTime": expiry})


ROUTES = (
    Route("GET", "/api/v2/me", get_me),
    Route("POST", "/api/v2/chat/user/ota", generate_ota),
)
