"""Deeply nested arguments and cursors end in isError results naming the limit."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from mcp import Client
from mcp_support import Backend, api_calls, text_of
from pydantic import BaseModel

from sprinklr_mcp.mcp_server import server as server_module
from sprinklr_mcp.mcp_server.arguments import (
    MAX_NESTING,
    InvalidArguments,
    check_schema,
    coerce_arguments,
    json_text_depth,
    validate_model,
)
from sprinklr_mcp.mcp_server.paging import (
    InvalidCursor,
    arguments_digest,
    decode_cursor,
)

# Deep enough to exhaust Python's stack in any recursive decoder or walker.
DEEP = 5000

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "ids": {"type": "array", "items": {"type": "string"}},
        "filter": {"type": "object"},
        "anything": {},
    },
    "additionalProperties": False,
}


def nested_list(levels: int) -> list[Any]:
    """Return ``levels`` arrays, each the only item of the one around it."""
    value: list[Any] = []
    for _ in range(levels - 1):
        value = [value]
    return value


def test_text_depth_skips_brackets_in_strings() -> None:
    assert json_text_depth('{"a": "]]]", "b": [[{}]]}', MAX_NESTING) == 4
    assert json_text_depth('["[[[", "\\"["]', MAX_NESTING) == 1
    assert json_text_depth("[" * DEEP, MAX_NESTING) == MAX_NESTING + 1


def test_deep_json_string_named_with_limit() -> None:
    text = "[" * DEEP + "]" * DEEP

    with pytest.raises(InvalidArguments) as caught:
        coerce_arguments({"ids": text}, SCHEMA, tool="demo")

    [problem] = caught.value.problems
    assert problem.field == "ids"
    assert str(MAX_NESTING) in problem.message


def test_json_string_at_the_limit_is_parsed() -> None:
    schema = {"type": "object", "properties": {"ids": {"type": "array"}}}
    text = "[" * MAX_NESTING + "]" * MAX_NESTING

    coerced, converted = coerce_arguments({"ids": text}, schema)

    assert coerced["ids"] == nested_list(MAX_NESTING)
    assert converted == ["ids"]


def test_deep_json_string_inside_an_object_counts_outer_levels() -> None:
    schema = {
        "type": "object",
        "properties": {
            "filter": {"type": "object", "additionalProperties": {"type": "array"}}
        },
    }
    text = "[" * MAX_NESTING + "]" * MAX_NESTING

    with pytest.raises(InvalidArguments) as caught:
        coerce_arguments({"filter": {"values": text}}, schema)

    assert [problem.field for problem in caught.value.problems] == ["filter"]


@pytest.mark.parametrize("name", ["ids", "filter", "anything"])
def test_deep_plain_value_rejected_everywhere(name: str) -> None:
    value: Any = nested_list(DEEP)
    if name == "filter":
        value = {"nested": value}

    with pytest.raises(InvalidArguments) as caught:
        coerce_arguments({name: value}, SCHEMA)
    assert [problem.field for problem in caught.value.problems] == [name]

    problems = check_schema({name: value}, SCHEMA)
    assert [problem.field for problem in problems] == [name]
    assert str(MAX_NESTING) in problems[0].message


def test_deep_value_rejected_before_model() -> None:
    class Model(BaseModel):
        anything: Any = None

    problems = validate_model(Model, {"anything": nested_list(DEEP)})

    assert isinstance(problems, list)
    assert [problem.field for problem in problems] == ["anything"]


def test_value_at_the_limit_is_checked_normally() -> None:
    problems = check_schema({"anything": nested_list(MAX_NESTING)}, SCHEMA)

    assert problems == []


@pytest.mark.parametrize(
    "payload",
    [
        "[" * DEEP + "]" * DEEP,
        '{"o": 1, "d": ' + "[" * DEEP + "]" * DEEP + "}",
        '{"o": 1, "d": [["x"]]}',
    ],
)
def test_forged_deep_cursor_rejected(payload: str) -> None:
    digest = arguments_digest({})
    cursor = base64.urlsafe_b64encode(payload.encode()).decode()

    with pytest.raises(InvalidCursor, match="not a cursor from this server"):
        decode_cursor(cursor, digest)


async def test_deep_json_string_through_the_server(backend: Backend) -> None:
    deep_text = "[" * DEEP + "]" * DEEP
    async with Client(backend.server()) as client:  # type: ignore[arg-type]
        result = await client.call_tool("get_messages_bulk", {"messageIds": deep_text})

    assert result.is_error
    assert "messageIds" in text_of(result)
    assert f"{MAX_NESTING} levels" in text_of(result)


async def test_deep_plain_argument_through_the_server(backend: Backend) -> None:
    # The client's serializer rejects values much deeper than this.
    async with Client(backend.server()) as client:  # type: ignore[arg-type]
        result = await client.call_tool(
            "get_messages_bulk", {"messageIds": nested_list(150)}
        )

    assert result.is_error
    assert "messageIds" in text_of(result)
    assert f"{MAX_NESTING} levels" in text_of(result)


async def test_forged_cursor_through_the_server(backend: Backend) -> None:
    payload = "[" * DEEP + "]" * DEEP
    cursor = base64.urlsafe_b64encode(payload.encode()).decode()
    async with Client(backend.server()) as client:  # type: ignore[arg-type]
        result = await client.call_tool(
            "get_messages_bulk", {"messageIds": ["m1"], "pageCursor": cursor}
        )

    assert result.is_error
    assert "pageCursor" in text_of(result)


async def test_failure_while_checking_arguments_is_a_result(
    backend: Backend, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(server_module, "coerce_arguments", broken)
    async with Client(backend.server()) as client:  # type: ignore[arg-type]
        result = await client.call_tool("get_me", {})

    assert result.is_error
    assert "could not check its arguments (RecursionError)" in text_of(result)
    assert "nothing was sent" in text_of(result)
    assert api_calls(backend) == []
    assert "checking the arguments failed" in caplog.text
