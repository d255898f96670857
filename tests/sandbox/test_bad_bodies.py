"""Bodies no parser accepts get 400, and an unexpected error gets a bare 500."""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from sprinklr_mcp.sandbox import SandboxServer
from sprinklr_mcp.sandbox.routes import Route
from sprinklr_mcp.sandbox.server import create_app
from sprinklr_mcp.sandbox.validation import MAX_JSON_DEPTH

sys.path.insert(0, str(Path(__file__).parent))

from sandbox_helpers import Api, make_config

NOT_UTF8_FORM = b"grant_type=refresh_token&%ff=\xff"

MULTIPART_BODIES = [
    ("multipart/form-data", b"no boundary in the header"),
    ("multipart/form-data; boundary=xx", b"no boundary in the body"),
    (
        "multipart/form-data; boundary=xx",
        b'--xx\r\nContent-Disposition: form-data; name="file"\r\n\r\ncut short',
    ),
]


def nested_arrays(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=no-such-charset",
        "multipart/form-data",
    ],
)
async def test_undecodable_token_form_is_400(api: Api, content_type: str) -> None:
    reply = await api.call(
        "POST",
        "/oauth/token",
        data=NOT_UTF8_FORM,
        headers={"Content-Type": content_type},
    )

    assert reply.status == 400, reply.text
    assert reply.body["error"] == "invalid_request"
    assert "cannot be decoded" in reply.body["error_description"]


async def test_undecodable_authorize_form_is_400(api: Api) -> None:
    reply = await api.call(
        "POST",
        "/oauth/authorize",
        data=NOT_UTF8_FORM,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert reply.status == 400, reply.text
    assert "cannot be decoded" in reply.text


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5000])
async def test_deeply_nested_json_is_400(api: Api, depth: int) -> None:
    reply = await api.call(
        "POST",
        "/api/v2/search/CASE",
        data=nested_arrays(depth),
        headers={**api.headers, "Content-Type": "application/json"},
    )

    assert reply.status == 400, reply.text
    error = reply.body["errors"][0]
    assert error["details"] == {"field": "body"}
    assert f"more than {MAX_JSON_DEPTH} levels" in error["message"]


async def test_json_at_max_depth_is_parsed(api: Api) -> None:
    reply = await api.call(
        "POST",
        "/api/v2/search/CASE",
        data=nested_arrays(MAX_JSON_DEPTH),
        headers={**api.headers, "Content-Type": "application/json"},
    )

    assert reply.status == 400, reply.text
    assert "must be a JSON object" in reply.body["errors"][0]["message"]


@pytest.mark.parametrize(
    "path", ["/api/v2/media/upload", "/api/v2/media/upload/multiple"]
)
@pytest.mark.parametrize(("content_type", "body"), MULTIPART_BODIES)
async def test_malformed_multipart_is_400(
    api: Api, path: str, content_type: str, body: bytes
) -> None:
    reply = await api.call(
        "POST",
        path,
        params={"assetType": "IMAGE"},
        data=body,
        headers={**api.headers, "Content-Type": content_type},
    )

    assert reply.status == 400, reply.text
    assert "multipart body is malformed" in reply.body["errors"][0]["message"]
    assert api.sandbox.state.media == {}


async def test_file_name_not_utf8_is_400(api: Api) -> None:
    body = (
        b'--xx\r\nContent-Disposition: form-data; name="file"; '
        b'filename="caf\xe9.png"\r\n\r\npixels\r\n--xx--\r\n'
    )

    reply = await api.call(
        "POST",
        "/api/v2/media/upload",
        params={"assetType": "IMAGE"},
        data=body,
        headers={**api.headers, "Content-Type": "multipart/form-data; boundary=xx"},
    )

    assert reply.status == 400, reply.text
    assert "not valid UTF-8" in reply.body["errors"][0]["message"]
    assert api.sandbox.state.media == {}


async def test_comment_search_with_object_value_is_400(api: Api) -> None:
    reply = await api.call(
        "POST",
        "/api/v2/search/COMMENT",
        json={
            "filter": {
                "type": "AND",
                "filters": [
                    {"type": "IN", "key": "entityType", "values": [{}]},
                    {"type": "IN", "key": "entityId", "values": ["7300001"]},
                ],
            }
        },
    )

    assert reply.status == 400, reply.text
    error = reply.body["errors"][0]
    assert error["details"] == {"field": "filter.filters[0].values"}


@pytest.fixture
async def crashing_app() -> AsyncIterator[str]:
    """Serve the sandbox app plus a route that raises, and yield its URL."""
    sandbox = SandboxServer(make_config())

    async def crash(request: web.Request) -> web.StreamResponse:
        raise RuntimeError("secret detail that must not reach the client")

    app = create_app(sandbox.state, sandbox.gateway, (Route("GET", "/crash", crash),))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("path", ["/crash", "/prod2/crash"])
async def test_unexpected_error_is_a_bare_500(
    crashing_app: str,
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
    path: str,
) -> None:
    caplog.set_level(logging.ERROR, logger="sprinklr_mcp.sandbox")

    async with session.get(crashing_app + path) as response:
        status = response.status
        text = await response.text()
        body = await response.json(content_type=None)

    assert status == 500
    assert body["data"] is None
    assert body["errors"][0]["message"] == "Internal Server Error"
    assert "Traceback" not in text
    assert "secret detail" not in text
    assert any(record.exc_info for record in caplog.records)


async def test_gateway_failure_is_a_bare_500(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="sprinklr_mcp.sandbox")

    def broken_check(request: web.Request, environment: str) -> None:
        raise RuntimeError("secret detail that must not reach the client")

    monkeypatch.setattr(api.sandbox.gateway, "_reject", broken_check)
    reply = await api.call("GET", "/api/v2/me")

    assert reply.status == 500
    assert reply.body["errors"][0]["message"] == "Internal Server Error"
    assert "secret detail" not in reply.text
    assert any(record.exc_info for record in caplog.records)
