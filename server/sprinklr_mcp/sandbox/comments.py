"""Internal comments (notes): add one to a record, list a record's comments."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from .envelope import ApiError, json_response, ok
from .media import check_media_url
from .routes import Route, state_of
from .search import SearchSpec, run_search
from .state import Record, SandboxState
from .validation import Fields, bad_request, read_json_object

__all__ = ["ROUTES"]

logger = logging.getLogger(__name__)

COMMENT_ENTITY_TYPES = ("CASE", "MESSAGE", "OUTBOUND_MESSAGE", "CAMPAIGN", "PROFILE")
# Entity types that exist in Sprinklr but take no comments through this API.
OTHER_ENTITY_TYPES = (
    "SUB_CAMPAIGN",
    "SOCIAL_ASSET",
    "TASK",
    "AUDIENCE_ACTIVITY",
    "SHORT_LINK",
    "USER",
    "COMMENT",
    "CUSTOM_FIELD",
)
ATTACHMENT_TYPES = ("IMAGE", "DOC", "VIDEO", "AUDIO")

# The comment search filters on asset classes; comments record entity types.
ASSET_CLASSES = {
    "UNIVERSAL_CASE": "CASE",
    "MESSAGE_WORKFLOW": "MESSAGE",
    "PROFILE_WORKFLOW": "PROFILE",
}
_ASSET_CLASS_OF = {entity: asset for asset, entity in ASSET_CLASSES.items()}


def _comment_view(comment: Record) -> Record:
    """Show a comment's entity type as the asset class that searches filter on."""
    entity_type = comment.get("entityType", "")
    return {**comment, "entityType": _ASSET_CLASS_OF.get(entity_type, entity_type)}


COMMENT_SEARCH = SearchSpec(
    "COMMENT",
    keys=("entityType", "entityId", "createdTime", "modifiedTime", "id"),
    flags=("includeReplyOnComments",),
    view=_comment_view,
)


def _check_entity(state: SandboxState, entity_type: str, entity_id: str) -> str:
    """Raise 404 unless the record exists; return the ID comments are filed under."""
    if entity_type == "CASE":
        if not entity_id.isdigit():
            raise bad_request(
                "entityId",
                f"must be a case number for CASE, got {entity_id!r}; case "
                "comments are filed under the case number, not the case ID",
            )
        state.case_by_number(int(entity_id))
        return entity_id
    if entity_type == "MESSAGE":
        state.message_by_id(entity_id)
        return entity_id
    if entity_type == "PROFILE":
        state.profile_by_id(entity_id)
        return entity_id
    if entity_type == "CAMPAIGN":
        if entity_id not in state.campaigns:
            raise ApiError(404, f"Campaign not found for id {entity_id}")
        return entity_id
    post_id = entity_id if entity_id.startswith("POST_") else f"POST_{entity_id}"
    if post_id not in state.posts:
        raise ApiError(404, f"Outbound message not found for id {entity_id}")
    return post_id


async def add_comment(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/comment/{entityType}/{entityId}."""
    state = state_of(request)
    entity_type = request.match_info["entityType"]
    entity_id = request.match_info["entityId"]
    if entity_type in OTHER_ENTITY_TYPES:
        raise bad_request(
            "entityType",
            f"{entity_type} does not take comments; use one of "
            f"{', '.join(COMMENT_ENTITY_TYPES)}",
        )
    if entity_type not in COMMENT_ENTITY_TYPES:
        raise bad_request(
            "entityType",
            f"must be one of {', '.join(COMMENT_ENTITY_TYPES)}, got {entity_type!r}",
        )
    body = await read_json_object(request)
    text = body.text("text", required=True)
    attachment = _attachment(request, body.nested("attachment"))
    filed_under = _check_entity(state, entity_type, entity_id)

    now = state.now_ms()
    comment: Record = {"id": state.ids.hex24(), "text": text}
    if attachment is not None:
        comment["attachment"] = attachment
    comment.update(
        {
            "commentingUser": state.me["id"],
            "createdTime": now,
            "modifiedTime": now,
            "entityType": entity_type,
            "entityId": filed_under,
        }
    )
    state.add_comment(entity_type, filed_under, comment)
    logger.info("sandbox comment added to %s %s", entity_type, filed_under)
    return ok(comment)


def _attachment(request: web.Request, fields: Fields | None) -> dict[str, Any] | None:
    if fields is None:
        return None
    fields.text("url", required=True)
    fields.enum("type", ATTACHMENT_TYPES, required=True)
    check_media_url(request, fields.data["url"], fields.path("url"))
    if fields.has("previewUrl"):
        check_media_url(request, fields.data["previewUrl"], fields.path("previewUrl"))
    return dict(fields.data)


def _filter_keys(fields: Fields) -> set[str]:
    """Return the keys a filter tree names, checking entityType values on the way."""
    keys = set()
    key = fields.data.get("key")
    if isinstance(key, str):
        keys.add(key)
    if key == "entityType":
        for value in fields.array("values", single=True) or []:
            if not isinstance(value, str) or value not in ASSET_CLASSES:
                raise bad_request(
                    fields.path("values"),
                    f"must hold asset classes ({', '.join(ASSET_CLASSES)}), "
                    f"got {value!r}",
                )
    for child in fields.nested_list("filters"):
        keys |= _filter_keys(child)
    return keys


async def get_comments(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/search/COMMENT: a page of one record's comments.

    The filter must name both entityType (an asset class such as
    UNIVERSAL_CASE) and entityId, as Sprinklr requires.
    """
    state = state_of(request)
    body = await read_json_object(request)
    filter_fields = body.nested("filter", required=True)
    assert filter_fields is not None
    missing = {"entityType", "entityId"} - _filter_keys(filter_fields)
    if missing:
        raise bad_request(
            "filter",
            "must filter on entityType and entityId; missing "
            + ", ".join(sorted(missing)),
        )
    comments = [item for items in state.comments.values() for item in items]
    return ok(run_search(state, COMMENT_SEARCH, body, comments))


async def search_comments_v1(request: web.Request) -> web.StreamResponse:
    """POST /api/v1/generic/comment/search/{assetClass}/{assetId}.

    The older comment search, which the spec does not use but Sprinklr still
    documents. Its response has no ``errors`` key, and paging is by ``start`` and
    ``rows`` with ``hasMore`` and ``totalComments``.
    """
    state = state_of(request)
    asset_class = request.match_info["assetClass"]
    asset_id = request.match_info["assetId"]
    if asset_class not in (*ASSET_CLASSES, "MEDIA_ASSET"):
        raise bad_request(
            "assetClass",
            f"must be one of {', '.join(ASSET_CLASSES)}, MEDIA_ASSET; "
            f"got {asset_class!r}",
        )
    raw = await request.read()
    body = await read_json_object(request) if raw.strip() else Fields({})
    paging = body.nested("commentPaginationInfo") or Fields({}, "commentPaginationInfo")
    start = paging.integer("start") or 0
    rows = paging.integer("rows") or 20
    since = paging.integer("sinceDate")
    until = paging.integer("untilDate")
    direction = paging.enum("sortDirection", ("ASC", "DESC")) or "DESC"
    if start < 0 or rows < 1:
        raise bad_request(
            "commentPaginationInfo", "start must be 0 or more and rows at least 1"
        )

    entity_type = ASSET_CLASSES.get(asset_class)
    found = state.comments.get((entity_type, asset_id), []) if entity_type else []
    matching = [
        comment
        for comment in found
        if (since is None or comment["createdTime"] >= since)
        and (until is None or comment["createdTime"] <= until)
    ]
    matching.sort(
        key=lambda comment: comment["createdTime"], reverse=direction == "DESC"
    )
    page = matching[start : start + rows]
    return json_response(
        {
            "data": [_v1_comment(state, comment, asset_id) for comment in page],
            "lastProcessedCommentTime": page[-1]["createdTime"] if page else 0,
            "hasMore": start + rows < len(matching),
            "totalComments": len(matching),
        }
    )


def _v1_comment(state: SandboxState, comment: Record, asset_id: str) -> Record:
    media = comment.get("mediaList") or (
        [comment["attachment"]] if "attachment" in comment else []
    )
    return {
        "id": comment["id"],
        "comment": comment["text"],
        "commentingUser": comment["commentingUser"],
        "commentedOnDate": comment["createdTime"],
        "commentUpdateDate": comment["modifiedTime"],
        "assetId": asset_id,
        "partnerId": state.me["customerId"],
        "mediaList": media,
        "isEdited": comment["modifiedTime"] != comment["createdTime"],
        "isEditable": True,
        "deleted": False,
        "hasConversation": False,
    }


ROUTES = (
    Route("POST", "/api/v2/comment/{entityType}/{entityId}", add_comment),
    Route("POST", "/api/v2/search/COMMENT", get_comments),
    Route(
        "POST",
        "/api/v1/generic/comment/search/{assetClass}/{assetId}",
        search_comments_v1,
    ),
)
