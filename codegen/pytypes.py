"""Write Python type annotations for operations.py.

Two sources: the evaluated annotations of the generated models (for response
data, so the return type matches the model exactly) and parameter schemas (for
path and query parameters, which have no model).
"""

from __future__ import annotations

import datetime
import decimal
import types
import typing
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from codegen.errors import CodegenError
from codegen.load import resolve

__all__ = ["Imports", "annotation_source", "schema_annotation"]

STDLIB_TYPES: dict[type, str] = {
    datetime.datetime: "datetime",
    datetime.date: "datetime",
    datetime.time: "datetime",
    datetime.timedelta: "datetime",
    decimal.Decimal: "decimal",
    uuid.UUID: "uuid",
}
JSON_TYPES = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "null": "None",
}


@dataclass
class Imports:
    """Names that the rendered annotations need, by module."""

    models: set[str] = field(default_factory=set)
    typing: set[str] = field(default_factory=set)
    stdlib: dict[str, set[str]] = field(default_factory=dict)


def annotation_source(
    annotation: Any, models: types.ModuleType, imports: Imports
) -> str:
    """Return source text for an evaluated annotation of a generated model field."""
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)

    if annotation is type(None) or annotation is None:
        return "None"
    if annotation is Any:
        imports.typing.add("Any")
        return "Any"
    if origin is typing.Annotated:
        return annotation_source(arguments[0], models, imports)
    if origin is typing.Union or origin is types.UnionType:
        return " | ".join(
            annotation_source(argument, models, imports) for argument in arguments
        )
    if origin is typing.Literal:
        imports.typing.add("Literal")
        return f"Literal[{', '.join(repr(value) for value in arguments)}]"
    if origin in (list, dict, set, frozenset, tuple):
        inner = ", ".join(
            "..."
            if argument is Ellipsis
            else annotation_source(argument, models, imports)
            for argument in arguments
        )
        return f"{origin.__name__}[{inner}]" if inner else origin.__name__

    if isinstance(annotation, type):
        if annotation.__module__ == "builtins":
            return annotation.__name__
        if annotation.__module__ == models.__name__ and issubclass(
            annotation, BaseModel
        ):
            imports.models.add(annotation.__name__)
            return annotation.__name__
        if annotation in STDLIB_TYPES:
            module = STDLIB_TYPES[annotation]
            imports.stdlib.setdefault(module, set()).add(annotation.__name__)
            return annotation.__name__

    raise CodegenError(f"cannot write an annotation for the model type {annotation!r}")


def schema_annotation(
    document: Mapping[str, Any], schema: Mapping[str, Any], imports: Imports
) -> str:
    """Return the annotation for a parameter schema of scalars, enums and arrays."""
    resolved = resolve(document, schema)

    if "enum" in resolved or "const" in resolved:
        values = resolved["enum"] if "enum" in resolved else [resolved["const"]]
        imports.typing.add("Literal")
        literals = ", ".join(repr(value) for value in values if value is not None)
        text = f"Literal[{literals}]"
        return f"{text} | None" if None in values else text

    for keyword in ("anyOf", "oneOf"):
        if keyword in resolved:
            parts = [
                schema_annotation(document, part, imports) for part in resolved[keyword]
            ]
            return " | ".join(dict.fromkeys(parts))

    kinds = resolved.get("type")
    if kinds is None:
        imports.typing.add("Any")
        return "Any"
    if isinstance(kinds, str):
        kinds = [kinds]

    parts = []
    for kind in kinds:
        if kind == "array":
            item = schema_annotation(document, resolved.get("items", {}), imports)
            parts.append(f"list[{item}]")
        elif kind in JSON_TYPES:
            parts.append(JSON_TYPES[kind])
        else:
            raise CodegenError(
                f"parameter schemas of type {kind!r} are not supported; use scalars, "
                "enums or arrays of them"
            )
    return " | ".join(parts)
