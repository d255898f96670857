"""Turn spec schemas into the self-contained JSON Schemas of the tool catalog.

References are inlined. Object nesting deeper than a limit becomes an open
``{"type": "object"}``, which accepts everything the full schema accepts, so a
capped schema stays small and still validates every response the models accept.
Keywords that only document (``title``, ``example``, extensions) are dropped,
and so are ``additionalProperties: true`` (the JSON Schema default) and the
OpenAPI number formats such as ``int64``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from codegen.errors import CodegenError
from codegen.load import SCHEMA_REF_PREFIX, resolve

__all__ = [
    "KEPT_KEYWORDS",
    "SCHEMA_LISTS",
    "SCHEMA_MAPS",
    "SCHEMA_VALUES",
    "InlineContext",
    "inline_schema",
]

# JSON Schema keywords kept in catalog schemas; every other keyword is dropped.
KEPT_KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "required",
        "items",
        "prefixItems",
        "additionalProperties",
        "patternProperties",
        "propertyNames",
        "enum",
        "const",
        "description",
        "format",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "default",
        "anyOf",
        "oneOf",
        "allOf",
        "not",
    }
)
SCHEMA_MAPS = ("properties", "patternProperties")
SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
SCHEMA_VALUES = ("items", "additionalProperties", "propertyNames", "not")
TRUNCATED_NOTE = "Nested fields are not listed."
# OpenAPI number formats, which no JSON Schema validator or model checks.
OPENAPI_FORMATS = frozenset({"int32", "int64", "float", "double"})


@dataclass
class InlineContext:
    """Settings and state for inlining one catalog schema.

    ``max_depth`` counts objects with listed properties: the top object is
    depth 1. ``nullable_optional`` lets every property that is not required
    be null, as the generated models allow (``X | None = None``).
    ``describe_depth`` keeps descriptions only down to that depth (None keeps
    all). ``described`` contains the components whose description was already
    written, so that a component used in many places is described once.
    """

    document: Mapping[str, Any]
    max_depth: int
    nullable_optional: bool = False
    describe_depth: int | None = None
    described: set[str] = field(default_factory=set)


def inline_schema(
    context: InlineContext,
    schema: Any,
    *,
    depth: int = 1,
    expanding: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Return ``schema`` with references inlined and documentation noise dropped."""
    if schema is True or schema == {}:
        return {}
    if not isinstance(schema, Mapping):
        raise CodegenError(f"expected a schema object, found {schema!r}")

    description = schema.get("description")
    if "$ref" in schema:
        reference = schema["$ref"]
        if not reference.startswith(SCHEMA_REF_PREFIX):
            raise CodegenError(
                f"schemas may reference only components/schemas, not {reference}"
            )
        name = reference.removeprefix(SCHEMA_REF_PREFIX)
        target = resolve(context.document, schema)
        siblings = {key: value for key, value in schema.items() if key != "$ref"}
        if name in expanding or _is_deep(target, depth, context):
            text = description or target.get("description")
            return _truncated(target, text if _describes(depth, context) else None)

        merged = {**target, **siblings}
        if description is None and "description" in target:
            if name in context.described:
                merged.pop("description")
            else:
                context.described.add(name)
        return inline_schema(context, merged, depth=depth, expanding=(*expanding, name))

    if _is_deep(schema, depth, context):
        return _truncated(schema, description if _describes(depth, context) else None)

    result: dict[str, Any] = {}
    child_depth = depth + 1 if "properties" in schema else depth
    for key, value in schema.items():
        if key not in KEPT_KEYWORDS:
            continue
        if key in SCHEMA_MAPS:
            result[key] = {
                name: inline_schema(
                    context, child, depth=child_depth, expanding=expanding
                )
                for name, child in value.items()
            }
            if key == "properties" and context.nullable_optional:
                required = set(schema.get("required", ()))
                for name, child in result[key].items():
                    if name not in required:
                        _allow_null(child)
        elif key in SCHEMA_LISTS:
            result[key] = [
                inline_schema(context, child, depth=depth, expanding=expanding)
                for child in value
            ]
        elif key in SCHEMA_VALUES and isinstance(value, Mapping):
            result[key] = inline_schema(
                context, value, depth=child_depth, expanding=expanding
            )
        elif key == "description":
            if isinstance(value, str) and value.strip() and _describes(depth, context):
                result[key] = " ".join(value.split())
        elif (key, value) == ("additionalProperties", True) or (
            key == "format" and value in OPENAPI_FORMATS
        ):
            continue
        else:
            result[key] = value
    return result


def _allow_null(schema: dict[str, Any]) -> None:
    """Widen ``schema`` in place so that it also accepts null."""
    if not schema or _accepts_null(schema):
        return
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    elif isinstance(kind, list):
        schema["type"] = [*kind, "null"]
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    if kind is not None:
        return
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            schema[keyword] = [*schema[keyword], {"type": "null"}]
            return
    rest = {key: schema.pop(key) for key in list(schema) if key != "description"}
    schema["anyOf"] = [rest, {"type": "null"}]


def _accepts_null(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return "enum" not in schema or None in schema["enum"]
    for keyword in ("anyOf", "oneOf"):
        if any(_accepts_null(branch) for branch in schema.get(keyword, ())):
            return True
    return False


def _is_deep(schema: Mapping[str, Any], depth: int, context: InlineContext) -> bool:
    """Return whether ``schema`` lists properties below the depth limit."""
    return depth > context.max_depth and "properties" in schema


def _describes(depth: int, context: InlineContext) -> bool:
    return context.describe_depth is None or depth <= context.describe_depth


def _truncated(schema: Mapping[str, Any], description: str | None) -> dict[str, Any]:
    """Return an open object schema that stands for a capped or recursive object."""
    kind = schema.get("type", "object")
    nullable = isinstance(kind, list) and "null" in kind
    result: dict[str, Any] = {"type": ["object", "null"] if nullable else "object"}
    text = " ".join(description.split()) if description else ""
    result["description"] = f"{text} {TRUNCATED_NOTE}".strip()
    return result
