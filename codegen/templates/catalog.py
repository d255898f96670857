"""The MCP tool catalog: one entry per tool, read from catalog.json."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Literal, TypedDict, cast

__all__ = [
    "ToolAnnotations",
    "ToolArgumentEntry",
    "ToolEntry",
    "drop_null_members",
    "tool_entries",
    "tool_entry",
]

_PACKAGE = __name__.rpartition(".")[0]


class ToolAnnotations(TypedDict):
    """The four MCP tool hints, under their MCP wire names."""

    readOnlyHint: bool
    destructiveHint: bool
    idempotentHint: bool
    openWorldHint: bool


class ToolArgumentEntry(TypedDict):
    """One tool input and where its value goes in the client method call."""

    name: str
    location: Literal["path", "query", "body", "file"]
    wire_name: str | None
    python_name: str


class ToolEntry(TypedDict):
    """One tool: its MCP fields and the client method it calls."""

    name: str
    title: str
    description: str
    operation_id: str
    method_name: str
    arguments_model: str
    safety: Literal["read", "write", "destructive", "outbound"]
    annotations: ToolAnnotations
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]
    arguments: list[ToolArgumentEntry]


@cache
def tool_entries() -> dict[str, ToolEntry]:
    """Return every tool entry by tool name; the result is shared, do not change it."""
    text = (
        resources.files(_PACKAGE).joinpath("catalog.json").read_text(encoding="utf-8")
    )
    entries = cast(list[ToolEntry], json.loads(text)["tools"])
    return {entry["name"]: entry for entry in entries}


def tool_entry(name: str) -> ToolEntry:
    """Return the entry of one tool; an unknown name raises KeyError."""
    try:
        return tool_entries()[name]
    except KeyError:
        raise KeyError(f"unknown tool {name!r}") from None


def drop_null_members(value: Any) -> Any:
    """Return a copy of JSON ``value`` without object members whose value is null.

    Output schemas describe data in this form: an optional property is absent,
    never null. Objects inside arrays are cleaned too, but null array items
    stay, because dropping them would shift the positions of the others.
    """
    if isinstance(value, dict):
        return {
            key: drop_null_members(item)
            for key, item in value.items()
            if item is not None
        }
    if isinstance(value, list):
        return [drop_null_members(item) for item in value]
    return value
