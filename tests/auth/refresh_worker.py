"""A separate process for the cross-process broker tests.

Usage: ``python refresh_worker.py MODE SETTINGS_JSON``.

``calls`` mode prints ``ready``, waits for a line on stdin, then makes
``calls`` concurrent API calls through one broker (``GET /api/v2/me``, retried
once after a 401 as the client does) and prints a JSON summary.
``kill`` mode makes one call through a file store whose test hook SIGKILLs
this process after the new pair is fsynced and before it is renamed into
place.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
from pydantic import SecretStr

from sprinklr_mcp.auth import FileTokenStore, TokenBroker
from sprinklr_mcp.config import ConnectionSettings


def build_settings(values: dict[str, Any]) -> ConnectionSettings:
    values = dict(values)
    values["api_secret"] = SecretStr(values["api_secret"])
    values["redis_url"] = SecretStr(values.get("redis_url", "redis://127.0.0.1:6379/0"))
    values["data_dir"] = Path(values["data_dir"])
    values.pop("calls", None)
    return ConnectionSettings(**values)


async def call_me(
    broker: TokenBroker, session: aiohttp.ClientSession, url: str, api_key: str
) -> int:
    token = await broker.access_token()
    for attempt in range(2):
        headers = {"Authorization": f"Bearer {token}", "Key": api_key}
        async with session.get(url, headers=headers) as response:
            status = response.status
        if status == 401 and attempt == 0:
            token = await broker.refresh_after_unauthorized(token)
            continue
        return status
    return status


async def run_calls(values: dict[str, Any]) -> dict[str, Any]:
    settings = build_settings(values)
    calls = int(values.get("calls", 100))
    url = f"{settings.api_base_url}/api/v2/me"

    print("ready", flush=True)
    go = await asyncio.to_thread(sys.stdin.readline)
    if go.strip() != "go":
        raise SystemExit(f"expected 'go' on stdin, got {go!r}")

    statuses: Counter[str] = Counter()
    errors: list[str] = []
    async with TokenBroker(settings) as broker, aiohttp.ClientSession() as session:
        results = await asyncio.gather(
            *(call_me(broker, session, url, settings.api_key) for _ in range(calls)),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                errors.append(f"{type(result).__name__}: {result}")
            else:
                statuses[str(result)] += 1
        token_requests = broker.token_requests
    return {"statuses": statuses, "errors": errors, "token_requests": token_requests}


def kill_self(temporary: Path) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


async def run_kill(values: dict[str, Any]) -> dict[str, Any]:
    settings = build_settings(values)
    store = FileTokenStore(settings.data_dir / "tokens", before_replace=kill_self)
    broker = TokenBroker(settings, store)
    await broker.access_token()
    return {"error": "the process should have been killed before this point"}


def main() -> None:
    mode, settings_json = sys.argv[1], sys.argv[2]
    values = json.loads(settings_json)
    runner = run_calls if mode == "calls" else run_kill
    summary = asyncio.run(runner(values))
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
