"""No token, key, secret or query string reaches a log record or an error."""

from __future__ import annotations

import asyncio
import json
import logging
import traceback
from pathlib import Path

import pytest
from aiohttp import web
from pydantic import SecretStr
from runtime_support import (
    CREATE_CASE,
    GET_CASE,
    Envelope,
    FakeSprinklr,
    Recorded,
    StaticTokenProvider,
    drop_connection,
    fetch_case,
    operation,
    reply,
)

from sprinklr_generated.protocol import OperationInfo
from sprinklr_mcp import SprinklrClient, SprinklrError
from sprinklr_mcp.config import ConnectionSettings
from sprinklr_mcp.ratelimit import RateLimit, shared_limiter
from sprinklr_mcp.retry import RetryPolicy
from sprinklr_mcp.transport import HttpTransport, Timeouts

OLD_TOKEN = "tok-CANARY-old-7d1f0c"
NEW_TOKEN = "tok-CANARY-new-91be4a"
API_KEY = "key-CANARY-3a9e55"
API_SECRET = "secret-CANARY-b2c817"
QUERY_VALUE = "query-CANARY-5e0d21"
CANARIES = (OLD_TOKEN, NEW_TOKEN, API_KEY, API_SECRET, QUERY_VALUE)

# Loggers of the fake server itself, which plays the part of Sprinklr.
SERVER_LOGGERS = ("aiohttp.access", "aiohttp.server", "aiohttp.web")


def echo_secrets(status: int) -> object:
    """Return a handler whose error body repeats the request's secrets."""

    async def handle(request: web.Request, recorded: Recorded) -> web.StreamResponse:
        text = (
            f"rejected {request.headers.get('Authorization')} for key "
            f"{request.headers.get('Key')} and query {request.query_string}"
        )
        return web.json_response(
            {"data": None, "errors": [{"message": text}]}, status=status
        )

    return handle


def assert_clean(text: str) -> None:
    for canary in CANARIES:
        assert canary not in text


def error_texts(error: BaseException) -> str:
    parts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    if isinstance(error, SprinklrError):
        parts.append(json.dumps(error.to_dict()))
    return "\n".join(parts)


async def test_no_secret_in_logs_or_errors(
    fake: FakeSprinklr, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    started = asyncio.Event()

    async def stall(request: web.Request, recorded: Recorded) -> web.StreamResponse:
        started.set()
        await fake.release.wait()
        return web.json_response({"data": {}, "errors": []})

    tokens = StaticTokenProvider(OLD_TOKEN, NEW_TOKEN)
    transport = HttpTransport(
        fake.url,
        API_KEY,
        tokens,
        timeouts=Timeouts(connect=0.2, sock_read=5.0, total=5.0),
        retry_policy=RetryPolicy(max_attempts=2, base_delay=0.0, jitter=0.0),
        connection_limit=1,
    )
    query = {"filter": QUERY_VALUE}
    errors: list[BaseException] = []

    async def call(operation: OperationInfo, timeout: float | None = None) -> None:
        try:
            await transport.call(
                operation,
                path={"caseId": "c1"},
                query=query,
                body={"note": "x"} if operation.method == "POST" else None,
                files=None,
                response=Envelope,
                timeout=timeout,
            )
        except SprinklrError as error:
            errors.append(error)

    fake.queue(
        reply(401, text="Unauthorized"),  # refresh, then success
        reply(200, {"data": {"id": "c1"}, "errors": []}),
        echo_secrets(400),  # Sprinklr's text repeats the secrets
        echo_secrets(200),  # a success that lists errors
        reply(503),  # retried
        echo_secrets(503),
        drop_connection(),  # a write whose outcome is unknown
        stall,  # keeps the only connection busy
    )
    async with transport:
        await call(GET_CASE)
        await call(GET_CASE)
        await call(GET_CASE)
        await call(GET_CASE)
        await call(CREATE_CASE)
        holder = asyncio.create_task(call(GET_CASE))
        await asyncio.wait_for(started.wait(), timeout=10)
        # The pool is full, so this call's connection times out; aiohttp's
        # message for that quotes the whole URL.
        await call(GET_CASE)
        fake.release.set()
        await holder

    shared_limiter(API_KEY, [RateLimit(1, 1.0)])
    shared_limiter(API_KEY, [RateLimit(2, 1.0)])
    settings = ConnectionSettings(
        api_key=API_KEY,
        api_secret=SecretStr(API_SECRET),
        redirect_uri="http://127.0.0.1:8765/oauth/callback",
        data_dir=tmp_path,
    )
    client = SprinklrClient(settings, token_provider=tokens)
    logging.getLogger("sprinklr_mcp.test").info("settings %s %r", settings, client)

    codes = [error.code for error in errors if isinstance(error, SprinklrError)]
    assert codes == [
        "bad_request",
        "errors_in_response",
        "server_error",
        "outcome_unknown",
        "timeout",
    ]
    assert tokens.refreshes == [OLD_TOKEN]
    for error in errors:
        assert_clean(error_texts(error))

    records = [
        record
        for record in caplog.records
        if not record.name.startswith(SERVER_LOGGERS)
    ]
    assert any(record.levelno == logging.DEBUG for record in records)
    assert any("retrying" in record.getMessage() for record in records)
    assert any("refreshing" in record.getMessage() for record in records)
    for record in records:
        assert_clean(record.getMessage())
        if record.exc_info and record.exc_info[1] is not None:
            assert_clean(error_texts(record.exc_info[1]))


async def test_debug_line_per_request(
    fake: FakeSprinklr, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sprinklr_mcp")
    fake.queue(reply(503), reply(200, {"data": {}, "errors": []}))
    transport = HttpTransport(
        fake.url,
        API_KEY,
        StaticTokenProvider(),
        retry_policy=RetryPolicy(base_delay=0.0, jitter=0.0),
    )

    async with transport:
        await fetch_case(transport)

    lines = [
        record.getMessage()
        for record in caplog.records
        if record.name == "sprinklr_mcp.transport" and record.levelno == logging.DEBUG
    ]
    sent = [line for line in lines if "->" in line]
    assert len(sent) == 2
    assert sent[0].startswith(
        "getCaseById GET /api/v2/case/{caseId} -> 503 (attempt 1,"
    )
    assert sent[1].startswith(
        "getCaseById GET /api/v2/case/{caseId} -> 200 (attempt 2,"
    )
    assert sent[1].endswith(" ms)")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "retrying getCaseById" in warnings[0].getMessage()


GET_CASE_BY_NUMBER = operation("getCaseByCaseNumber", "GET", "/api/v2/case/case-number")
CASE_NUMBER = "7399999"


async def call_with_query(
    transport: HttpTransport, query: dict[str, object]
) -> SprinklrError:
    with pytest.raises(SprinklrError) as caught:
        await transport.call(
            GET_CASE_BY_NUMBER,
            path={},
            query=query,
            body=None,
            files=None,
            response=Envelope,
            timeout=None,
        )
    return caught.value


async def test_error_keeps_case_number_not_secrets(
    fake: FakeSprinklr, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    async def not_found(request: web.Request, recorded: Recorded) -> web.StreamResponse:
        text = (
            f"Case not found for case number {request.query['case-number']} "
            f"and channel type {request.query['channelType']}; request "
            f"{request.method} {request.path_qs} with "
            f"{request.headers.get('Authorization')} and key "
            f"{request.headers.get('Key')}"
        )
        return web.json_response(
            {"data": None, "errors": [{"message": text}]}, status=404
        )

    fake.default = not_found
    transport = HttpTransport(
        fake.url,
        API_KEY,
        StaticTokenProvider(OLD_TOKEN),
        retry_policy=RetryPolicy(max_attempts=1),
    )
    async with transport:
        error = await call_with_query(
            transport, {"case-number": CASE_NUMBER, "channelType": "TWITTER"}
        )

    assert error.code == "not_found"
    assert error.sprinklr_message is not None
    assert f"case number {CASE_NUMBER}" in error.sprinklr_message
    assert "channel type TWITTER" in error.sprinklr_message
    assert "case-number?[redacted]" in error.sprinklr_message
    assert "Bearer [redacted]" in error.sprinklr_message
    assert CASE_NUMBER in str(error)
    assert_clean(error_texts(error))
    assert "channelType=" not in error_texts(error)
    for record in caplog.records:
        assert_clean(record.getMessage())


async def test_truncated_request_line_is_redacted(fake: FakeSprinklr) -> None:
    long_value = "A" * 20_000

    async def too_long(request: web.Request, recorded: Recorded) -> web.StreamResponse:
        # aiohttp's server quotes the first bytes of a request line that is
        # too long, cut in the middle of the query value.
        line = f"{request.method} {request.path_qs} HTTP/1.1".encode()
        text = f"Got more than 8190 bytes when reading: {bytearray(line[:8190])!r}"
        return web.Response(status=400, text=text)

    fake.default = too_long
    transport = HttpTransport(
        fake.url,
        API_KEY,
        StaticTokenProvider(OLD_TOKEN),
        retry_policy=RetryPolicy(max_attempts=1),
    )
    async with transport:
        error = await call_with_query(transport, {"messageId": long_value})

    assert error.code == "bad_request"
    assert error.sprinklr_message is not None
    assert error.sprinklr_message.startswith("Got more than 8190 bytes")
    assert "case-number?[redacted]" in error.sprinklr_message
    assert "AAAAAAAA" not in error_texts(error)
    assert len(error.sprinklr_message) <= 300
