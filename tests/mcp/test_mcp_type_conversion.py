"""Scalars of the wrong JSON type, converted where the tool schema is unambiguous.

Case numbers are integers in Sprinklr's case data but strings in add_comment's
entityId and delete_cases_by_number's caseNumbers, so clients mix them up.
"""

from __future__ import annotations

from typing import Any

import mcp_types as types
from mcp import Client
from mcp_support import Backend, text_of


def data_of(result: types.CallToolResult) -> Any:
    assert not result.is_error, text_of(result)
    assert isinstance(result.structured_content, dict)
    return result.structured_content["data"]


async def test_case_numbers_accepted_in_either_type(backend: Backend) -> None:
    profile = next(iter(backend.sandbox.state.profiles.values()))
    social = profile["profiles"][0]

    async with Client(backend.server(confirm_destructive="off")) as client:
        created = data_of(
            await client.call_tool(
                "create_case_via_profile",
                {
                    "channelType": social["channelType"],
                    "channelId": social["channelId"],
                    "contactInfo": {"fullName": profile["contact"]["fullName"]},
                    "subject": "Case numbers in either type",
                },
            )
        )
        case_number = created["caseNumber"]
        assert isinstance(case_number, int)

        comment = data_of(
            await client.call_tool(
                "add_comment",
                {"entityType": "CASE", "entityId": case_number, "text": "Called"},
            )
        )
        read = data_of(
            await client.call_tool(
                "get_case_by_number", {"caseNumber": str(case_number)}
            )
        )
        deleted = await client.call_tool(
            "delete_cases_by_number", {"caseNumbers": [case_number]}
        )
        missing = await client.call_tool(
            "get_case_by_number", {"caseNumber": case_number}
        )

    assert comment["entityId"] == str(case_number)
    assert read["id"] == created["id"]
    assert not deleted.is_error, text_of(deleted)
    assert missing.is_error
    assert "HTTP 404" in text_of(missing)


async def test_sandbox_receives_converted_values(backend: Backend) -> None:
    case = next(iter(backend.sandbox.state.cases.values()))

    async with Client(backend.server()) as client:
        result = await client.call_tool(
            "add_comment",
            {"entityType": "CASE", "entityId": case["caseNumber"], "text": "Noted"},
        )

    comment = data_of(result)
    stored = backend.sandbox.state.comments[("CASE", str(case["caseNumber"]))]
    assert [item["id"] for item in stored] == [comment["id"]]


async def test_unconvertible_values_named(backend: Backend) -> None:
    calls: list[tuple[str, dict[str, Any], str]] = [
        (
            "get_case_by_number",
            {"caseNumber": "007"},
            '- caseNumber: expected integer, got string "007"',
        ),
        (
            "get_case_by_number",
            {"caseNumber": "1.5"},
            '- caseNumber: expected integer, got string "1.5"',
        ),
        (
            "get_case_by_number",
            {"caseNumber": True},
            "- caseNumber: expected integer, got boolean true",
        ),
        (
            "add_comment",
            {"entityType": "CASE", "entityId": 1.5, "text": "t"},
            "- entityId: expected string, got number 1.5",
        ),
        (
            "delete_cases_by_number",
            {"caseNumbers": [-7300001]},
            "- caseNumbers[0]: expected string, got integer -7300001",
        ),
    ]

    async with Client(backend.server(confirm_destructive="off")) as client:
        results = [
            (await client.call_tool(name, arguments), expected)
            for name, arguments, expected in calls
        ]

    for result, expected in results:
        assert result.is_error
        assert expected in text_of(result)
        assert "nothing was sent to Sprinklr" in text_of(result)
    assert not [call for call in backend.sandbox.calls if "/delete" in call.path]
