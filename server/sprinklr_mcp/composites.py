"""Operations that Sprinklr has no endpoint for, carried out with documented ones.

An operation whose spec lists ``x-sprinklr.composite`` (``OperationInfo.composite``)
is sent here by the transport unless the user configured a path override for
it. Each handler makes its calls through the same transport, so every step
gets the rate limiter, retries and error mapping of a normal call.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from sprinklr_generated.models import GetProfileByIdResponse, SearchCasesResponse
from sprinklr_generated.operations import OPERATIONS
from sprinklr_generated.protocol import OperationInfo, Transport
from sprinklr_mcp.errors import InvalidRequestError

__all__ = ["COMPOSITES", "list_profile_cases", "run_composite"]

logger = logging.getLogger(__name__)

ResponseT = TypeVar("ResponseT", bound=BaseModel)
CompositeHandler = Callable[..., Awaitable[BaseModel]]

# Page size of listProfileCases when the caller gives none; the spec's default.
DEFAULT_PROFILE_CASES_SIZE = 20


def _channel_ids(profile: Mapping[str, Any]) -> list[str]:
    """Return the distinct ``profiles[].channelId`` values of a profile, in order."""
    seen: dict[str, None] = {}
    for channel_profile in profile.get("profiles") or ():
        if not isinstance(channel_profile, Mapping):
            continue
        channel_id = channel_profile.get("channelId")
        if channel_id not in (None, ""):
            seen.setdefault(str(channel_id), None)
    return list(seen)


async def list_profile_cases(
    transport: Transport,
    operation: OperationInfo,
    *,
    path: Mapping[str, Any],
    query: Mapping[str, Any],
    response: type[ResponseT],
    timeout: float | None,  # noqa: ASYNC109 - passed on to each call
) -> ResponseT:
    """List a profile's cases, newest first, with getProfileById and searchCases.

    Sprinklr's case search cannot filter by profile ID, so this reads the
    profile, collects its channel IDs and searches cases whose
    ``contact.channelId`` is one of them, sorted by ``createdTime`` descending.
    Returns at most ``size`` cases (one search page). A profile without
    channel profiles has no cases, and no search is sent.
    """
    size = query.get("size")
    page_size = int(size) if size is not None else DEFAULT_PROFILE_CASES_SIZE

    profile_envelope = await transport.call(
        OPERATIONS["getProfileById"],
        path={"profileId": path["profileId"]},
        query={},
        body=None,
        files=None,
        response=GetProfileByIdResponse,
        timeout=timeout,
    )
    profile = profile_envelope.model_dump(by_alias=True, mode="json").get("data")
    channel_ids = _channel_ids(profile or {})
    if not channel_ids:
        logger.debug("%s: the profile has no channel IDs", operation.operation_id)
        return response.model_validate({"data": [], "errors": []})

    search = {
        "filter": {
            "type": "AND",
            "filters": [
                {"type": "IN", "key": "contact.channelId", "values": channel_ids}
            ],
        },
        "sorts": [{"key": "createdTime", "order": "DESC"}],
        "page": {"size": page_size},
    }
    search_envelope = await transport.call(
        OPERATIONS["searchCases"],
        path={},
        query={},
        body=search,
        files=None,
        response=SearchCasesResponse,
        timeout=timeout,
    )
    page = search_envelope.model_dump(by_alias=True, mode="json", exclude_unset=True)
    results = (page.get("data") or {}).get("results") or []
    return response.model_validate({"data": results[:page_size], "errors": []})


COMPOSITES: Mapping[str, CompositeHandler] = {
    "listProfileCases": list_profile_cases,
}


async def run_composite(
    transport: Transport,
    operation: OperationInfo,
    *,
    path: Mapping[str, Any],
    query: Mapping[str, Any],
    body: Any,
    response: type[ResponseT],
    timeout: float | None,  # noqa: ASYNC109 - passed on to each call
) -> ResponseT:
    """Carry out a composite operation through ``transport``.

    Raises ``InvalidRequestError`` when the client has no handler for it; a
    path override for the operation then makes the transport send it directly.
    """
    handler = COMPOSITES.get(operation.operation_id)
    if handler is None:
        raise InvalidRequestError(
            f"this client cannot compose {operation.operation_id} from "
            f"{', '.join(operation.composite)}; configure a path override for it",
            operation_id=operation.operation_id,
            method=operation.method,
            path_template=operation.path,
        )
    if body is not None:
        raise InvalidRequestError(
            f"{operation.operation_id} takes no request body",
            operation_id=operation.operation_id,
        )

    result = await handler(
        transport,
        operation,
        path=path,
        query=query,
        response=response,
        timeout=timeout,
    )
    assert isinstance(result, response)
    return result
