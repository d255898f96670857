"""Requests as Sprinklr receives them: URL, headers, query, bodies and uploads."""

from __future__ import annotations

import asyncio
import hashlib
import tracemalloc
from pathlib import Path

import pytest
from aiohttp import BodyPartReader, web
from pydantic import BaseModel, ConfigDict, Field, SecretStr
from runtime_support import (
    ACCESS_TOKEN,
    API_KEY,
    CREATE_CASE,
    DELETE_CASES,
    GET_CASE,
    UPDATE_CASE,
    Envelope,
    FakeSprinklr,
    Handler,
    Recorded,
    fetch_case,
    make_transport,
    operation,
    reply,
)

from sprinklr_generated.protocol import FileUpload
from sprinklr_mcp.config import ConnectionSettings
from sprinklr_mcp.encoding import fill_path, query_items
from sprinklr_mcp.errors import (
    ClientClosedError,
    EventLoopMismatchError,
    InvalidRequestError,
    InvalidResponseError,
)
from sprinklr_mcp.transport import DEFAULT_HOST, build_base_url

UPLOAD = operation(
    "uploadMedia", "POST", "/api/v2/media/upload", retry=False, body_kind="multipart"
)


async def get_case(
    fake: FakeSprinklr, case_id: str = "c1", **query: object
) -> Envelope:
    async with make_transport(fake) as transport:
        return await transport.call(
            GET_CASE,
            path={"caseId": case_id},
            query=query,
            body=None,
            files=None,
            response=Envelope,
            timeout=None,
        )


async def test_headers_carry_token_and_key(fake: FakeSprinklr) -> None:
    envelope = await get_case(fake)

    assert envelope.data == {"id": "c1"}
    headers = fake.requests[0].headers
    assert headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert headers["Key"] == API_KEY
    assert headers["Accept"] == "application/json"


@pytest.mark.parametrize("method_op", [CREATE_CASE, UPDATE_CASE, DELETE_CASES])
async def test_empty_write_sends_content_length_zero(
    fake: FakeSprinklr, method_op: object
) -> None:
    async with make_transport(fake) as transport:
        await transport.call_no_content(
            method_op,  # type: ignore[arg-type]
            path={},
            query={},
            body=None,
            timeout=None,
        )

    request = fake.requests[0]
    assert request.headers["Content-Length"] == "0"
    assert "Transfer-Encoding" not in request.headers
    assert request.body == b""


@pytest.mark.parametrize(
    ("environment", "host", "base_url", "expected"),
    [
        ("", DEFAULT_HOST, None, "https://api3.sprinklr.com"),
        ("prod", DEFAULT_HOST, None, "https://api3.sprinklr.com"),
        ("PROD", DEFAULT_HOST, None, "https://api3.sprinklr.com"),
        ("prod0", DEFAULT_HOST, None, "https://api3.sprinklr.com/prod0"),
        ("prod2", "api2.sprinklr.com", None, "https://api2.sprinklr.com/prod2"),
        (
            "prod4",
            DEFAULT_HOST,
            "http://127.0.0.1:8080/",
            "http://127.0.0.1:8080/prod4",
        ),
        ("", DEFAULT_HOST, "http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ],
)
def test_base_url_per_environment(
    environment: str, host: str, base_url: str | None, expected: str
) -> None:
    assert build_base_url(environment, host, base_url) == expected


@pytest.mark.parametrize("environment", ["", "prod", "prod0", "prod2", "prod15"])
def test_base_url_matches_connection_settings(environment: str) -> None:
    settings = ConnectionSettings(
        environment=environment,
        api_key="key",
        api_secret=SecretStr("secret"),
        redirect_uri="http://127.0.0.1:8765/callback",
    )

    assert build_base_url(environment) == settings.api_base_url


@pytest.mark.parametrize(
    ("environment", "host", "base_url"),
    [
        ("prod/2", DEFAULT_HOST, None),
        ("prod 2", DEFAULT_HOST, None),
        ("", "api3.sprinklr.com/x", None),
        ("", DEFAULT_HOST, "ftp://127.0.0.1"),
        ("", DEFAULT_HOST, "http://127.0.0.1/?a=b"),
    ],
)
def test_base_url_rejects_bad_values(
    environment: str, host: str, base_url: str | None
) -> None:
    with pytest.raises(ValueError, match="invalid"):
        build_base_url(environment, host, base_url)


async def test_environment_segment_reaches_server(fake: FakeSprinklr) -> None:
    async with make_transport(
        fake, base_url=build_base_url("prod2", base_url=fake.url)
    ) as transport:
        await transport.call(
            GET_CASE,
            path={"caseId": "abc"},
            query={},
            body=None,
            files=None,
            response=Envelope,
            timeout=None,
        )

    assert fake.requests[0].path == "/prod2/api/v2/case/abc"


async def test_path_parameters_are_escaped(fake: FakeSprinklr) -> None:
    await get_case(fake, "a/b c?d#e%f")
    await get_case(fake, "..")

    assert fake.requests[0].raw_path == "/api/v2/case/a%2Fb%20c%3Fd%23e%25f"
    assert fake.requests[0].path == "/api/v2/case/a/b c?d#e%f"
    assert fake.requests[1].raw_path == "/api/v2/case/%2E%2E"


def test_fill_path_rejects_missing_and_empty() -> None:
    with pytest.raises(InvalidRequestError, match="caseId"):
        fill_path("/api/v2/case/{caseId}", {})
    with pytest.raises(InvalidRequestError, match="empty"):
        fill_path("/api/v2/case/{caseId}", {"caseId": ""})
    with pytest.raises(InvalidRequestError, match="missing"):
        fill_path("/api/v2/case/{caseId}", {"caseId": None})


async def test_query_booleans_and_lists(fake: FakeSprinklr) -> None:
    await get_case(
        fake,
        flag=True,
        other=False,
        ids=["a", "b", "c"],
        skipped=None,
        number=7,
        token="x+y/z=",
    )

    query = fake.requests[0].query
    assert query["flag"] == "true"
    assert query["other"] == "false"
    assert query.getall("ids") == ["a", "b", "c"]
    assert "skipped" not in query
    assert query["number"] == "7"
    assert query["token"] == "x+y/z="


def test_query_items_order_and_types() -> None:
    items = query_items({"a": [True, 2], "b": None, "c": (1.5,), "d": "x"})

    assert items == [("a", "true"), ("a", "2"), ("c", "1.5"), ("d", "x")]


class CaseRequest(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    first_message_id: str = Field(alias="firstMessageId")
    case_type: str | None = Field(default=None, alias="caseType")
    priority: str | None = "Medium"


async def test_json_body_by_alias_and_set_fields(fake: FakeSprinklr) -> None:
    body = CaseRequest(first_message_id="m1", case_type=None)
    async with make_transport(fake) as transport:
        await transport.call(
            CREATE_CASE,
            path={},
            query={},
            body=body,
            files=None,
            response=Envelope,
            timeout=None,
        )

    request = fake.requests[0]
    assert request.headers["Content-Type"] == "application/json"
    assert request.json() == {"firstMessageId": "m1", "caseType": None}


async def test_bare_array_body(fake: FakeSprinklr) -> None:
    async with make_transport(fake) as transport:
        await transport.call_no_content(
            DELETE_CASES, path={}, query={}, body=["a", "b"], timeout=None
        )

    assert fake.requests[0].json() == ["a", "b"]


async def test_multipart_from_bytes(fake: FakeSprinklr) -> None:
    async def read_parts(
        request: web.Request, recorded: Recorded
    ) -> web.StreamResponse:
        reader = await request.multipart()
        parts = []
        while (part := await reader.next()) is not None:
            assert isinstance(part, BodyPartReader)
            content = await part.read()
            parts.append(
                [part.name, part.filename, part.headers["Content-Type"], content.hex()]
            )
        return web.json_response({"data": parts, "errors": []})

    fake.stream_body = True
    fake.queue(read_parts)
    async with make_transport(fake) as transport:
        envelope = await transport.call(
            UPLOAD,
            path={},
            query={"assetType": "IMAGE", "fileName": "a.png"},
            body=None,
            files={
                "files": [
                    FileUpload("a.png", content=b"\x89PNG"),
                    FileUpload("b.txt", content=b"hello", content_type="text/x-note"),
                ]
            },
            response=Envelope,
            timeout=None,
        )

    assert envelope.data == [
        ["files", "a.png", "image/png", b"\x89PNG".hex()],
        ["files", "b.txt", "text/x-note", b"hello".hex()],
    ]
    assert fake.requests[0].query["assetType"] == "IMAGE"
    assert fake.requests[0].headers["Content-Type"].startswith("multipart/form-data")


async def test_upload_missing_file_names_it(fake: FakeSprinklr, tmp_path: Path) -> None:
    missing = tmp_path / "nope.png"
    async with make_transport(fake) as transport:
        with pytest.raises(InvalidRequestError, match=r"nope\.png") as caught:
            await transport.call(
                UPLOAD,
                path={},
                query={},
                body=None,
                files={"file": FileUpload("nope.png", path=missing)},
                response=Envelope,
                timeout=None,
            )

    assert caught.value.operation_id == "uploadMedia"
    assert fake.requests == []


async def test_upload_50_mb_streams_from_disk(
    fake: FakeSprinklr, tmp_path: Path
) -> None:
    size = 50 * 1024 * 1024
    source = tmp_path / "big.bin"
    expected = hashlib.sha256()
    with source.open("wb") as stream:
        block = bytes(range(256)) * 4096
        for _ in range(size // len(block)):
            stream.write(block)
            expected.update(block)

    async def digest_parts(
        request: web.Request, recorded: Recorded
    ) -> web.StreamResponse:
        reader = await request.multipart()
        part = await reader.next()
        assert isinstance(part, BodyPartReader)
        digest = hashlib.sha256()
        received = 0
        while chunk := await part.read_chunk():
            digest.update(chunk)
            received += len(chunk)
        return web.json_response(
            {"data": {"size": received, "sha256": digest.hexdigest()}, "errors": []}
        )

    fake.stream_body = True
    fake.queue(digest_parts)
    tracemalloc.start()
    try:
        async with make_transport(fake) as transport:
            envelope = await transport.call(
                UPLOAD,
                path={},
                query={},
                body=None,
                files={"file": FileUpload("big.bin", path=source)},
                response=Envelope,
                timeout=None,
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert envelope.data == {"size": size, "sha256": expected.hexdigest()}
    # Client and server together; reading the file whole would need 50 MB.
    assert peak < 16 * 1024 * 1024, f"peak traced memory {peak / 2**20:.1f} MiB"


async def test_closed_transport_raises(fake: FakeSprinklr) -> None:
    transport = make_transport(fake)
    with pytest.raises(ClientClosedError, match="async with"):
        await fetch_case(transport)

    async with transport:
        pass
    with pytest.raises(ClientClosedError):
        await transport.call_no_content(
            DELETE_CASES, path={}, query={}, body=None, timeout=None
        )
    assert fake.requests == []


async def test_other_event_loop_raises(fake: FakeSprinklr) -> None:
    async with make_transport(fake) as transport:

        async def call_from_other_loop() -> None:
            await fetch_case(transport)

        with pytest.raises(EventLoopMismatchError, match="another event loop"):
            await asyncio.to_thread(asyncio.run, call_from_other_loop())

    assert fake.requests == []


@pytest.mark.parametrize(
    ("handler", "match", "text"),
    [
        (
            reply(
                200,
                text="<html><title>Gateway</title><p>try later</p></html>",
                content_type="text/html",
            ),
            "not JSON",
            "Gateway: try later",
        ),
        (reply(200, text="plain words"), "not JSON", "plain words"),
        (reply(200), "empty", None),
    ],
    ids=["html", "text", "empty"],
)
async def test_unreadable_success_bodies(
    fake: FakeSprinklr, handler: Handler, match: str, text: str | None
) -> None:
    fake.queue(handler)

    with pytest.raises(InvalidResponseError, match=match) as caught:
        await get_case(fake)

    assert caught.value.status == 200
    assert caught.value.operation_id == "getCaseById"
    assert caught.value.sprinklr_message == text


async def test_success_body_with_data(fake: FakeSprinklr) -> None:
    fake.queue(reply(200, {"data": "x", "errors": []}))

    envelope = await get_case(fake)

    assert envelope.data == "x"


async def test_bare_entity_becomes_data(fake: FakeSprinklr) -> None:
    fake.queue(reply(200, {"id": "c9", "subject": "bare"}))

    envelope = await get_case(fake)

    assert envelope.data == {"id": "c9", "subject": "bare"}


class StrictEnvelope(BaseModel):
    data: int


async def test_model_mismatch_is_invalid_response(fake: FakeSprinklr) -> None:
    fake.queue(reply(200, {"data": "not a number", "errors": []}))
    async with make_transport(fake) as transport:
        with pytest.raises(InvalidResponseError, match="StrictEnvelope") as caught:
            await transport.call(
                GET_CASE,
                path={"caseId": "c1"},
                query={},
                body=None,
                files=None,
                response=StrictEnvelope,
                timeout=None,
            )

    assert "not a number" not in str(caught.value)


async def test_no_content_accepts_204_and_empty(fake: FakeSprinklr) -> None:
    fake.queue(reply(204), reply(200), reply(200, text="OK"))
    async with make_transport(fake) as transport:
        for _ in range(3):
            result = await transport.call_no_content(
                DELETE_CASES, path={}, query={}, body=["a"], timeout=None
            )
            assert result is None

    assert len(fake.requests) == 3
