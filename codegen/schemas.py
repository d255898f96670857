"""Turn spec schemas into the self-contained JSON Schemas of the tool catalog.

References are inlined. Object nesting deeper than a limit becomes an open
``{"type": "object"}``, which accepts everything the full schema accepts, so a
capped schema stays small and still validates every response the models accept.
Keywords that only document (``title``, ``example``, extensions) are dropped,
and so are ``additionalProperties: true`` and ``items: {}`` (the JSON Schema
defaults) and the OpenAPI number formats such as ``int64``. A ``type`` array
becomes ``anyOf`` branches of one type each, because clients that map tool
schemas onto a single-type dialect (Gemini function declarations) reject type
arrays.
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
    "split_type_arrays",
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
# Keywords whose empty schema ``{}`` allows everything, as leaving them out does;
# ``not: {}`` rejects everything, so it is not among them.
OPEN_BY_DEFAULT = frozenset({"items", "additionalProperties", "propertyNames"})
# OpenAPI number formats, which no JSON Schema validator or model checks.
OPENAPI_FORMATS = frozenset({"int32", "int64", "float", "double"})
# Keywords that constrain only instances of one JSON type. When a type array is
# split, each anyOf branch takes the keywords of its own type, and the other
# keywords (description, enum, default) stay beside the anyOf.
TYPE_KEYWORDS: dict[str, frozenset[str]] = {
    "string": frozenset({"minLength", "maxLength", "pattern", "format"}),
    "number": frozenset(
        {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
    ),
    "array": frozenset({"items", "prefixItems", "minItems", "maxItems", "uniqueItems"}),
    "object": frozenset(
        {
            "properties",
            "required",
            "additionalProperties",
            "patternProperties",
            "propertyNames",
            "minProperties",
            "maxProperties",
        }
    ),
}
TYPE_KEYWORDS["integer"] = TYPE_KEYWORDS["number"]


@dataclass
class InlineContext:
    """Settings and state for inlining one catalog schema.

    ``max_depth`` counts objects with listed properties: the top object is
    depth 1. ``drop_null_members`` describes data whose null object members
    were removed (``drop_null_members`` of the generated catalog): optional
    properties and map values then never hold null, so ``null`` is taken out
    of their schemas. ``describe_depth`` keeps descriptions only down to that
    depth (None keeps all). ``described`` contains the components whose
    description was already written, so that a component used in many places
    is described once.
    """

    document: Mapping[str, Any]
    max_depth: int
    drop_null_members: bool = False
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
            if context.drop_null_members:
                _remove_null_members(key, result[key], schema.get("required", ()))
        elif key in SCHEMA_LISTS:
            result[key] = [
                inline_schema(context, child, depth=depth, expanding=expanding)
                for child in value
            ]
        elif key in SCHEMA_VALUES and isinstance(value, Mapping):
            child = inline_schema(
                context, value, depth=child_depth, expanding=expanding
            )
            if child == {} and key in OPEN_BY_DEFAULT:
                continue
            result[key] = child
            if key == "additionalProperties" and context.drop_null_members:
                result[key] = _without_null(child)
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


def _remove_null_members(keyword: str, children: dict[str, Any], required: Any) -> None:
    """Take ``null`` out of the schemas of object members that are dropped when null.

    A required member that accepts null cannot be dropped without breaking
    ``required``, so the spec must not declare one inside output data.
    """
    for name, child in children.items():
        if keyword == "properties" and name in required and _accepts_null(child):
            raise CodegenError(
                f"output property {name!r} is required and nullable, but the MCP "
                "server drops null object members. Make it optional or remove null "
                "from its type"
            )
        children[name] = _without_null(child)


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """Return ``schema`` narrowed so that it no longer accepts null."""
    if not _accepts_null(schema):
        return schema

    result = dict(schema)
    kind = result.get("type")
    if isinstance(kind, list):
        kinds = [item for item in kind if item != "null"]
        result["type"] = kinds[0] if len(kinds) == 1 else kinds
    if "enum" in result:
        result["enum"] = [item for item in result["enum"] if item is not None]
    for keyword in ("anyOf", "oneOf"):
        if keyword not in result:
            continue
        branches = [
            _without_null(branch)
            for branch in result[keyword]
            if branch.get("type") != "null"
        ]
        if len(branches) == 1 and not set(branches[0]) & set(result):
            del result[keyword]
            result.update(branches[0])
        else:
            result[keyword] = branches
    return result


def _accepts_null(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return "enum" not in schema or None in schema["enum"]
    for keyword in ("anyOf", "oneOf"):
        if any(_accepts_null(branch) for branch in schema.get(keyword, ())):
            return True
    return False


def split_type_arrays(schema: Any) -> Any:
    """Return ``schema`` with every ``type`` array rewritten as ``anyOf`` branches.

    ``{"type": ["integer", "string"], "minLength": 1}`` becomes
    ``{"anyOf": [{"type": "integer"}, {"type": "string", "minLength": 1}]}``.
    An ``anyOf`` already beside the type array moves into ``allOf``.
    """
    if not isinstance(schema, Mapping):
        return schema

    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key in SCHEMA_MAPS and isinstance(value, Mapping):
            result[key] = {
                name: split_type_arrays(child) for name, child in value.items()
            }
        elif key in SCHEMA_LISTS and isinstance(value, list):
            result[key] = [split_type_arrays(child) for child in value]
        elif key in SCHEMA_VALUES:
            result[key] = split_type_arrays(value)
        else:
            result[key] = value

    kinds = result.get("type")
    if not isinstance(kinds, list):
        return result

    if "number" in kinds:
        # Every integer is a JSON Schema number, so the integer branch adds nothing.
        kinds = [kind for kind in kinds if kind != "integer"]
    if len(kinds) == 1:
        result["type"] = kinds[0]
        return result

    del result["type"]
    branches = []
    for kind in kinds:
        branch: dict[str, Any] = {"type": kind}
        for keyword in sorted(TYPE_KEYWORDS.get(kind, ())):
            if keyword in result:
                branch[keyword] = result[keyword]
        branches.append(branch)
    for keyword in {name for kind in kinds for name in TYPE_KEYWORDS.get(kind, ())}:
        result.pop(keyword, None)
    if "anyOf" in result:
        result["allOf"] = [*result.get("allOf", ()), {"anyOf": result.pop("anyOf")}]
    result["anyOf"] = branches
    return result


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
