"""The error tree of the Sprinklr client and the one function that maps responses.

Every error the client raises is a ``SprinklrError``. Each carries the same
attributes, so callers (and the MCP server, which turns them into tool results)
can act on them without parsing messages:

``status``
    HTTP status of Sprinklr's response, or None when no response arrived.
``operation_id``, ``method``, ``path_template``
    The spec operation (``getCaseById``), its HTTP method and its path with
    placeholders (``/api/v2/case/{caseId}``). Never the filled-in path or query.
``sprinklr_message``
    Sprinklr's own error text: the messages of the body's ``errors`` list, an
    Apigee fault string, or the text of a plain-text or HTML body. The API
    key, the access tokens, the full URL and the whole query string of the
    request are replaced with ``[redacted]`` wherever Sprinklr repeats them.
    So is the query part of any URL or request line in the text, even one
    cut short, and any ``Bearer`` credential. The values of the operation's
    ordinary parameters stay, so that "Case not found for case number
    7399999" keeps the number the caller sent. The text is cut to 300
    characters.
``errors``
    The entries of the body's ``errors`` list as Sprinklr sent them (redacted).
``request_id``
    The response's request id header, when it has one.
``retry_after``
    Seconds to wait before sending again, when Sprinklr's headers or the
    client-side rate limiter give a wait.
``retryable``
    True when the same request may succeed later without any change. The
    automatic retry policy is narrower: it also checks the operation's own
    ``retry`` flag. A 500, 502, 503 or 504 is retryable only for an operation
    that is safe to repeat (a read whose ``retry`` flag is set).
``outcome_unknown``
    True when the request may have changed data on Sprinklr's side although
    it failed. That is every ``OutcomeUnknownError`` (an operation whose
    ``retry`` flag is false lost its connection or timed out after sending),
    and a 500, 502, 503 or 504 for any operation but a read whose ``retry``
    flag is set. Read the record before sending the request again, or the
    change may be applied twice.
``code``
    A stable snake_case name of the error kind (``rate_limited``), one per class.

Messages name the operation, the path template, the status and Sprinklr's text,
never a token, an API key, a secret or a query string.
"""

from __future__ import annotations

import email.utils
import html
import json
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

__all__ = [
    "UNKNOWN_OUTCOME_DETAIL",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ClientStateError",
    "ConflictError",
    "DeveloperInactiveError",
    "ErrorsInResponseError",
    "EventLoopMismatchError",
    "ForbiddenError",
    "InvalidRequestError",
    "InvalidResponseError",
    "NotFoundError",
    "OutcomeUnknownError",
    "RateLimitedError",
    "RequestTimeoutError",
    "ServerError",
    "SprinklrConnectionError",
    "SprinklrError",
    "WrongEnvironmentError",
    "body_text",
    "error_from_response",
    "parse_retry_after",
    "redact",
]

MAX_MESSAGE_CHARS = 300
# Statuses of a server failure that may pass when the request is sent again.
_TRANSIENT_SERVER_STATUSES = frozenset({500, 502, 503, 504})
UNKNOWN_OUTCOME_DETAIL = (
    "the operation is not safe to repeat and Sprinklr may have applied it "
    "before failing, so the outcome is unknown: read the record before "
    "sending the request again"
)

# Text that ``redact`` keeps and searches; the rest of a huge body is dropped.
MAX_SCANNED_CHARS = 16_384
REDACTED = "[redacted]"

# NOTE: Sprinklr documents no request id header; these are the names that
# gateways in front of REST APIs commonly use, checked in this order.
REQUEST_ID_HEADERS = ("X-Request-Id", "X-Correlation-Id", "Request-Id", "X-Trace-Id")


class SprinklrError(Exception):
    """Root of every error raised by the Sprinklr client; see the module docstring."""

    code: ClassVar[str] = "sprinklr_error"
    summary: ClassVar[str] = "the Sprinklr request failed"
    default_retryable: ClassVar[bool] = False
    default_outcome_unknown: ClassVar[bool] = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        status: int | None = None,
        operation_id: str | None = None,
        method: str | None = None,
        path_template: str | None = None,
        sprinklr_message: str | None = None,
        errors: Iterable[Any] = (),
        request_id: str | None = None,
        retry_after: float | None = None,
        retryable: bool | None = None,
        outcome_unknown: bool | None = None,
    ) -> None:
        self.detail = detail
        self.status = status
        self.operation_id = operation_id
        self.method = method
        self.path_template = path_template
        self.sprinklr_message = sprinklr_message
        self.errors: tuple[Any, ...] = tuple(errors)
        self.request_id = request_id
        self.retry_after = retry_after
        self.retryable = self.default_retryable if retryable is None else retryable
        self.outcome_unknown = (
            self.default_outcome_unknown if outcome_unknown is None else outcome_unknown
        )
        super().__init__(self._compose_message())

    def _compose_message(self) -> str:
        parts: list[str] = []
        if self.operation_id or self.path_template:
            label = " ".join(
                part
                for part in (self.operation_id, self.method, self.path_template)
                if part
            )
            parts.append(f"{label}: {self.summary}")
        else:
            parts.append(self.summary[:1].upper() + self.summary[1:])
        if self.status is not None:
            parts.append(f" (HTTP {self.status})")
        if self.detail:
            parts.append(f"; {self.detail}")
        if self.sprinklr_message:
            parts.append(f". Sprinklr said: {self.sprinklr_message}")
        if self.retry_after is not None:
            parts.append(f". Retry after {self.retry_after:.1f} s")
        if self.request_id:
            parts.append(f". Request id: {self.request_id}")
        return "".join(parts)

    def with_context(
        self,
        *,
        operation_id: str | None,
        method: str | None,
        path_template: str | None,
    ) -> SprinklrError:
        """Return a copy of this error that names the given operation."""
        return type(self)(
            self.detail,
            status=self.status,
            operation_id=operation_id,
            method=method,
            path_template=path_template,
            sprinklr_message=self.sprinklr_message,
            errors=self.errors,
            request_id=self.request_id,
            retry_after=self.retry_after,
            retryable=self.retryable,
            outcome_unknown=self.outcome_unknown,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the attributes as JSON-compatible values for tool results."""
        return {
            "code": self.code,
            "message": str(self),
            "status": self.status,
            "operation_id": self.operation_id,
            "method": self.method,
            "path_template": self.path_template,
            "sprinklr_message": self.sprinklr_message,
            "errors": list(self.errors),
            "request_id": self.request_id,
            "retry_after": self.retry_after,
            "retryable": self.retryable,
            "outcome_unknown": self.outcome_unknown,
        }


class BadRequestError(SprinklrError):
    """Sprinklr rejected the request as invalid (400 and 4xx codes without a class)."""

    code = "bad_request"
    summary = "Sprinklr rejected the request as invalid"


class AuthenticationError(SprinklrError):
    """The access token was rejected (401) even after one refresh through the broker."""

    code = "unauthorized"
    summary = "Sprinklr rejected the access token"


class ForbiddenError(SprinklrError):
    """The user or workspace behind the token may not access the resource (403)."""

    code = "forbidden"
    summary = "the Sprinklr user or workspace lacks permission for this resource"


class DeveloperInactiveError(SprinklrError):
    """Sprinklr's gateway rejected the API key ("Developer Inactive", 401 or 403).

    The key is missing, wrong, disabled, or registered in another environment.
    A token refresh cannot fix this, so the client never tries one.
    """

    code = "developer_inactive"
    summary = (
        "Sprinklr rejected the API key (Developer Inactive): check the key "
        "and that it belongs to this environment"
    )


class RateLimitedError(SprinklrError):
    """A rate limit for the API key was reached: 429, 403 "Developer Over Rate",
    or the client-side limiter, which cannot grant a slot before the deadline."""

    code = "rate_limited"
    summary = "the rate limit for this API key was reached"
    default_retryable = True


class WrongEnvironmentError(SprinklrError):
    """The API key or token belongs to another Sprinklr environment (421)."""

    code = "wrong_environment"
    summary = (
        "the API key belongs to another Sprinklr environment: check the "
        "connection's environment setting"
    )


class NotFoundError(SprinklrError):
    """The resource does not exist or the token cannot see it (404)."""

    code = "not_found"
    summary = "the Sprinklr resource was not found"


class ConflictError(SprinklrError):
    """The resource changed since it was read (409, a stale ``version``)."""

    code = "conflict"
    summary = "the resource changed since it was read (stale version): read it again"


class ServerError(SprinklrError):
    """Sprinklr or its gateway failed (5xx).

    500, 502, 503 and 504 are retryable for an operation that is safe to
    repeat. For any other operation they set ``outcome_unknown`` instead,
    because Sprinklr may have applied the change before it failed.
    """

    code = "server_error"
    summary = "Sprinklr had a server error"


class RequestTimeoutError(SprinklrError):
    """No complete response arrived in time, and repeating the request is safe
    (a read, or a request that never reached Sprinklr)."""

    code = "timeout"
    summary = "the request to Sprinklr timed out"
    default_retryable = True


class SprinklrConnectionError(SprinklrError):
    """The connection to Sprinklr failed, and repeating the request is safe."""

    code = "connection_error"
    summary = "the connection to Sprinklr failed"
    default_retryable = True


class OutcomeUnknownError(SprinklrError):
    """A write failed after it may have reached Sprinklr, so it was not repeated.

    Sprinklr has no idempotency keys: sending the request again could create a
    duplicate. Check whether the change happened before repeating it.
    """

    code = "outcome_unknown"
    default_outcome_unknown = True
    summary = (
        "the connection failed after the request was sent, so Sprinklr may or "
        "may not have applied it; check before repeating"
    )


class ErrorsInResponseError(SprinklrError):
    """Sprinklr returned a success status but listed errors in the body."""

    code = "errors_in_response"
    summary = "Sprinklr reported errors in a success response"


class InvalidResponseError(SprinklrError):
    """A success response whose body is not JSON or does not match the spec's model."""

    code = "invalid_response"
    summary = "Sprinklr's response could not be read"


class InvalidRequestError(SprinklrError):
    """The request could not be built from the arguments; nothing was sent."""

    code = "invalid_request"
    summary = "the request could not be built"


class ClientStateError(SprinklrError):
    """The client cannot send requests in its current state; nothing was sent."""

    code = "client_state"
    summary = "the Sprinklr client cannot send requests"


class ClientClosedError(ClientStateError):
    """The client is not open: use it inside ``async with``."""

    code = "client_closed"
    summary = "the Sprinklr client is closed or was never opened"


class EventLoopMismatchError(ClientStateError):
    """The client was opened in another event loop than the running one."""

    code = "event_loop_mismatch"
    summary = (
        "the Sprinklr client belongs to another event loop: open one client per loop"
    )


# A whitespace-delimited word with a "?" followed by more characters. The
# query runs to the end of the word, because aiohttp cuts long request lines
# mid-value and quotes them in a repr. The possessive quantifier and the
# anchor at word starts keep the match linear in the length of the text.
_WORD_QUERY = re.compile(r"(?<!\S)([^\s?]*+)\?\S+")
_BEARER = re.compile(r"\b(Bearer)\s+\S+", re.IGNORECASE)


def _drop_url_query(match: re.Match[str]) -> str:
    # Only a path or URL (a "/" before the "?") has a query part to drop.
    before = match.group(1)
    if "/" not in before:
        return match.group(0)
    return f"{before}?{REDACTED}"


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace each secret, query part and bearer token in ``text``.

    Every occurrence of a string in ``secrets`` becomes ``[redacted]``, and
    so does the query part of every URL or path in the text (``/a?b=c``
    becomes ``/a?[redacted]``) and the credential after ``Bearer``. Text
    beyond ``MAX_SCANNED_CHARS`` is dropped, because every caller keeps far
    less and the pattern search is slow on megabytes.
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    if len(text) > MAX_SCANNED_CHARS:
        text = text[:MAX_SCANNED_CHARS] + "..."
    text = _BEARER.sub(rf"\1 {REDACTED}", text)
    return _WORD_QUERY.sub(_drop_url_query, text)


def _redact_value(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, Mapping):
        return {str(key): _redact_value(item, secrets) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(item, secrets) for item in value]
    return value


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > MAX_MESSAGE_CHARS:
        return text[: MAX_MESSAGE_CHARS - 3] + "..."
    return text


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_HIDDEN_BLOCK = re.compile(
    r"<(script|style|head)\b[^>]*>.*?</\1>", re.IGNORECASE | re.DOTALL
)
_TAG = re.compile(r"<[^>]+>")


def _html_text(body: str) -> str:
    """Return the readable text of an HTML page: its title, then its body text."""
    title_match = _TITLE.search(body)
    title = html.unescape(_TAG.sub(" ", title_match.group(1))) if title_match else ""
    text = html.unescape(_TAG.sub(" ", _HIDDEN_BLOCK.sub(" ", body)))
    text = " ".join(text.split())
    title = " ".join(title.split())
    if title and text.startswith(title):
        text = text[len(title) :].strip()
    return f"{title}: {text}" if title and text else title or text


def _looks_like_html(body: str, content_type: str) -> bool:
    if "html" in content_type.lower():
        return True
    start = body.lstrip()[:15].lower()
    return start.startswith(("<!doctype", "<html"))


def _entry_message(entry: Any) -> str:
    if isinstance(entry, Mapping):
        for key in ("message", "errorMessage", "error_description", "description"):
            value = entry.get(key)
            if isinstance(value, str) and value:
                return value
        for key in ("code", "error", "errorCode"):
            value = entry.get(key)
            if value not in (None, ""):
                return str(value)
        return json.dumps(entry, sort_keys=True, default=str)
    return str(entry)


def _json_error_text(payload: Any) -> tuple[str | None, list[Any]]:
    """Return Sprinklr's error text and the error entries of a decoded JSON body."""
    if isinstance(payload, list):
        return None, []
    if not isinstance(payload, Mapping):
        return (str(payload) if payload not in (None, "") else None), []

    entries = payload.get("errors")
    if isinstance(entries, list) and entries:
        return "; ".join(_entry_message(entry) for entry in entries), list(entries)

    # Apigee policies respond with {"fault": {"faultstring": ..., "detail": ...}}.
    fault = payload.get("fault")
    if isinstance(fault, Mapping) and fault.get("faultstring"):
        return str(fault["faultstring"]), []

    for key in ("message", "error_description", "error", "detail"):
        value = payload.get(key)
        if isinstance(value, str) and value:
            return value, []
    return None, []


def parse_retry_after(
    headers: Mapping[str, str], *, now: float | None = None
) -> float | None:
    """Return the seconds to wait from ``Retry-After`` or ``X-RateLimit-Reset``.

    ``Retry-After`` is read as seconds or an HTTP date. ``X-RateLimit-Reset``
    is read as epoch milliseconds (values above 1e12), epoch seconds (above
    1e9) or seconds from now. ``now`` is wall-clock time in epoch seconds.
    Returns None when neither header is present or readable.
    """
    current = time.time() if now is None else now

    retry_after = headers.get("Retry-After")
    if retry_after is not None:
        value = retry_after.strip()
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return max(0.0, moment.timestamp() - current)

    reset = headers.get("X-RateLimit-Reset")
    if reset is not None:
        try:
            number = float(reset.strip())
        except ValueError:
            return None
        if number > 1e12:
            return max(0.0, number / 1000.0 - current)
        if number > 1e9:
            return max(0.0, number - current)
        return max(0.0, number)
    return None


def _request_id(headers: Mapping[str, str]) -> str | None:
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value[:200]
    return None


def _error_class(status: int, text: str) -> type[SprinklrError]:
    lowered = text.lower()
    if "over rate" in lowered or status == 429:
        return RateLimitedError
    if "developer inactive" in lowered or "invalid consumer key" in lowered:
        return DeveloperInactiveError
    if 200 <= status < 300:
        return ErrorsInResponseError
    if status == 421:
        return WrongEnvironmentError
    if status == 401:
        return AuthenticationError
    if status == 403:
        return ForbiddenError
    if status == 400 and "access to resource is forbidden" in lowered:
        return ForbiddenError
    if status == 404:
        return NotFoundError
    if status == 409:
        return ConflictError
    if 400 <= status < 500:
        return BadRequestError
    if status >= 500:
        return ServerError
    return InvalidResponseError


def _body_message(
    headers: Mapping[str, str], body: bytes | str | None
) -> tuple[str | None, list[Any]]:
    """Return the error text of a body and its ``errors`` entries, if any."""
    if isinstance(body, bytes):
        text = body.decode("utf-8", errors="replace")
    else:
        text = body or ""

    if not text.strip():
        return None, []
    if _looks_like_html(text, headers.get("Content-Type", "")):
        return _html_text(text) or None, []
    try:
        payload = json.loads(text)
    except ValueError:
        return text, []
    return _json_error_text(payload)


def body_text(
    headers: Mapping[str, str], body: bytes | str | None, secrets: Iterable[str] = ()
) -> str | None:
    """Return a body's readable text as an error keeps it: shortened, redacted.

    An HTML page gives its title and text; a JSON body its error messages.
    """
    message, _ = _body_message(headers, body)
    if message is None:
        return None
    return _shorten(redact(message, secrets)) or None


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes | str | None,
    *,
    operation_id: str | None = None,
    method: str | None = None,
    path_template: str | None = None,
    secrets: Iterable[str] = (),
    now: float | None = None,
    safe_to_repeat: bool = True,
) -> SprinklrError:
    """Map one HTTP response to the matching ``SprinklrError``.

    Handles JSON bodies (``{data, errors}``, Apigee faults, OAuth-style
    ``error`` fields), plain text, HTML gateway pages and empty bodies. A 2xx
    status gives ``ErrorsInResponseError``; the caller decides whether a 2xx
    body's ``errors`` list is non-empty before calling this. ``headers`` must
    look up names case-insensitively (aiohttp's headers do). Every string in
    ``secrets`` is removed from the text the error keeps. ``now`` is wall-clock
    time in epoch seconds, used to read ``X-RateLimit-Reset``. With
    ``safe_to_repeat`` false, a 500, 502, 503 or 504 is not retryable and
    sets ``outcome_unknown``, because the request may have changed data.
    """
    secret_list = tuple(secrets)
    message, entries = _body_message(headers, body)
    if message is not None:
        message = _shorten(redact(message, secret_list)) or None
    redacted_entries = [_redact_value(entry, secret_list) for entry in entries]

    error_class = _error_class(status, message or "")
    retry_after = parse_retry_after(headers, now=now)
    retryable: bool | None = None
    outcome_unknown = False
    detail = None
    if error_class is ServerError and status in _TRANSIENT_SERVER_STATUSES:
        retryable = safe_to_repeat
        if not safe_to_repeat:
            outcome_unknown = True
            detail = UNKNOWN_OUTCOME_DETAIL
    if error_class is not RateLimitedError and status not in (503, 504):
        retry_after = None

    return error_class(
        detail,
        status=status,
        operation_id=operation_id,
        method=method,
        path_template=path_template,
        sprinklr_message=message,
        errors=redacted_entries,
        request_id=_request_id(headers),
        retry_after=retry_after,
        retryable=retryable,
        outcome_unknown=outcome_unknown,
    )
