"""Helpers that run ``sprinklr-mcp serve`` as a subprocess, as MCP clients do."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import pytest
from anyio.abc import Process
from anyio.streams.text import TextReceiveStream

REPO = Path(__file__).resolve().parents[2]

URL_PATTERN = re.compile(r"MCP server ready at (http://\S+/mcp)")
STARTUP_TIMEOUT = 60


def sprinklr_mcp_command() -> str:
    """Return the console script of the environment that runs the tests."""
    script = Path(sys.executable).with_name("sprinklr-mcp")
    if script.exists():
        return str(script)
    found = shutil.which("sprinklr-mcp")
    if found is None:
        pytest.fail("the sprinklr-mcp command is not installed in this environment")
    return found


def server_environment(tmp_path: Path) -> dict[str, str]:
    """Return an environment with no Sprinklr connection and a private home."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SPRINKLR_")
    }
    environment["SPRINKLR_CONFIG"] = str(tmp_path / "no-config.toml")
    environment["HOME"] = str(tmp_path / "home")
    environment["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    environment["XDG_DATA_HOME"] = str(tmp_path / "data")
    return environment


@asynccontextmanager
async def http_server(
    tmp_path: Path, *extra: str, command: str | None = None
) -> AsyncIterator[tuple[str, Process]]:
    """Start ``serve --http --sandbox --port 0`` and yield its URL and process."""
    arguments = [
        command or sprinklr_mcp_command(),
        "serve",
        "--http",
        "--sandbox",
        "--port",
        "0",
        *extra,
    ]
    process = await anyio.open_process(
        arguments,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=server_environment(tmp_path),
    )
    try:
        assert process.stdout is not None
        output = ""
        with anyio.fail_after(STARTUP_TIMEOUT):
            async for chunk in TextReceiveStream(process.stdout):
                output += chunk
                match = URL_PATTERN.search(output)
                if match:
                    break
        assert match, f"the server printed no URL: {output!r}"
        yield match.group(1), process
    finally:
        if process.returncode is None:
            process.terminate()
        with anyio.move_on_after(10):
            await process.wait()
        if process.returncode is None:
            process.kill()
            await process.wait()
