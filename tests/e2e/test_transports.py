"""Every tool over stdio and Streamable HTTP, with the Python SDK client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import mcp_types as types
import pytest
from e2e_support import http_server, server_environment, sprinklr_mcp_command
from mcp import Client, StdioServerParameters
from sandbox_calls import seeded_state, valid_calls

from sprinklr_mcp.mcp_server.tools import load_catalog

ERAS = {"auto": "2026-07-28", "legacy": "2025-11-25"}


def text_of(result: types.CallToolResult) -> str:
    return "\n".join(
        block.text for block in result.content if isinstance(block, types.TextContent)
    )


async def exercise_every_tool(client: Client) -> None:
    catalog = load_catalog()
    listed = (await client.list_tools()).tools
    assert [tool.name for tool in listed] == [tool.name for tool in catalog]
    schemas = {tool.name: tool.output_schema for tool in listed}

    failures = []
    for name, arguments in valid_calls(seeded_state()):
        result = await client.call_tool(name, arguments)
        if result.is_error:
            failures.append(f"{name}: {text_of(result)}")
            continue
        schema = schemas[name]
        assert schema is not None
        jsonschema.validate(result.structured_content, schema)
    assert failures == []


@pytest.mark.parametrize("mode", list(ERAS))
async def test_stdio_every_tool(tmp_path: Path, mode: str) -> None:
    parameters = StdioServerParameters(
        command=sprinklr_mcp_command(),
        args=["serve", "--sandbox"],
        env=server_environment(tmp_path),
    )
    async with Client(parameters, mode=mode) as client:  # type: ignore[arg-type]
        assert client.protocol_version == ERAS[mode]
        await exercise_every_tool(client)


@pytest.mark.parametrize("mode", list(ERAS))
@pytest.mark.parametrize("stateless", [False, True], ids=["stateful", "stateless"])
async def test_http_every_tool(tmp_path: Path, mode: str, stateless: bool) -> None:
    extra = ["--stateless"] if stateless else []
    async with (
        http_server(tmp_path, *extra) as (url, _process),
        Client(url, mode=mode) as client,  # type: ignore[arg-type]
    ):
        assert client.protocol_version == ERAS[mode]
        await exercise_every_tool(client)


async def test_http_requires_token_when_given(tmp_path: Path) -> None:
    import httpx2

    async with http_server(tmp_path, "--auth-token", "e2e-secret") as (url, _process):
        async with httpx2.AsyncClient() as http:
            reply = await http.post(
                url, json={}, headers={"Accept": "application/json"}
            )
        assert reply.status_code == 401

        headers = {"Authorization": "Bearer e2e-secret"}
        async with (
            httpx2.AsyncClient(headers=headers) as http,
            Client(_transport(url, http)) as client,
        ):
            tools = await client.list_tools()
        assert len(tools.tools) == len(load_catalog())


def _transport(url: str, http: Any) -> Any:
    from mcp.client.streamable_http import streamable_http_client

    return streamable_http_client(url, http_client=http)


async def test_public_host_without_token_refused(tmp_path: Path) -> None:
    import anyio

    result = await anyio.run_process(
        [sprinklr_mcp_command(), "serve", "--http", "--sandbox", "--host", "0.0.0.0"],
        env=server_environment(tmp_path),
        check=False,
    )

    assert result.returncode == 2
    assert b"--auth-token" in result.stderr


CREATE_CASE = {
    "channelType": "TWITTER",
    "channelId": "1040106028104482455",
    "contactInfo": {"fullName": "Alex Example"},
    "subject": "Lifecycle check",
}


async def test_case_lifecycle_over_http(tmp_path: Path) -> None:
    async with (
        http_server(tmp_path) as (url, _process),
        Client(url) as client,
    ):
        created = await client.call_tool("create_case_via_profile", CREATE_CASE)
        assert not created.is_error, text_of(created)
        assert created.structured_content is not None
        number = created.structured_content["data"]["caseNumber"]

        read = await client.call_tool("get_case_by_number", {"caseNumber": number})
        commented = await client.call_tool(
            "add_comment",
            {"entityType": "CASE", "entityId": str(number), "text": "Called back"},
        )
        deleted = await client.call_tool(
            "delete_cases_by_number", {"caseNumbers": [str(number)]}
        )
        gone = await client.call_tool("get_case_by_number", {"caseNumber": number})

    assert not read.is_error, text_of(read)
    assert read.structured_content is not None
    assert read.structured_content["data"]["subject"] == "Lifecycle check"
    assert not commented.is_error, text_of(commented)
    assert not deleted.is_error, text_of(deleted)
    assert gone.is_error
    assert "HTTP 404" in text_of(gone)
