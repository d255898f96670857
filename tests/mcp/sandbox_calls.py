"""Valid arguments for every tool, taken from the sandbox's seeded data.

The seed is deterministic, so a sandbox built here has the same IDs as one
that a ``sprinklr-mcp serve --sandbox`` subprocess starts.
"""

from __future__ import annotations

import base64
from typing import Any

from sprinklr_mcp.sandbox import SandboxServer
from sprinklr_mcp.sandbox.state import SandboxState

PNG_BYTES = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
    "hKmMIQAAAABJRU5ErkJggg=="
)
PNG_BASE64 = base64.b64encode(PNG_BYTES).decode()


def seeded_state() -> SandboxState:
    """Return the data that a sandbox with the default seed starts with."""
    return SandboxServer().state


def valid_calls(state: SandboxState) -> list[tuple[str, dict[str, Any]]]:
    """Return one valid call per tool, reads first and the deletes last.

    Each delete removes a different seeded case, which no earlier call uses.
    """
    cases = list(state.cases.values())
    case, delete_by_id, delete_by_number = cases[0], cases[-1], cases[-2]
    profile = next(iter(state.profiles.values()))
    social = profile["profiles"][0]
    message_id = case["firstMessageId"]
    message_ids = list(state.messages)[:3]
    article_id = next(iter(state.articles))
    journey_id = next(iter(state.journeys))
    entity_type = next(iter(state.entity_types))
    user_id = str(next(iter(state.users)))
    asset_id = next(iter(state.assets))

    return [
        ("get_me", {}),
        ("get_case_by_id", {"caseId": case["id"]}),
        ("get_case_by_number", {"caseNumber": case["caseNumber"]}),
        ("get_case_message_ids", {"caseId": case["id"]}),
        ("get_case_nudges", {"caseId": case["id"]}),
        ("get_after_call_work", {"caseId": case["id"]}),
        ("get_message_by_id", {"messageId": message_id}),
        ("get_messages_bulk", {"messageIds": message_ids}),
        ("get_profile_by_id", {"profileId": profile["id"]}),
        (
            "get_profile_by_channel_user_id",
            {
                "channelType": social["channelType"],
                "channelUserId": social["channelId"],
            },
        ),
        (
            "get_profile_by_username",
            {"channelType": social["channelType"], "userName": social["username"]},
        ),
        ("list_profile_cases", {"profileId": profile["id"]}),
        ("get_knowledge_base_content", {"contentId": article_id}),
        ("smart_assist_search", {"query": "refund", "size": 3}),
        (
            "get_comments",
            {
                "filter": {
                    "type": "AND",
                    "filters": [
                        {
                            "type": "IN",
                            "key": "entityType",
                            "values": ["UNIVERSAL_CASE"],
                        },
                        {"type": "IN", "key": "entityId", "values": [case["id"]]},
                    ],
                },
                "page": {"size": 5},
            },
        ),
        ("get_default_campaign", {}),
        (
            "add_comment",
            {
                "entityType": "CASE",
                "entityId": str(case["caseNumber"]),
                "text": "Checked by a test.",
            },
        ),
        (
            "create_case",
            {
                "firstMessageId": message_ids[-1],
                "subject": "Created by a test",
                "workflow": {"customProperties": {"spr_uc_priority": ["HIGH"]}},
            },
        ),
        (
            "create_case_via_profile",
            {
                "channelType": social["channelType"],
                "channelId": social["channelId"],
                "contactInfo": {"fullName": profile["contact"]["fullName"]},
                "subject": "Created from a profile by a test",
            },
        ),
        (
            "create_profile",
            {
                "contact": {"firstName": "Test", "lastName": "Person"},
                "profiles": [
                    {
                        "name": "Test Person",
                        "channelType": "EMAIL",
                        "channelId": "test.person@example.com",
                        "username": "test.person@example.com",
                    }
                ],
            },
        ),
        (
            "update_profile",
            {
                "id": profile["id"],
                "profileUpdateRequestDTO": {"contactInfo": {"phoneNo": "+15550109999"}},
            },
        ),
        (
            "create_custom_entity",
            {"type": entity_type, "values": {}},
        ),
        (
            "update_case",
            {
                "caseIds": [case["id"]],
                "updateActions": ["EDIT_SUBJECT"],
                "subject": "Renamed by a test",
            },
        ),
        ("generate_ota", {"userId": user_id}),
        (
            "publish_message",
            {
                "accountIds": [next(iter(state.accounts))],
                "content": {"text": "Hello from a test"},
            },
        ),
        (
            "trigger_customer_journey",
            {
                "journeyId": journey_id,
                "unifiedProfile": {
                    "contact": {"email": "journey@example.com"},
                    "profiles": [
                        {
                            "name": "Journey Person",
                            "channelType": "EMAIL",
                            "channelId": "journey@example.com",
                        }
                    ],
                },
            },
        ),
        (
            "deflect_call",
            {
                "assetId": asset_id,
                "snId": "+15550100000",
                "accountId": 100099022,
                "deflectionType": "WHATSAPP_BUSINESS",
            },
        ),
        (
            "upload_media",
            {"assetType": "IMAGE", "fileName": "dot.png", "fileBase64": PNG_BASE64},
        ),
        (
            "upload_media_bulk",
            {
                "assetType": "IMAGE",
                "files": [
                    {"fileBase64": PNG_BASE64, "fileName": "one.png"},
                    {"fileBase64": PNG_BASE64, "fileName": "two.png"},
                ],
            },
        ),
        ("delete_cases_by_id", {"caseIds": [delete_by_id["id"]]}),
        (
            "delete_cases_by_number",
            {"caseNumbers": [str(delete_by_number["caseNumber"])]},
        ),
    ]
