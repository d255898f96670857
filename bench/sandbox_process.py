"""The project's sandbox in its own process, with a control port for the benchmarks.

Run as ``python -m bench.sandbox_process``. It prints ``PORT <api> <control>``
once both listen on 127.0.0.1. The API key comes from ``BENCH_SANDBOX_KEY`` and
the secret from ``BENCH_SANDBOX_SECRET``. Rate limits are off, because the
benchmarks make far more than Sprinklr's 10 calls per second.

Control endpoints (JSON): ``GET /seed`` (a case ID and message IDs that exist),
``GET /counters`` (token requests by grant type, API calls), ``POST /expire``
(expire every live access token), ``POST /reset`` (zero the counters) and
``POST /token-delay?seconds=S`` (hold each token request that long).
"""

from __future__ import annotations

import asyncio
import os
import signal
from typing import Any

from aiohttp import web

from sprinklr_mcp.sandbox import RateLimitConfig, SandboxConfig, SandboxServer

__all__ = ["REDIRECT_URI", "control_app"]

REDIRECT_URI = "http://127.0.0.1:8765/oauth/callback"


def seed_ids(sandbox: SandboxServer) -> dict[str, Any]:
    state = sandbox.state
    case_id = next(iter(state.cases))
    message_ids = list(state.messages)[:10]
    return {"case_id": case_id, "message_ids": message_ids}


def control_app(sandbox: SandboxServer) -> web.Application:
    oauth = sandbox.oauth

    async def seed(_: web.Request) -> web.Response:
        return web.json_response(seed_ids(sandbox))

    async def counters(_: web.Request) -> web.Response:
        return web.json_response(
            {
                "token_requests": oauth.token_request_count,
                "token_requests_by_grant": dict(oauth.token_requests),
                "api_calls": len(sandbox.calls),
            }
        )

    async def expire(_: web.Request) -> web.Response:
        return web.json_response({"expired": oauth.expire_access_tokens()})

    async def reset(_: web.Request) -> web.Response:
        oauth.reset_counters()
        sandbox.calls.clear()
        return web.json_response({"reset": True})

    async def token_delay(request: web.Request) -> web.Response:
        oauth.token_delay = float(request.query["seconds"])
        return web.json_response({"token_delay": oauth.token_delay})

    app = web.Application()
    app.router.add_get("/seed", seed)
    app.router.add_get("/counters", counters)
    app.router.add_post("/expire", expire)
    app.router.add_post("/reset", reset)
    app.router.add_post("/token-delay", token_delay)
    return app


async def serve() -> None:
    config = SandboxConfig(
        api_key=os.environ["BENCH_SANDBOX_KEY"],
        api_secret=os.environ["BENCH_SANDBOX_SECRET"],
        redirect_uri=REDIRECT_URI,
        auto_approve=True,
        rate_limits=RateLimitConfig(per_second=None, per_hour=None),
    )
    async with SandboxServer(config) as sandbox:
        runner = web.AppRunner(control_app(sandbox), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        control_port = runner.addresses[0][1]
        api_port = int(sandbox.url.rsplit(":", 1)[1])
        print(f"PORT {api_port} {control_port} {sandbox.environment}", flush=True)

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(serve())
