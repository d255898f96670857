"""Render the MCP tool catalog, catalog.json, from the operations and arguments."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from codegen.errors import CodegenError
from codegen.flatten import MEDIA_SOURCE_NOTE, Argument, arguments_schema
from codegen.load import Operation, Spec, merged_object
from codegen.naming import ARGUMENT_NAME_PATTERN, arguments_class_name, method_name
from codegen.schemas import (
    SCHEMA_LISTS,
    SCHEMA_MAPS,
    SCHEMA_VALUES,
    InlineContext,
    inline_schema,
    split_type_arrays,
)

__all__ = [
    "ANNOTATIONS",
    "INPUT_MAX_DEPTH",
    "OUTPUT_DESCRIBE_DEPTH",
    "OUTPUT_MAX_DEPTH",
    "annotations_for",
    "catalog_entry",
    "check_input_schema",
    "render_catalog",
]

# Object nesting kept in full; deeper objects become open objects (see schemas.py).
INPUT_MAX_DEPTH = 4
OUTPUT_MAX_DEPTH = 2
# Output schemas describe the data and its own fields only; they are mostly
# read by validators, and nested descriptions more than doubled their size.
OUTPUT_DESCRIBE_DEPTH = 2

# MCP tool annotation hints per safety class. Every tool reaches Sprinklr, an
# external system, so openWorldHint is always true. A destructive tool is
# idempotent when x-sprinklr.retry allows repeating it (deletes by ID).
ANNOTATIONS: dict[str, dict[str, bool]] = {
    "read": {
        "readOnlyHint": True,
        "destructiveHint": False,
        "idempotentHint": True,
        "openWorldHint": True,
    },
    "write": {
        "readOnlyHint": False,
        "destructiveHint": False,
        "idempotentHint": False,
        "openWorldHint": True,
    },
    "destructive": {
        "readOnlyHint": False,
        "destructiveHint": True,
        "idempotentHint": True,
        "openWorldHint": True,
    },
    "outbound": {
        "readOnlyHint": False,
        "destructiveHint": False,
        "idempotentHint": False,
        "openWorldHint": True,
    },
}

PAGING_PROPERTIES: dict[str, dict[str, Any]] = {
    "nextCursor": {
        "type": "string",
        "description": (
            "Cursor for the items left out of data, when the list was trimmed."
        ),
    },
    "returned": {
        "type": "integer",
        "minimum": 0,
        "description": "Number of items in data after trimming.",
    },
    "total": {
        "type": "integer",
        "minimum": 0,
        "description": "Number of items before trimming.",
    },
}
COMBINATORS = ("anyOf", "oneOf", "allOf", "not")
GENERATED_BY = "python -m codegen; do not edit, change the spec and regenerate"


def annotations_for(operation: Operation) -> dict[str, bool]:
    """Return all four MCP annotation hints for an operation's safety class."""
    hints = dict(ANNOTATIONS[operation.safety])
    if operation.safety == "destructive":
        hints["idempotentHint"] = operation.retry
    return hints


def catalog_entry(
    document: Mapping[str, Any], operation: Operation, arguments: list[Argument]
) -> dict[str, Any]:
    """Return the catalog entry of one tool."""
    assert operation.tool is not None
    assert operation.summary is not None
    assert operation.description is not None
    description = operation.description
    if any(a.location == "file" and a.name == "filePath" for a in arguments):
        description = f"{description} {MEDIA_SOURCE_NOTE}"

    input_schema = split_type_arrays(
        inline_schema(
            InlineContext(document, INPUT_MAX_DEPTH), arguments_schema(arguments)
        )
    )
    for child in input_schema["properties"].values():
        _lift_item_description(child)
    check_input_schema(operation, input_schema)

    return {
        "name": operation.tool,
        "title": operation.summary.rstrip("."),
        "description": description,
        "operation_id": operation.operation_id,
        "method_name": method_name(operation),
        "arguments_model": arguments_class_name(operation),
        "safety": operation.safety,
        "annotations": annotations_for(operation),
        "input_schema": input_schema,
        "output_schema": _output_schema(document, operation),
        "arguments": [
            {
                "name": a.name,
                "location": a.location,
                "wire_name": a.wire_name,
                "python_name": a.python_name,
            }
            for a in arguments
        ],
    }


def _lift_item_description(schema: dict[str, Any]) -> None:
    """Move an array's item description onto an array that has none of its own."""
    items = schema.get("items")
    if (
        "description" not in schema
        and isinstance(items, dict)
        and "description" in items
    ):
        schema["description"] = items.pop("description")


def _output_schema(document: Mapping[str, Any], operation: Operation) -> dict[str, Any]:
    """Return ``{data, nextCursor?, returned?, total?}`` around the envelope's data."""
    if operation.envelope is None:
        data: dict[str, Any] = {
            "type": "null",
            "description": "Always null: no content.",
        }
    else:
        envelope = {"$ref": f"#/components/schemas/{operation.envelope}"}
        merged = merged_object(document, envelope)
        assert merged is not None
        properties, required = merged
        context = InlineContext(
            document,
            OUTPUT_MAX_DEPTH,
            drop_null_members=True,
            describe_depth=OUTPUT_DESCRIBE_DEPTH,
        )
        try:
            data = split_type_arrays(inline_schema(context, properties["data"]))
        except CodegenError as error:
            raise CodegenError(f"{operation.where}: {error}") from None
        if "data" not in required:
            data = {"anyOf": [data, {"type": "null"}]}

    return {
        "type": "object",
        "properties": {"data": data, **PAGING_PROPERTIES},
        "required": ["data"],
    }


def check_input_schema(operation: Operation, schema: Mapping[str, Any]) -> None:
    """Check the MCP input schema rules; a violation raises CodegenError."""
    where = f"{operation.where}, tool {operation.tool}"
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        raise CodegenError(
            f"{where}: the input schema must be an object with properties"
        )
    if schema.get("additionalProperties") is not False:
        raise CodegenError(
            f"{where}: the input schema must set additionalProperties: false"
        )
    for keyword in COMBINATORS:
        if keyword in schema:
            raise CodegenError(f"{where}: the input schema has a top-level {keyword}")

    for name, child in schema["properties"].items():
        if not ARGUMENT_NAME_PATTERN.fullmatch(name):
            raise CodegenError(f"{where}: input property {name!r} has an invalid name")
        if not isinstance(child, dict) or not str(child.get("description", "")).strip():
            raise CodegenError(
                f"{where}: input property {name!r} has no description; describe the "
                "parameter, body field or its schema in the spec"
            )

    for path, node in _walk(schema, "input_schema"):
        for keyword in ("$ref", "$defs", "definitions"):
            if keyword in node:
                raise CodegenError(
                    f"{where}: {keyword} left in the input schema at {path}"
                )
        if "description" in node and not str(node["description"]).strip():
            raise CodegenError(
                f"{where}: empty description in the input schema at {path}"
            )


def _walk(schema: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
    """Return every schema object inside ``schema`` with its JSON path."""
    if not isinstance(schema, dict):
        return []
    found = [(path, schema)]
    for keyword, value in schema.items():
        if keyword in SCHEMA_MAPS and isinstance(value, dict):
            for name, child in value.items():
                found.extend(_walk(child, f"{path}/{keyword}/{name}"))
        elif keyword in SCHEMA_LISTS and isinstance(value, list):
            for index, child in enumerate(value):
                found.extend(_walk(child, f"{path}/{keyword}/{index}"))
        elif keyword in SCHEMA_VALUES:
            found.extend(_walk(value, f"{path}/{keyword}"))
    return found


def render_catalog(spec: Spec, entries: list[dict[str, Any]]) -> str:
    """Return catalog.json text: sorted keys, 2-space indent, trailing newline."""
    names = [entry["name"] for entry in entries]
    if len(set(names)) != len(names):
        raise CodegenError("duplicate tool names in the catalog")
    catalog = {
        "generated_by": GENERATED_BY,
        "spec": spec.label,
        "spec_sha256": spec.sha256,
        "tools": sorted(entries, key=lambda entry: entry["name"]),
    }
    return json.dumps(catalog, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
