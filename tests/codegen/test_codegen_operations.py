"""The generated methods hand the transport what the architecture page promises."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel

from sprinklr_generated import models
from sprinklr_generated.operations import OPERATIONS, SprinklrOperations
from sprinklr_generated.protocol import Files, FileUpload, OperationInfo

ResponseT = TypeVar("ResponseT", bound=BaseModel)


@dataclass
class RecordingTransport:
    """A transport that records each call and returns a canned envelope."""

    payload: dict[str, Any] = field(default_factory=lambda: {"data": None})
    calls: list[dict[str, Any]] = field(default_factory=list)

    async def call(
        self,
        operation: OperationInfo,
        *,
        path: Mapping[str, Any],
        query: Mapping[str, Any],
        body: Any,
        files: Files | None,
        response: type[ResponseT],
        timeout: float | None,
    ) -> ResponseT:
        self.calls.append(
            {
                "operation": operation.operation_id,
                "path": dict(path),
                "query": dict(query),
                "body": body,
                "files": None if files is None else dict(files),
                "response": response,
                "timeout": timeout,
            }
        )
        return response.model_validate(self.payload)

    async def call_no_content(
        self,
        operation: OperationInfo,
        *,
        path: Mapping[str, Any],
        query: Mapping[str, Any],
        body: Any,
        timeout: float | None,
    ) -> None:
        self.calls.append(
            {
                "operation": operation.operation_id,
                "path": dict(path),
                "query": dict(query),
                "body": body,
                "timeout": timeout,
            }
        )


CASE = {"id": "633a9f1ce980b61e49f80adb", "caseNumber": 7030591, "customField": 1}


async def test_path_parameter_and_typed_data() -> None:
    transport = RecordingTransport(payload={"data": CASE})
    operations = SprinklrOperations(transport)

    case = await operations.get_case_by_id("633a9f1ce980b61e49f80adb", timeout=2.5)

    assert isinstance(case, models.Case)
    assert case.case_number == 7030591
    assert transport.calls == [
        {
            "operation": "getCaseById",
            "path": {"caseId": "633a9f1ce980b61e49f80adb"},
            "query": {},
            "body": None,
            "files": None,
            "response": models.GetCaseByIdResponse,
            "timeout": 2.5,
        }
    ]


async def test_query_drops_omitted_optionals() -> None:
    transport = RecordingTransport(payload={"data": ["m1"]})
    operations = SprinklrOperations(transport)

    await operations.get_case_message_ids(case_id="c1")
    await operations.get_case_message_ids(case_id="c1", cursor=1700000000000)

    assert transport.calls[0]["query"] == {"id": "c1"}
    assert transport.calls[1]["query"] == {"id": "c1", "cursor": 1700000000000}


async def test_json_body_dumped_by_alias() -> None:
    transport = RecordingTransport(payload={"data": [CASE]})
    operations = SprinklrOperations(transport)
    body = models.CaseUpdateRequest(
        case_numbers=[7030591], update_actions=["EDIT_SUBJECT"]
    )

    cases = await operations.update_case(body=body)

    assert [case.id for case in cases] == [CASE["id"]]
    assert transport.calls[0]["body"] == {
        "caseNumbers": [7030591],
        "updateActions": ["EDIT_SUBJECT"],
    }


async def test_no_content_operation_uses_call_no_content() -> None:
    transport = RecordingTransport()
    operations = SprinklrOperations(transport)

    await operations.delete_cases_by_id(body=["a1", "b2"])

    assert transport.calls == [
        {
            "operation": "deleteCasesById",
            "path": {},
            "query": {},
            "body": ["a1", "b2"],
            "timeout": None,
        }
    ]
    assert OPERATIONS["deleteCasesById"].no_content is True


async def test_multipart_files_keyed_by_field() -> None:
    transport = RecordingTransport(payload={"data": {"id": "m1", "url": "https://x"}})
    operations = SprinklrOperations(transport)
    upload = FileUpload(filename="a.png", content=b"\x89PNG")

    media = await operations.upload_media(
        asset_type="IMAGE", file_name="a.png", file=upload
    )

    assert media.id == "m1"
    assert transport.calls[0]["files"] == {"file": upload}
    assert transport.calls[0]["query"] == {"assetType": "IMAGE", "fileName": "a.png"}
    assert transport.calls[0]["body"] is None


async def test_call_tool_rebuilds_flattened_body() -> None:
    transport = RecordingTransport(payload={"data": CASE})
    operations = SprinklrOperations(transport)
    arguments = models.CreateCaseArguments.model_validate(
        {
            "firstMessageId": "ACCOUNT_1_2_TWITTER_7_3",
            "subject": "Refund",
            "workflow": {"customProperties": {"spr_uc_priority": ["High"]}},
        }
    )

    case = await operations.call_tool("create_case", arguments, timeout=4.0)

    assert isinstance(case, models.Case)
    assert transport.calls[0]["operation"] == "createCase"
    assert transport.calls[0]["body"] == {
        "firstMessageId": "ACCOUNT_1_2_TWITTER_7_3",
        "subject": "Refund",
        "workflow": {"customProperties": {"spr_uc_priority": ["High"]}},
    }
    assert transport.calls[0]["timeout"] == 4.0


async def test_call_tool_renamed_query_argument() -> None:
    transport = RecordingTransport(payload={"data": CASE})
    operations = SprinklrOperations(transport)
    arguments = models.GetCaseByNumberArguments.model_validate({"caseNumber": 7030591})

    await operations.call_tool("get_case_by_number", arguments)

    assert transport.calls[0]["query"] == {"case-number": 7030591}


async def test_call_tool_whole_body_argument() -> None:
    transport = RecordingTransport()
    operations = SprinklrOperations(transport)
    arguments = models.DeleteCasesByIdArguments.model_validate({"caseIds": ["a1"]})

    await operations.call_tool("delete_cases_by_id", arguments)

    assert transport.calls[0]["body"] == ["a1"]


async def test_call_tool_passes_resolved_files() -> None:
    transport = RecordingTransport(payload={"data": {"id": "m1"}})
    operations = SprinklrOperations(transport)
    arguments = models.UploadMediaArguments.model_validate(
        {"assetType": "IMAGE", "fileName": "a.png", "fileBase64": "iVBORw=="}
    )
    upload = FileUpload(filename="a.png", content=b"\x89PNG")

    await operations.call_tool("upload_media", arguments, files={"file": upload})

    assert transport.calls[0]["files"] == {"file": upload}
    assert transport.calls[0]["query"] == {"assetType": "IMAGE", "fileName": "a.png"}


async def test_call_tool_rejects_other_model() -> None:
    operations = SprinklrOperations(RecordingTransport())
    arguments = models.GetMeArguments()

    with pytest.raises(TypeError, match="get_case_by_id takes GetCaseByIdArguments"):
        await operations.call_tool("get_case_by_id", arguments)


def test_arguments_model_forbids_unknown_fields() -> None:
    with pytest.raises(ValueError, match="caseNumbr"):
        models.GetCaseByNumberArguments.model_validate({"caseNumbr": 1})
