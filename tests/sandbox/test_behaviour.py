"""What each endpoint does to the sandbox's data, beyond the response format."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from sprinklr_mcp.sandbox import ManualClock, SandboxServer

sys.path.insert(0, str(Path(__file__).parent))

from operation_calls import PNG_BYTES
from sandbox_helpers import Api, make_config


def seeded_case(api: Api, index: int = 0) -> dict[str, Any]:
    return list(api.sandbox.state.cases.values())[index]


async def update(api: Api, case: dict[str, Any], **fields: Any) -> dict[str, Any]:
    reply = await api.call(
        "PUT", "/api/v2/case", json={"caseIds": [case["id"]], **fields}
    )
    assert reply.status == 200, reply.text
    updated: dict[str, Any] = reply.body["data"][0]
    return updated


# Cases


async def test_update_actions_change_the_case(api: Api) -> None:
    case = seeded_case(api)
    before = case["version"]

    updated = await update(
        api,
        case,
        updateActions=[
            "ASSIGN_TO_USER",
            "ADD_PROPERTIES",
            "INCREMENT_PROPERTIES",
            "ADD_QUEUES",
            "SET_DUE_DATE",
        ],
        assignedTo="66007903",
        addedCustomProperties={"_c_tags": ["vip"], "spr_uc_priority": ["Urgent"]},
        incrementCustomProperties={"_c_contacts": ["2"]},
        addedQueues=["555"],
        dueDate=1767300000000,
    )

    assert updated["workflow"]["assignment"]["assigneeId"] == "66007903"
    assert "66007903" in updated["allEngagedUsersList"]
    assert updated["workflow"]["customProperties"]["_c_tags"] == ["vip"]
    assert updated["workflow"]["customProperties"]["_c_contacts"] == ["2"]
    assert 555 in [q["queueId"] for q in updated["workflow"]["queues"]]
    assert updated["dueDate"] == 1767300000000
    assert updated["version"] == before + 1


async def test_sync_and_remove_properties(api: Api) -> None:
    case = seeded_case(api)

    synced = await update(
        api,
        case,
        updateActions=["SYNC_PROPERTIES"],
        syncedCustomProperties={"spr_uc_status": ["Pending"], "_c_a": ["1", "2"]},
    )
    removed = await update(
        api,
        case,
        updateActions=["REMOVE_PROPERTIES", "REMOVE_QUEUES"],
        removedCustomProperties={"_c_a": ["1"]},
        removedQueues=[str(q["queueId"]) for q in case["workflow"]["queues"]],
    )

    assert synced["workflow"]["customProperties"] == {
        "spr_uc_status": ["Pending"],
        "_c_a": ["1", "2"],
    }
    assert synced["status"] == "Pending"
    assert removed["workflow"]["customProperties"]["_c_a"] == ["2"]
    assert removed["workflow"]["queues"] == []


async def test_failed_update_changes_nothing(api: Api) -> None:
    case = seeded_case(api)
    version = case["version"]

    reply = await api.call(
        "PUT",
        "/api/v2/case",
        json={
            "caseIds": [case["id"]],
            "updateActions": ["EDIT_SUBJECT", "INCREMENT_PROPERTIES"],
            "subject": "Never saved",
            "incrementCustomProperties": {"_c_n": ["many"]},
        },
    )

    assert reply.status == 400
    assert api.sandbox.state.cases[case["id"]]["subject"] != "Never saved"
    assert api.sandbox.state.cases[case["id"]]["version"] == version


async def test_update_of_unknown_case_is_404(api: Api) -> None:
    reply = await api.call(
        "PUT",
        "/api/v2/case",
        json={"caseNumbers": [1], "updateActions": ["EDIT_SUBJECT"], "subject": "x"},
    )

    assert reply.status == 404
    assert reply.body["errors"][0]["details"]["field"] == "caseNumbers[0]"


async def test_case_via_profile_reuses_the_profile(api: Api) -> None:
    body = {
        "channelType": "EMAIL",
        "contactInfo": {"email": "reuse@example.com", "fullName": "Ellis Example"},
        "commentDTO": {
            "comment": "First note",
            "attachments": [{"type": "LINK", "url": "https://example.com/order"}],
        },
    }
    profiles_before = len(api.sandbox.state.profiles)

    first = await api.call("POST", "/api/v2/case/profile", json=body)
    second = await api.call("POST", "/api/v2/case/profile", json=body)

    assert first.status == second.status == 200
    assert len(api.sandbox.state.profiles) == profiles_before + 1
    case = first.body["data"]
    assert case["contact"]["id"] == "EMAIL_reuse@example.com"
    assert case["workflow"]["customProperties"]["spr_is_profile_case"] == ["true"]
    notes = api.sandbox.state.comments[("CASE", str(case["caseNumber"]))]
    assert notes[0]["text"] == "First note"


async def test_associated_messages_after_cursor(api: Api) -> None:
    case = seeded_case(api)
    associated = sorted(api.sandbox.state.case_messages[case["id"]])

    everything = await api.call(
        "GET", "/api/v2/case/associated-messages", params={"id": case["id"]}
    )
    later = await api.call(
        "GET",
        "/api/v2/case/associated-messages",
        params={"id": case["id"], "cursor": str(associated[0][0])},
    )

    assert everything.body["data"] == [mid for _, mid in associated]
    assert later.body["data"] == [mid for _, mid in associated[1:]]


# Search


async def test_search_pages_through_a_cursor(api: Api) -> None:
    total = len(api.sandbox.state.cases)
    seen: list[str] = []

    first = await api.call(
        "POST",
        "/api/v2/search/CASE",
        json={
            "sorts": [{"key": "caseNumber", "order": "ASC"}],
            "page": {"size": 10},
            "includeCount": True,
        },
    )
    page = first.body["data"]
    assert page["count"] == total
    seen += [case["id"] for case in page["results"]]
    while page.get("cursor"):
        reply = await api.call(
            "GET", "/api/v2/search/CASE", params={"id": page["cursor"]}
        )
        assert reply.status == 200, reply.text
        page = reply.body["data"]
        seen += [case["id"] for case in page["results"]]

    numbers = [api.sandbox.state.cases[case_id]["caseNumber"] for case_id in seen]
    assert numbers == sorted(numbers)
    assert len(seen) == total == len(set(seen))


async def test_search_cursor_expires(session: aiohttp.ClientSession) -> None:
    clock = ManualClock()
    async with SandboxServer(make_config(clock=clock)) as sandbox:
        api = Api(sandbox, session)
        await api.login()
        first = await api.call(
            "POST", "/api/v2/search/CASE", json={"page": {"size": 1}}
        )
        clock.advance(301)
        expired = await api.call(
            "GET", "/api/v2/search/CASE", params={"id": first.body["data"]["cursor"]}
        )

    assert expired.status == 400
    assert "expired" in expired.body["errors"][0]["message"]


STATUS_KEY = "workflow.customProperties.spr_uc_status"
CLOSED_IN = {"type": "IN", "key": STATUS_KEY, "values": ["Closed"]}


@pytest.mark.parametrize(
    ("search_filter", "expected"),
    [
        ({"type": "EQUALS", "key": STATUS_KEY, "values": ["Closed"]}, "Closed"),
        ({"type": "NIN", "key": STATUS_KEY, "values": ["Closed"]}, "not Closed"),
        ({"type": "NOT", "filters": [CLOSED_IN]}, "not Closed"),
    ],
)
async def test_search_filters_on_custom_properties(
    api: Api, search_filter: dict[str, Any], expected: str
) -> None:
    reply = await api.call(
        "POST",
        "/api/v2/search/CASE",
        json={"filter": search_filter, "page": {"size": 100}},
    )

    statuses = {case["status"] for case in reply.body["data"]["results"]}
    assert statuses
    if expected == "Closed":
        assert statuses == {"Closed"}
    else:
        assert "Closed" not in statuses


async def test_search_time_range(api: Api) -> None:
    cases = sorted(api.sandbox.state.cases.values(), key=lambda c: c["createdTime"])
    low, high = cases[2]["createdTime"], cases[5]["createdTime"]

    reply = await api.call(
        "POST",
        "/api/v2/search/CASE",
        json={
            "filter": {
                "type": "AND",
                "filters": [
                    {"type": "GTE", "key": "createdTime", "values": [low]},
                    {"type": "LTE", "key": "createdTime", "values": [str(high)]},
                ],
            },
            "sorts": [{"key": "createdTime", "order": "ASC"}],
        },
    )

    assert [c["id"] for c in reply.body["data"]["results"]] == [
        c["id"] for c in cases[2:6]
    ]


# Profiles


async def test_create_profile_merges_known_channel(api: Api) -> None:
    profile = next(iter(api.sandbox.state.profiles.values()))
    social = profile["profiles"][0]

    reply = await api.call(
        "POST",
        "/api/v2/profile",
        params={"syncPartnerProfileListIfNotSet": "false"},
        json={
            "contact": {"lastName": "Renamed"},
            "profiles": [
                {
                    "name": social["name"],
                    "channelType": social["channelType"],
                    "channelId": social["channelId"],
                    "accountSpecificInfos": {},
                }
            ],
        },
    )

    assert reply.status == 200
    merged = reply.body["data"]
    assert merged["id"] == profile["id"]
    assert merged["contact"]["lastName"] == "Renamed"
    assert merged["contact"]["firstName"] == profile["contact"]["firstName"]
    assert (
        merged["profileWorkflow"]["profileLists"]
        == profile["profileWorkflow"]["profileLists"]
    )
    assert merged["restricted"] is False


async def test_profile_lists_are_cleared_without_the_flag(api: Api) -> None:
    profile = next(iter(api.sandbox.state.profiles.values()))
    assert profile["profileWorkflow"]["profileLists"]

    reply = await api.call(
        "POST",
        "/api/v2/profile",
        json={"id": profile["id"], "profiles": profile["profiles"][:1]},
    )

    assert reply.body["data"]["profileWorkflow"]["profileLists"] == []


async def test_partial_update_by_profile_key(api: Api) -> None:
    profile = next(
        p for p in api.sandbox.state.profiles.values()
        if p["profiles"][0]["channelType"] == "EMAIL"
    )  # fmt: skip
    key = profile["profiles"][0]
    profile["profileWorkflow"]["customProperties"] = {"_c_a": ["x"], "_c_b": ["y"]}

    reply = await api.call(
        "POST",
        "/api/v2/profile/partial-update",
        json={
            "profileKey": {"channelType": "EMAIL", "channelId": key["channelId"]},
            "profileUpdateRequestDTO": {
                "contactInfo": {"emailDetails": "alt@example.com"}
            },
            "profileWorkflowUpdateRequestDTO": {
                "partnerCustomProperties": {"_c_a": [""], "_c_c": ["z"]}
            },
        },
    )

    assert reply.body["data"] == profile["id"]
    assert profile["contact"]["emailDetails"] == ["alt@example.com"]
    assert profile["profileWorkflow"]["customProperties"] == {"_c_c": ["z"]}


async def test_unknown_profile_lookups_are_404(api: Api) -> None:
    by_id = await api.call("GET", "/api/v2/profile/" + "f" * 24)
    by_channel = await api.call(
        "GET", "/api/v2/profile", params={"snType": "TWITTER", "snUserId": "1"}
    )
    by_name = await api.call(
        "GET",
        "/api/v2/profile/search",
        params={"snType": "TWITTER", "userName": "nobody"},
    )

    assert (by_id.status, by_channel.status, by_name.status) == (404, 404, 404)


# Messages and comments


async def test_bulk_fetch_skips_unknown_ids(api: Api) -> None:
    known = list(api.sandbox.state.messages)[:2]

    reply = await api.call(
        "POST",
        "/api/v2/message/bulk-fetch",
        json=[known[0], "ACCOUNT_0_0_X_0_0", known[1]],
    )

    assert [m["messageId"] for m in reply.body["data"]] == known


async def test_comment_on_message_profile_and_post(api: Api) -> None:
    message_id = next(iter(api.sandbox.state.messages))
    profile_id = next(iter(api.sandbox.state.profiles))
    post = await api.call(
        "POST",
        "/api/v2/publishing/post",
        json={"accountIds": 1, "content": {"text": "hi"}},
    )
    post_id = post.body["data"][0]

    replies = [
        await api.call(
            "POST", f"/api/v2/comment/MESSAGE/{message_id}", json={"text": "a"}
        ),
        await api.call(
            "POST", f"/api/v2/comment/PROFILE/{profile_id}", json={"text": "b"}
        ),
        await api.call(
            "POST", f"/api/v2/comment/OUTBOUND_MESSAGE/{post_id}", json={"text": "c"}
        ),
        await api.call(
            "POST", "/api/v2/comment/PROFILE/" + "0" * 24, json={"text": "d"}
        ),
    ]

    assert [reply.status for reply in replies] == [200, 200, 200, 404]


async def test_v1_comment_search_pages(api: Api) -> None:
    case = next(
        c for c in api.sandbox.state.cases.values()
        if len(api.sandbox.state.comments.get(("CASE", str(c["caseNumber"])), [])) == 2
    )  # fmt: skip

    reply = await api.call(
        "POST",
        f"/api/v1/generic/comment/search/UNIVERSAL_CASE/{case['caseNumber']}",
        json={"commentPaginationInfo": {"start": 0, "rows": 1, "sortDirection": "ASC"}},
    )

    body = reply.body
    assert "errors" not in body
    assert body["totalComments"] == 2
    assert body["hasMore"] is True
    assert len(body["data"]) == 1
    assert body["data"][0]["comment"].startswith("Internal note 1")


# Media


async def test_bulk_upload_serves_each_file(api: Api) -> None:
    form = aiohttp.FormData()
    form.add_field("files", PNG_BYTES, filename="one.png", content_type="image/png")
    form.add_field(
        "files", b"%PDF-1.4 fake", filename="two.pdf", content_type="application/pdf"
    )

    reply = await api.call(
        "POST", "/api/v2/media/upload/multiple", params={"assetType": "file"}, data=form
    )

    assert reply.status == 200, reply.text
    one, two = reply.body["data"]
    assert (one["name"], one["width"], one["previewUrl"] != "") == ("one.png", 1, True)
    assert (two["mimeType"], two["previewUrl"], "width" in two) == (
        "application/pdf",
        "",
        False,
    )
    async with api.session.get(two["url"]) as served:
        assert await served.read() == b"%PDF-1.4 fake"
    async with api.session.get(one["previewUrl"]) as preview:
        assert preview.status == 200
    async with api.session.get(one["url"] + "x") as missing:
        assert missing.status == 404


# Deflection, journeys, custom entities, OTA, knowledge


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({}, 200),
        ({"accountId": 999}, 410),
        ({"deflectionType": "SMS"}, 411),
        ({"deflectionType": "TWITTER"}, 412),
        ({"assetId": "0" * 24}, 413),
        ({"deflectionType": "SPRINKLR_LIVE_CHAT", "accountId": 100022,
          "viaDeflectionType": "SMS", "viaAccountId": 100099022}, 411),
    ],
)  # fmt: skip
async def test_deflection_statuses(
    api: Api, changes: dict[str, Any], status: int
) -> None:
    body = {
        "assetId": "5e6f8c7d9bf510038b93c3ed",
        "snId": "+12025550195",
        "accountId": 100099022,
        "deflectionType": "WHATSAPP_BUSINESS",
        **changes,
    }

    reply = await api.call("POST", "/api/v2/deflect", json=body)

    assert reply.status == status, reply.text


async def test_deflection_creates_case_and_message(api: Api) -> None:
    cases_before = len(api.sandbox.state.cases)

    reply = await api.call(
        "POST",
        "/api/v2/deflect",
        json={
            "assetId": "5e6f8c7d9bf510038b93c3ed",
            "snId": "+12025550194",
            "accountId": "100099022",
            "deflectionType": "WHATSAPP_BUSINESS",
            "customProperties": {"_c_reason": ["billing"]},
        },
    )

    native_ids = json.loads(reply.body["data"]["data"])
    assert len(native_ids) == 1
    assert len(api.sandbox.state.cases) == cases_before + 1
    case = list(api.sandbox.state.cases.values())[-1]
    assert case["contact"]["id"] == "WHATSAPP_BUSINESS_+12025550194"
    assert case["workflow"]["customProperties"] == {"_c_reason": ["billing"]}


async def test_journey_trigger_records_run(api: Api) -> None:
    journey_id = next(iter(api.sandbox.state.journeys))

    reply = await api.call(
        "POST",
        "/api/v2/marketing-journey/triggerJourney",
        json={
            "journeyId": journey_id,
            "contextParams": {"orderId": "A-1"},
            "unifiedProfile": {
                "profiles": [
                    {"name": "N", "channelType": "SMS", "channelId": "+12025550193"}
                ]
            },
        },
    )

    result = reply.body["data"]
    assert result["status"] == "SUCCESS"
    assert result["trackingId"].startswith(journey_id + "_")
    assert api.sandbox.state.journey_runs[-1]["contextParams"] == {"orderId": "A-1"}


async def test_custom_entity_converts_values(api: Api) -> None:
    body = {"type": "_c_inventory", "entityId": "sku-1", "values": {"_c_UPC": "12345"}}

    created = await api.call("POST", "/api/v2/custom-entity/entity", json=body)
    duplicate = await api.call("POST", "/api/v2/custom-entity/entity", json=body)

    assert created.body["data"]["values"] == {"_c_UPC": 12345}
    assert created.body["data"]["name"] == "sku-1"
    assert duplicate.status == 400
    assert duplicate.body["errors"][0]["details"]["field"] == "entityId"


async def test_ota_expiry_follows_minutes(api: Api) -> None:
    reply = await api.call(
        "POST",
        "/api/v2/chat/user/ota",
        json={"userId": "u-1", "authTokenExpiryInMinutes": 5},
    )

    token = reply.body["data"]
    assert token["expiresIn"] == 300
    assert token["expiryTime"] == api.sandbox.state.now_ms() + 300_000
    assert token["token"] in api.sandbox.state.ota_codes


async def test_smart_assist_ranks_matching_articles(api: Api) -> None:
    reply = await api.call(
        "POST",
        "/api/v2/smart-assist/search",
        json={"query": "how do I get a refund", "size": 3},
    )

    results = reply.body["data"]["results"]
    assert results
    assert results[0]["title"] == "Refund timelines"
    assert [r["score"] for r in results] == sorted(
        (r["score"] for r in results), reverse=True
    )
    assert len(results) <= 3


async def test_unknown_article_is_404(api: Api) -> None:
    reply = await api.call("GET", "/api/v2/knowledgebase/" + "a" * 24)

    assert reply.status == 404


# Nudges and after-call work


async def test_nudges_for_open_unassigned_case(api: Api) -> None:
    case = next(
        c for c in api.sandbox.state.cases.values()
        if c["status"] == "New" and c["priority"] in ("High", "Urgent")
    )  # fmt: skip

    reply = await api.call("GET", f"/api/v2/case/{case['id']}/nudges")
    again = await api.call("GET", f"/api/v2/case/{case['id']}/nudges")

    kinds = [nudge["type"] for nudge in reply.body["data"]]
    assert "NEXT_BEST_ACTION" in kinds
    assert "SLA_WARNING" in kinds
    assert [n["id"] for n in reply.body["data"]] == [
        n["id"] for n in again.body["data"]
    ]


async def test_closed_case_has_no_nudges(api: Api) -> None:
    case = next(c for c in api.sandbox.state.cases.values() if c["status"] == "Closed")

    reply = await api.call("GET", f"/api/v2/case/{case['id']}/nudges")

    assert reply.body["data"] == []


async def test_after_call_work_only_for_voice_cases(api: Api) -> None:
    voice = next(
        c for c in api.sandbox.state.cases.values()
        if c["contact"]["channelType"] == "SPRINKLR_VOICE"
    )  # fmt: skip
    chat = seeded_case(api)

    voice_reply = await api.call(
        "GET", "/api/v2/voice/after-call-work", params={"caseId": voice["id"]}
    )
    chat_reply = await api.call(
        "GET", "/api/v2/voice/after-call-work", params={"caseId": chat["id"]}
    )

    assert len(voice["id"]) == 32
    assert voice_reply.body["data"]["acwType"] == "MANDATORY_WITH_TIME_LIMIT"
    assert chat_reply.status == 200
    assert chat_reply.body["data"] is None


async def test_default_campaign_is_the_care_campaign(api: Api) -> None:
    reply = await api.call("GET", "/api/v2/campaign/default")

    assert reply.body["data"]["id"] == api.sandbox.state.default_campaign_id
    assert reply.body["data"]["name"] == "Customer Care Replies"
