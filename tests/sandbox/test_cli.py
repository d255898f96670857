"""``sprinklr-mcp sandbox``: options, the printed credentials, Ctrl-C."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from sprinklr_mcp.cli import build_parser, main
from sprinklr_mcp.sandbox.cli import _config

sys.path.insert(0, str(Path(__file__).parent))

# Bound on every wait for the subprocess, in seconds.
WAIT = 30


def test_options_build_the_config() -> None:
    args = build_parser().parse_args(
        [
            "sandbox",
            "--port", "0",
            "--environment", "prod",
            "--rate-per-second", "0",
            "--rate-per-hour", "50",
            "--rate-limit-status", "429",
            "--token-lifetime", "28799",
            "--drop-rate", "0.1",
            "--latency", "0.5",
            "--fault-seed", "3",
            "--faults-on-oauth",
        ]
    )  # fmt: skip

    config = _config(args)

    assert config.host == "127.0.0.1"
    assert config.environment == ""
    assert config.rate_limits.per_second is None
    assert config.rate_limits.per_hour == 50
    assert config.rate_limits.status == 429
    assert config.token_lifetime == 28799
    assert config.faults.drop_rate == 0.1
    assert config.faults.latency == 0.5
    assert config.faults.seed == 3
    assert config.faults.include_oauth is True


def test_custom_environment_is_routed() -> None:
    args = build_parser().parse_args(["sandbox", "--environment", "sandbox"])

    config = _config(args)

    assert config.environment == "sandbox"
    assert "sandbox" in config.environments


def test_invalid_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sandbox", "--port", "0", "--error-503-rate", "1.5"])

    assert code == 2
    assert "error_503_rate must be between 0 and 1" in capsys.readouterr().err


async def test_busy_port_reported_without_traceback() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "sprinklr_mcp.cli", "sandbox", "--port", str(port),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, stderr = await asyncio.wait_for(process.communicate(), WAIT)

    text = stderr.decode()
    assert process.returncode == 1
    assert "Traceback" not in text
    assert f"port {port} is in use on 127.0.0.1: stop the other server" in text


async def test_standalone_run_prints_credentials_and_stops() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sprinklr_mcp.cli", "sandbox", "--port", "0",
        "--auto-approve",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    try:
        banner: dict[str, str] = {}
        while "Press Ctrl-C" not in banner.get("_last", ""):
            line = await asyncio.wait_for(process.stdout.readline(), WAIT)
            assert line, "the sandbox exited before printing its banner"
            text = line.decode().strip()
            banner["_last"] = text
            if ":" in text and not text.startswith("Sprinklr"):
                name, _, value = text.partition(":")
                banner[name.strip()] = value.strip()

        async with aiohttp.ClientSession() as session:
            async with session.get(
                banner["authorize URL"], allow_redirects=False
            ) as authorized:
                code = parse_qs(urlsplit(authorized.headers["Location"]).query)["code"][
                    0
                ]
            root = banner["API base"].removesuffix("/api/v2")
            async with session.post(
                f"{root}/oauth/token",
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "client_id": banner["API key"],
                    "client_secret": banner["API secret"],
                    "redirect_uri": banner["redirect URI"],
                },
            ) as token_response:
                tokens = await token_response.json()
            async with session.get(
                f"{banner['API base']}/me",
                headers={
                    "Authorization": f"Bearer {tokens['access_token']}",
                    "Key": banner["API key"],
                },
            ) as me:
                me_status = me.status
                me_body = await me.json()

        process.send_signal(signal.SIGINT)
        rest, errors = await asyncio.wait_for(process.communicate(), WAIT)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    assert banner["base URL"].startswith("http://127.0.0.1:")
    assert banner["environment"] == "prod2"
    assert me_status == 200
    assert me_body["data"]["name"] == "Avery Sandbox"
    assert process.returncode == 0, errors.decode()
    assert "Sprinklr sandbox stopped." in rest.decode()
    assert banner["API secret"] not in errors.decode()
