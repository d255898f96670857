"""Error text stays short however many arguments are wrong."""

from __future__ import annotations

from mcp import Client
from mcp_support import Backend, text_of

from sprinklr_mcp.mcp_server.arguments import check_schema, format_problems


def test_unknown_arguments_listed_briefly() -> None:
    schema = {"type": "object", "properties": {}, "additionalProperties": False}
    arguments = {f"k{index}": index for index in range(20_000)}
    arguments["x" * 10_000] = 1

    text = format_problems("demo", check_schema(arguments, schema))

    assert len(text) < 3_000
    assert text.count("Valid arguments: none") == 1
    assert "and 19982 more problems" in text
    assert len(text.splitlines()) == 1 + 20 + 1


def test_long_names_and_messages_shortened() -> None:
    schema = {
        "type": "object",
        "properties": {f"option{index}": {} for index in range(5)},
        "additionalProperties": False,
    }

    text = format_problems("demo", check_schema({"x" * 10_000: 1}, schema))

    assert "x" * 70 in text
    assert max(len(line) for line in text.splitlines()) < 400


def test_long_valid_argument_list_kept_whole() -> None:
    names = [f"argumentNumber{index}" for index in range(30)]
    schema = {
        "type": "object",
        "properties": {name: {} for name in names},
        "additionalProperties": False,
    }

    text = format_problems("demo", check_schema({"wrong": 1}, schema))

    assert "Valid arguments: " + ", ".join(names) + "\n" in text


async def test_many_unknown_arguments_through_the_server(backend: Backend) -> None:
    arguments = {f"k{index}": index for index in range(20_000)}
    async with Client(backend.server()) as client:  # type: ignore[arg-type]
        result = await client.call_tool("get_me", arguments)

    assert result.is_error
    assert len(text_of(result)) < 3_000
    assert text_of(result).count("Valid arguments") == 1
