"""``sprinklr-mcp auth login|status|logout`` as a separate process."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import aiohttp
import pytest

from sprinklr_mcp.auth import FileTokenStore, login_unattended

from .conftest import (
    API_KEY,
    API_SECRET,
    LIFETIME,
    ManualClock,
    SettingsFactory,
    Sprinklr,
)

COMMAND_TIMEOUT = 60.0


@pytest.fixture
def config_file(sprinklr: Sprinklr, tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
default = "test"

[connections.test]
environment = "prod2"
base_url = "{sprinklr.base_url}"
api_key = "{API_KEY}"
api_secret = "{API_SECRET}"
redirect_uri = "{sprinklr.redirect_uri}"
data_dir = "{tmp_path / "data"}"
""",
        encoding="utf-8",
    )
    return path


async def start_cli(config_file: Path, *args: str) -> asyncio.subprocess.Process:
    """Start ``sprinklr-mcp auth ARGS`` with only ``config_file`` configuring it."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SPRINKLR_")
    }
    environment["SPRINKLR_CONFIG"] = str(config_file)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sprinklr_mcp.cli",
        "auth",
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=environment,
    )


async def run_cli(
    config_file: Path, *args: str, stdin: bytes | None = None
) -> tuple[int, str, str]:
    process = await start_cli(config_file, *args)
    stdout, stderr = await asyncio.wait_for(process.communicate(stdin), COMMAND_TIMEOUT)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


def store_for(tmp_path: Path) -> FileTokenStore:
    return FileTokenStore(tmp_path / "data" / "tokens")


async def test_status_shows_token_and_me(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    config_file: Path,
    tmp_path: Path,
) -> None:
    store = store_for(tmp_path)
    tokens = await login_unattended(make_settings(), store)

    code, out, err = await run_cli(config_file, "status")

    assert code == 0, err
    assert out.startswith("test (active)\n")
    assert "environment: prod2" in out
    assert "token: obtained" in out
    assert "expiry: in 7h 59m" in out or "expiry: in 8h 00m" in out
    assert "me: OK (name Sandbox User, type PARTNER_ADMIN, id 42)" in out
    for secret in (API_SECRET, tokens.access_token, tokens.refresh_token or "-"):
        assert secret not in out + err


async def test_status_refreshes_expired_token(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    config_file: Path,
    tmp_path: Path,
    clock: ManualClock,
) -> None:
    store = store_for(tmp_path)
    # Logged in one lifetime ago by the wall clock that the CLI uses.
    clock.advance(-LIFETIME - 60)
    await login_unattended(make_settings(), store, clock=clock)
    clock.advance(LIFETIME + 60)
    sprinklr.oauth.reset_counters()

    code, out, err = await run_cli(config_file, "status")

    assert code == 0, err
    assert "expiry: expired" in out
    assert "me: OK" in out
    assert sprinklr.oauth.token_requests == {"refresh_token": 1}


async def test_status_without_tokens_says_login(config_file: Path) -> None:
    code, out, _ = await run_cli(config_file, "status")

    assert code == 1
    assert "token: none stored; run `sprinklr-mcp auth login test`" in out


async def test_status_offline_skips_me(
    sprinklr: Sprinklr,
    make_settings: SettingsFactory,
    config_file: Path,
    tmp_path: Path,
) -> None:
    await login_unattended(make_settings(), store_for(tmp_path))

    code, out, err = await run_cli(config_file, "status", "--offline")

    assert code == 0, err
    assert "me:" not in out


async def test_status_reports_config_error(config_file: Path) -> None:
    text = config_file.read_text().replace('"prod2"', '"prod two"')
    config_file.write_text(text)

    code, out, _ = await run_cli(config_file, "status")

    assert code == 1
    assert "configuration error" in out
    assert "SPRINKLR_ENVIRONMENT" in out


async def test_logout_deletes_tokens(
    make_settings: SettingsFactory, config_file: Path, tmp_path: Path
) -> None:
    store = store_for(tmp_path)
    await login_unattended(make_settings(), store)

    code, out, err = await run_cli(config_file, "logout")
    second_code, second_out, _ = await run_cli(config_file, "logout", "test")

    assert code == 0, err
    assert "Deleted the stored tokens of connection 'test'" in out
    assert await store.load("test") is None
    assert second_code == 0
    assert "had no stored tokens" in second_out


async def test_login_no_browser_reads_pasted_url(
    sprinklr: Sprinklr, config_file: Path, tmp_path: Path
) -> None:
    process = await start_cli(config_file, "login", "--no-browser")
    assert process.stderr is not None and process.stdin is not None
    try:
        url = None
        while url is None:
            line = await asyncio.wait_for(process.stderr.readline(), COMMAND_TIMEOUT)
            assert line, "the login ended before printing the authorize URL"
            match = re.search(r"(http\S+/oauth/authorize\?\S+)", line.decode())
            url = match.group(1) if match else None
        async with (
            aiohttp.ClientSession() as session,
            session.get(url, allow_redirects=False) as answer,
        ):
            redirect = answer.headers["Location"]
        process.stdin.write(redirect.encode() + b"\n")
        await process.stdin.drain()
        stdout, stderr = await asyncio.wait_for(process.communicate(), COMMAND_TIMEOUT)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    assert process.returncode == 0, stderr.decode()
    assert "Logged in: connection 'test', environment prod2" in stdout.decode()
    assert await store_for(tmp_path).load("test") is not None
    assert API_SECRET not in stdout.decode() + stderr.decode()


@pytest.mark.parametrize("action", ["login", "logout"])
async def test_unknown_connection_exits_2(config_file: Path, action: str) -> None:
    code, out, err = await run_cli(config_file, action, "nosuch")

    assert code == 2
    assert "Traceback" not in err
    assert "connection is not configured" in err
    assert "[connections.nosuch]" in err
    assert "configured connections: test" in err
    assert out == ""


async def test_login_rejected_code_exits_1(config_file: Path) -> None:
    code, out, err = await run_cli(
        config_file,
        "login",
        "--no-browser",
        stdin=b"http://127.0.0.1:1/callback?code=made-up\n",
    )

    assert code == 1
    assert "rejected the authorization code" in err
    assert out == ""
