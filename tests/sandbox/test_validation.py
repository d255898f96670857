"""Bad requests get 400 with an error entry that names the field."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sandbox_helpers import Api

CASE_NUMBER = "{caseNumber}"


def fill(value: Any, api: Api) -> Any:
    """Replace the {caseNumber} placeholder with a seeded case number."""
    number = str(next(iter(api.sandbox.state.cases.values()))["caseNumber"])
    if isinstance(value, str):
        return value.replace(CASE_NUMBER, number)
    if isinstance(value, list):
        return [fill(item, api) for item in value]
    if isinstance(value, dict):
        return {key: fill(item, api) for key, item in value.items()}
    return value


BAD_REQUESTS = [
    ("POST", "/api/v2/case", {"workflow": {}}, "firstMessageId"),
    (
        "POST",
        "/api/v2/case",
        {"firstMessageId": "ACCOUNT_1_2_X_3_4", "workflow": {}},
        "firstMessageId",
    ),
    (
        "POST",
        "/api/v2/case",
        {"firstMessageId": "x", "workflow": {"customProperties": {"a": [{"b": 1}]}}},
        "workflow.customProperties.a",
    ),
    ("POST", "/api/v2/case", [1, 2], "body"),
    ("PUT", "/api/v2/case", {"caseNumbers": [CASE_NUMBER]}, "updateActions"),
    (
        "PUT",
        "/api/v2/case",
        {"caseNumbers": [CASE_NUMBER], "updateActions": ["CLOSE_IT"]},
        "updateActions[0]",
    ),
    (
        "PUT",
        "/api/v2/case",
        {"caseNumbers": [CASE_NUMBER], "updateActions": ["EDIT_SUBJECT"]},
        "subject",
    ),
    (
        "PUT",
        "/api/v2/case",
        {"updateActions": ["EDIT_SUBJECT"], "subject": "x"},
        "caseIds",
    ),
    (
        "PUT",
        "/api/v2/case",
        {
            "caseNumbers": [CASE_NUMBER],
            "updateActions": ["ASSIGN_TO_USER"],
            "assignedTo": "someone",
        },
        "assignedTo",
    ),
    (
        "PUT",
        "/api/v2/case",
        {
            "caseNumbers": [CASE_NUMBER],
            "updateActions": ["ADD_PROPERTIES"],
            "addedCustomProperties": {"_c_x": [["nested"]]},
        },
        "addedCustomProperties._c_x",
    ),
    ("POST", "/api/v2/case/profile", {"contactInfo": {}}, "channelType"),
    (
        "POST",
        "/api/v2/case/profile",
        {"channelType": "SMS", "contactInfo": {}},
        "contactInfo.phoneNo",
    ),
    (
        "POST",
        "/api/v2/case/profile",
        {"channelType": "TWITTER", "contactInfo": {}},
        "channelId",
    ),
    (
        "POST",
        "/api/v2/case/profile",
        {"channelType": "sms", "contactInfo": {}},
        "channelType",
    ),
    ("POST", "/api/v2/case/delete", [], "body"),
    ("POST", "/api/v2/case/delete", ["no-such-case"], "body[0]"),
    ("POST", "/api/v2/case/case-numbers/delete", ["12a"], "body[0]"),
    ("POST", "/api/v2/profile", {"contact": {}}, "profiles"),
    (
        "POST",
        "/api/v2/profile",
        {"profiles": [{"name": "A", "channelType": "EMAIL"}]},
        "profiles[0].channelId",
    ),
    ("POST", "/api/v2/profile/partial-update", {"profileUpdateRequestDTO": {}}, "id"),
    ("POST", f"/api/v2/comment/CASE/{CASE_NUMBER}", {}, "text"),
    ("POST", f"/api/v2/comment/CASE/{CASE_NUMBER}", {"text": ["a"]}, "text"),
    (
        "POST",
        f"/api/v2/comment/CASE/{CASE_NUMBER}",
        {
            "text": "t",
            "attachment": {"url": "https://example.com/a.png", "type": "GIF"},
        },
        "attachment.type",
    ),
    ("POST", "/api/v2/comment/TASK/1", {"text": "t"}, "entityType"),
    ("POST", "/api/v2/comment/CASE/not-a-number", {"text": "t"}, "entityId"),
    (
        "POST",
        "/api/v2/search/COMMENT",
        {"filter": {"type": "AND", "filters": []}},
        "filter",
    ),
    (
        "POST",
        "/api/v2/search/CASE",
        {"filter": {"type": "IN", "key": "subject", "values": ["x"]}},
        "filter.key",
    ),
    ("POST", "/api/v2/search/CASE", {"filter": {"type": "LIKE"}}, "filter.type"),
    ("POST", "/api/v2/search/CASE", {"page": {"size": 0}}, "page.size"),
    ("POST", "/api/v2/publishing/post", {"content": {"text": "x"}}, "accountIds"),
    (
        "POST",
        "/api/v2/publishing/post",
        {"accountIds": [1], "content": {}},
        "content.text",
    ),
    (
        "POST",
        "/api/v2/publishing/post",
        {"accountIds": [1], "content": {"attachment": {"type": "CAROUSEL"}}},
        "content.attachment.mediaAttachmentList",
    ),
    (
        "POST",
        "/api/v2/publishing/post",
        {"accountIds": [1], "content": {"text": "x"}, "approval": {"type": "BOSS"}},
        "approval.type",
    ),
    ("POST", "/api/v2/message/bulk-fetch", [], "body"),
    ("POST", "/api/v2/message/bulk-fetch", [42], "body[0]"),
    (
        "POST",
        "/api/v2/deflect",
        {"snId": "1", "accountId": 1, "deflectionType": "SMS"},
        "assetId",
    ),
    ("POST", "/api/v2/custom-entity/entity", {"type": "_c_pets", "values": {}}, "type"),
    (
        "POST",
        "/api/v2/custom-entity/entity",
        {"type": "_c_order", "values": {"_c_colour": "red"}},
        "values._c_colour",
    ),
    (
        "POST",
        "/api/v2/custom-entity/entity",
        {"type": "_c_order", "values": {"_c_total": "lots"}},
        "values._c_total",
    ),
    (
        "POST",
        "/api/v2/custom-entity/entity",
        {"type": "_c_order", "values": {"_c_giftWrapped": {"yes": True}}},
        "values._c_giftWrapped",
    ),
    (
        "POST",
        "/api/v2/marketing-journey/triggerJourney",
        {"journeyId": "nope"},
        "journeyId",
    ),
    ("POST", "/api/v2/chat/user/ota", {"authTokenExpiryInMinutes": 5}, "userId"),
    (
        "POST",
        "/api/v2/chat/user/ota",
        {"userId": "u", "authTokenExpiryInMinutes": 0},
        "authTokenExpiryInMinutes",
    ),
    ("POST", "/api/v2/smart-assist/search", {"query": "refund", "size": 51}, "size"),
    ("POST", "/api/v2/smart-assist/search", {}, "query"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    BAD_REQUESTS,
    ids=[f"{m} {p} {f}" for m, p, _, f in BAD_REQUESTS],
)
async def test_bad_body_names_the_field(
    api: Api, method: str, path: str, body: Any, field: str | None
) -> None:
    reply = await api.call(method, fill(path, api), json=fill(body, api))

    assert reply.status == 400, reply.text
    assert reply.body["data"] is None
    entry = reply.body["errors"][0]
    assert entry["code"] == 400
    if field is not None:
        assert entry["details"]["field"] == field
        assert field in entry["message"]


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/v2/case/case-numbers", {}, "case-number"),
        ("/api/v2/case/case-numbers", {"case-number": "seven"}, "case-number"),
        ("/api/v2/case/associated-messages", {}, "id"),
        ("/api/v2/message/byMessageId", {}, "messageId"),
        ("/api/v2/profile", {"snType": "TWITTER"}, "snUserId"),
        ("/api/v2/profile/search", {"snType": "twitter", "userName": "a"}, "snType"),
        ("/api/v2/voice/after-call-work", {}, "caseId"),
    ],
)
async def test_bad_query_names_the_parameter(
    api: Api, path: str, query: dict[str, str], field: str
) -> None:
    reply = await api.call("GET", path, params=query)

    assert reply.status == 400, reply.text
    assert reply.body["errors"][0]["details"]["field"] == field


async def test_body_that_is_not_json_is_rejected(api: Api) -> None:
    reply = await api.call(
        "POST",
        "/api/v2/case",
        data=b"{not json",
        headers={**api.headers, "Content-Type": "application/json"},
    )

    assert reply.status == 400
    assert "not valid JSON" in reply.body["errors"][0]["message"]


async def test_upload_without_multipart_is_415(api: Api) -> None:
    reply = await api.call(
        "POST",
        "/api/v2/media/upload",
        params={"assetType": "IMAGE", "fileName": "a.png"},
        json={"file": "abc"},
    )

    assert reply.status == 415


async def test_upload_with_unknown_asset_type_is_400(api: Api) -> None:
    reply = await api.call(
        "POST",
        "/api/v2/media/upload",
        params={"assetType": "PICTURE", "fileName": "a.png"},
    )

    assert reply.status == 400
    assert reply.body["errors"][0]["details"]["field"] == "assetType"
