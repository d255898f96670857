"""Third-party clients: the MCP conformance suite, the Inspector CLI and the
TypeScript SDK, installed by scripts/install-node-clients.sh."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import anyio
import pytest
from e2e_support import REPO, http_server, server_environment, sprinklr_mcp_command
from sandbox_calls import seeded_state, valid_calls

from sprinklr_mcp.mcp_server.tools import load_catalog

pytestmark = [pytest.mark.node, pytest.mark.timeout(600)]

TOOLS = REPO / ".tools" / "node-clients"
PACKAGES = TOOLS / "node_modules" / "@modelcontextprotocol"
CONFORMANCE = PACKAGES / "conformance" / "dist" / "index.js"
INSPECTOR = PACKAGES / "inspector" / "clients" / "launcher" / "build" / "index.js"
TS_CLIENT = TOOLS / "ts-sdk-client.mjs"
# Inspector exit status for a tool result with isError.
INSPECTOR_TOOL_ERROR = 5


@dataclass(frozen=True)
class Node:
    bin_dir: Path
    home: Path

    def environment(self) -> dict[str, str]:
        environment = dict(os.environ)
        environment["PATH"] = f"{self.bin_dir}{os.pathsep}{environment['PATH']}"
        # The Inspector keeps state and secrets under $HOME/.mcp-inspector.
        environment["HOME"] = str(self.home)
        return environment

    async def run(self, *arguments: str | Path) -> subprocess.CompletedProcess[bytes]:
        return await anyio.run_process(
            [str(self.bin_dir / "node"), *map(str, arguments)],
            env=self.environment(),
            cwd=self.home,
            check=False,
        )


@pytest.fixture(scope="session")
def node(tmp_path_factory: pytest.TempPathFactory) -> Node:
    if shutil.which("npm") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("npm is not installed, and CI must run the Node client tests")
        pytest.skip("Node.js and npm are not installed, so the Node clients cannot run")
    installed = subprocess.run(
        ["bash", str(REPO / "scripts" / "install-node-clients.sh"), "--quiet"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if installed.returncode != 0:
        pytest.fail(f"installing the Node clients failed:\n{installed.stderr}")
    return Node(Path(installed.stdout.strip()), tmp_path_factory.mktemp("node-home"))


def show(completed: subprocess.CompletedProcess[bytes]) -> str:
    return (completed.stdout + completed.stderr).decode(errors="replace")[-4000:]


@pytest.mark.parametrize("stateless", [False, True], ids=["stateful", "stateless"])
async def test_conformance_suite(node: Node, tmp_path: Path, stateless: bool) -> None:
    baseline = (
        "conformance-baseline-stateless.yml"
        if stateless
        else "conformance-baseline.yml"
    )
    extra = ["--stateless"] if stateless else []
    async with http_server(tmp_path, *extra) as (url, _process):
        completed = await node.run(
            CONFORMANCE,
            "server",
            "--url",
            url,
            "--expected-failures",
            REPO / "tests" / "e2e" / baseline,
        )

    assert completed.returncode == 0, show(completed)


def stdio_target() -> list[str]:
    return [sprinklr_mcp_command(), "serve", "--sandbox"]


@pytest.mark.parametrize("era", ["legacy", "modern"])
async def test_inspector_over_stdio(node: Node, tmp_path: Path, era: str) -> None:
    base = [
        INSPECTOR,
        "--cli",
        *stdio_target(),
        "--protocol-era",
        era,
        "--format",
        "json",
        "-q",
    ]
    for key, value in server_environment(tmp_path).items():
        if key.startswith(("SPRINKLR_", "XDG_")):
            base += ["-e", f"{key}={value}"]

    listed = await node.run(*base, "--method", "tools/list", "--strict")
    called = await node.run(
        *base,
        "--method",
        "tools/call",
        "--tool-name",
        "get_case_by_number",
        "--tool-args-json",
        '{"caseNumber": 7300001}',
    )
    failed = await node.run(
        *base,
        "--method",
        "tools/call",
        "--tool-name",
        "get_case_by_number",
        "--tool-args-json",
        '{"caseNumber": "seven"}',
    )

    assert listed.returncode == 0, show(listed)
    tools = json.loads(listed.stdout)["result"]["tools"]
    assert [tool["name"] for tool in tools] == [tool.name for tool in load_catalog()]
    assert called.returncode == 0, show(called)
    result = json.loads(called.stdout)["result"]
    assert result["structuredContent"]["data"]["caseNumber"] == 7300001
    assert failed.returncode == INSPECTOR_TOOL_ERROR, show(failed)


@pytest.mark.parametrize("era", ["legacy", "modern"])
@pytest.mark.parametrize("stateless", [False, True], ids=["stateful", "stateless"])
async def test_inspector_over_http(
    node: Node, tmp_path: Path, era: str, stateless: bool
) -> None:
    extra = ["--stateless"] if stateless else []
    async with http_server(tmp_path, *extra) as (url, _process):
        base = [
            INSPECTOR,
            "--cli",
            url,
            "--protocol-era",
            era,
            "--format",
            "json",
            "-q",
        ]
        listed = await node.run(*base, "--method", "tools/list", "--strict")
        called = await node.run(
            *base,
            "--method",
            "tools/call",
            "--tool-name",
            "get_case_by_number",
            "--tool-args-json",
            '{"caseNumber": 7300001}',
        )

    assert listed.returncode == 0, show(listed)
    assert len(json.loads(listed.stdout)["result"]["tools"]) == len(load_catalog())
    assert called.returncode == 0, show(called)
    result = json.loads(called.stdout)["result"]
    assert result["structuredContent"]["data"]["caseNumber"] == 7300001


def write_calls(tmp_path: Path) -> Path:
    path = tmp_path / "calls.json"
    path.write_text(json.dumps(valid_calls(seeded_state())))
    return path


def check_ts_output(completed: subprocess.CompletedProcess[bytes]) -> None:
    assert completed.returncode == 0, show(completed)
    report = json.loads(completed.stdout)
    assert report["protocolVersion"] == "2025-11-25"
    assert report["tools"] == [tool.name for tool in load_catalog()]
    failures = [call for call in report["results"] if call["isError"]]
    assert failures == []
    assert all(call["structured"] for call in report["results"])


async def test_typescript_sdk_over_stdio(node: Node, tmp_path: Path) -> None:
    completed = await anyio.run_process(
        [
            str(node.bin_dir / "node"),
            str(TS_CLIENT),
            str(write_calls(tmp_path)),
            *stdio_target(),
        ],
        env={**node.environment(), **server_environment(tmp_path)},
        check=False,
    )

    check_ts_output(completed)


@pytest.mark.parametrize("stateless", [False, True], ids=["stateful", "stateless"])
async def test_typescript_sdk_over_http(
    node: Node, tmp_path: Path, stateless: bool
) -> None:
    extra = ["--stateless"] if stateless else []
    async with http_server(tmp_path, *extra) as (url, _process):
        completed = await node.run(TS_CLIENT, write_calls(tmp_path), url)

    check_ts_output(completed)


async def test_inspector_case_lifecycle(node: Node, tmp_path: Path) -> None:
    async with http_server(tmp_path) as (url, _process):
        base = [
            INSPECTOR,
            "--cli",
            url,
            "--format",
            "json",
            "-q",
            "--method",
            "tools/call",
        ]

        async def call(tool: str, arguments: dict[str, object]) -> dict[str, object]:
            completed = await node.run(
                *base, "--tool-name", tool, "--tool-args-json", json.dumps(arguments)
            )
            assert completed.returncode == 0, show(completed)
            result: dict[str, object] = json.loads(completed.stdout)["result"]
            return result

        created = await call(
            "create_case_via_profile",
            {
                "channelType": "TWITTER",
                "channelId": "1040106028104482455",
                "contactInfo": {"fullName": "Alex Example"},
                "subject": "Inspector lifecycle",
            },
        )
        number = created["structuredContent"]["data"]["caseNumber"]  # type: ignore[index]
        read = await call("get_case_by_number", {"caseNumber": number})
        await call(
            "add_comment",
            {"entityType": "CASE", "entityId": str(number), "text": "Done"},
        )
        await call("delete_cases_by_number", {"caseNumbers": [str(number)]})
        gone = await node.run(
            *base,
            "--tool-name",
            "get_case_by_number",
            "--tool-args-json",
            json.dumps({"caseNumber": number}),
        )

    assert read["structuredContent"]["data"]["subject"] == "Inspector lifecycle"  # type: ignore[index]
    assert gone.returncode == INSPECTOR_TOOL_ERROR, show(gone)
