"""The HTTP transport that every generated Sprinklr operation runs through.

``HttpTransport`` implements ``sprinklr_generated.protocol.Transport`` over one
``aiohttp.ClientSession``. It builds the URL and body, adds the bearer token
and the ``Key`` header, and waits for the API key's rate limiter. Then it
sends, retries where that is safe, maps failures to ``sprinklr_mcp.errors``
and validates the ``{data, errors}`` envelope into the generated model.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, TypedDict, TypeVar

import aiohttp
import pydantic
import yarl
from aiohttp import ClientHandlerType, ClientRequest, ClientResponse
from multidict import CIMultiDict, CIMultiDictProxy

from sprinklr_generated.protocol import Files, OperationInfo
from sprinklr_mcp.auth import TokenProvider
from sprinklr_mcp.composites import run_composite
from sprinklr_mcp.encoding import build_form, fill_path, json_body, query_items
from sprinklr_mcp.errors import (
    AuthenticationError,
    ClientClosedError,
    ClientStateError,
    EventLoopMismatchError,
    InvalidRequestError,
    InvalidResponseError,
    OutcomeUnknownError,
    RateLimitedError,
    RequestTimeoutError,
    SprinklrConnectionError,
    SprinklrError,
    body_text,
    error_from_response,
    redact,
)
from sprinklr_mcp.ratelimit import RateLimiter
from sprinklr_mcp.retry import RetryPolicy

__all__ = [
    "DEFAULT_HOST",
    "HttpTransport",
    "RedactedCauseError",
    "Timeouts",
    "build_base_url",
]

logger = logging.getLogger(__name__)

DEFAULT_HOST = "api3.sprinklr.com"
USER_AGENT = "sprinklr-mcp/0.1"

_ENVIRONMENT = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_METHODS_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})

ResponseT = TypeVar("ResponseT", bound=pydantic.BaseModel)


def build_base_url(
    environment: str = "", host: str = DEFAULT_HOST, base_url: str | None = None
) -> str:
    """Return the URL that operation paths (``/api/v2/...``) are appended to.

    ``environment`` ``""`` or ``"prod"`` is the global production environment
    and adds no path segment; any other name (``prod0``, ``prod2``) adds
    ``/{environment}``. ``base_url`` replaces ``https://{host}``, for the local
    sandbox (``http://127.0.0.1:8080``). Raises ``ValueError`` naming the bad value.
    """
    env = environment.strip().lower()
    if env and not _ENVIRONMENT.match(env):
        raise ValueError(
            f"invalid Sprinklr environment {environment!r}: use 'prod' (or an "
            "empty value) for global production, or a name such as 'prod2'"
        )

    if base_url is not None:
        origin = yarl.URL(base_url)
        if origin.scheme not in ("http", "https") or not origin.host:
            raise ValueError(
                f"invalid base URL {base_url!r}: use http(s)://host[:port][/prefix]"
            )
        if origin.query_string or origin.fragment:
            raise ValueError(f"invalid base URL {base_url!r}: remove the query part")
        root = str(origin).rstrip("/")
    else:
        if not host or "/" in host or any(c.isspace() for c in host):
            raise ValueError(
                f"invalid Sprinklr host {host!r}: use a name such as {DEFAULT_HOST!r}"
            )
        root = f"https://{host}"

    if env in ("", "prod"):
        return root
    return f"{root}/{env}"


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Time limits for one attempt of a request, in seconds.

    ``connect`` bounds getting a connection (pool wait, DNS, TCP and TLS),
    ``sock_read`` the silence between two reads of the response, and ``total``
    the whole attempt. Multipart uploads use ``upload_total`` for both the
    total and the read limit, because Sprinklr may spend up to 120 s on an
    upload before it responds. A per-call ``timeout`` replaces the total.
    """

    connect: float = 10.0
    sock_read: float = 60.0
    total: float = 120.0
    upload_total: float = 600.0

    def __post_init__(self) -> None:
        for name in ("connect", "sock_read", "total", "upload_total"):
            value = getattr(self, name)
            if not value > 0:
                raise ValueError(
                    f"timeout {name} must be positive seconds, got {value}"
                )


class _ResendBlockedError(Exception):
    """aiohttp tried to resend a request whose operation must not be repeated."""


class _ResendGuard:
    """A per-request middleware that stops aiohttp's own resend.

    aiohttp sends GET, PUT and DELETE a second time when a connection drops
    before the response. Sprinklr may already have applied such a PUT, so for
    an operation that must not be repeated the second send raises instead.
    """

    def __init__(self) -> None:
        self.sends = 0

    async def __call__(
        self, request: ClientRequest, handler: ClientHandlerType
    ) -> ClientResponse:
        self.sends += 1
        if self.sends > 1:
            raise _ResendBlockedError
        return await handler(request)


@dataclass(slots=True)
class _Reply:
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes
    # The operation and its path template (an override, where one applies).
    context: _Context
    # Strings to remove from any error text about this reply: the API key,
    # the access tokens sent, the URL and the query string.
    secrets: tuple[str, ...] = ()


def _safe_to_repeat(operation: OperationInfo) -> bool:
    """Return whether a failed request of ``operation`` cannot have changed data."""
    return operation.retry and operation.safety == "read"


class _SendFailure(Exception):
    """One attempt failed before a complete response arrived."""

    def __init__(self, cause: BaseException, *, timed_out: bool, reached: bool) -> None:
        super().__init__(type(cause).__name__)
        self.cause = cause
        self.timed_out = timed_out
        self.reached = reached


class RedactedCauseError(Exception):
    """Stands in for a transport exception whose message needed redacting.

    Some aiohttp exceptions quote the full request URL or request line, query
    included, and the chained cause of a ``SprinklrError`` must not carry it.
    """


def _safe_cause(cause: BaseException, secrets: Sequence[str]) -> BaseException:
    """Return ``cause``, or a stand-in when its text needed redacting."""
    text = str(cause)
    cleaned = redact(text, secrets)
    if cleaned == text:
        return cause
    return RedactedCauseError(f"{type(cause).__name__}: {cleaned}")


# Query parameters whose values are removed from error texts one by one.
# NOTE: no spec operation has such a parameter yet, so this guards future ones.
_SECRET_PARAMETER = re.compile(
    r"token|secret|password|passwd|api[_-]?key|signature|credential", re.IGNORECASE
)


class HttpTransport:
    """Sends generated operations to one Sprinklr environment.

    Construct it with explicit values (the client builds them from the
    connection settings), then ``await open()`` inside the event loop that
    will use it, or use ``async with``. A closed transport, or one used from
    another event loop than the one that opened it, raises a
    ``ClientStateError`` before sending anything.

    ``base_url`` comes from ``build_base_url``. ``limiter`` is normally the
    process-wide limiter of the API key (``ratelimit.shared_limiter``).
    ``path_overrides`` maps the operationId of an operation whose path no
    public page documents (``OperationInfo.inferred``) to the path to use
    instead. An override of a composite operation sends it directly instead
    of composing it. ``clock``, ``sleep`` and ``rng`` drive deadlines, waits
    and jitter, and tests replace them. ``connection_limit`` caps open
    connections, as aiohttp's connector does (100 by default there too).
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        token_provider: TokenProvider,
        *,
        timeouts: Timeouts | None = None,
        retry_policy: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        path_overrides: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        connection_limit: int = 100,
    ) -> None:
        if not api_key:
            raise ValueError("api_key is empty: set the connection's API key")
        for operation_id, override in (path_overrides or {}).items():
            if not override.startswith("/"):
                raise ValueError(
                    f"path override for {operation_id} must start with '/', "
                    f"got {override!r}"
                )

        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._token_provider = token_provider
        self.timeouts = timeouts or Timeouts()
        self.retry_policy = retry_policy or RetryPolicy()
        self.limiter = limiter
        self.path_overrides: Mapping[str, str] = dict(path_overrides or {})
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._connection_limit = connection_limit
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def is_open(self) -> bool:
        """Whether the transport has an open session."""
        return self._session is not None and not self._session.closed

    async def open(self) -> None:
        """Open the HTTP session in the running event loop."""
        if self.is_open:
            raise ClientStateError("the client is already open")

        self._loop = asyncio.get_running_loop()
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._connection_limit),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            timeout=aiohttp.ClientTimeout(
                total=self.timeouts.total,
                connect=self.timeouts.connect,
                sock_read=self.timeouts.sock_read,
            ),
        )
        logger.debug("opened the HTTP session for %s", self.base_url)

    async def close(self) -> None:
        """Close the HTTP session. Closing a closed transport does nothing."""
        session = self._session
        if session is None:
            return
        self._check_loop()
        self._session = None
        await session.close()
        logger.debug("closed the HTTP session for %s", self.base_url)

    async def __aenter__(self) -> HttpTransport:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def _check_loop(self) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is not self._loop:
            raise EventLoopMismatchError(
                "the client was opened in another event loop than the one running now"
            )

    def _open_session(self) -> aiohttp.ClientSession:
        session = self._session
        if session is None or session.closed:
            raise ClientClosedError(
                "open the client first: `async with SprinklrClient(...) as client:`"
            )
        self._check_loop()
        return session

    async def call(
        self,
        operation: OperationInfo,
        *,
        path: Mapping[str, Any],
        query: Mapping[str, Any],
        body: Any,
        files: Files | None,
        response: type[ResponseT],
        timeout: float | None,  # noqa: ASYNC109 - the Transport protocol fixes it
    ) -> ResponseT:
        """Send ``operation`` and return its validated ``{data, errors}`` envelope.

        Raises a ``SprinklrError`` subclass for every failure; see ``errors``.
        """
        self._open_session()
        if operation.composite and operation.operation_id not in self.path_overrides:
            return await run_composite(
                self,
                operation,
                path=path,
                query=query,
                body=body,
                response=response,
                timeout=timeout,
            )

        reply = await self._send(operation, path, query, body, files, timeout)
        return self._parse_envelope(operation, reply, response)

    async def call_no_content(
        self,
        operation: OperationInfo,
        *,
        path: Mapping[str, Any],
        query: Mapping[str, Any],
        body: Any,
        timeout: float | None,  # noqa: ASYNC109 - the Transport protocol fixes it
    ) -> None:
        """Send an operation that returns 204 (or any success without data).

        A success body that lists errors still raises ``ErrorsInResponseError``.
        """
        self._open_session()
        reply = await self._send(operation, path, query, body, None, timeout)
        payload = self._decode_json(operation, reply, allow_empty=True, strict=False)
        self._raise_listed_errors(operation, reply, payload)

    def _secrets(self, tokens: Sequence[str], request: _Request) -> tuple[str, ...]:
        """Return the strings that no error text about ``request`` may contain.

        These are the API key, the tokens sent, the full URL and the whole
        query string in their encoded and decoded forms, and the values of
        parameters named like credentials. Values of ordinary parameters (a
        case number, a channel type) stay, because Sprinklr's messages name
        them; ``redact`` also drops the query part of any URL in the text.
        """
        secrets = [self._api_key, *tokens]
        if request.params:
            full_url = request.url.with_query(request.params)
            secrets.extend(
                (
                    str(full_url),
                    full_url.human_repr(),
                    full_url.raw_query_string,
                    full_url.query_string,
                )
            )
        secrets.extend(
            value for name, value in request.params if _SECRET_PARAMETER.search(name)
        )
        return tuple(secrets)

    async def _send(
        self,
        operation: OperationInfo,
        path: Mapping[str, Any],
        query: Mapping[str, Any],
        body: Any,
        files: Files | None,
        call_timeout: float | None,
    ) -> _Reply:
        """Send with rate limiting, retries and one refresh after a 401.

        Returns the first 2xx reply and raises the mapped error otherwise.
        """
        template = operation.path
        if operation.inferred or operation.composite:
            template = self.path_overrides.get(operation.operation_id, template)
        context = _Context(operation.operation_id, operation.method, template)
        try:
            url = yarl.URL(self.base_url + fill_path(template, path), encoded=True)
            params = query_items(query)
            if call_timeout is not None and not call_timeout > 0:
                raise InvalidRequestError(
                    f"timeout must be positive seconds, got {call_timeout}"
                )
        except InvalidRequestError as exc:
            raise exc.with_context(**context.as_kwargs()) from None

        is_upload = operation.body_kind == "multipart" or bool(files)
        attempt_total = call_timeout or (
            self.timeouts.upload_total if is_upload else self.timeouts.total
        )
        deadline = self._clock() + max(self.retry_policy.deadline, attempt_total)
        request = _Request(url, params, body, files, is_upload, context)

        attempt = 0
        refreshed = False
        tokens_used: list[str] = []
        while True:
            attempt += 1
            await self._wait_for_slot(deadline, context)
            token = await self._token_provider.access_token()
            tokens_used.append(token)

            started = time.perf_counter()
            outcome, cause, reached = await self._attempt(
                operation, request, token, attempt_total, deadline, context, tokens_used
            )
            elapsed_ms = (time.perf_counter() - started) * 1000
            if isinstance(outcome, _Reply):
                self._log_attempt(context, str(outcome.status), attempt, elapsed_ms)
                outcome.secrets = self._secrets(tokens_used, request)
                return outcome

            error = outcome
            result = str(error.status) if error.status else error.code
            self._log_attempt(context, result, attempt, elapsed_ms)

            if type(error) is AuthenticationError and not refreshed:
                logger.info(
                    "refreshing the access token after HTTP 401 on %s %s",
                    context.operation_id,
                    context.path_template,
                )
                refreshed = True
                attempt -= 1
                await self._token_provider.refresh_after_unauthorized(token)
                continue

            wait = self._retry_wait(operation, error, attempt, reached, deadline)
            if wait is None:
                raise error from cause
            logger.warning(
                "retrying %s %s after %s (attempt %d of %d) in %.2f s",
                context.operation_id,
                context.path_template,
                error.code,
                attempt + 1,
                self.retry_policy.max_attempts,
                wait,
            )
            await self._sleep(wait)

    async def _wait_for_slot(self, deadline: float, context: _Context) -> None:
        if self.limiter is None:
            return
        try:
            await self.limiter.acquire(deadline)
        except RateLimitedError as exc:
            raise exc.with_context(**context.as_kwargs()) from None

    async def _attempt(
        self,
        operation: OperationInfo,
        request: _Request,
        token: str,
        attempt_total: float,
        deadline: float,
        context: _Context,
        tokens_used: Sequence[str],
    ) -> tuple[_Reply | SprinklrError, BaseException | None, bool]:
        """Send once and return the 2xx reply or the error, with the error's
        cause and whether the request may have reached Sprinklr."""
        remaining = deadline - self._clock()
        if remaining <= 0:
            expired = RequestTimeoutError(
                "the call's deadline passed before the next attempt",
                **context.as_kwargs(),
            )
            return expired, None, False

        try:
            reply = await self._send_once(
                operation, request, token, min(attempt_total, remaining)
            )
        except _SendFailure as failure:
            return (
                self._failure_error(operation, failure, context),
                _safe_cause(failure.cause, self._secrets(tokens_used, request)),
                failure.reached,
            )
        except InvalidRequestError as exc:
            raise exc.with_context(**context.as_kwargs()) from exc.__cause__

        if 200 <= reply.status < 300:
            return reply, None, True
        error = error_from_response(
            reply.status,
            reply.headers,
            reply.body,
            secrets=self._secrets(tokens_used, request),
            safe_to_repeat=_safe_to_repeat(operation),
            **context.as_kwargs(),
        )
        return error, None, True

    def _retry_wait(
        self,
        operation: OperationInfo,
        error: SprinklrError,
        attempt: int,
        reached: bool,
        deadline: float,
    ) -> float | None:
        """Return the wait before the next attempt, or None when not retrying."""
        policy = self.retry_policy
        if not policy.is_transient(error):
            return None
        if reached and not operation.retry:
            return None
        if attempt >= policy.max_attempts:
            return None

        wait = policy.wait_before_retry(error, attempt, self._rng)
        if self._clock() + wait >= deadline:
            logger.warning(
                "not retrying %s after %s: waiting %.2f s would pass the deadline",
                operation.operation_id,
                error.code,
                wait,
            )
            return None
        return wait

    @staticmethod
    def _log_attempt(
        context: _Context, outcome: str, attempt: int, elapsed_ms: float
    ) -> None:
        logger.debug(
            "%s %s %s -> %s (attempt %d, %.1f ms)",
            context.operation_id,
            context.method,
            context.path_template,
            outcome,
            attempt,
            elapsed_ms,
        )

    def _failure_error(
        self, operation: OperationInfo, failure: _SendFailure, context: _Context
    ) -> SprinklrError:
        """Map a failed send to an error. A write that may have arrived is
        reported as ``OutcomeUnknownError``."""
        kwargs = context.as_kwargs()
        if failure.reached and not operation.retry:
            failure_kind = "timed out" if failure.timed_out else "lost its connection"
            return OutcomeUnknownError(
                f"the request {failure_kind} after it was sent", **kwargs
            )
        if failure.timed_out:
            return RequestTimeoutError(
                "no complete response arrived within the timeout", **kwargs
            )
        return SprinklrConnectionError(f"{type(failure.cause).__name__}", **kwargs)

    async def _send_once(
        self,
        operation: OperationInfo,
        request: _Request,
        token: str,
        total: float,
    ) -> _Reply:
        """Send one HTTP request and read the whole response.

        Raises ``_SendFailure`` when no complete response arrived.
        """
        session = self._open_session()
        headers = CIMultiDict[str]()
        headers["Authorization"] = f"Bearer {token}"
        headers["Key"] = self._api_key

        opened: list[IO[bytes]] = []
        data: Any = None
        try:
            if request.files:
                data = await build_form(request.files, request.body, opened)
            elif request.body is not None:
                data = json_body(request.body)
                headers["Content-Type"] = "application/json"
            elif operation.method.upper() in _METHODS_WITH_BODY:
                headers["Content-Length"] = "0"

            # Connection failures before the request went out have their own
            # exception types; anything later may have reached Sprinklr.
            # NOTE: a total timeout that expires while connecting is counted
            # as reached, because aiohttp raises the same TimeoutError then.
            guard = None if operation.retry else (_ResendGuard(),)
            try:
                async with session.request(
                    operation.method.upper(),
                    request.url,
                    params=request.params or None,
                    data=data,
                    headers=headers,
                    timeout=_client_timeout(self.timeouts, total, request.is_upload),
                    allow_redirects=False,
                    middlewares=guard,
                ) as response:
                    body = await response.read()
                    return _Reply(
                        response.status, response.headers, body, request.context
                    )
            except _ResendBlockedError as exc:
                raise _SendFailure(exc, timed_out=False, reached=True) from exc
            except aiohttp.ConnectionTimeoutError as exc:
                raise _SendFailure(exc, timed_out=True, reached=False) from exc
            except aiohttp.ClientConnectorError as exc:
                raise _SendFailure(exc, timed_out=False, reached=False) from exc
            except TimeoutError as exc:
                raise _SendFailure(exc, timed_out=True, reached=True) from exc
            except (aiohttp.ClientError, OSError) as exc:
                raise _SendFailure(exc, timed_out=False, reached=True) from exc
        finally:
            for stream in opened:
                stream.close()

    def _decode_json(
        self,
        operation: OperationInfo,
        reply: _Reply,
        *,
        allow_empty: bool,
        strict: bool,
    ) -> Any:
        """Decode a success body, or return None for an empty body or a 204.

        With ``strict``, a body that is not JSON raises ``InvalidResponseError``.
        """
        if reply.status == 204 or not reply.body.strip():
            if allow_empty:
                return None
            raise InvalidResponseError(
                "the response body is empty",
                status=reply.status,
                **reply.context.as_kwargs(),
            )
        try:
            return json.loads(reply.body)
        except ValueError:
            if not strict:
                return None
            snippet = body_text(reply.headers, reply.body, reply.secrets)
            raise InvalidResponseError(
                f"the body is not JSON (Content-Type "
                f"{reply.headers.get('Content-Type', 'missing')})",
                status=reply.status,
                **reply.context.as_kwargs(),
                sprinklr_message=snippet,
            ) from None

    def _raise_listed_errors(
        self, operation: OperationInfo, reply: _Reply, payload: Any
    ) -> None:
        if isinstance(payload, Mapping) and payload.get("errors"):
            raise error_from_response(
                reply.status,
                reply.headers,
                reply.body,
                **reply.context.as_kwargs(),
                secrets=reply.secrets,
            )

    def _parse_envelope(
        self, operation: OperationInfo, reply: _Reply, response: type[ResponseT]
    ) -> ResponseT:
        """Validate a success body into the operation's envelope model.

        A body that is not an object with ``data`` or ``errors`` (a bare entity
        or array, as some Sprinklr pages show) is taken as the envelope's ``data``.
        """
        # Fast path for the usual envelope: pydantic parses the JSON itself.
        try:
            envelope = response.model_validate_json(reply.body)
        except pydantic.ValidationError:
            pass
        else:
            present = envelope.model_fields_set
            if "data" in present or "errors" in present:
                if getattr(envelope, "errors", None):
                    raise error_from_response(
                        reply.status,
                        reply.headers,
                        reply.body,
                        **reply.context.as_kwargs(),
                        secrets=reply.secrets,
                    )
                return envelope

        payload = self._decode_json(operation, reply, allow_empty=False, strict=True)
        self._raise_listed_errors(operation, reply, payload)
        if not (
            isinstance(payload, Mapping) and ("data" in payload or "errors" in payload)
        ):
            payload = {"data": payload}

        try:
            return response.model_validate(payload)
        except pydantic.ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in issue['loc']) or 'body'}: "
                f"{issue['msg']}"
                for issue in exc.errors(include_input=False, include_url=False)[:3]
            )
            count = exc.error_count()
            raise InvalidResponseError(
                f"the body does not match {response.__name__}: {problems}"
                + (f" ({count} errors in all)" if count > 3 else ""),
                status=reply.status,
                **reply.context.as_kwargs(),
            ) from None


class _ContextFields(TypedDict):
    operation_id: str
    method: str
    path_template: str


@dataclass(frozen=True, slots=True)
class _Context:
    """The operation an error or log line names."""

    operation_id: str
    method: str
    path_template: str

    def as_kwargs(self) -> _ContextFields:
        return {
            "operation_id": self.operation_id,
            "method": self.method,
            "path_template": self.path_template,
        }


@dataclass(frozen=True, slots=True)
class _Request:
    """The parts of a request that stay the same across attempts."""

    url: yarl.URL
    params: list[tuple[str, str]]
    body: Any
    files: Files | None
    is_upload: bool
    context: _Context


@functools.lru_cache(maxsize=64)
def _client_timeout(
    timeouts: Timeouts, total: float, is_upload: bool
) -> aiohttp.ClientTimeout:
    return aiohttp.ClientTimeout(
        total=total,
        connect=min(timeouts.connect, total),
        sock_read=total if is_upload else min(timeouts.sock_read, total),
    )
