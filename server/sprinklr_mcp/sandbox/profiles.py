"""Universal profile endpoints: lookups, create-or-update, partial update."""

from __future__ import annotations

import copy
import logging
import re

from aiohttp import web

from .envelope import ApiError, ok
from .routes import Route, state_of
from .state import Record, SandboxState
from .validation import (
    Fields,
    bad_request,
    query_int,
    query_str,
    read_json_object,
    to_int,
)

__all__ = [
    "ROUTES",
    "find_or_create_profile_for_case",
    "upsert_profile",
    "with_response_fields",
]

logger = logging.getLogger(__name__)

_CHANNEL_TYPE = re.compile(r"^[A-Z][A-Z0-9_]*$")

CONTACT_FIELDS = (
    "firstName",
    "maidenName",
    "lastName",
    "fullName",
    "email",
    "phoneNo",
)


def _channel_type(value: str | None, field: str) -> str:
    if value is None or not _CHANNEL_TYPE.match(value):
        raise bad_request(
            field, f"must be an upper-case channel name such as TWITTER, got {value!r}"
        )
    return value


def with_response_fields(profile: Record) -> Record:
    """Return the profile as the API sends it, with the fields it derives."""
    answer = dict(profile)
    answer["restricted"] = False
    answer["profiles"] = [
        {**social, "profileImageUrl": social["avatarUrl"]}
        if social.get("avatarUrl")
        else social
        for social in profile["profiles"]
    ]
    return answer


def _contact(fields: Fields | None, existing: Record | None = None) -> Record:
    contact: Record = dict(existing or {})
    contact.setdefault("website", [])
    contact.setdefault("phoneDetails", [])
    contact.setdefault("emailDetails", [])
    if fields is None:
        return contact
    for name in CONTACT_FIELDS:
        value = fields.text(name)
        if value is not None:
            contact[name] = value
    website = fields.array("website", single=True)
    if website is not None:
        contact["website"] = [str(item) for item in website]
    details = fields.data.get("emailDetails")
    if isinstance(details, str):
        contact["emailDetails"] = [details]
    elif isinstance(details, list):
        contact["emailDetails"] = details
    address = fields.nested("address")
    if address is not None:
        contact["address"] = dict(address.data)
    if "fullName" not in contact and ("firstName" in contact or "lastName" in contact):
        contact["fullName"] = " ".join(
            part for part in (contact.get("firstName"), contact.get("lastName")) if part
        )
    return contact


def _social_profile(fields: Fields, now: int) -> Record:
    name = fields.text("name", required=True)
    channel_type = _channel_type(
        fields.text("channelType", required=True), fields.path("channelType")
    )
    channel_id = fields.text("channelId", required=True)
    infos = fields.data.get("accountSpecificInfos")
    if isinstance(infos, dict):
        # One documented create request sends {} where responses have a list.
        infos = [infos] if infos else []
    elif infos is None:
        infos = []
    elif not isinstance(infos, list):
        raise bad_request(fields.path("accountSpecificInfos"), "must be an array")
    for key in ("followers", "following", "statusCount"):
        if fields.has(key):
            fields.integer(key)
    social: Record = {
        "followers": 0,
        "following": 0,
        "verified": False,
        "unSubscribed": False,
        "deleted": False,
        "snCreatedTime": 0,
        "statusCount": 0,
        "additional": {},
        **fields.data,
        "name": name,
        "channelType": channel_type,
        "channelId": channel_id,
        "accountSpecificInfos": infos,
        "snModifiedTime": now,
    }
    social.setdefault("username", channel_id)
    return social


def _profile_workflow(
    fields: Fields | None, existing: Record | None, keep_lists: bool
) -> Record:
    workflow: Record = {
        "profileLists": [],
        "customProperties": {},
        "profileSpaceWorkflows": [],
    }
    if existing is not None:
        workflow.update(existing)
        if not keep_lists:
            workflow["profileLists"] = []
    if fields is None:
        return workflow
    lists = fields.array("profileLists")
    if lists is not None:
        workflow["profileLists"] = [
            to_int(item, f"{fields.path('profileLists')}[{index}]")
            for index, item in enumerate(lists)
        ]
    properties = fields.properties("customProperties")
    if properties is not None:
        workflow["customProperties"] = properties
    spaces = fields.nested_list("profileSpaceWorkflows")
    if spaces:
        workflow["profileSpaceWorkflows"] = [dict(space.data) for space in spaces]
    return workflow


def upsert_profile(state: SandboxState, body: Fields, *, keep_lists: bool) -> Record:
    """Create a profile from a ProfileUpsertRequest, or replace or merge into one.

    With ``id`` the named profile is replaced; a channel identity the sandbox
    already has merges the request into that identity's profile. Without
    profile lists in the body, ``keep_lists`` keeps the existing lists.
    """
    now = state.now_ms()
    socials = [
        _social_profile(item, now)
        for item in body.nested_list("profiles", required=True)
    ]
    if not socials:
        raise bad_request(
            body.path("profiles"), "must hold at least one channel profile"
        )

    existing: Record | None = None
    profile_id = body.text("id")
    if profile_id is not None:
        existing = state.profile_by_id(profile_id)
    else:
        for social in socials:
            existing = state.find_profile_by_channel(
                social["channelType"], social["channelId"]
            )
            if existing is not None:
                break

    contact = _contact(
        body.nested("contact"), existing["contact"] if existing else None
    )
    demographics = dict(existing.get("demographics", {})) if existing else {}
    demographic_fields = body.nested("demographics")
    if demographic_fields is not None:
        demographics.update(demographic_fields.data)
    workflow = _profile_workflow(
        body.nested("profileWorkflow"),
        existing.get("profileWorkflow") if existing else None,
        keep_lists,
    )
    if existing is not None:
        kept = [
            social
            for social in existing["profiles"]
            if not any(
                s["channelType"] == social["channelType"]
                and s["channelId"] == social["channelId"]
                for s in socials
            )
        ]
        existing.update(
            {
                "contact": contact,
                "demographics": demographics,
                "profiles": kept + socials,
                "profileWorkflow": workflow,
                "modifiedTime": now,
            }
        )
        logger.info("sandbox profile %s updated", existing["id"])
        return existing

    profile: Record = {
        "id": state.ids.hex24(),
        "contact": contact,
        "demographics": demographics,
        "profiles": socials,
        "profileWorkflow": workflow,
        "createdTime": now,
        "modifiedTime": now,
    }
    state.profiles[profile["id"]] = profile
    logger.info("sandbox profile %s created", profile["id"])
    return profile


async def create_profile(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/profile?syncPartnerProfileListIfNotSet=..."""
    state = state_of(request)
    body = await read_json_object(request)
    sync_flag = request.query.get("syncPartnerProfileListIfNotSet")
    if sync_flag is not None and sync_flag.lower() not in ("true", "false"):
        raise ApiError(
            400,
            "Invalid request: query parameter syncPartnerProfileListIfNotSet must "
            f"be true or false, got {sync_flag!r}",
            field="syncPartnerProfileListIfNotSet",
        )
    keep_lists = sync_flag is not None and sync_flag.lower() == "false"
    profile = upsert_profile(state, body, keep_lists=keep_lists)
    return ok(with_response_fields(profile))


async def get_profile_by_id(request: web.Request) -> web.StreamResponse:
    """GET /api/v2/profile/{profileId}."""
    profile = state_of(request).profile_by_id(request.match_info["profileId"])
    return ok(with_response_fields(profile))


async def get_profile_by_channel_user_id(request: web.Request) -> web.StreamResponse:
    """GET /api/v2/profile?snType=...&snUserId=..."""
    channel_type = _channel_type(query_str(request, "snType"), "snType")
    user_id = query_str(request, "snUserId")
    assert user_id is not None
    profile = state_of(request).find_profile_by_channel(channel_type, user_id)
    if profile is None:
        raise ApiError(404, f"Profile not found for {channel_type} user {user_id}")
    return ok(with_response_fields(profile))


async def get_profile_by_username(request: web.Request) -> web.StreamResponse:
    """GET /api/v2/profile/search?snType=...&userName=..."""
    channel_type = _channel_type(query_str(request, "snType"), "snType")
    username = query_str(request, "userName")
    assert username is not None
    profile = state_of(request).find_profile_by_username(channel_type, username)
    if profile is None:
        raise ApiError(
            404, f"Profile not found for {channel_type} username {username!r}"
        )
    return ok(with_response_fields(profile))


def _update_properties(properties: dict[str, list[str]], changes: Fields) -> None:
    """Apply the four custom-property maps of a partial update, in a fixed order."""
    replacement = changes.properties("partnerCustomProperties")
    if replacement is not None:
        properties.clear()
        properties.update(
            {key: values for key, values in replacement.items() if values != [""]}
        )
    selective = changes.properties("selectivePartnerCustomProperties")
    for key, values in (selective or {}).items():
        if values == [""]:
            properties.pop(key, None)
        else:
            properties[key] = values
    for key, values in (
        changes.properties("partnerCustomPropertiesAdded") or {}
    ).items():
        merged = properties.setdefault(key, [])
        merged.extend(value for value in values if value not in merged)
    for key, values in (
        changes.properties("partnerCustomPropertiesRemoved") or {}
    ).items():
        if key in properties:
            properties[key] = [
                value for value in properties[key] if value not in values
            ]


async def update_profile(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/profile/partial-update: change some fields, return the ID."""
    state = state_of(request)
    body = await read_json_object(request)
    profile_id = body.text("id")
    key = body.nested("profileKey")
    if profile_id is not None:
        profile = state.profile_by_id(profile_id)
    elif key is not None:
        channel_type = _channel_type(
            key.text("channelType", required=True), key.path("channelType")
        )
        channel_id = key.text("channelId", required=True)
        assert channel_id is not None
        found = state.find_profile_by_channel(channel_type, channel_id)
        if found is None:
            raise ApiError(
                404, f"Profile not found for {channel_type} user {channel_id}"
            )
        profile = found
    else:
        raise bad_request(
            "id", "or profileKey is required: say which profile to update"
        )

    contact_update = body.nested("profileUpdateRequestDTO")
    workflow_update = body.nested("profileWorkflowUpdateRequestDTO")
    new_contact = _contact(
        contact_update.nested("contactInfo") if contact_update else None,
        profile["contact"],
    )
    # A deep copy: the update extends value lists in place, and a bad map
    # later in the request must leave the stored profile as it was.
    properties = copy.deepcopy(profile["profileWorkflow"].get("customProperties", {}))
    if workflow_update is not None:
        _update_properties(properties, workflow_update)

    profile["contact"] = new_contact
    profile["profileWorkflow"]["customProperties"] = properties
    profile["modifiedTime"] = state.now_ms()
    logger.info("sandbox profile %s partially updated", profile["id"])
    return ok(profile["id"])


def profile_cases(state: SandboxState, profile: Record) -> list[Record]:
    """Return the cases whose contact is one of the profile's channel identities."""
    identities = {(s["channelType"], s["channelId"]) for s in profile["profiles"]}
    matches = [
        case
        for case in state.cases.values()
        if (case["contact"].get("channelType"), case["contact"].get("channelId"))
        in identities
    ]
    return sorted(matches, key=lambda case: case["createdTime"], reverse=True)


async def list_profile_cases(request: web.Request) -> web.StreamResponse:
    """GET /api/v2/profile/{profileId}/cases?size=N, newest first.

    Sprinklr has no such endpoint. The sandbox serves the path the spec
    declares, so a connection whose path override points here works.
    """
    state = state_of(request)
    profile = state.profile_by_id(request.match_info["profileId"])
    size = query_int(request, "size", required=False)
    if size is None:
        size = 20
    if not 1 <= size <= 100:
        raise ApiError(
            400, f"Invalid request: size must be 1 to 100, got {size}", field="size"
        )
    return ok(profile_cases(state, profile)[:size])


def find_or_create_profile_for_case(
    state: SandboxState, channel_type: str, channel_id: str, contact_info: Fields
) -> Record:
    """Return the profile that owns a channel identity, creating it when new."""
    existing = state.find_profile_by_channel(channel_type, channel_id)
    if existing is not None:
        return existing
    now = state.now_ms()
    contact = _contact(contact_info)
    social = _social_profile(
        Fields(
            {
                "name": contact.get("fullName") or channel_id,
                "channelType": channel_type,
                "channelId": channel_id,
            }
        ),
        now,
    )
    profile: Record = {
        "id": state.ids.hex24(),
        "contact": contact,
        "demographics": {},
        "profiles": [social],
        "profileWorkflow": {
            "profileLists": [],
            "customProperties": {},
            "profileSpaceWorkflows": [],
        },
        "createdTime": now,
        "modifiedTime": now,
    }
    state.profiles[profile["id"]] = profile
    return profile


ROUTES = (
    Route("GET", "/api/v2/profile", get_profile_by_channel_user_id),
    Route("POST", "/api/v2/profile", create_profile),
    Route("GET", "/api/v2/profile/search", get_profile_by_username),
    Route("POST", "/api/v2/profile/partial-update", update_profile),
    Route("GET", "/api/v2/profile/{profileId}/cases", list_profile_cases),
    Route("GET", "/api/v2/profile/{profileId}", get_profile_by_id),
)
