"""The wheel carries everything it needs: install it alone and serve the sandbox."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from e2e_support import REPO, server_environment
from mcp import Client, StdioServerParameters

from sprinklr_mcp.mcp_server.tools import load_catalog


def run(*command: str | Path, cwd: Path | None = None) -> None:
    completed = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.timeout(900)
async def test_wheel_serves_sandbox_from_clean_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--wheel-dir",
        dist,
        REPO,
    )
    wheels = list(dist.glob("sprinklr_mcp-*.whl"))
    assert len(wheels) == 1

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    pip = venv / "bin" / "pip"
    run(
        pip,
        "install",
        "--quiet",
        "--require-hashes",
        "-r",
        REPO / "requirements" / "lock.txt",
    )
    run(pip, "install", "--quiet", "--no-deps", wheels[0])

    # Run from an empty directory so that nothing from the checkout is importable.
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    parameters = StdioServerParameters(
        command=str(venv / "bin" / "sprinklr-mcp"),
        args=["serve", "--sandbox"],
        env=server_environment(tmp_path),
        cwd=str(workdir),
    )
    async with Client(parameters) as client:
        tools = (await client.list_tools()).tools
        result = await client.call_tool("get_case_by_number", {"caseNumber": 7300001})

    assert [tool.name for tool in tools] == [tool.name for tool in load_catalog()]
    assert not result.is_error
    assert result.structured_content is not None
    assert result.structured_content["data"]["caseNumber"] == 7300001
