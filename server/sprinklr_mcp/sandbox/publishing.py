"""Publishing a post from brand accounts, and the default campaign for it.

Account IDs and campaign IDs are not checked against the seeded ones, because
Sprinklr's own publishing examples use IDs of other tenants and placeholders.
Attachment URLs that point to sandbox media must name an uploaded file.
"""

from __future__ import annotations

import copy
import logging

from aiohttp import web

from .envelope import ok
from .media import check_media_url
from .routes import Route, state_of
from .state import Record
from .validation import Fields, bad_request, read_json_object, to_int

__all__ = ["ROUTES"]

logger = logging.getLogger(__name__)

ATTACHMENT_TYPES = ("IMAGE", "VIDEO", "DOC", "AUDIO", "CAROUSEL", "MULTI_MEDIA")
APPROVAL_TYPES = ("ACCOUNT_OWNER", "USER", "APPROVAL_PATH", "NONE")
# Most items a carousel may hold.
CAROUSEL_LIMIT = 10


def _check_attachment(request: web.Request, attachment: Fields) -> None:
    kind = attachment.enum("type", ATTACHMENT_TYPES)
    for name in ("url", "previewUrl"):
        if attachment.has(name):
            check_media_url(request, attachment.data[name], attachment.path(name))
    for option in attachment.nested_list("attachmentOptions"):
        option.text("channelType")
    items = attachment.nested_list("mediaAttachmentList")
    if len(items) > CAROUSEL_LIMIT:
        raise bad_request(
            attachment.path("mediaAttachmentList"),
            f"holds {len(items)} items; a carousel takes at most {CAROUSEL_LIMIT}",
        )
    if kind == "CAROUSEL" and not items:
        raise bad_request(
            attachment.path("mediaAttachmentList"), "is required for a CAROUSEL"
        )
    nested = attachment.nested_list("attachments")
    if kind == "MULTI_MEDIA" and not nested:
        raise bad_request(attachment.path("attachments"), "is required for MULTI_MEDIA")
    for item in (*items, *nested):
        _check_attachment(request, item)


async def publish_message(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/publishing/post: one post per account; returns the POST IDs."""
    state = state_of(request)
    body = await read_json_object(request)
    accounts = body.array("accountIds", required=True, single=True)
    assert accounts is not None
    account_ids = [to_int(item, f"accountIds[{i}]") for i, item in enumerate(accounts)]
    content = body.nested("content", required=True)
    assert content is not None
    attachment = content.nested("attachment")
    if not content.has("text") and attachment is None:
        raise bad_request("content.text", "is required when there is no attachment")
    content.text("text")
    if attachment is not None:
        _check_attachment(request, attachment)
    for option in body.nested_list("channelOptions"):
        option.text("channelType")
    schedule = body.integer("scheduleDate")
    if schedule is not None and schedule < 0:
        raise bad_request("scheduleDate", f"must be 0 or more, got {schedule}")
    approval = body.nested("approval")
    approval_type = (
        approval.enum("type", APPROVAL_TYPES) if approval else None
    ) or "NONE"
    taxonomy = body.nested("taxonomy")
    campaign_id = taxonomy.text("campaignId") if taxonomy else None

    now = state.now_ms()
    if approval_type != "NONE":
        status = "PENDING_APPROVAL"
    elif schedule and schedule > now:
        status = "SCHEDULED"
    else:
        status = "PUBLISHED"
    post_ids = []
    for account_id in account_ids:
        post_id = f"POST_{state.next_post_number}"
        state.next_post_number += 1
        post: Record = {
            "id": post_id,
            "accountId": account_id,
            "content": copy.deepcopy(content.data),
            "channelOptions": copy.deepcopy(body.data.get("channelOptions", [])),
            "scheduleDate": schedule or now,
            "campaignId": campaign_id,
            "status": status,
            "createdTime": now,
        }
        state.posts[post_id] = post
        post_ids.append(post_id)
    logger.info("sandbox published %d post(s), %s", len(post_ids), status.lower())
    return ok(post_ids)


async def get_default_campaign(request: web.Request) -> web.StreamResponse:
    """GET /api/v2/campaign/default: the workspace's default campaign, or null."""
    state = state_of(request)
    campaign = state.campaigns.get(state.default_campaign_id or "")
    return ok(campaign)


ROUTES = (
    Route("POST", "/api/v2/publishing/post", publish_message),
    Route("GET", "/api/v2/campaign/default", get_default_campaign),
)
