"""Case endpoints: create, read, update, delete and the case's message IDs."""

from __future__ import annotations

import copy
import logging
from typing import Any

from aiohttp import web

from .envelope import ApiError, ok
from .media import check_media_url
from .profiles import find_or_create_profile_for_case
from .routes import Route, state_of
from .seed import contact_for
from .state import Record, SandboxState
from .validation import (
    Fields,
    bad_request,
    query_int,
    query_str,
    read_json_list,
    read_json_object,
    to_int,
)

__all__ = ["ROUTES", "UPDATE_ACTIONS", "case_record", "sync_case_fields"]

logger = logging.getLogger(__name__)

# The field each update action reads; None for actions that read several.
UPDATE_ACTIONS: dict[str, str | None] = {
    "EDIT_SUBJECT": "subject",
    "EDIT_DESCRIPTION": "description",
    "ASSIGN_TO_USER": "assignedTo",
    "SET_DUE_DATE": "dueDate",
    "ADD_PROPERTIES": "addedCustomProperties",
    "SYNC_SELECTED_PROPERTIES": "syncedSelectedCustomProperties",
    "SYNC_PROPERTIES": "syncedCustomProperties",
    "REMOVE_PROPERTIES": "removedCustomProperties",
    "INCREMENT_PROPERTIES": "incrementCustomProperties",
    "ADD_QUEUES": "addedQueues",
    "REMOVE_QUEUES": "removedQueues",
    "SYNC_QUEUES": "syncedQueues",
    "SET_EXTERNAL_CASES": "externalCases",
    "SYNC_CHANNEL_CUSTOM_PROPERTIES": "syncedChannelCustomProperties",
    "UPDATE_INSTALLED_APP_DETAILS": None,
    "UPDATE_CHANNEL_DETAILS": None,
    "UPDATE_CHANNEL_CASE_ID": None,
}

COMMENT_ATTACHMENT_TYPES = ("IMAGE", "VIDEO", "LINK", "DOC", "AUDIO")

# Case fields that mirror a system custom property.
_MIRRORED_PROPERTIES = {
    "spr_uc_status": "status",
    "spr_uc_priority": "priority",
    "spr_uc_type": "caseType",
}


def sync_case_fields(case: Record) -> None:
    """Copy status, priority and type from their system custom properties."""
    properties = case["workflow"].get("customProperties", {})
    for key, field in _MIRRORED_PROPERTIES.items():
        values = properties.get(key)
        if values:
            case[field] = values[0]


def _queues(items: list[Any], path: str, now: int) -> list[Record]:
    """Normalise queue IDs or queue objects to ``{queueId, assignmentTime}``."""
    queues = []
    for index, item in enumerate(items):
        item_path = f"{path}[{index}]"
        if isinstance(item, dict):
            queue_id = to_int(item.get("queueId"), f"{item_path}.queueId")
            when = item.get("assignmentTime")
            assigned = to_int(when, f"{item_path}.assignmentTime") if when else now
        else:
            queue_id = to_int(item, item_path)
            assigned = now
        queues.append({"queueId": queue_id, "assignmentTime": assigned})
    return queues


def _workflow(fields: Fields | None, now: int) -> Record:
    """Build a case workflow from a request's ``workflow`` object."""
    workflow: Record = {"customProperties": {}, "queues": []}
    if fields is None:
        return workflow
    workflow["customProperties"] = fields.properties("customProperties") or {}
    workflow["queues"] = _queues(
        fields.array("queues") or [], fields.path("queues"), now
    )
    assignment = fields.nested("assignment")
    if assignment is not None:
        assignee = assignment.integer("assigneeId", required=True)
        workflow["assignment"] = {
            "assigneeId": str(assignee),
            "assigneeType": assignment.text("assigneeType") or "USER",
            "assignedById": assignment.integer("assignedById") or 0,
            "assignmentTime": assignment.integer("assignmentTime") or now,
        }
    campaign = fields.text("campaignId")
    if campaign is not None:
        workflow["campaignId"] = campaign
    return workflow


def case_record(
    *, subject: str, description: str, contact: Record, workflow: Record, now: int
) -> Record:
    """Return the fields of a new case, before it gets an ID and a number."""
    return {
        "subject": subject,
        "description": description,
        "version": 0,
        "status": "New",
        "externalCaseInfo": {"externalCases": []},
        "workflow": workflow,
        "channelCustomProperties": [],
        "contact": contact,
        "createdTime": now,
        "modifiedTime": now,
        "latestProfileMessageAssociatedTime": 0,
        "totalProcessingClockTime": 0,
        "allEngagedUsersList": [],
        "associatedFanMessageCount": 0,
        "associatedBrandMessageCount": 0,
        "associatedUserBrandMessageCount": 0,
        "deleted": False,
    }


def _check_case_fields(body: Fields) -> None:
    """Read the case fields of a create request, raising 400 on a bad one.

    ``_new_case`` reads them again; checking first lets a handler reject the
    request before it stores anything else, such as a new profile.
    """
    for name in ("subject", "description", "priority", "caseType", "summary"):
        body.text(name)
    body.text("status")
    body.integer("dueDate")
    body.nested("externalCase")


def _new_case(
    state: SandboxState,
    body: Fields,
    *,
    contact: Record,
    workflow: Record,
    status: str | None = None,
) -> Record:
    """Store a case built from the fields that create requests share."""
    case = case_record(
        subject=body.text("subject") or "",
        description=body.text("description") or "",
        contact=contact,
        workflow=workflow,
        now=state.now_ms(),
    )
    for field in ("priority", "caseType", "summary"):
        value = body.text(field)
        if value is not None:
            case[field] = value
    due_date = body.integer("dueDate")
    if due_date is not None:
        case["dueDate"] = due_date
    external = body.nested("externalCase")
    if external is not None:
        case["externalCase"] = dict(external.data)
        case["externalCaseInfo"]["externalCases"].append(dict(external.data))
    if "assignment" in workflow:
        case["allEngagedUsersList"].append(workflow["assignment"]["assigneeId"])

    sync_case_fields(case)
    if status is not None:
        case["status"] = status
    return state.add_case(case)


async def create_case(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/case: a case started from a message already in Sprinklr."""
    state = state_of(request)
    body = await read_json_object(request)
    message_id = body.text("firstMessageId", required=True)
    assert message_id is not None
    workflow = _workflow(body.nested("workflow", required=True), state.now_ms())
    extra_queues = body.array("queues")
    if extra_queues:
        workflow["queues"].extend(_queues(extra_queues, "queues", state.now_ms()))
    message = state.messages.get(message_id)
    if message is None:
        raise bad_request(
            "firstMessageId",
            f"does not name a message in Sprinklr: {message_id!r}; the message "
            "must exist before a case can be created from it",
        )

    customer = message[
        "receiverProfile" if message.get("brandPost") else "senderProfile"
    ]
    contact = contact_for(customer)
    requested_contact = body.nested("contact")
    if requested_contact is not None and requested_contact.has("name"):
        contact["name"] = requested_contact.text("name")

    case = _new_case(state, body, contact=contact, workflow=workflow)
    case["firstMessageId"] = message_id
    case["conversationId"] = message.get("conversationId", "")
    state.associate_message(case, message, case["createdTime"])
    logger.info("sandbox case %s created from a message", case["caseNumber"])
    return ok(case)


async def create_case_via_profile(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/case/profile: a case for a customer identified by channel."""
    state = state_of(request)
    body = await read_json_object(request)
    channel_type = body.text("channelType", required=True)
    assert channel_type is not None
    if (
        not channel_type.replace("_", "").isalnum()
        or channel_type != channel_type.upper()
    ):
        raise bad_request(
            "channelType",
            f"must be an upper-case channel name such as SMS, got {channel_type!r}",
        )
    contact_info = body.nested("contactInfo", required=True)
    assert contact_info is not None
    channel_id = body.text("channelId")
    if channel_id is None:
        if channel_type == "EMAIL":
            channel_id = contact_info.text("email", required=True)
        elif channel_type == "SMS":
            channel_id = contact_info.text("phoneNo", required=True)
        else:
            raise bad_request("channelId", f"is required for channel {channel_type}")
    elif channel_type == "EMAIL":
        contact_info.text("email", required=True)
    elif channel_type == "SMS":
        contact_info.text("phoneNo", required=True)
    assert channel_id is not None

    comment = body.nested("commentDTO")
    attachments = []
    if comment is not None:
        comment.text("comment")
        for attachment in comment.nested_list("attachments"):
            attachment.enum("type", COMMENT_ATTACHMENT_TYPES, required=True)
            attachment.text("url", required=True)
            check_media_url(request, attachment.data["url"], attachment.path("url"))
            attachments.append(dict(attachment.data))

    _check_case_fields(body)

    now = state.now_ms()
    workflow = _workflow(body.nested("workflow"), now)
    workflow["customProperties"]["spr_is_profile_case"] = ["true"]
    profile = find_or_create_profile_for_case(
        state, channel_type, channel_id, contact_info
    )
    social = next(
        s
        for s in profile["profiles"]
        if s["channelType"] == channel_type and s["channelId"] == channel_id
    )
    case = _new_case(
        state,
        body,
        contact=contact_for(social),
        workflow=workflow,
        status=body.text("status"),
    )

    if comment is not None and (comment.has("comment") or attachments):
        record: Record = {
            "id": state.ids.hex24(),
            "text": comment.text("comment") or "",
            "commentingUser": state.me["id"],
            "createdTime": now,
            "modifiedTime": now,
            "entityType": "CASE",
            "entityId": str(case["caseNumber"]),
        }
        if attachments:
            record["attachment"] = attachments[0]
            record["mediaList"] = attachments
        state.add_comment("CASE", str(case["caseNumber"]), record)
    logger.info("sandbox case %s created for a profile", case["caseNumber"])
    return ok(case)


async def get_case_by_id(request: web.Request) -> web.StreamResponse:
    """GET /api/v2/case/{caseId}."""
    return ok(state_of(request).case_by_id(request.match_info["caseId"]))


async def get_case_by_number(request: web.Request) -> web.StreamResponse:
    """GET /api/v2/case/case-numbers?case-number=N."""
    number = query_int(request, "case-number")
    assert number is not None
    return ok(state_of(request).case_by_number(number))


async def delete_cases_by_id(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/case/delete with a JSON array of case IDs; 204 on success.

    Every ID is checked before any case is deleted, so a bad ID deletes nothing.
    An ID listed twice deletes its case once.
    """
    state = state_of(request)
    items = await read_json_list(request)
    if not items:
        raise bad_request("body", "must list at least one case ID")
    cases: dict[str, Record] = {}
    for index, item in enumerate(items):
        if not isinstance(item, str) or not item:
            raise bad_request(
                f"body[{index}]", f"must be a case ID string, got {item!r}"
            )
        case = state.cases.get(item)
        if case is None:
            raise bad_request(
                f"body[{index}]", f"case {item} does not exist or is already deleted"
            )
        cases[case["id"]] = case
    for case in cases.values():
        state.delete_case(case)
    logger.info("sandbox deleted %d case(s) by ID", len(cases))
    return web.Response(status=204)


async def delete_cases_by_number(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/case/case-numbers/delete with an array of case numbers; 204.

    As with delete by ID, nothing is deleted unless every number is valid, and
    a number listed twice (even once as a string) deletes its case once.
    """
    state = state_of(request)
    items = await read_json_list(request)
    if not items:
        raise bad_request("body", "must list at least one case number")
    cases: dict[str, Record] = {}
    for index, item in enumerate(items):
        number = to_int(item, f"body[{index}]")
        case_id = state.case_numbers.get(number)
        if case_id is None:
            raise bad_request(
                f"body[{index}]",
                f"case number {number} does not exist or is already deleted",
            )
        cases[case_id] = state.cases[case_id]
    for case in cases.values():
        state.delete_case(case)
    logger.info("sandbox deleted %d case(s) by number", len(cases))
    return web.Response(status=204)


def _target_cases(state: SandboxState, body: Fields) -> list[Record]:
    ids = body.array("caseIds", single=True) or []
    numbers = body.array("caseNumbers", single=True) or []
    if not ids and not numbers:
        raise bad_request(
            "caseIds", "or caseNumbers is required: list the cases to update"
        )
    cases: list[Record] = []
    for index, case_id in enumerate(ids):
        if not isinstance(case_id, str) or case_id not in state.cases:
            raise ApiError(
                404,
                f"Case not found: caseIds[{index}] is {case_id!r}",
                field=f"caseIds[{index}]",
            )
        cases.append(state.cases[case_id])
    for index, item in enumerate(numbers):
        number = to_int(item, f"caseNumbers[{index}]")
        if number not in state.case_numbers:
            raise ApiError(
                404,
                f"Case not found: caseNumbers[{index}] is {number}",
                field=f"caseNumbers[{index}]",
            )
        cases.append(state.cases[state.case_numbers[number]])
    unique: dict[str, Record] = {case["id"]: case for case in cases}
    return list(unique.values())


def _check_actions(body: Fields) -> list[str]:
    actions = body.array("updateActions", required=True, single=True)
    assert actions is not None
    for index, action in enumerate(actions):
        path = f"updateActions[{index}]"
        if not isinstance(action, str) or action not in UPDATE_ACTIONS:
            raise bad_request(
                path, f"must be one of {', '.join(UPDATE_ACTIONS)}, got {action!r}"
            )
        field = UPDATE_ACTIONS[action]
        if field is not None and not body.has(field):
            raise bad_request(field, f"is required by update action {action}")
    if "UPDATE_INSTALLED_APP_DETAILS" in actions and not body.has("installedAppId"):
        raise bad_request(
            "installedAppId", "is required by UPDATE_INSTALLED_APP_DETAILS"
        )
    return [str(action) for action in actions]


def _increment(values: list[str], amounts: list[str], path: str) -> list[str]:
    try:
        current = float(values[0]) if values else 0.0
        step = sum(float(amount) for amount in amounts)
    except ValueError:
        raise bad_request(path, "must hold numbers written as strings") from None
    total = current + step
    return [str(int(total)) if total.is_integer() else str(total)]


def _apply_action(case: Record, action: str, body: Fields, state: SandboxState) -> None:
    """Apply one validated update action to one case."""
    now = state.now_ms()
    workflow = case["workflow"]
    properties: dict[str, list[str]] = workflow.setdefault("customProperties", {})
    if action == "EDIT_SUBJECT":
        case["subject"] = body.text("subject")
    elif action == "EDIT_DESCRIPTION":
        case["description"] = body.text("description")
    elif action == "ASSIGN_TO_USER":
        assignee = str(body.integer("assignedTo"))
        workflow["assignment"] = {
            "assigneeId": assignee,
            "assigneeType": "USER",
            "assignedById": state.me["id"],
            "assignmentTime": now,
        }
        properties["spr_uc_last_assigned_agent"] = [assignee]
        if assignee not in case["allEngagedUsersList"]:
            case["allEngagedUsersList"].append(assignee)
    elif action == "SET_DUE_DATE":
        case["dueDate"] = body.integer("dueDate")
    elif action == "ADD_PROPERTIES":
        for key, values in (body.properties("addedCustomProperties") or {}).items():
            merged = properties.setdefault(key, [])
            merged.extend(value for value in values if value not in merged)
    elif action == "SYNC_SELECTED_PROPERTIES":
        properties.update(body.properties("syncedSelectedCustomProperties") or {})
    elif action == "SYNC_PROPERTIES":
        workflow["customProperties"] = body.properties("syncedCustomProperties") or {}
    elif action == "REMOVE_PROPERTIES":
        for key, values in (body.properties("removedCustomProperties") or {}).items():
            if not values:
                properties.pop(key, None)
            elif key in properties:
                properties[key] = [v for v in properties[key] if v not in values]
    elif action == "INCREMENT_PROPERTIES":
        for key, amounts in (
            body.properties("incrementCustomProperties") or {}
        ).items():
            properties[key] = _increment(
                properties.get(key, []), amounts, f"incrementCustomProperties.{key}"
            )
    elif action in ("ADD_QUEUES", "REMOVE_QUEUES", "SYNC_QUEUES"):
        _apply_queue_action(case, action, body, now)
    elif action == "SET_EXTERNAL_CASES":
        external = body.array("externalCases", single=True) or []
        case["externalCaseInfo"] = {"externalCases": copy.deepcopy(external)}
        if external:
            case["externalCase"] = copy.deepcopy(external[0])
    elif action == "SYNC_CHANNEL_CUSTOM_PROPERTIES":
        synced = body.array("syncedChannelCustomProperties", single=True)
        case["channelCustomProperties"] = copy.deepcopy(synced)
    elif action == "UPDATE_INSTALLED_APP_DETAILS":
        case["installedAppDetails"] = {
            key: body.text(key)
            for key in ("installedAppId", "installedAppUserId", "installedAppOrgId")
            if body.has(key)
        }
    # UPDATE_CHANNEL_DETAILS and UPDATE_CHANNEL_CASE_ID have no documented
    # fields; the sandbox accepts them and changes nothing but the version.


def _apply_queue_action(case: Record, action: str, body: Fields, now: int) -> None:
    field = UPDATE_ACTIONS[action]
    assert field is not None
    raw = body.array(field, single=True) or []
    ids = [to_int(item, f"{field}[{index}]") for index, item in enumerate(raw)]
    queues: list[Record] = case["workflow"].setdefault("queues", [])
    present = {queue["queueId"] for queue in queues}
    if action == "ADD_QUEUES":
        queues.extend(
            {"queueId": queue_id, "assignmentTime": now}
            for queue_id in ids
            if queue_id not in present
        )
    elif action == "REMOVE_QUEUES":
        case["workflow"]["queues"] = [q for q in queues if q["queueId"] not in ids]
    else:
        kept = [q for q in queues if q["queueId"] in ids]
        kept_ids = {q["queueId"] for q in kept}
        kept.extend(
            {"queueId": queue_id, "assignmentTime": now}
            for queue_id in ids
            if queue_id not in kept_ids
        )
        case["workflow"]["queues"] = kept


async def update_case(request: web.Request) -> web.StreamResponse:
    """PUT /api/v2/case: apply update actions to the listed cases.

    An optional top-level ``version`` makes the update conditional: when any
    listed case has moved past that version, the call fails with 409 and
    changes nothing. Each case's ``version`` goes up by one per successful update.

    NOTE: Sprinklr documents 409 for a stale version but not how an update
    sends the version, so the top-level ``version`` field is an assumption.
    """
    state = state_of(request)
    body = await read_json_object(request)
    actions = _check_actions(body)
    for field in (
        "addedCustomProperties",
        "syncedSelectedCustomProperties",
        "syncedCustomProperties",
        "removedCustomProperties",
        "incrementCustomProperties",
    ):
        body.properties(field)
    if body.has("assignedTo"):
        body.integer("assignedTo")
    if body.has("dueDate"):
        body.integer("dueDate")
    cases = _target_cases(state, body)
    expected_version = body.integer("version")
    if expected_version is not None:
        for case in cases:
            if case["version"] != expected_version:
                raise ApiError(
                    409,
                    f"Conflict: case {case['caseNumber']} is at version "
                    f"{case['version']}, not {expected_version}; read it again "
                    "and repeat the update",
                    field="version",
                )

    # Apply to copies first so that a failing action leaves every case unchanged.
    updated = []
    for case in cases:
        draft = copy.deepcopy(case)
        for action in actions:
            _apply_action(draft, action, body, state)
        sync_case_fields(draft)
        draft["version"] = case["version"] + 1
        draft["modifiedTime"] = state.now_ms()
        updated.append(draft)
    for draft in updated:
        state.cases[draft["id"]].clear()
        state.cases[draft["id"]].update(draft)
    logger.info("sandbox updated %d case(s): %s", len(updated), ", ".join(actions))
    return ok([state.cases[draft["id"]] for draft in updated])


async def get_case_message_ids(request: web.Request) -> web.StreamResponse:
    """GET /api/v2/case/associated-messages?id=...&cursor=<epoch ms>."""
    state = state_of(request)
    case_id = query_str(request, "id")
    assert case_id is not None
    case = state.case_by_id(case_id)
    since = query_int(request, "cursor", required=False)
    if since is None:
        since = query_int(request, "epoch_time", required=False)
    associated = sorted(state.case_messages.get(case["id"], []))
    return ok([mid for when, mid in associated if since is None or when > since])


ROUTES = (
    Route("POST", "/api/v2/case", create_case),
    Route("PUT", "/api/v2/case", update_case),
    Route("POST", "/api/v2/case/profile", create_case_via_profile),
    Route("GET", "/api/v2/case/case-numbers", get_case_by_number),
    Route("GET", "/api/v2/case/associated-messages", get_case_message_ids),
    Route("POST", "/api/v2/case/delete", delete_cases_by_id),
    Route("POST", "/api/v2/case/case-numbers/delete", delete_cases_by_number),
    Route("GET", "/api/v2/case/{caseId}", get_case_by_id),
)
