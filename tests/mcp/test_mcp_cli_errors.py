"""Usage and runtime errors of serve, tools and call: one message, no traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Long enough for the embedded sandbox to start on a loaded machine.
COMMAND_TIMEOUT = 60


def run_cli(config: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SPRINKLR_")
    }
    environment["SPRINKLR_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "-m", "sprinklr_mcp.cli", *arguments],
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )


@pytest.fixture
def empty_config(tmp_path: Path) -> Path:
    return tmp_path / "config.toml"


@pytest.fixture
def work_config(tmp_path: Path) -> Path:
    """A config file with one connection, 'work', that no test logs in to."""
    secret = tmp_path / "work.secret"
    secret.write_text("not-a-real-secret\n")
    config = tmp_path / "config.toml"
    config.write_text(
        "[connections.work]\n"
        'environment = "prod2"\n'
        'base_url = "http://127.0.0.1:9"\n'
        'api_key = "test-key"\n'
        f'api_secret_file = "{secret}"\n'
        'redirect_uri = "http://127.0.0.1:8400/callback"\n'
        f'data_dir = "{tmp_path / "data"}"\n'
    )
    return config


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        yield busy.getsockname()[1]


@pytest.mark.parametrize(
    "arguments",
    [
        ["call", "get_me", "--connection", "work"],
        ["serve", "--connection", "work"],
        ["serve", "--http", "--port", "0", "--connection", "work"],
    ],
)
def test_unknown_connection_exits_2(empty_config: Path, arguments: list[str]) -> None:
    completed = run_cli(empty_config, *arguments)

    assert completed.returncode == 2, completed.stderr
    assert "Traceback" not in completed.stderr
    assert "connection is not configured" in completed.stderr
    assert "[connections.work]" in completed.stderr
    assert "configured connections: none" in completed.stderr
    assert "--sandbox" in completed.stderr
    assert completed.stdout == ""


def test_unknown_connection_lists_configured(work_config: Path) -> None:
    completed = run_cli(work_config, "call", "get_me", "--connection", "home")

    assert completed.returncode == 2, completed.stderr
    assert "Traceback" not in completed.stderr
    assert "configured connections: work" in completed.stderr


def test_traceback_only_with_vv(empty_config: Path) -> None:
    completed = run_cli(empty_config, "-vv", "call", "get_me", "--connection", "work")

    assert completed.returncode == 2
    assert "Traceback" in completed.stderr
    assert "sprinklr-mcp: The Sprinklr connection is not configured" in (
        completed.stderr
    )


def test_login_required_exits_1(work_config: Path) -> None:
    completed = run_cli(work_config, "call", "get_me", "--connection", "work")

    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert "sprinklr-mcp auth login work" in completed.stderr


def test_busy_port_exits_1(empty_config: Path, busy_port: int) -> None:
    completed = run_cli(
        empty_config, "serve", "--http", "--sandbox", "--port", str(busy_port)
    )

    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert (
        f"sprinklr-mcp: port {busy_port} is in use on 127.0.0.1: stop the other "
        "server or pass --port" in completed.stderr
    )
    assert completed.stdout == ""


def test_tools_bad_pattern_exits_2(empty_config: Path) -> None:
    completed = run_cli(empty_config, "tools", "--tools", "no_such_tool")

    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert "no_such_tool" in completed.stderr
