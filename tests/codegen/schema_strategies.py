"""Hypothesis strategies for the JSON Schemas that pydantic writes for our models.

hypothesis-jsonschema 0.23.1 fails on every object schema with Hypothesis
6.170 (``'many' object has no attribute 'more'``), so the tests build data from
this small generator. It covers the keywords pydantic emits for the generated
models: ``$ref``/``$defs``, ``anyOf``/``oneOf``, ``enum``/``const``, the JSON
types with their length, range and pattern limits, and open objects.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

__all__ = ["from_json_schema"]

# Nesting below this depth keeps only required properties and minimal arrays,
# so recursive models (search filters that contain filters) stay finite.
MAX_DEPTH = 4
MAX_ITEMS = 3
MAX_TEXT = 12

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.text(max_size=MAX_TEXT),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=MAX_ITEMS),
        st.dictionaries(st.text(max_size=MAX_TEXT), children, max_size=MAX_ITEMS),
    ),
    max_leaves=6,
)
# Keys of unknown fields. A fixed prefix keeps them clear of declared names,
# which a model that populates by field name would read as that field.
EXTRA_KEYS = st.from_regex(r"\AunknownField[A-Z][a-z]{0,6}\Z")


def from_json_schema(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Return a strategy for JSON values valid against a pydantic model schema."""
    return _strategy(schema, schema.get("$defs", {}), 0)


def _strategy(
    schema: Any, defs: Mapping[str, Any], depth: int
) -> st.SearchStrategy[Any]:
    if schema is True or schema == {}:
        return JSON_VALUES
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return st.deferred(lambda: _strategy(defs[name], defs, depth + 1))
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            return st.one_of([_strategy(part, defs, depth) for part in schema[keyword]])
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _strategy(schema["allOf"][0], defs, depth)

    kind = schema.get("type")
    if kind is None:
        return JSON_VALUES
    if isinstance(kind, list):
        return st.one_of(
            [_strategy({**schema, "type": one}, defs, depth) for one in kind]
        )
    strategy: st.SearchStrategy[Any] = TYPE_STRATEGIES[kind](schema, defs, depth)
    return strategy


def _string(schema: Mapping[str, Any], defs: Mapping[str, Any], depth: int) -> Any:
    low = schema.get("minLength", 0)
    high = schema.get("maxLength", max(low, MAX_TEXT))
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True).filter(
            lambda text: low <= len(text) <= high
        )
    return st.text(min_size=low, max_size=min(high, max(low, MAX_TEXT)))


def _integer(schema: Mapping[str, Any], defs: Mapping[str, Any], depth: int) -> Any:
    low = schema.get("minimum")
    high = schema.get("maximum")
    if "exclusiveMinimum" in schema:
        low = math.floor(schema["exclusiveMinimum"]) + 1
    if "exclusiveMaximum" in schema:
        high = math.ceil(schema["exclusiveMaximum"]) - 1
    return st.integers(
        min_value=-(2**53) if low is None else math.ceil(low),
        max_value=2**53 if high is None else math.floor(high),
    )


def _number(schema: Mapping[str, Any], defs: Mapping[str, Any], depth: int) -> Any:
    return st.floats(
        min_value=schema.get("minimum", schema.get("exclusiveMinimum")),
        max_value=schema.get("maximum", schema.get("exclusiveMaximum")),
        exclude_min="exclusiveMinimum" in schema,
        exclude_max="exclusiveMaximum" in schema,
        allow_nan=False,
        allow_infinity=False,
    )


def _array(schema: Mapping[str, Any], defs: Mapping[str, Any], depth: int) -> Any:
    low = schema.get("minItems", 0)
    high = (
        low
        if depth >= MAX_DEPTH
        else max(low, min(schema.get("maxItems", MAX_ITEMS), MAX_ITEMS))
    )
    items = _strategy(schema.get("items", {}), defs, depth + 1)
    unique_by = (
        (lambda item: json.dumps(item, sort_keys=True))
        if schema.get("uniqueItems")
        else None
    )
    return st.lists(items, min_size=low, max_size=high, unique_by=unique_by)


def _object(schema: Mapping[str, Any], defs: Mapping[str, Any], depth: int) -> Any:
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    fixed = {
        name: _strategy(sub, defs, depth + 1)
        for name, sub in properties.items()
        if name in required
    }
    optional = {}
    if depth < MAX_DEPTH:
        optional = {
            name: _strategy(sub, defs, depth + 1)
            for name, sub in properties.items()
            if name not in required
        }
    declared = st.fixed_dictionaries(fixed, optional=optional)

    extra = schema.get("additionalProperties", True)
    if extra is False or depth >= MAX_DEPTH:
        return declared
    values = JSON_VALUES if extra is True else _strategy(extra, defs, depth + 1)
    keys = EXTRA_KEYS if properties else st.text(max_size=MAX_TEXT)
    extras = st.dictionaries(keys, values, max_size=2)
    return st.tuples(declared, extras).map(lambda pair: {**pair[1], **pair[0]})


TYPE_STRATEGIES = {
    "string": _string,
    "integer": _integer,
    "number": _number,
    "boolean": lambda schema, defs, depth: st.booleans(),
    "null": lambda schema, defs, depth: st.none(),
    "array": _array,
    "object": _object,
}
