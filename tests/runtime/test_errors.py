"""Each Sprinklr status and body shape maps to the right error with its fields."""

from __future__ import annotations

import email.utils
from typing import Any

import pytest
from multidict import CIMultiDict
from runtime_support import (
    GET_CASE,
    Envelope,
    FakeSprinklr,
    Handler,
    fetch_case,
    make_transport,
    reply,
)

from sprinklr_mcp import errors
from sprinklr_mcp.errors import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DeveloperInactiveError,
    ErrorsInResponseError,
    ForbiddenError,
    InvalidResponseError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    SprinklrError,
    WrongEnvironmentError,
    error_from_response,
    parse_retry_after,
)
from sprinklr_mcp.retry import RetryPolicy

HTML_502 = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title>"
    "<style>body{color:red}</style></head><body><h1>502 Bad Gateway</h1>"
    "<p>The upstream &amp; the proxy disagreed.</p></body></html>"
)


def envelope_error(message: str, code: Any = 400) -> dict[str, Any]:
    return {"data": None, "errors": [{"code": code, "message": message}]}


CASES: list[tuple[str, Handler, type[SprinklrError], int, str | None, bool]] = [
    (
        "400 envelope",
        reply(400, envelope_error("Invalid payload: subject")),
        BadRequestError,
        400,
        "Invalid payload: subject",
        False,
    ),
    (
        "400 forbidden resource",
        reply(400, envelope_error("Access to resource is forbidden")),
        ForbiddenError,
        400,
        "Access to resource is forbidden",
        False,
    ),
    (
        "401 envelope",
        reply(
            401,
            {"data": [], "errors": [{"id": "x", "code": 401, "message": "bad token"}]},
        ),
        AuthenticationError,
        401,
        "bad token",
        False,
    ),
    (
        "401 developer inactive text",
        reply(401, text="Developer Inactive"),
        DeveloperInactiveError,
        401,
        "Developer Inactive",
        False,
    ),
    (
        "401 invalid consumer key",
        reply(401, {"fault": {"faultstring": "Invalid consumer key"}}),
        DeveloperInactiveError,
        401,
        "Invalid consumer key",
        False,
    ),
    (
        "403 developer inactive",
        reply(403, text="Developer Inactive"),
        DeveloperInactiveError,
        403,
        "Developer Inactive",
        False,
    ),
    (
        "403 forbidden",
        reply(403, text="Forbidden"),
        ForbiddenError,
        403,
        "Forbidden",
        False,
    ),
    (
        "403 over rate",
        reply(403, text="Developer Over Rate", headers={"Retry-After": "2"}),
        RateLimitedError,
        403,
        "Developer Over Rate",
        True,
    ),
    (
        "404 envelope",
        reply(404, envelope_error("Case not found", 404)),
        NotFoundError,
        404,
        "Case not found",
        False,
    ),
    (
        "405 text",
        reply(405, text="Method Not Allowed"),
        BadRequestError,
        405,
        "Method Not Allowed",
        False,
    ),
    (
        "409 stale version",
        reply(409, envelope_error("version mismatch", 409)),
        ConflictError,
        409,
        "version mismatch",
        False,
    ),
    (
        "421 wrong environment",
        reply(421, text="Misdirected Request"),
        WrongEnvironmentError,
        421,
        "Misdirected Request",
        False,
    ),
    (
        "429 rate-limit body",
        reply(
            429,
            {
                "success": False,
                "errors": [{"code": "RATE_LIMIT_EXCEEDED", "message": "Slow down"}],
            },
            headers={"Retry-After": "5"},
        ),
        RateLimitedError,
        429,
        "Slow down",
        True,
    ),
    (
        "500 empty",
        reply(500),
        ServerError,
        500,
        None,
        True,
    ),
    (
        "501 json message",
        reply(501, {"message": "not implemented"}),
        ServerError,
        501,
        "not implemented",
        False,
    ),
    (
        "502 html page",
        reply(502, text=HTML_502, content_type="text/html"),
        ServerError,
        502,
        "502 Bad Gateway: The upstream & the proxy disagreed.",
        True,
    ),
    (
        "503 plain text",
        reply(503, text="  Service\n Unavailable  "),
        ServerError,
        503,
        "Service Unavailable",
        True,
    ),
    (
        "504 html without type",
        reply(504, text="<html><body>Gateway Timeout</body></html>"),
        ServerError,
        504,
        "Gateway Timeout",
        True,
    ),
    (
        "200 with errors",
        reply(200, {"data": {"id": "c1"}, "errors": [{"message": "partly failed"}]}),
        ErrorsInResponseError,
        200,
        "partly failed",
        False,
    ),
]


@pytest.mark.parametrize(
    ("handler", "error_class", "status", "message", "retryable"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
async def test_response_maps_to_error(
    fake: FakeSprinklr,
    handler: Handler,
    error_class: type[SprinklrError],
    status: int,
    message: str | None,
    retryable: bool,
) -> None:
    fake.default = handler
    no_retries = RetryPolicy(max_attempts=1)

    async with make_transport(fake, retry_policy=no_retries) as transport:
        with pytest.raises(SprinklrError) as caught:
            await transport.call(
                GET_CASE,
                path={"caseId": "c1"},
                query={"filter": "secret-query-value"},
                body=None,
                files=None,
                response=Envelope,
                timeout=None,
            )

    error = caught.value
    assert type(error) is error_class
    assert error.status == status
    assert error.operation_id == "getCaseById"
    assert error.method == "GET"
    assert error.path_template == "/api/v2/case/{caseId}"
    assert error.sprinklr_message == message
    assert error.retryable is retryable
    assert "getCaseById GET /api/v2/case/{caseId}" in str(error)
    assert f"HTTP {status}" in str(error)
    assert "secret-query-value" not in str(error)
    assert "/api/v2/case/c1" not in str(error)
    if message:
        assert message in str(error)


async def test_request_id_header_is_kept(fake: FakeSprinklr) -> None:
    fake.default = reply(404, text="nope", headers={"X-Request-Id": "req-42"})

    async with make_transport(fake) as transport:
        with pytest.raises(NotFoundError) as caught:
            await fetch_case(transport)

    assert caught.value.request_id == "req-42"
    assert "req-42" in str(caught.value)


async def test_rate_limited_carries_retry_after(fake: FakeSprinklr) -> None:
    fake.default = reply(429, text="Too Many Requests", headers={"Retry-After": "9"})

    async with make_transport(fake, retry_policy=RetryPolicy(deadline=5)) as transport:
        with pytest.raises(RateLimitedError) as caught:
            await fetch_case(transport)

    assert caught.value.retry_after == 9.0
    assert "Retry after 9.0 s" in str(caught.value)


def test_errors_in_list_are_kept_and_redacted() -> None:
    body = (
        b'{"data": null, "errors": [{"code": 7, "message": "token tok-123 is bad"},'
        b' {"code": "X"}]}'
    )

    error = error_from_response(
        400, CIMultiDict(), body, operation_id="createCase", secrets=["tok-123"]
    )

    assert error.sprinklr_message == "token [redacted] is bad; X"
    assert error.errors == (
        {"code": 7, "message": "token [redacted] is bad"},
        {"code": "X"},
    )
    assert "tok-123" not in str(error)


def test_long_message_is_cut() -> None:
    error = error_from_response(500, CIMultiDict(), "x" * 5000)

    assert error.sprinklr_message is not None
    assert len(error.sprinklr_message) == errors.MAX_MESSAGE_CHARS
    assert error.sprinklr_message.endswith("...")


def test_error_to_dict_is_complete() -> None:
    error = error_from_response(
        429,
        CIMultiDict({"Retry-After": "4", "X-Correlation-Id": "corr-1"}),
        b"Too Many Requests",
        operation_id="getMe",
        method="GET",
        path_template="/api/v2/me",
    )

    assert error.to_dict() == {
        "code": "rate_limited",
        "message": str(error),
        "status": 429,
        "operation_id": "getMe",
        "method": "GET",
        "path_template": "/api/v2/me",
        "sprinklr_message": "Too Many Requests",
        "errors": [],
        "request_id": "corr-1",
        "retry_after": 4.0,
        "retryable": True,
        "outcome_unknown": False,
    }


def test_every_error_class_has_its_own_code() -> None:
    classes = [
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, SprinklrError)
    ]
    codes = [error_class.code for error_class in classes]

    assert len(classes) >= 19
    assert len(set(codes)) == len(codes)


def test_invalid_response_for_unexpected_status() -> None:
    error = error_from_response(302, CIMultiDict(), b"")

    assert isinstance(error, InvalidResponseError)


NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "12"}, 12.0),
        ({"Retry-After": "1.5"}, 1.5),
        ({"Retry-After": "-3"}, 0.0),
        ({"Retry-After": email.utils.formatdate(NOW + 30, usegmt=True)}, 30.0),
        ({"Retry-After": "soon"}, None),
        ({"X-RateLimit-Reset": "20"}, 20.0),
        ({"X-RateLimit-Reset": str(int(NOW + 40))}, 40.0),
        ({"X-RateLimit-Reset": str(int((NOW + 50) * 1000))}, 50.0),
        ({"X-RateLimit-Reset": "later"}, None),
        ({"Retry-After": "2", "X-RateLimit-Reset": "20"}, 2.0),
        ({}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(CIMultiDict(headers), now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET /api/v2/case?id=9 HTTP/1.1", "GET /api/v2/case?[redacted] HTTP/1.1"),
        ("see https://h.example/x?q=1&r=2.", "see https://h.example/x?[redacted]"),
        ("bytearray(b'/prod2/m?messageId=AAAA", "bytearray(b'/prod2/m?[redacted]"),
        ("Authorization: Bearer abc.def", "Authorization: Bearer [redacted]"),
        ("Case not found for case number 7399999", None),
        ("and/or? maybe", None),
        ("why?", None),
    ],
)
def test_redact_patterns(text: str, expected: str | None) -> None:
    assert errors.redact(text, ()) == (text if expected is None else expected)


def test_redact_caps_huge_text() -> None:
    text = "tok-1 " + "/" * 5_000_000 + "?x=1"

    cleaned = errors.redact(text, ["tok-1"])

    assert cleaned.startswith("[redacted] ///")
    assert len(cleaned) <= errors.MAX_SCANNED_CHARS + 20


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_error_on_write_is_unknown(status: int) -> None:
    error = error_from_response(
        status,
        CIMultiDict({"Retry-After": "3"}),
        b"Internal error",
        operation_id="deleteCasesByNumber",
        safe_to_repeat=False,
    )

    assert type(error) is ServerError
    assert error.retryable is False
    assert error.outcome_unknown is True
    assert error.detail == errors.UNKNOWN_OUTCOME_DETAIL
    assert "read the record before sending the request again" in str(error)
    assert error.to_dict()["outcome_unknown"] is True


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_error_on_read_is_retryable(status: int) -> None:
    error = error_from_response(status, CIMultiDict(), b"Internal error")

    assert error.retryable is True
    assert error.outcome_unknown is False
    assert error.detail is None


def test_outcome_unknown_survives_with_context() -> None:
    error = error_from_response(503, CIMultiDict(), b"x", safe_to_repeat=False)

    moved = error.with_context(operation_id="a", method="POST", path_template="/b")

    assert moved.outcome_unknown is True
    assert moved.retryable is False
    assert moved.detail == errors.UNKNOWN_OUTCOME_DETAIL
