"""Tool definitions from catalog entries, and --read-only, --tools, --exclude-tools."""

from __future__ import annotations

from typing import Any

import pytest

from sprinklr_mcp.mcp_server.server import ToolRunner, build_server
from sprinklr_mcp.mcp_server.tools import ToolSelectionError, ToolSpec, select_tools


def entry(name: str, safety: str, **extra: Any) -> dict[str, Any]:
    hints = {
        "read": (True, False, True),
        "write": (False, False, False),
        "destructive": (False, True, True),
        "outbound": (False, False, False),
    }[safety]
    return {
        "name": name,
        "title": name.replace("_", " ").capitalize(),
        "description": f"Does {name}.",
        "operation_id": name,
        "method_name": name,
        "safety": safety,
        "annotations": {
            "readOnlyHint": hints[0],
            "destructiveHint": hints[1],
            "idempotentHint": hints[2],
            "openWorldHint": True,
        },
        "input_schema": extra.get(
            "input_schema",
            {"type": "object", "properties": {}, "additionalProperties": False},
        ),
        "output_schema": extra.get(
            "output_schema",
            {"type": "object", "properties": {"data": {"type": "object"}}},
        ),
        "arguments": extra.get("arguments", []),
    }


TOOLS = [
    ToolSpec.from_catalog(entry("get_case_by_id", "read")),
    ToolSpec.from_catalog(entry("get_case_by_number", "read")),
    ToolSpec.from_catalog(entry("update_case", "write")),
    ToolSpec.from_catalog(entry("delete_cases_by_id", "destructive")),
    ToolSpec.from_catalog(entry("publish_message", "outbound")),
]


def names(tools: list[ToolSpec]) -> list[str]:
    return [tool.name for tool in tools]


def test_all_tools_by_default() -> None:
    assert names(select_tools(TOOLS)) == names(TOOLS)


def test_read_only_keeps_reads() -> None:
    assert names(select_tools(TOOLS, read_only=True)) == [
        "get_case_by_id",
        "get_case_by_number",
    ]


def test_include_names_and_globs() -> None:
    selected = select_tools(TOOLS, include=("get_*", "publish_message"))

    assert names(selected) == [
        "get_case_by_id",
        "get_case_by_number",
        "publish_message",
    ]


def test_exclusion_wins_over_inclusion() -> None:
    selected = select_tools(TOOLS, include=("get_*",), exclude=("*_by_number",))

    assert names(selected) == ["get_case_by_id"]


def test_exclude_only() -> None:
    selected = select_tools(TOOLS, exclude=("delete_*", "publish_*"))

    assert names(selected) == ["get_case_by_id", "get_case_by_number", "update_case"]


def test_unknown_pattern_rejected_with_suggestion() -> None:
    with pytest.raises(ToolSelectionError, match="did you mean get_case_by_id"):
        select_tools(TOOLS, include=("get_case_by_idd",))
    with pytest.raises(ToolSelectionError, match="--exclude-tools: 'nothing_\\*'"):
        select_tools(TOOLS, exclude=("nothing_*",))


def test_tool_carries_all_four_hints() -> None:
    tool = TOOLS[3].to_tool()

    assert tool.annotations is not None
    assert tool.annotations.read_only_hint is False
    assert tool.annotations.destructive_hint is True
    assert tool.annotations.idempotent_hint is True
    assert tool.annotations.open_world_hint is True
    assert tool.annotations.title == "Delete cases by id"


def test_list_output_gets_cursor_and_paging_fields() -> None:
    spec = ToolSpec.from_catalog(
        entry(
            "read_messages",
            "read",
            output_schema={
                "type": "object",
                "properties": {"data": {"type": "array", "items": {"type": "object"}}},
            },
        )
    )

    assert spec.list_path == ("data",)
    assert "pageCursor" in spec.input_schema["properties"]
    assert {"nextCursor", "returned", "total"} <= set(spec.output_schema["properties"])


def test_nested_list_found_inside_data() -> None:
    spec = ToolSpec.from_catalog(
        entry(
            "get_comments",
            "read",
            output_schema={
                "type": "object",
                "properties": {
                    "data": {
                        "type": "object",
                        "properties": {
                            "results": {"type": "array"},
                            "tags": {"type": "array"},
                            "hasMore": {"type": "boolean"},
                        },
                    }
                },
            },
        )
    )

    assert spec.list_path == ("data", "results")


def test_record_arrays_are_not_paged() -> None:
    spec = ToolSpec.from_catalog(
        entry(
            "get_message",
            "read",
            output_schema={
                "type": "object",
                "properties": {
                    "data": {
                        "type": "object",
                        "properties": {"mentionedProfiles": {"type": "array"}},
                    }
                },
            },
        )
    )

    assert spec.list_path is None


def test_writes_are_never_paged() -> None:
    spec = ToolSpec.from_catalog(
        entry(
            "bulk_write",
            "write",
            output_schema={
                "type": "object",
                "properties": {"data": {"type": "array"}},
            },
        )
    )

    assert spec.list_path is None
    assert "pageCursor" not in spec.input_schema.get("properties", {})


def test_file_arguments_grouped_by_parameter() -> None:
    spec = ToolSpec.from_catalog(
        entry(
            "upload_media",
            "write",
            arguments=[
                {
                    "name": key,
                    "location": "file",
                    "wire_name": "file",
                    "python_name": "file",
                }
                for key in ("filePath", "fileUrl", "fileBase64", "fileName")
            ]
            + [
                {
                    "name": "files",
                    "location": "file",
                    "wire_name": "files",
                    "python_name": "files",
                }
            ],
        )
    )

    groups = spec.file_parameters
    assert list(groups) == ["file", "files"]
    assert all(spec.is_flattened_media(argument) for argument in groups["file"])
    assert not spec.is_flattened_media(groups["files"][0])


def test_input_schema_lookup_matches_list(catalog: list[ToolSpec]) -> None:
    server = build_server(operations=None, tools=catalog)
    listed = {tool.name: tool.input_schema for tool in ToolRunner(None, catalog).tools}

    assert server.get_tool_input_schema is not None
    for name, schema in listed.items():
        assert server.get_tool_input_schema(name) == schema
    assert server.get_tool_input_schema("no_such_tool") is None
