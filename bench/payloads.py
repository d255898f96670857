"""Response bodies in the documented Sprinklr shapes, with invented values."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["CASE_ID", "MESSAGE_IDS", "case_envelope", "encoded", "messages_envelope"]

CASE_ID = "0000019a3f1c7e20e4b0bench0000001"
MESSAGE_IDS = [f"BENCH_MSG_{index:04d}" for index in range(10)]


def _case() -> dict[str, Any]:
    return {
        "id": CASE_ID,
        "caseNumber": 7100001,
        "subject": "Order arrived damaged",
        "description": "The customer reports a broken hinge on delivery.",
        "version": 12,
        "status": "Assigned",
        "priority": "High",
        "caseType": "Complaint",
        "externalCase": {"channelType": "TWITTER", "modifiedTime": 1764800000000},
        "externalCaseInfo": {"externalCases": []},
        "workflow": {
            "assignment": {
                "assigneeId": "66000001",
                "assigneeType": "USER",
                "assignedById": 66000002,
                "assignmentTime": 1764800100000,
            },
            "customProperties": {
                "spr_uc_priority": ["High"],
                "spr_uc_status": ["Assigned"],
                "_c_0000000000000000000000a1": ["retail"],
                "_c_0000000000000000000000a2": ["2078"],
            },
            "queues": [{"queueId": 5001, "assignmentTime": 1764800100000}],
        },
        "channelCustomProperties": [],
        "contact": {
            "id": "TWITTER_1000001",
            "name": "Example Customer",
            "channelType": "TWITTER",
            "channelId": "1000001",
            "fromSnUserId": "1000001",
        },
        "createdTime": 1764790000000,
        "modifiedTime": 1764800200000,
        "firstMessageId": "TWITTER_1000001_1764790000000",
        "conversationId": "0000019a3f1c7e20e4b0bench0000c01",
        "firstMessageAssociatedTime": 1764790000100,
        "latestMessageAssociatedTime": 1764800200000,
        "latestProfileMessageAssociatedTime": 1764800000000,
        "firstUserBrandResponseCreationTime": 1764791000000,
        "avgCaseResponseSLA": 2113,
        "totalProcessingClockTime": 254565,
        "allEngagedUsersList": ["66000001", "66000003"],
        "associatedFanMessageCount": 3,
        "associatedBrandMessageCount": 2,
        "associatedUserBrandMessageCount": 2,
        "deleted": False,
    }


def _profile(name: str, channel_id: str) -> dict[str, Any]:
    return {
        "name": name,
        "channelType": "TWITTER",
        "channelId": channel_id,
        "followers": 120,
        "following": 80,
        "username": name.lower().replace(" ", "_"),
        "unSubscribed": False,
        "deleted": False,
        "snCreatedTime": 0,
        "snModifiedTime": 1764700000000,
        "statusCount": 42,
        "accountSpecificInfos": [{"accountId": 600000001}],
        "additional": {},
    }


def _message(message_id: str, index: int) -> dict[str, Any]:
    return {
        "sourceType": "ACCOUNT",
        "sourceId": 600000001,
        "content": {
            "text": f"Message {index} about the damaged order.",
            "isRichText": False,
        },
        "channelMessageId": f"1764790000{index:03d}",
        "channelType": "TWITTER",
        "accountType": "TWITTER",
        "channelCreatedTime": 1764790000000 + index,
        "senderProfile": _profile("Example Customer", "1000001"),
        "receiverProfile": _profile("Example Brand", "2000001"),
        "permalink": f"https://example.invalid/status/{index}",
        "language": "en",
        "messageId": message_id,
        "brandPost": index % 2 == 1,
        "createdTime": 1764790000000 + index,
        "modifiedTime": 1764790000000 + index,
        "textEntities": {},
        "insights": {},
        "workflow": {"queues": [{"queueId": 5001, "assignmentTime": 1764800100000}]},
        "enrichments": {"sentiment": -1, "flaggedWords": {"allFlaggedWords": []}},
        "conversationId": "0000019a3f1c7e20e4b0bench0000c01",
        "autoImported": False,
        "autoResponse": False,
        "associatedCaseNumber": 7100001,
    }


def case_envelope() -> dict[str, Any]:
    return {"data": _case(), "errors": []}


def messages_envelope(message_ids: list[str]) -> dict[str, Any]:
    return {
        "data": [_message(mid, index) for index, mid in enumerate(message_ids)],
        "errors": [],
    }


def encoded(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope, separators=(",", ":")).encode()
