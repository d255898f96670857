"""The HTTP guard: Host and Origin checks and the bearer token."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

import aiohttp
import anyio
import mcp_types as types
import pytest
from mcp.server import Server, ServerRequestContext

from sprinklr_mcp.mcp_server.http import (
    HttpOptions,
    HttpSecurityError,
    ListenError,
    build_http_app,
    is_loopback,
    serve_http,
)

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "guard-test", "version": "0"},
    },
}
JSON_HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json, text/event-stream",
}


async def _list_tools(
    ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
) -> types.ListToolsResult:
    return types.ListToolsResult(tools=[])


def _server() -> Server[Any]:
    return Server("guard-test", on_list_tools=_list_tools)


@asynccontextmanager
async def running(options: HttpOptions) -> AsyncIterator[str]:
    ready = anyio.Event()
    urls: list[str] = []

    def on_ready(url: str) -> None:
        urls.append(url)
        ready.set()

    async with anyio.create_task_group() as group:
        group.start_soon(partial(serve_http, _server(), options, on_ready=on_ready))
        with anyio.fail_after(20):
            await ready.wait()
        try:
            yield urls[0]
        finally:
            group.cancel_scope.cancel()


async def post(url: str, **headers: str) -> aiohttp.ClientResponse:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url, json=INITIALIZE, headers={**JSON_HEADERS, **headers}
        ) as reply,
    ):
        await reply.read()
        return reply


async def test_loopback_request_accepted() -> None:
    async with running(HttpOptions(port=0)) as url:
        reply = await post(url)

    assert reply.status == 200
    assert reply.headers.get("mcp-session-id")


async def test_foreign_host_rejected() -> None:
    async with running(HttpOptions(port=0)) as url:
        reply = await post(url, Host="evil.example.com")

    assert reply.status == 421


async def test_foreign_origin_rejected() -> None:
    async with running(HttpOptions(port=0)) as url:
        rejected = await post(url, Origin="http://evil.example.com")
        accepted = await post(url, Origin="http://localhost:6274")

    assert rejected.status == 403
    assert accepted.status == 200


async def test_extra_allowed_host_and_origin() -> None:
    options = HttpOptions(
        port=0,
        allowed_hosts=("mcp.example.com",),
        allowed_origins=("https://inspector.example.com",),
    )
    async with running(options) as url:
        reply = await post(
            url, Host="mcp.example.com", Origin="https://inspector.example.com"
        )

    assert reply.status == 200


async def test_missing_bearer_token_rejected() -> None:
    async with running(HttpOptions(port=0, auth_token="s3cret-token")) as url:
        missing = await post(url)
        wrong = await post(url, Authorization="Bearer other-token")
        basic = await post(url, Authorization="Basic s3cret-token")
        right = await post(url, Authorization="Bearer s3cret-token")

    assert missing.status == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert wrong.status == 401
    assert basic.status == 401
    assert right.status == 200


async def test_health_needs_no_token() -> None:
    async with (
        running(HttpOptions(port=0, auth_token="s3cret-token")) as url,
        aiohttp.ClientSession() as session,
    ):
        health_url = url.replace("/mcp", "/healthz")
        async with session.get(health_url) as reply:
            body = await reply.text()

    assert reply.status == 200
    assert body == "ok"


async def test_health_path_exempts_only_get() -> None:
    async with (
        running(HttpOptions(port=0, auth_token="s3cret-token")) as url,
        aiohttp.ClientSession() as session,
    ):
        health_url = url.replace("/mcp", "/healthz")
        async with session.post(
            health_url, json=INITIALIZE, headers=JSON_HEADERS
        ) as posted:
            await posted.read()
        async with session.get(health_url) as fetched:
            await fetched.read()

    assert posted.status == 401
    assert fetched.status == 200


def test_health_path_as_mcp_path_rejected() -> None:
    for path in ("/healthz", "/healthz/"):
        with pytest.raises(HttpSecurityError, match="health check path"):
            build_http_app(_server(), HttpOptions(path=path, auth_token="t"))


async def test_stateless_mode_has_no_session() -> None:
    async with running(HttpOptions(port=0, stateless=True)) as url:
        reply = await post(url)

    assert reply.status == 200
    assert "mcp-session-id" not in reply.headers


def test_public_address_requires_token() -> None:
    with pytest.raises(HttpSecurityError, match="--auth-token"):
        build_http_app(_server(), HttpOptions(host="0.0.0.0"))


def test_public_address_with_token_builds() -> None:
    app = build_http_app(_server(), HttpOptions(host="0.0.0.0", auth_token="t"))

    assert app is not None


def test_loopback_names() -> None:
    assert is_loopback("127.0.0.1")
    assert is_loopback("127.1.2.3")
    assert is_loopback("::1")
    assert is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
    assert not is_loopback("192.168.1.10")
    assert not is_loopback("example.com")


def test_url_for_wildcard_address() -> None:
    assert HttpOptions(host="0.0.0.0", port=9).url() == "http://127.0.0.1:9/mcp"
    assert HttpOptions(host="::1", port=9).url() == "http://[::1]:9/mcp"


async def test_busy_port_reported() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]

        with pytest.raises(
            ListenError, match=f"could not listen on 127.0.0.1:{port}"
        ) as caught:
            await serve_http(_server(), HttpOptions(port=port))

    assert caught.value.in_use
    assert caught.value.port == port
