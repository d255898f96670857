"""The tool server through the Python SDK client, in-process, against the sandbox."""

from __future__ import annotations

import json
import logging
from typing import Any

import jsonschema
import mcp_types as types
import pytest
from mcp import Client, MCPError
from mcp_support import Backend, api_calls, text_of
from sandbox_calls import PNG_BASE64, valid_calls

from sprinklr_generated import models
from sprinklr_mcp import errors
from sprinklr_mcp.mcp_server.results import error_result, success_result
from sprinklr_mcp.mcp_server.tools import ToolSpec, select_tools

MODES = ["auto", "legacy"]
SCHEMA_KEYS_FORBIDDEN = {"$ref", "$defs", "definitions"}


def walk(schema: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(schema, dict):
        found.append(schema)
        for value in schema.values():
            found.extend(walk(value))
    elif isinstance(schema, list):
        for value in schema:
            found.extend(walk(value))
    return found


def null_members(value: Any, path: str = "") -> list[str]:
    """Return the JSON paths of object members whose value is null."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if item is None:
                found.append(f"{path}/{key}")
            else:
                found.extend(null_members(item, f"{path}/{key}"))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(null_members(item, f"{path}/{index}"))
    return found


@pytest.mark.parametrize("mode", MODES)
async def test_list_tools_is_the_catalog(backend: Backend, mode: str) -> None:
    async with Client(backend.server(), mode=mode) as client:  # type: ignore[arg-type]
        listed = (await client.list_tools()).tools

    assert [tool.name for tool in listed] == [tool.name for tool in backend.catalog]
    for tool in listed:
        assert tool.title
        assert tool.description
        assert tool.output_schema is not None
        assert tool.output_schema["type"] == "object"
        assert tool.input_schema["type"] == "object"
        assert "properties" in tool.input_schema
        assert not {"oneOf", "anyOf", "allOf"} & set(tool.input_schema)
        for node in walk(tool.input_schema):
            assert not SCHEMA_KEYS_FORBIDDEN & set(node), tool.name
            if isinstance(node.get("description"), str):
                assert node["description"].strip(), tool.name
        hints = tool.annotations
        assert hints is not None
        assert None not in (
            hints.read_only_hint,
            hints.destructive_hint,
            hints.idempotent_hint,
            hints.open_world_hint,
        ), tool.name


async def test_annotations_follow_safety(backend: Backend) -> None:
    async with Client(backend.server()) as client:
        listed = {tool.name: tool for tool in (await client.list_tools()).tools}

    for spec in backend.catalog:
        hints = listed[spec.name].annotations
        assert hints is not None
        assert hints.read_only_hint is (spec.safety == "read"), spec.name
        assert hints.destructive_hint is (spec.safety == "destructive"), spec.name


@pytest.mark.parametrize("mode", MODES)
async def test_every_tool_returns_valid_structured_content(
    backend: Backend, mode: str
) -> None:
    calls = valid_calls(backend.sandbox.state)
    assert sorted(name for name, _ in calls) == sorted(t.name for t in backend.catalog)
    schemas = {tool.name: tool.output_schema for tool in backend.catalog}

    failures = []
    async with Client(backend.server(), mode=mode) as client:  # type: ignore[arg-type]
        await client.list_tools()
        for name, arguments in calls:
            result = await client.call_tool(name, arguments)
            if result.is_error:
                failures.append(f"{name}: {text_of(result)}")
                continue
            jsonschema.validate(result.structured_content, schemas[name])
            content = result.structured_content or {}
            assert null_members(content.get("data")) == [], name
            summary, _, payload = text_of(result).partition("\n")
            assert summary, name
            assert json.loads(payload) == result.structured_content, name

    assert failures == []


def test_structured_content_drops_null_members(catalog: list[ToolSpec]) -> None:
    tool = next(spec for spec in catalog if spec.name == "get_case_by_id")
    case = models.Case.model_validate(
        {
            "id": "case-1",
            "subject": None,
            "contact": {"id": "contact-1", "name": None},
            "conversationIntentIds": ["intent-1"],
        }
    )

    result = success_result(tool, case, call_arguments={}, offset=0, budget=20_000)

    content = result.structured_content
    assert content is not None
    assert null_members(content) == []
    assert content["data"]["id"] == "case-1"
    assert "subject" not in content["data"]
    assert content["data"]["contact"] == {"id": "contact-1"}
    jsonschema.validate(content, tool.output_schema)
    _, _, payload = text_of(result).partition("\n")
    assert json.loads(payload) == content


def test_no_content_data_stays_null(catalog: list[ToolSpec]) -> None:
    tool = next(spec for spec in catalog if spec.name == "delete_cases_by_id")

    result = success_result(tool, None, call_arguments={}, offset=0, budget=20_000)

    assert result.structured_content == {"data": None}
    jsonschema.validate(result.structured_content, tool.output_schema)


async def test_unknown_tool_is_protocol_error(backend: Backend) -> None:
    async with Client(backend.server(), mode="legacy") as client:
        with pytest.raises(MCPError) as raised:
            await client.call_tool("no_such_tool", {})

    assert raised.value.error.code == types.INVALID_PARAMS
    assert "no_such_tool" in raised.value.error.message


@pytest.mark.parametrize("mode", MODES)
async def test_invalid_arguments_name_each_field(backend: Backend, mode: str) -> None:
    async with Client(backend.server(), mode=mode) as client:  # type: ignore[arg-type]
        result = await client.call_tool(
            "get_case_by_number", {"caseNumber": "seven", "caseNo": 1}
        )

    text = text_of(result)
    assert result.is_error
    assert "caseNumber: expected integer" in text
    assert "caseNo: unknown argument; did you mean 'caseNumber'?" in text
    assert "nothing was sent to Sprinklr" in text
    assert api_calls(backend) == []


async def test_missing_required_argument_named(backend: Backend) -> None:
    async with Client(backend.server()) as client:
        result = await client.call_tool("add_comment", {"entityType": "CASE"})

    text = text_of(result)
    assert result.is_error
    assert "entityId: missing; expected string" in text
    assert "text: missing" in text


async def test_enum_violation_lists_options(backend: Backend) -> None:
    async with Client(backend.server()) as client:
        result = await client.call_tool(
            "add_comment", {"entityType": "TICKET", "entityId": "x", "text": "t"}
        )

    assert result.is_error
    assert 'entityType: expected one of "CASE"' in text_of(result)


async def test_json_string_array_accepted(backend: Backend) -> None:
    case = next(iter(backend.sandbox.state.cases.values()))
    async with Client(backend.server()) as client:
        result = await client.call_tool(
            "delete_cases_by_id", {"caseIds": json.dumps([case["id"]])}
        )

    assert not result.is_error, text_of(result)
    assert case["id"] not in backend.sandbox.state.cases


async def test_not_found_reports_status_and_message(backend: Backend) -> None:
    async with Client(backend.server()) as client:
        result = await client.call_tool("get_case_by_number", {"caseNumber": 999})

    text = text_of(result)
    assert result.is_error
    assert "HTTP 404" in text
    assert "Sprinklr said:" in text
    assert "999" in text
    assert "Retry: no" in text
    assert "Next step:" in text


async def test_stale_version_says_read_again(backend: Backend) -> None:
    case = next(iter(backend.sandbox.state.cases.values()))
    update = {
        "caseIds": [case["id"]],
        "updateActions": ["EDIT_SUBJECT"],
        "subject": "Renamed",
    }
    async with Client(backend.server()) as client:
        first = await client.call_tool(
            "update_case", {**update, "version": case["version"]}
        )
        stale = await client.call_tool(
            "update_case", {**update, "version": case["version"] - 1}
        )

    assert not first.is_error, text_of(first)
    text = text_of(stale)
    assert stale.is_error
    assert "HTTP 409" in text
    assert "Next step:" in text
    assert "version" in text.lower()


async def test_server_error_is_retryable(backend: Backend) -> None:
    backend.sandbox.fail_next("503", count=10)
    async with Client(backend.server()) as client:
        result = await client.call_tool("get_me", {})

    text = text_of(result)
    assert result.is_error
    assert "HTTP 503" in text
    assert "Retry: yes, after" in text


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("delete_cases_by_number", {"caseNumbers": ["7300001"]}),
        ("add_comment", {"entityType": "CASE", "entityId": "7300001", "text": "x"}),
    ],
)
async def test_server_error_on_write_says_check_first(
    backend: Backend, tool: str, arguments: dict[str, Any]
) -> None:
    backend.sandbox.fail_next("500", count=10)
    server = backend.server(confirm_destructive="off")
    async with Client(server) as client:
        result = await client.call_tool(tool, arguments)

    text = text_of(result)
    assert result.is_error
    assert "HTTP 500" in text
    assert "Retry: not before checking" in text
    assert "Retry: yes" not in text
    assert "This is temporary" not in text
    assert "Read the records this call changes" in text


@pytest.mark.parametrize("retryable", [True, False])
def test_write_server_error_advice_ignores_retryable(
    catalog: list[ToolSpec], retryable: bool
) -> None:
    tools = {tool.name: tool for tool in catalog}
    error = errors.ServerError(status=500, retryable=retryable)

    delete = error_result(error, tools["delete_cases_by_number"])
    read = error_result(error, tools["get_case_by_number"])

    delete_text = text_of(delete)
    assert "Retry: not before checking" in delete_text
    assert "Read the records this call changes" in delete_text
    read_text = text_of(read)
    assert "Retry: not before checking" not in read_text
    if retryable:
        assert "Retry: yes, after 5 seconds." in read_text
    else:
        assert "Retry: no, not without a change." in read_text


async def test_rate_limit_says_when_to_retry(backend: Backend) -> None:
    backend.sandbox.rate_limits.per_hour = 1
    case = next(iter(backend.sandbox.state.cases.values()))
    async with Client(backend.server()) as client:
        first = await client.call_tool("get_case_by_id", {"caseId": case["id"]})
        second = await client.call_tool("get_case_by_id", {"caseId": case["id"]})

    assert not first.is_error, text_of(first)
    text = text_of(second)
    assert second.is_error
    assert "rate limit" in text
    assert "Retry: yes, after" in text


async def test_login_needed_is_a_tool_error(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    broker = backend.client._transport._token_provider
    await broker.store.delete(broker.settings.name)
    broker._tokens = None
    case = next(iter(backend.sandbox.state.cases.values()))

    with caplog.at_level(logging.WARNING, logger="sprinklr_mcp.mcp_server"):
        async with Client(backend.server()) as client:
            result = await client.call_tool("get_case_by_id", {"caseId": case["id"]})

    text = text_of(result)
    assert result.is_error
    assert "log in again" in text
    assert "sprinklr-mcp auth login sandbox" in text
    assert any("needs a Sprinklr login" in record.message for record in caplog.records)


async def test_list_results_paged_by_whole_items(backend: Backend) -> None:
    message_ids = list(backend.sandbox.state.messages)[:25]
    server = backend.server(max_result_bytes=1000)

    pages: list[list[Any]] = []
    async with Client(server) as client:
        arguments: dict[str, Any] = {"messageIds": message_ids}
        while True:
            result = await client.call_tool("get_messages_bulk", arguments)
            assert not result.is_error, text_of(result)
            content = result.structured_content
            assert content is not None
            pages.append(content["data"])
            assert content["returned"] == len(content["data"])
            assert content["total"] == len(message_ids)
            if "nextCursor" not in content:
                assert "item" in text_of(result)
                break
            assert "pageCursor=" in text_of(result)
            arguments = {"messageIds": message_ids, "pageCursor": content["nextCursor"]}

    received = [item["messageId"] for page in pages for item in page]
    assert len(pages) > 1
    assert received == message_ids


async def test_cursor_from_other_call_rejected(backend: Backend) -> None:
    message_ids = list(backend.sandbox.state.messages)[:25]
    async with Client(backend.server(max_result_bytes=1000)) as client:
        first = await client.call_tool("get_messages_bulk", {"messageIds": message_ids})
        assert first.structured_content is not None
        cursor = first.structured_content["nextCursor"]
        result = await client.call_tool(
            "get_messages_bulk", {"messageIds": message_ids[:5], "pageCursor": cursor}
        )

    assert result.is_error
    assert "pageCursor: the cursor belongs to a call with other arguments" in text_of(
        result
    )


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"read_only": True}, {"get_case_by_id", "list_profile_cases"}),
        ({"include": ("get_case_*",)}, {"get_case_by_id", "get_case_by_number"}),
        ({"include": ("get_case_*",), "exclude": ("*_by_number",)}, {"get_case_by_id"}),
        ({"exclude": ("delete_*",)}, {"update_case", "get_me"}),
    ],
)
async def test_selection_changes_listed_tools(
    backend: Backend, options: dict[str, Any], expected: set[str]
) -> None:
    tools = select_tools(backend.catalog, **options)
    async with Client(backend.server(tools)) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}

    assert expected <= names
    if options.get("read_only"):
        assert all(tool.safety == "read" for tool in tools)
        assert "delete_cases_by_id" not in names
    for pattern in options.get("exclude", ()):
        assert not any(name.startswith(pattern.rstrip("*")) for name in names)


async def test_hidden_tool_cannot_be_called(backend: Backend) -> None:
    tools = select_tools(backend.catalog, read_only=True)
    case = next(iter(backend.sandbox.state.cases.values()))
    async with Client(backend.server(tools), mode="legacy") as client:
        with pytest.raises(MCPError):
            await client.call_tool("delete_cases_by_id", {"caseIds": [case["id"]]})

    assert case["id"] in backend.sandbox.state.cases


def _answer(action: str, confirm: bool = True) -> Any:
    async def callback(context: Any, params: types.ElicitRequestParams) -> Any:
        callback.requests.append(params)  # type: ignore[attr-defined]
        content = {"confirm": confirm} if action == "accept" else None
        return types.ElicitResult(action=action, content=content)  # type: ignore[arg-type]

    callback.requests = []  # type: ignore[attr-defined]
    return callback


@pytest.mark.parametrize("mode", MODES)
async def test_delete_confirmed_by_user(backend: Backend, mode: str) -> None:
    case = next(iter(backend.sandbox.state.cases.values()))
    callback = _answer("accept")
    async with Client(
        backend.server(),
        mode=mode,
        elicitation_callback=callback,  # type: ignore[arg-type]
    ) as client:
        result = await client.call_tool("delete_cases_by_id", {"caseIds": [case["id"]]})

    assert not result.is_error, text_of(result)
    assert len(callback.requests) == 1
    assert case["id"] in callback.requests[0].message
    assert case["id"] not in backend.sandbox.state.cases


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("action", "confirm", "reason"),
    [
        ("decline", True, "the user declined it"),
        ("cancel", True, "the user cancelled the confirmation"),
        ("accept", False, "without setting confirm to true"),
    ],
)
async def test_delete_refused_by_user(
    backend: Backend, mode: str, action: str, confirm: bool, reason: str
) -> None:
    case = next(iter(backend.sandbox.state.cases.values()))
    callback = _answer(action, confirm)
    async with Client(
        backend.server(),
        mode=mode,
        elicitation_callback=callback,  # type: ignore[arg-type]
    ) as client:
        result = await client.call_tool("delete_cases_by_id", {"caseIds": [case["id"]]})

    assert result.is_error
    assert reason in text_of(result)
    assert f"({action})" not in text_of(result)
    assert "Nothing was changed" in text_of(result)
    assert case["id"] in backend.sandbox.state.cases


@pytest.mark.parametrize("mode", MODES)
async def test_delete_without_elicitation_runs_by_default(
    backend: Backend, mode: str
) -> None:
    case = next(iter(backend.sandbox.state.cases.values()))
    async with Client(backend.server(), mode=mode) as client:  # type: ignore[arg-type]
        result = await client.call_tool("delete_cases_by_id", {"caseIds": [case["id"]]})

    assert not result.is_error, text_of(result)
    assert case["id"] not in backend.sandbox.state.cases


@pytest.mark.parametrize("mode", MODES)
async def test_delete_without_elicitation_refused_when_required(
    backend: Backend, mode: str
) -> None:
    case = next(iter(backend.sandbox.state.cases.values()))
    server = backend.server(confirm_destructive="always")
    async with Client(server, mode=mode) as client:  # type: ignore[arg-type]
        result = await client.call_tool("delete_cases_by_id", {"caseIds": [case["id"]]})

    assert result.is_error
    assert "does not support elicitation" in text_of(result)
    assert case["id"] in backend.sandbox.state.cases


async def test_confirmation_off_never_asks(backend: Backend) -> None:
    case = next(iter(backend.sandbox.state.cases.values()))
    callback = _answer("decline")
    server = backend.server(confirm_destructive="off")
    async with Client(server, elicitation_callback=callback) as client:
        result = await client.call_tool("delete_cases_by_id", {"caseIds": [case["id"]]})

    assert not result.is_error, text_of(result)
    assert callback.requests == []


async def test_reads_never_ask(backend: Backend) -> None:
    case = next(iter(backend.sandbox.state.cases.values()))
    callback = _answer("decline")
    async with Client(backend.server(), elicitation_callback=callback) as client:
        result = await client.call_tool("get_case_by_id", {"caseId": case["id"]})

    assert not result.is_error
    assert callback.requests == []


@pytest.mark.parametrize("mode", MODES)
async def test_bulk_upload_reports_progress_per_file(
    backend: Backend, mode: str
) -> None:
    updates: list[tuple[float, float | None, str | None]] = []

    async def on_progress(
        progress: float, total: float | None, message: str | None
    ) -> None:
        updates.append((progress, total, message))

    files = [
        {"fileBase64": PNG_BASE64, "fileName": f"f{index}.png"} for index in range(3)
    ]
    async with Client(backend.server(), mode=mode) as client:  # type: ignore[arg-type]
        result = await client.call_tool(
            "upload_media_bulk",
            {"assetType": "IMAGE", "files": files},
            progress_callback=on_progress,
        )

    assert not result.is_error, text_of(result)
    assert [update[0] for update in updates] == [1, 2, 3]
    assert all(update[1] == 3 for update in updates)
    assert "f2.png" in (updates[-1][2] or "")


async def test_media_path_outside_allowed_dirs_rejected(
    backend: Backend, tmp_path: Any
) -> None:
    allowed = tmp_path / "media"
    allowed.mkdir()
    (tmp_path / "private.txt").write_text("secret")
    from sprinklr_mcp.mcp_server.media import MediaPolicy

    server = backend.server(media=MediaPolicy(allowed_dirs=(allowed,)))
    async with Client(server) as client:
        result = await client.call_tool(
            "upload_media",
            {"assetType": "FILE", "fileName": "p.txt", "filePath": "../private.txt"},
        )

    assert result.is_error
    assert "filePath: '../private.txt' is outside the allowed media" in text_of(result)
    assert api_calls(backend) == []


async def test_media_control_characters_are_argument_errors(
    backend: Backend, tmp_path: Any
) -> None:
    from sprinklr_mcp.mcp_server.media import MediaPolicy

    server = backend.server(media=MediaPolicy(allowed_dirs=(tmp_path,)))
    async with Client(server) as client:
        nul_path = await client.call_tool(
            "upload_media",
            {"assetType": "FILE", "fileName": "a.txt", "filePath": "a.txt\x00b"},
        )
        crlf_name = await client.call_tool(
            "upload_media",
            {
                "assetType": "FILE",
                "fileName": "a\r\nX-Injected: 1\r\n.txt",
                "fileBase64": "aGVsbG8=",
            },
        )

    assert nul_path.is_error
    assert "filePath: 'a.txt\\x00b' contains a NUL character" in text_of(nul_path)
    assert crlf_name.is_error
    assert "fileName: " in text_of(crlf_name)
    assert "contains control characters" in text_of(crlf_name)
    assert "internal error" not in text_of(nul_path) + text_of(crlf_name)
    assert api_calls(backend) == []


async def test_media_upload_from_allowed_dir(backend: Backend, tmp_path: Any) -> None:
    (tmp_path / "note.txt").write_text("hello")
    from sprinklr_mcp.mcp_server.media import MediaPolicy

    server = backend.server(media=MediaPolicy(allowed_dirs=(tmp_path,)))
    async with Client(server) as client:
        result = await client.call_tool(
            "upload_media",
            {"assetType": "FILE", "fileName": "note.txt", "filePath": "note.txt"},
        )

    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    assert result.structured_content["data"]["name"] == "note.txt"
