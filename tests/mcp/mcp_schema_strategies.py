"""Hypothesis strategies for the JSON Schema subset that tool input schemas use.

hypothesis-jsonschema 0.23.1 fails on object schemas with hypothesis 6.170
('many' object has no attribute 'more'), so the property tests build their
strategies here. Sizes are kept small: the tests look for validation and
protocol failures, not for limits of the sandbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

MAX_ITEMS = 3
MAX_TEXT = 12
JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-1000, 1000), st.text(max_size=MAX_TEXT)
)


def _types(schema: Mapping[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return list(declared)
    if "properties" in schema or "additionalProperties" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    return []


def from_schema(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Return a strategy for values that ``schema`` accepts."""
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(list(schema["enum"]))
    for key in ("anyOf", "oneOf"):
        if key in schema:
            rest = {name: value for name, value in schema.items() if name != key}
            return st.one_of(
                [from_schema({**rest, **option}) for option in schema[key]]
            )

    types = _types(schema)
    if not types:
        return JSON_SCALARS
    return st.one_of([_for_type(kind, schema) for kind in types])


def _for_type(kind: str, schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        low = schema.get("minimum", -10_000)
        high = schema.get("maximum", 10_000)
        return st.integers(min_value=low, max_value=high)
    if kind == "number":
        low = schema.get("minimum", -10_000)
        high = schema.get("maximum", 10_000)
        return st.floats(min_value=low, max_value=high, allow_nan=False)
    if kind == "string":
        return _string(schema)
    if kind == "array":
        items = schema.get("items", {})
        low = schema.get("minItems", 0)
        high = max(low, min(schema.get("maxItems", MAX_ITEMS), MAX_ITEMS))
        return st.lists(from_schema(items), min_size=low, max_size=high)
    if kind == "object":
        return _object(schema)
    raise ValueError(f"unsupported schema type {kind!r}")


def _string(schema: Mapping[str, Any]) -> st.SearchStrategy[str]:
    low = schema.get("minLength", 0)
    high = max(low, min(schema.get("maxLength", MAX_TEXT), MAX_TEXT))
    if "pattern" in schema:
        return st.from_regex(schema["pattern"]).filter(
            lambda text: low <= len(text) <= schema.get("maxLength", 10**9)
        )
    return st.text(min_size=low, max_size=high)


def _object(schema: Mapping[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    extra = schema.get("additionalProperties")
    if not properties and isinstance(extra, Mapping):
        return st.dictionaries(
            st.text(min_size=1, max_size=8), from_schema(extra), max_size=2
        )
    return st.fixed_dictionaries(
        {
            name: from_schema(value)
            for name, value in properties.items()
            if name in required
        },
        optional={
            name: from_schema(value)
            for name, value in properties.items()
            if name not in required
        },
    )
