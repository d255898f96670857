"""Confirmation of deletes when the client's elicitation response is not a form.

These tests speak raw JSON-RPC to the server over in-memory streams, because
the SDK client cannot send error responses, invalid results or no response.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

import anyio
import mcp_types as types
import pytest
from mcp import Client
from mcp.shared.memory import create_client_server_memory_streams
from mcp.shared.message import SessionMessage
from mcp_support import Backend

from sprinklr_mcp.cli import main

LEGACY_VERSION = "2025-06-18"
CASE_NUMBER = "7300005"


class RawClient:
    """A client that sends and receives JSON-RPC messages as plain dicts."""

    def __init__(self, read: Any, write: Any) -> None:
        self._read = read
        self._write = write

    async def send(self, message: dict[str, Any]) -> None:
        parsed = types.jsonrpc_message_adapter.validate_python(message)
        await self._write.send(SessionMessage(message=parsed))

    async def send_exception(self, error: Exception) -> None:
        # What the stdio transport does with a line it cannot parse.
        await self._write.send(error)

    async def receive(self) -> dict[str, Any]:
        with anyio.fail_after(20):
            item = await self._read.receive()
        assert isinstance(item, SessionMessage), item
        dumped: dict[str, Any] = item.message.model_dump(
            by_alias=True, mode="json", exclude_none=True
        )
        return dumped

    async def response_to(self, request_id: int) -> dict[str, Any]:
        while True:
            message = await self.receive()
            if message.get("id") == request_id and "method" not in message:
                return message


@asynccontextmanager
async def legacy_client(backend: Backend, **options: Any) -> AsyncIterator[RawClient]:
    server = backend.server(**options)
    async with (
        create_client_server_memory_streams() as (client_streams, server_streams),
        anyio.create_task_group() as group,
    ):
        group.start_soon(
            partial(
                server.run,
                *server_streams,
                server.create_initialization_options(),
            )
        )
        client = RawClient(*client_streams)
        await client.send(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": LEGACY_VERSION,
                    "capabilities": {"elicitation": {}},
                    "clientInfo": {"name": "raw-test", "version": "0"},
                },
            }
        )
        initialized = await client.response_to(1)
        assert "result" in initialized, initialized
        await client.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        try:
            yield client
        finally:
            group.cancel_scope.cancel()


async def start_delete(client: RawClient) -> dict[str, Any]:
    """Call the delete tool and return the server's elicitation request."""
    await client.send(
        {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "tools/call",
            "params": {
                "name": "delete_cases_by_number",
                "arguments": {"caseNumbers": [CASE_NUMBER]},
            },
        }
    )
    request = await client.receive()
    assert request.get("method") == "elicitation/create", request
    return request


def case_exists(backend: Backend) -> bool:
    return any(
        str(case.get("caseNumber")) == CASE_NUMBER
        for case in backend.sandbox.state.cases.values()
    )


def tool_result(response: dict[str, Any]) -> tuple[bool, str]:
    assert "result" in response, f"expected a tool result, got {response}"
    result = response["result"]
    text = "\n".join(block["text"] for block in result["content"])
    return bool(result.get("isError")), text


async def test_error_answer_ends_unconfirmed(backend: Backend) -> None:
    assert case_exists(backend)
    async with legacy_client(backend) as client:
        request = await start_delete(client)
        await client.send(
            {
                "jsonrpc": "2.0",
                "id": request["id"],
                "error": {"code": -32603, "message": "client failed"},
            }
        )
        response = await client.response_to(2)

    is_error, text = tool_result(response)
    assert is_error
    assert "error -32603 (client failed)" in text
    assert "Nothing was changed" in text
    assert case_exists(backend)


@pytest.mark.parametrize(
    "answer", [{"action": "bogus"}, {"action": "accept", "content": "yes"}]
)
async def test_invalid_answer_ends_unconfirmed(
    backend: Backend, answer: dict[str, Any]
) -> None:
    async with legacy_client(backend) as client:
        request = await start_delete(client)
        await client.send({"jsonrpc": "2.0", "id": request["id"], "result": answer})
        response = await client.response_to(2)

    is_error, text = tool_result(response)
    assert is_error
    assert "not a valid elicitation result" in text
    assert "Nothing was changed" in text
    assert case_exists(backend)


async def test_null_answer_times_out_unconfirmed(backend: Backend) -> None:
    async with legacy_client(backend, confirm_timeout=0.5) as client:
        request = await start_delete(client)
        # The stdio transport cannot parse {"result": null} as JSON-RPC and
        # hands the error to the server, so no response ever arrives.
        try:
            types.jsonrpc_message_adapter.validate_python(
                {"jsonrpc": "2.0", "id": request["id"], "result": None}
            )
        except ValueError as error:
            await client.send_exception(error)
        response = await client.response_to(2)

    is_error, text = tool_result(response)
    assert is_error
    assert "timed out after 0.5 s" in text
    assert "Nothing was changed" in text
    assert case_exists(backend)


async def test_accept_without_confirm_names_the_field(backend: Backend) -> None:
    async with legacy_client(backend) as client:
        request = await start_delete(client)
        await client.send(
            {
                "jsonrpc": "2.0",
                "id": request["id"],
                "result": {"action": "accept", "content": {"confirm": "yes"}},
            }
        )
        response = await client.response_to(2)

    is_error, text = tool_result(response)
    assert is_error
    assert "without setting confirm to true" in text
    assert "(accept)" not in text
    assert case_exists(backend)


async def test_modern_wrong_input_response_ends_unconfirmed(backend: Backend) -> None:
    async def never_called(context: Any, params: Any) -> Any:
        raise AssertionError("the server asked again instead of ending the call")

    async with Client(
        backend.server(),
        elicitation_callback=never_called,
    ) as client:
        result = await client.call_tool(
            "delete_cases_by_number",
            {"caseNumbers": [CASE_NUMBER]},
            input_responses={"confirm": types.ListRootsResult(roots=[])},
        )

    assert result.is_error
    text = "\n".join(
        block.text for block in result.content if isinstance(block, types.TextContent)
    )
    assert "not a valid elicitation result" in text
    assert case_exists(backend)


def test_confirm_timeout_option(capsys: pytest.CaptureFixture[str]) -> None:
    accepted = main(["call", "--sandbox", "--confirm-timeout", "5", "get_me"])
    capsys.readouterr()
    rejected = main(["call", "--sandbox", "--confirm-timeout", "0", "get_me"])

    assert accepted == 0
    assert rejected == 2
    assert "--confirm-timeout 0: expected a positive number" in capsys.readouterr().err
