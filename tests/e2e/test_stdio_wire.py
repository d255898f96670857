"""Only JSON-RPC messages reach stdout over stdio, whatever the server logs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import anyio
from anyio.streams.text import TextReceiveStream
from e2e_support import server_environment, sprinklr_mcp_command

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "wire-test", "version": "0"},
    },
}


def call(request_id: int, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "tools/call",
        "params": {"name": name, "arguments": arguments},
    }


async def run_session(
    arguments: list[str], environment: dict[str, str], requests: list[dict[str, Any]]
) -> tuple[list[str], str]:
    """Send requests, wait for every response, and return stdout lines and stderr."""
    expected = {request["id"] for request in requests if "id" in request}
    process = await anyio.open_process(
        [sprinklr_mcp_command(), *arguments],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    assert process.stderr is not None
    lines: list[str] = []
    errors: list[str] = []

    async def read_stderr() -> None:
        assert process.stderr is not None
        async for chunk in TextReceiveStream(process.stderr):
            errors.append(chunk)

    async with anyio.create_task_group() as group:
        group.start_soon(read_stderr)
        for request in requests:
            await process.stdin.send((json.dumps(request) + "\n").encode())
        buffer = ""
        answered: set[Any] = set()
        with anyio.fail_after(60):
            async for chunk in TextReceiveStream(process.stdout):
                buffer += chunk
                *complete, buffer = buffer.split("\n")
                for line in complete:
                    lines.append(line)
                    message = json.loads(line)
                    if "id" in message and "method" not in message:
                        answered.add(message["id"])
                if expected <= answered:
                    break
        # Closing stdin only after every response arrived: the server cancels
        # requests still in flight when stdin ends.
        await process.stdin.aclose()
        with anyio.fail_after(30):
            async for chunk in TextReceiveStream(process.stdout):
                buffer += chunk
            await process.wait()
        if buffer:
            lines.append(buffer)
    return lines, "".join(errors)


def assert_only_json_rpc(lines: list[str]) -> dict[Any, dict[str, Any]]:
    answers = {}
    for line in lines:
        message = json.loads(line)
        assert message["jsonrpc"] == "2.0", line
        if "id" in message:
            answers[message["id"]] = message
    return answers


async def test_stdout_holds_only_json_rpc(tmp_path: Path) -> None:
    requests = [
        INITIALIZE,
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        call(3, "get_case_by_number", {"caseNumber": 7300001}),
        call(4, "get_case_by_number", {"caseNumber": "not a number"}),
        call(5, "get_case_by_number", {"caseNumber": 404404}),
        call(6, "no_such_tool", {}),
    ]

    lines, stderr = await run_session(
        ["-vv", "serve", "--sandbox"], server_environment(tmp_path), requests
    )

    answers = assert_only_json_rpc(lines)
    assert len(answers[2]["result"]["tools"]) > 0
    assert answers[3]["result"]["isError"] is False
    assert answers[4]["result"]["isError"] is True
    assert answers[5]["result"]["isError"] is True
    assert answers[6]["error"]["code"] == -32602
    assert "DEBUG" in stderr


async def test_failed_login_stays_off_stdout(tmp_path: Path) -> None:
    environment = server_environment(tmp_path)
    environment.update(
        {
            "SPRINKLR_API_KEY": "wire-test-key",
            "SPRINKLR_API_SECRET": "wire-test-secret",
            "SPRINKLR_REDIRECT_URI": "http://127.0.0.1:8765/oauth/callback",
            "SPRINKLR_ENVIRONMENT": "prod2",
            "SPRINKLR_BASE_URL": "http://127.0.0.1:9",
            "SPRINKLR_DATA_DIR": str(tmp_path / "tokens"),
        }
    )
    requests = [
        INITIALIZE,
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        call(2, "get_case_by_number", {"caseNumber": 7300001}),
    ]

    lines, stderr = await run_session(["serve"], environment, requests)

    answers = assert_only_json_rpc(lines)
    result = answers[2]["result"]
    assert result["isError"] is True
    assert "sprinklr-mcp auth login" in result["content"][0]["text"]
    assert "needs a Sprinklr login" in stderr
    assert "wire-test-secret" not in stderr
