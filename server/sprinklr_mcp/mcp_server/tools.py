"""Turn the generated tool catalog into MCP tools, and select which ones to serve."""

from __future__ import annotations

import copy
import difflib
import fnmatch
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import mcp_types as types

from sprinklr_mcp.mcp_server.media import MEDIA_KEYS
from sprinklr_mcp.mcp_server.paging import CURSOR_ARGUMENT

__all__ = [
    "ArgumentSpec",
    "ToolSelectionError",
    "ToolSpec",
    "load_catalog",
    "select_tools",
]

Location = Literal["path", "query", "body", "file"]
SAFETY_CLASSES = ("read", "write", "destructive", "outbound")

# Properties of a data object that hold the list of results.
_LIST_PROPERTIES = ("results", "items")
_CURSOR_SCHEMA: dict[str, Any] = {
    "type": "string",
    "description": "The nextCursor of an earlier result, to get the items after "
    "it; repeat that call's other arguments unchanged.",
}
_PAGING_OUTPUT_PROPERTIES: dict[str, Any] = {
    "nextCursor": {
        "type": "string",
        "description": "Pass back as cursor to get the next items; absent on the "
        "last page.",
    },
    "returned": {"type": "integer", "description": "Items in this result."},
    "total": {"type": "integer", "description": "Items in the whole list."},
}


class ToolSelectionError(ValueError):
    """A tool name or pattern in --tools or --exclude-tools that matches no tool."""


@dataclass(frozen=True, slots=True)
class ArgumentSpec:
    """Mapping of one tool argument onto a parameter of the generated method."""

    name: str
    location: Location
    wire_name: str | None
    python_name: str


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """One catalog entry plus what the MCP server adds: media and paging."""

    name: str
    title: str
    description: str
    operation_id: str
    method_name: str
    safety: str
    annotations: Mapping[str, Any]
    input_schema: Mapping[str, Any]
    output_schema: Mapping[str, Any]
    arguments: tuple[ArgumentSpec, ...]
    arguments_model: str | None
    list_path: tuple[str, ...] | None

    @property
    def pageable(self) -> bool:
        """Whether results are cut to the byte budget with a cursor."""
        return self.list_path is not None

    @property
    def file_arguments(self) -> tuple[ArgumentSpec, ...]:
        """Arguments that carry media sources, flattened or as lists of objects."""
        return tuple(item for item in self.arguments if item.location == "file")

    @property
    def file_parameters(self) -> dict[str, list[ArgumentSpec]]:
        """File arguments grouped by the method parameter that receives the upload.

        A single file is flattened into ``filePath``, ``fileUrl``,
        ``fileBase64`` and ``fileName``; a list of files is one argument whose
        items are objects with those keys.
        """
        groups: dict[str, list[ArgumentSpec]] = {}
        for argument in self.file_arguments:
            groups.setdefault(argument.python_name, []).append(argument)
        return groups

    @staticmethod
    def is_flattened_media(argument: ArgumentSpec) -> bool:
        """Return whether ``argument`` is one key of a flattened single-file source."""
        return argument.location == "file" and argument.name in MEDIA_KEYS

    @classmethod
    def from_catalog(cls, entry: Mapping[str, Any]) -> ToolSpec:
        """Build a tool from one catalog entry; raises ``ValueError`` on a bad entry."""
        safety = entry["safety"]
        if safety not in SAFETY_CLASSES:
            raise ValueError(f"tool {entry['name']!r}: unknown safety class {safety!r}")
        arguments = tuple(_argument_from_catalog(item) for item in entry["arguments"])
        input_schema = copy.deepcopy(dict(entry["input_schema"]))
        output_schema = copy.deepcopy(dict(entry["output_schema"]))

        list_path = _find_list_path(output_schema) if safety == "read" else None
        if list_path is not None:
            input_schema.setdefault("properties", {})[CURSOR_ARGUMENT] = dict(
                _CURSOR_SCHEMA
            )
            properties = output_schema.setdefault("properties", {})
            for name, schema in _PAGING_OUTPUT_PROPERTIES.items():
                properties.setdefault(name, copy.deepcopy(schema))

        return cls(
            name=entry["name"],
            title=entry["title"],
            description=entry["description"],
            operation_id=entry["operation_id"],
            method_name=entry["method_name"],
            safety=safety,
            annotations=dict(entry["annotations"]),
            input_schema=input_schema,
            output_schema=output_schema,
            arguments=arguments,
            arguments_model=entry.get("arguments_model"),
            list_path=list_path,
        )

    def to_tool(self) -> types.Tool:
        """Return the MCP ``Tool`` that ``tools/list`` sends."""
        annotations = types.ToolAnnotations.model_validate(
            {"title": self.title, **self.annotations}
        )
        return types.Tool(
            name=self.name,
            title=self.title,
            description=self.description,
            input_schema=dict(self.input_schema),
            output_schema=dict(self.output_schema),
            annotations=annotations,
        )


def _argument_from_catalog(item: Mapping[str, Any]) -> ArgumentSpec:
    location = item["location"]
    if location not in ("path", "query", "body", "file"):
        raise ValueError(f"argument {item['name']!r}: unknown location {location!r}")
    return ArgumentSpec(
        name=item["name"],
        location=location,
        wire_name=item.get("wire_name"),
        python_name=item["python_name"],
    )


def _schema_type(schema: Mapping[str, Any]) -> set[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return set(declared)
    return set()


def _find_list_path(output_schema: Mapping[str, Any]) -> tuple[str, ...] | None:
    """Find the list worth paging: ``data`` itself, or a result list inside it.

    Only the container names in ``_LIST_PROPERTIES`` count inside an object,
    so that a record's own arrays (a message's mentioned profiles) are never
    paged.
    """
    data = output_schema.get("properties", {}).get("data")
    if not isinstance(data, Mapping):
        return None
    if "array" in _schema_type(data):
        return ("data",)
    if "object" not in _schema_type(data):
        return None
    properties = data.get("properties", {})
    for name in _LIST_PROPERTIES:
        schema = properties.get(name)
        if isinstance(schema, Mapping) and "array" in _schema_type(schema):
            return ("data", name)
    return None


def load_catalog() -> list[ToolSpec]:
    """Read every tool from the generated ``catalog.json``, in catalog order."""
    text = (
        resources.files("sprinklr_generated")
        .joinpath("catalog.json")
        .read_text(encoding="utf-8")
    )
    raw = json.loads(text)
    entries = raw["tools"] if isinstance(raw, Mapping) else raw
    return [ToolSpec.from_catalog(entry) for entry in entries]


def _matches(name: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(name, pattern)


def _check_patterns(option: str, patterns: Iterable[str], names: Sequence[str]) -> None:
    for pattern in patterns:
        if any(_matches(name, pattern) for name in names):
            continue
        close = difflib.get_close_matches(pattern, names, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ToolSelectionError(
            f"{option}: {pattern!r} matches no tool{hint} "
            "Run `sprinklr-mcp tools` to list the tool names."
        )


def select_tools(
    tools: Sequence[ToolSpec],
    *,
    read_only: bool = False,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> list[ToolSpec]:
    """Keep the tools that the options allow; exclusion wins over inclusion.

    ``include`` and ``exclude`` hold names or shell-style globs (``get_*``).
    A pattern that matches no tool raises ``ToolSelectionError``, because it
    is almost always a typo that would otherwise go unnoticed.
    """
    names = [tool.name for tool in tools]
    _check_patterns("--tools", include, names)
    _check_patterns("--exclude-tools", exclude, names)

    selected = []
    for tool in tools:
        if read_only and tool.safety != "read":
            continue
        if include and not any(_matches(tool.name, pattern) for pattern in include):
            continue
        if any(_matches(tool.name, pattern) for pattern in exclude):
            continue
        selected.append(tool)
    return selected
