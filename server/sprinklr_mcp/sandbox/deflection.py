"""Call deflection: send a message template on a digital channel, maybe open a case.

Statuses 410 to 415 carry the meanings Sprinklr's export gives this endpoint.
The sandbox records the sent message instead of sending anything.
"""

from __future__ import annotations

import json
import logging

from aiohttp import web

from .cases import case_record
from .envelope import ApiError, ok
from .routes import Route, state_of
from .seed import contact_for
from .state import Record, SandboxState
from .validation import Fields, bad_request, read_json_object, to_int

__all__ = ["ROUTES"]

logger = logging.getLogger(__name__)

# Channels a call can be deflected to (or through, with viaDeflectionType).
DEFLECTION_CHANNELS = (
    "WHATSAPP_BUSINESS",
    "SMS",
    "SPRINKLR_LIVE_CHAT",
    "APPLE_BUSINESS_CHAT",
    "GOOGLE_BUSINESS",
    "FACEBOOK",
    "EMAIL",
)


def _channel(body: Fields, name: str, *, required: bool) -> str | None:
    value = body.text(name, required=required)
    if value is None:
        return None
    if value != value.upper() or not value.replace("_", "").isalnum():
        raise bad_request(name, f"must be an upper-case channel name, got {value!r}")
    if value not in DEFLECTION_CHANNELS:
        raise ApiError(
            412,
            f"Deflection not supported for the Social Network Type {value}",
            field=name,
        )
    return value


def _account(state: SandboxState, body: Fields, name: str, channel: str) -> Record:
    account_id = to_int(body.data.get(name), name)
    account = state.accounts.get(account_id)
    if account is None:
        raise ApiError(
            410, f"Account not found for given account id {account_id}", field=name
        )
    if account["channelType"] != channel:
        raise ApiError(
            411,
            f"Account type does not match the deflection type mentioned: account "
            f"{account_id} is {account['channelType']}, not {channel}",
            field=name,
        )
    return account


async def deflect_call(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/deflect."""
    state = state_of(request)
    body = await read_json_object(request)
    asset_id = body.text("assetId", required=True)
    sn_id = body.text("snId", required=True)
    body.text("accountId", required=True)
    target = _channel(body, "deflectionType", required=True)
    assert asset_id is not None
    assert sn_id is not None
    assert target is not None
    account = _account(state, body, "accountId", target)
    via = _channel(body, "viaDeflectionType", required=False)
    if via is not None:
        if not body.has("viaAccountId"):
            raise bad_request("viaAccountId", "is required with viaDeflectionType")
        _account(state, body, "viaAccountId", via)
    case_properties = body.properties("customProperties") or {}
    message_properties = body.properties("messageCustomProperties") or {}
    create_case = body.flag("createCase", default=True)
    comment = body.text("comment") or ""
    existing_case = None
    if body.has("caseNumber"):
        existing_case = state.case_by_number(
            to_int(body.data["caseNumber"], "caseNumber")
        )
    asset = state.assets.get(asset_id)
    if asset is None:
        raise ApiError(
            413, f"Social media asset not found for the given asset id {asset_id}",
            field="assetId",
        )  # fmt: skip

    now = state.now_ms()
    native_id = state.ids.token(27)
    channel = via or target
    customer = {
        "name": sn_id,
        "channelType": channel,
        "channelId": sn_id,
        "username": sn_id,
    }
    message: Record = {
        "sourceType": "ACCOUNT",
        "sourceId": account["accountId"],
        "content": {"text": asset["name"]},
        "channelMessageId": native_id,
        "channelType": channel,
        "accountType": channel,
        "channelCreatedTime": now,
        "senderProfile": {"name": account["name"], "channelType": channel},
        "receiverProfile": customer,
        "messageId": f"ACCOUNT_{account['accountId']}_{now}_{channel}_0_{native_id}",
        "brandPost": True,
        "createdTime": now,
        "modifiedTime": now,
        "workflow": {"customProperties": message_properties, "queues": []},
        "conversationId": state.ids.hex24(),
        "autoImported": False,
        "autoResponse": False,
    }
    state.messages[message["messageId"]] = message
    if existing_case is not None:
        state.associate_message(existing_case, message, now)
    elif create_case:
        case = state.add_case(
            case_record(
                subject=f"Deflected call to {target}",
                description=comment,
                contact=contact_for(customer),
                workflow={"customProperties": case_properties, "queues": []},
                now=now,
            )
        )
        case["firstMessageId"] = message["messageId"]
        case["conversationId"] = message["conversationId"]
        state.associate_message(case, message, now)
    state.deflections.append({"messageId": message["messageId"], "assetId": asset_id})
    logger.info("sandbox deflected a call to %s", target)
    return ok({"data": json.dumps([native_id]), "errors": []})


ROUTES = (Route("POST", "/api/v2/deflect", deflect_call),)
