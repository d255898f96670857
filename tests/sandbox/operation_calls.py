"""One valid request per spec operation, built from the sandbox's seeded data."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import aiohttp

from sprinklr_generated.operations import OPERATIONS
from sprinklr_mcp.sandbox.state import SandboxState

# A 1x1 PNG image.
PNG_BYTES = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
    "hKmMIQAAAABJRU5ErkJggg=="
)


@dataclass
class OperationCall:
    """An HTTP request for one operation: path parameters, query and body."""

    operation_id: str
    path_params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    json: Any = None
    files: list[tuple[str, str, bytes]] = field(default_factory=list)

    @property
    def method(self) -> str:
        return OPERATIONS[self.operation_id].method

    @property
    def path(self) -> str:
        path = OPERATIONS[self.operation_id].path
        for name, value in self.path_params.items():
            path = path.replace("{" + name + "}", quote(value, safe=""))
        return path

    def request_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"params": self.query}
        if self.files:
            form = aiohttp.FormData()
            for field_name, filename, content in self.files:
                form.add_field(
                    field_name, content, filename=filename, content_type="image/png"
                )
            kwargs["data"] = form
        elif self.json is not None:
            kwargs["json"] = self.json
        return kwargs


def valid_calls(state: SandboxState) -> list[OperationCall]:
    """Return one valid call per operation; the deletes come last.

    The deletes remove seeded cases that no earlier call uses.
    """
    cases = list(state.cases.values())
    case = cases[0]
    voice_case = next(
        c for c in cases if c["contact"].get("channelType") == "SPRINKLR_VOICE"
    )
    profile = next(iter(state.profiles.values()))
    social = profile["profiles"][0]
    message_ids = list(state.messages)[:3]
    loose_message = next(
        mid for mid, m in state.messages.items() if "associatedCaseNumber" not in m
    )
    return [
        OperationCall("getMe"),
        OperationCall("getCaseById", {"caseId": case["id"]}),
        OperationCall(
            "getCaseByNumber", query={"case-number": str(case["caseNumber"])}
        ),
        OperationCall("getCaseMessageIds", query={"id": case["id"]}),
        OperationCall("getCaseNudges", {"caseId": case["id"]}),
        OperationCall("getAfterCallWork", query={"caseId": voice_case["id"]}),
        OperationCall(
            "searchCases",
            json={
                "filter": {
                    "type": "AND",
                    "filters": [{"type": "EXISTS", "key": "caseNumber"}],
                },
                "page": {"size": 5},
                "includeCount": True,
            },
        ),
        OperationCall("listProfileCases", {"profileId": profile["id"]}),
        OperationCall(
            "createCase",
            json={
                "firstMessageId": loose_message,
                "subject": "Contract test",
                "workflow": {"customProperties": {"spr_uc_status": ["New"]}},
            },
        ),
        OperationCall(
            "updateCase",
            json={
                "caseIds": [case["id"]],
                "updateActions": ["EDIT_SUBJECT"],
                "subject": "Updated by the contract test",
            },
        ),
        OperationCall(
            "createCaseViaProfile",
            json={
                "channelType": "SMS",
                "contactInfo": {"phoneNo": "+12025550199", "fullName": "Test Example"},
                "subject": "Contract test",
            },
        ),
        OperationCall("getProfileById", {"profileId": profile["id"]}),
        OperationCall(
            "getProfileByChannelUserId",
            query={"snType": social["channelType"], "snUserId": social["channelId"]},
        ),
        OperationCall(
            "getProfileByUsername",
            query={"snType": social["channelType"], "userName": social["username"]},
        ),
        OperationCall(
            "createProfile",
            json={
                "contact": {"firstName": "Test", "lastName": "Example"},
                "profiles": [
                    {
                        "name": "Test Example",
                        "channelType": "EMAIL",
                        "channelId": "contract.test@example.com",
                    }
                ],
            },
        ),
        OperationCall(
            "updateProfile",
            json={
                "id": profile["id"],
                "profileUpdateRequestDTO": {"contactInfo": {"lastName": "Sample"}},
            },
        ),
        OperationCall("getMessageById", query={"messageId": message_ids[0]}),
        OperationCall("getMessagesBulk", json=message_ids),
        OperationCall(
            "addComment",
            {"entityType": "CASE", "entityId": str(case["caseNumber"])},
            json={"text": "Contract test note"},
        ),
        OperationCall(
            "getComments",
            json={
                "filter": {
                    "type": "AND",
                    "filters": [
                        {
                            "type": "IN",
                            "key": "entityType",
                            "values": ["UNIVERSAL_CASE"],
                        },
                        {
                            "type": "IN",
                            "key": "entityId",
                            "values": [str(case["caseNumber"])],
                        },
                    ],
                },
                "page": {"size": 1},
            },
        ),
        OperationCall(
            "publishMessage",
            json={
                "accountIds": [600000101],
                "content": {"text": "Contract test post"},
                "taxonomy": {"campaignId": state.default_campaign_id},
            },
        ),
        OperationCall("getDefaultCampaign"),
        OperationCall(
            "deflectCall",
            json={
                "assetId": next(iter(state.assets)),
                "snId": "+12025550198",
                "accountId": 100099022,
                "deflectionType": "WHATSAPP_BUSINESS",
            },
        ),
        OperationCall(
            "triggerCustomerJourney",
            json={
                "journeyId": next(iter(state.journeys)),
                "unifiedProfile": {
                    "profiles": [
                        {
                            "name": "Journey Example",
                            "channelType": "EMAIL",
                            "channelId": "journey@example.com",
                        }
                    ]
                },
            },
        ),
        OperationCall(
            "uploadMedia",
            query={"assetType": "IMAGE", "fileName": "pixel.png"},
            files=[("file", "pixel.png", PNG_BYTES)],
        ),
        OperationCall(
            "uploadMediaBulk",
            query={"assetType": "IMAGE"},
            files=[("files", "a.png", PNG_BYTES), ("files", "b.png", PNG_BYTES)],
        ),
        OperationCall(
            "getKnowledgeBaseContent", {"contentId": next(iter(state.articles))}
        ),
        OperationCall(
            "createCustomEntity",
            json={"type": "_c_order", "values": {"_c_orderNumber": "A-9000"}},
        ),
        OperationCall("generateOta", json={"userId": "chat-user-1"}),
        OperationCall("smartAssistSearch", json={"query": "refund for a return"}),
        OperationCall("deleteCasesById", json=[cases[-1]["id"]]),
        OperationCall("deleteCasesByNumber", json=[str(cases[-2]["caseNumber"])]),
    ]
