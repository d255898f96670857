"""Generated arguments: the server never fails a well-formed call at the protocol
level, and every invalid call names the argument at fault."""

from __future__ import annotations

import copy
import functools
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp import Client
from mcp_schema_strategies import from_schema
from mcp_support import Backend, text_of

from sprinklr_mcp.mcp_server.tools import load_catalog

TOOLS = {tool.name: tool for tool in load_catalog()}
PROPERTY_SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Values of every JSON type; a wrong-type value is the first one that the
# property's schema rejects.
WRONG_VALUES: list[Any] = [{"unexpected": True}, 12345, "text", [1], True, 1.5]


def _without_urls(schema: Any) -> Any:
    """Drop fileUrl, so that generated calls never try to download anything."""
    if isinstance(schema, dict):
        trimmed = {key: _without_urls(value) for key, value in schema.items()}
        if isinstance(trimmed.get("properties"), dict):
            trimmed["properties"].pop("fileUrl", None)
        return trimmed
    if isinstance(schema, list):
        return [_without_urls(item) for item in schema]
    return schema


@functools.cache
def arguments_strategy(name: str) -> st.SearchStrategy[dict[str, Any]]:
    schema = _without_urls(copy.deepcopy(dict(TOOLS[name].input_schema)))
    schema["properties"].pop("pageCursor", None)
    return from_schema(schema)


@pytest.mark.parametrize("name", sorted(TOOLS))
@PROPERTY_SETTINGS
@given(data=st.data())
async def test_valid_arguments_never_break_the_protocol(
    backend: Backend, name: str, data: st.DataObject
) -> None:
    arguments = data.draw(arguments_strategy(name))

    async with Client(backend.server()) as client:
        result = await client.call_tool(name, arguments)

    if result.is_error:
        assert text_of(result).strip()
    else:
        jsonschema.validate(result.structured_content, TOOLS[name].output_schema)


def _wrong_value(schema: dict[str, Any]) -> Any:
    for value in WRONG_VALUES:
        if not jsonschema.Draft202012Validator(schema).is_valid(value):
            return value
    return None


@st.composite
def invalid_call(draw: st.DrawFn, name: str) -> tuple[dict[str, Any], str]:
    """Return arguments with one fault and the name of the argument at fault."""
    tool = TOOLS[name]
    arguments = draw(arguments_strategy(name))
    properties = tool.input_schema["properties"]
    required = [
        key for key in tool.input_schema.get("required", []) if key in arguments
    ]
    typed = [
        key
        for key in properties
        if key != "pageCursor" and _wrong_value(properties[key]) is not None
    ]
    kinds = ["unknown"]
    if required:
        kinds.append("missing")
    if typed:
        kinds.append("wrong")
    kind = draw(st.sampled_from(kinds))

    if kind == "unknown":
        field = draw(
            st.from_regex(r"\Azz[a-z]{1,8}\Z").filter(lambda key: key not in properties)
        )
        arguments[field] = draw(st.sampled_from(WRONG_VALUES))
    elif kind == "missing":
        field = draw(st.sampled_from(required))
        del arguments[field]
    else:
        field = draw(st.sampled_from(typed))
        arguments[field] = _wrong_value(properties[field])
    return arguments, field


@pytest.mark.parametrize("name", sorted(TOOLS))
@PROPERTY_SETTINGS
@given(data=st.data())
async def test_invalid_arguments_name_the_field(
    backend: Backend, name: str, data: st.DataObject
) -> None:
    arguments, field = data.draw(invalid_call(name))

    async with Client(backend.server()) as client:
        result = await client.call_tool(name, arguments)

    text = text_of(result)
    assert result.is_error, arguments
    assert f"- {field}" in text, (arguments, text)
    assert "nothing was sent to Sprinklr" in text
