"""A rejected call changes nothing, and a repeated ID does not break a delete."""

from __future__ import annotations

import dataclasses
import pickle
import sys
from pathlib import Path
from typing import Any

import pytest

from sprinklr_mcp.sandbox.state import SandboxState

sys.path.insert(0, str(Path(__file__).parent))

from operation_calls import valid_calls
from sandbox_helpers import Api

# State fields that may change on a rejected call: the ID source and the clock.
_UNTRACKED = {"ids", "clock"}

# Values that no reader accepts where a string, number or object is expected.
BAD_VALUES: list[Any] = [{"unexpected": {}}, [{}]]

# Optional top-level fields that create and update handlers read.
OPTIONAL_FIELDS = (
    "subject",
    "description",
    "priority",
    "caseType",
    "summary",
    "status",
    "dueDate",
    "externalCase",
    "commentDTO",
    "comment",
    "workflow",
    "contact",
    "includeCount",
    "customProperties",
    "messageCustomProperties",
    "contextParams",
    "caseNumber",
    "name",
    "entityId",
    "channelOptions",
    "approval",
    "taxonomy",
    "scheduleDate",
    "customUser",
    "authTokenExpiryInMinutes",
)


def fingerprint(state: SandboxState) -> bytes:
    """Return every state field a call could change, pickled for comparison.

    Search cursors and media files are stored whole or not at all, so their
    keys are enough.
    """
    keys_only = {"cursors", "media"}
    return pickle.dumps(
        {
            item.name: (
                sorted(getattr(state, item.name))
                if item.name in keys_only
                else getattr(state, item.name)
            )
            for item in dataclasses.fields(state)
            if item.name not in _UNTRACKED
        }
    )


def case_numbers(api: Api, count: int) -> list[int]:
    return [case["caseNumber"] for case in api.sandbox.state.cases.values()][:count]


@pytest.mark.parametrize("as_text", [True, False], ids=["strings", "numbers"])
async def test_case_number_listed_twice_is_deleted_once(
    api: Api, as_text: bool
) -> None:
    number, other = case_numbers(api, 2)
    listed: list[Any] = [str(number), number] if as_text else [number, number]

    reply = await api.call("POST", "/api/v2/case/case-numbers/delete", json=listed)

    assert reply.status == 204, reply.text
    assert number not in api.sandbox.state.case_numbers
    assert other in api.sandbox.state.case_numbers
    again = await api.call("POST", "/api/v2/case/case-numbers/delete", json=[number])
    assert again.status == 400
    assert "already deleted" in again.body["errors"][0]["message"]


async def test_case_id_listed_twice_is_deleted_once(api: Api) -> None:
    case_id = next(iter(api.sandbox.state.cases))

    reply = await api.call("POST", "/api/v2/case/delete", json=[case_id, case_id])

    assert reply.status == 204, reply.text
    assert case_id not in api.sandbox.state.cases
    gone = await api.call("GET", f"/api/v2/case/{case_id}")
    assert gone.status == 404


@pytest.mark.parametrize(
    ("path", "second"),
    [
        ("/api/v2/case/case-numbers/delete", "999"),
        ("/api/v2/case/delete", "no-such-case"),
    ],
)
async def test_delete_with_one_bad_entry_deletes_nothing(
    api: Api, path: str, second: str
) -> None:
    case = next(iter(api.sandbox.state.cases.values()))
    first = case["id"] if path.endswith("/case/delete") else str(case["caseNumber"])
    before = fingerprint(api.sandbox.state)

    reply = await api.call("POST", path, json=[first, first, second])

    assert reply.status == 400
    assert reply.body["errors"][0]["details"] == {"field": "body[2]"}
    assert fingerprint(api.sandbox.state) == before


async def test_bad_case_comment_stores_no_profile(api: Api) -> None:
    before = fingerprint(api.sandbox.state)

    reply = await api.call(
        "POST",
        "/api/v2/case/profile",
        json={
            "channelType": "SMS",
            "contactInfo": {"phoneNo": "+12025550142"},
            "subject": "New customer",
            "commentDTO": {"comment": {"text": "not a string"}},
        },
    )

    assert reply.status == 400
    assert reply.body["errors"][0]["details"] == {"field": "commentDTO.comment"}
    assert fingerprint(api.sandbox.state) == before


async def test_rejected_partial_update_keeps_the_profile(api: Api) -> None:
    profile_id = next(iter(api.sandbox.state.profiles))
    path = "/api/v2/profile/partial-update"
    setup = await api.call(
        "POST",
        path,
        json={
            "id": profile_id,
            "profileWorkflowUpdateRequestDTO": {
                "selectivePartnerCustomProperties": {"tier": ["gold"]}
            },
        },
    )
    assert setup.status == 200, setup.text
    before = fingerprint(api.sandbox.state)

    reply = await api.call(
        "POST",
        path,
        json={
            "id": profile_id,
            "profileWorkflowUpdateRequestDTO": {
                "partnerCustomPropertiesAdded": {"tier": ["platinum"]},
                "partnerCustomPropertiesRemoved": "tier",
            },
        },
    )

    assert reply.status == 400
    assert fingerprint(api.sandbox.state) == before


async def test_rejected_calls_change_no_state(api: Api) -> None:
    """Each JSON call, with one top-level field made invalid, is all or nothing."""
    tried = 0
    rejected = 0
    before = fingerprint(api.sandbox.state)
    for call in valid_calls(api.sandbox.state):
        if not isinstance(call.json, dict):
            continue
        for name in sorted({*call.json, *OPTIONAL_FIELDS}):
            for bad in BAD_VALUES:
                broken = dataclasses.replace(call, json={**call.json, name: bad})
                reply = await api.call(
                    broken.method, broken.path, **broken.request_kwargs()
                )
                tried += 1
                assert reply.status < 500, (call.operation_id, name, reply.text)
                after = fingerprint(api.sandbox.state)
                if reply.status >= 400:
                    rejected += 1
                    assert after == before, (call.operation_id, name, bad)
                before = after

    assert rejected > 100, f"only {rejected} of {tried} broken calls were rejected"


def comment_filter(case_number: int) -> dict[str, Any]:
    return {
        "filter": {
            "type": "AND",
            "filters": [
                {"type": "IN", "key": "entityType", "values": ["UNIVERSAL_CASE"]},
                {"type": "IN", "key": "entityId", "values": [str(case_number)]},
            ],
        },
        "page": {"size": 1},
    }


async def add_notes(api: Api, case_number: int, count: int) -> None:
    for index in range(count):
        reply = await api.call(
            "POST", f"/api/v2/comment/CASE/{case_number}", json={"text": f"n{index}"}
        )
        assert reply.status == 200, reply.text


@pytest.mark.parametrize("by", ["number", "id"])
async def test_deleted_case_notes_are_not_found(api: Api, by: str) -> None:
    case, other = list(api.sandbox.state.cases.values())[:2]
    await add_notes(api, case["caseNumber"], 2)
    await add_notes(api, other["caseNumber"], 1)
    if by == "number":
        path, listed = "/api/v2/case/case-numbers/delete", [case["caseNumber"]]
    else:
        path, listed = "/api/v2/case/delete", [case["id"]]

    deleted = await api.call("POST", path, json=listed)

    assert deleted.status == 204, deleted.text
    search = await api.call(
        "POST", "/api/v2/search/COMMENT", json=comment_filter(case["caseNumber"])
    )
    assert search.status == 200, search.text
    assert search.body["data"]["results"] == []
    v1 = await api.call(
        "POST",
        f"/api/v1/generic/comment/search/UNIVERSAL_CASE/{case['caseNumber']}",
    )
    assert v1.status == 200, v1.text
    assert v1.body["data"] == []
    assert v1.body["totalComments"] == 0
    kept = await api.call(
        "POST", "/api/v2/search/COMMENT", json=comment_filter(other["caseNumber"])
    )
    assert kept.body["data"]["results"] != []


async def test_comment_cursor_skips_deleted_case_notes(api: Api) -> None:
    case = next(iter(api.sandbox.state.cases.values()))
    await add_notes(api, case["caseNumber"], 3)
    first = await api.call(
        "POST", "/api/v2/search/COMMENT", json=comment_filter(case["caseNumber"])
    )
    assert first.status == 200, first.text
    cursor = first.body["data"]["cursor"]

    deleted = await api.call(
        "POST", "/api/v2/case/case-numbers/delete", json=[case["caseNumber"]]
    )
    assert deleted.status == 204, deleted.text
    second = await api.call("GET", "/api/v2/search/COMMENT", params={"id": cursor})

    assert second.status == 200, second.text
    assert second.body["data"]["results"] == []
    assert "cursor" not in second.body["data"]
