"""Message endpoints: one message by ID, or several in one call."""

from __future__ import annotations

from aiohttp import web

from .envelope import ok
from .routes import Route, state_of
from .validation import bad_request, query_str, read_json_list

__all__ = ["ROUTES"]


async def get_message_by_id(request: web.Request) -> web.StreamResponse:
    """GET /api/v2/message/byMessageId?messageId=..."""
    message_id = query_str(request, "messageId")
    assert message_id is not None
    return ok(state_of(request).message_by_id(message_id))


async def get_messages_bulk(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/message/bulk-fetch with a JSON array of message IDs.

    Returns the messages that exist, in request order. Unknown IDs are left
    out rather than failing the call.
    """
    state = state_of(request)
    message_ids = await read_json_list(request)
    if not message_ids:
        raise bad_request("body", "must list at least one message ID")
    for index, message_id in enumerate(message_ids):
        if not isinstance(message_id, str) or not message_id:
            raise bad_request(
                f"body[{index}]", f"must be a message ID string, got {message_id!r}"
            )
    found = [state.messages[mid] for mid in message_ids if mid in state.messages]
    return ok(found)


ROUTES = (
    Route("GET", "/api/v2/message/byMessageId", get_message_by_id),
    Route("POST", "/api/v2/message/bulk-fetch", get_messages_bulk),
)
