"""Test helpers: a scriptable Sprinklr stand-in on 127.0.0.1, token providers,
fake and virtual time."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import json
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer
from multidict import CIMultiDictProxy, MultiDictProxy
from pydantic import BaseModel, ConfigDict

from sprinklr_generated.protocol import OperationInfo
from sprinklr_mcp.retry import RetryPolicy
from sprinklr_mcp.transport import HttpTransport, Timeouts

API_KEY = "test-api-key-0001"
ACCESS_TOKEN = "test-access-token-0001"


class Envelope(BaseModel):
    """A permissive ``{data, errors}`` envelope for operations of the tests."""

    model_config = ConfigDict(extra="allow")

    data: Any = None
    errors: list[Any] | None = None


def operation(
    operation_id: str = "getCaseById",
    method: str = "GET",
    path: str = "/api/v2/case/{caseId}",
    *,
    retry: bool = True,
    body_kind: str = "none",
    source: str = "read-case-by-case-id",
    no_content: bool = False,
    composite: tuple[str, ...] = (),
) -> OperationInfo:
    """Build the OperationInfo of an operation like the generated ones."""
    safety = "read" if method == "GET" else "write"
    return OperationInfo(
        operation_id=operation_id,
        method=method,
        path=path,
        safety=safety,  # type: ignore[arg-type]
        retry=retry,
        source=source,
        tool=None,
        body_kind=body_kind,  # type: ignore[arg-type]
        no_content=no_content,
        composite=composite,
    )


GET_CASE = operation()
CREATE_CASE = operation(
    "createCase", "POST", "/api/v2/case", retry=False, body_kind="json"
)
UPDATE_CASE = operation(
    "updateCase", "PUT", "/api/v2/case", retry=False, body_kind="json"
)
DELETE_CASES = operation(
    "deleteCasesById", "POST", "/api/v2/case/delete", retry=True, no_content=True
)


class StaticTokenProvider:
    """Hands out fixed access tokens; a refresh moves on to the next one."""

    def __init__(self, *tokens: str) -> None:
        self.tokens = list(tokens or (ACCESS_TOKEN,))
        self.index = 0
        self.refreshes: list[str] = []

    async def access_token(self) -> str:
        return self.tokens[self.index]

    async def refresh_after_unauthorized(self, rejected: str) -> str:
        self.refreshes.append(rejected)
        if rejected == self.tokens[self.index] and self.index + 1 < len(self.tokens):
            self.index += 1
        return self.tokens[self.index]


@dataclass
class Recorded:
    """One request as the fake server received it."""

    method: str
    path: str
    raw_path: str
    query: MultiDictProxy[str]
    headers: CIMultiDictProxy[str]
    body: bytes = b""
    at: float = 0.0

    def json(self) -> Any:
        return json.loads(self.body)


Handler = Callable[[web.Request, Recorded], Awaitable[web.StreamResponse]]


def reply(
    status: int = 200,
    payload: Any = None,
    *,
    text: str | None = None,
    content_type: str | None = None,
    headers: dict[str, str] | None = None,
) -> Handler:
    """Return a handler that responds with a JSON payload or a text body."""

    async def handle(request: web.Request, recorded: Recorded) -> web.StreamResponse:
        if text is not None:
            return web.Response(
                status=status,
                text=text,
                content_type=content_type or "text/plain",
                headers=headers,
            )
        if payload is None:
            return web.Response(status=status, headers=headers)
        return web.json_response(payload, status=status, headers=headers)

    return handle


def drop_connection() -> Handler:
    """Return a handler that closes the connection without a response."""

    async def handle(request: web.Request, recorded: Recorded) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.close()
        raise asyncio.CancelledError

    return handle


@dataclass
class FakeSprinklr:
    """Responds to each request with the next queued handler, or ``default``."""

    clock: Callable[[], float] = lambda: 0.0
    requests: list[Recorded] = field(default_factory=list)
    handlers: deque[Handler] = field(default_factory=deque)
    default: Handler = field(
        default_factory=lambda: reply(200, {"data": {"id": "c1"}, "errors": []})
    )
    stream_body: bool = False
    release: asyncio.Event = field(default_factory=asyncio.Event)
    server: TestServer | None = None

    def queue(self, *handlers: Handler) -> None:
        self.handlers.extend(handlers)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        recorded = Recorded(
            method=request.method,
            path=request.path,
            raw_path=request.raw_path,
            query=request.query,
            headers=request.headers,
            at=self.clock(),
        )
        self.requests.append(recorded)
        if not self.stream_body:
            recorded.body = await request.read()
        handler = self.handlers.popleft() if self.handlers else self.default
        return await handler(request, recorded)

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")


async def start_fake(fake: FakeSprinklr, port: int | None = None) -> TestServer:
    app = web.Application(client_max_size=200 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", fake.handle)
    server = TestServer(app, host="127.0.0.1", port=port, handler_cancellation=True)
    await server.start_server()
    fake.server = server
    return server


class FakeTime:
    """A clock that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


class VirtualClock:
    """Virtual time for many concurrent tasks.

    Sleepers wait until ``advance`` moves time to their wake-up time. The test
    calls it only when every task is asleep or done, so time never changes
    while a request is in flight.
    """

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self.changed = asyncio.Condition()

    def clock(self) -> float:
        return self.now

    @property
    def sleeping(self) -> int:
        return len(self._sleepers)

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), future))
        async with self.changed:
            self.changed.notify_all()
        await future

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    def advance(self) -> None:
        """Move to the earliest wake-up time and wake everyone due then."""
        wake_at = self._sleepers[0][0]
        self.now = max(self.now, wake_at)
        while self._sleepers and self._sleepers[0][0] <= self.now:
            _, _, future = heapq.heappop(self._sleepers)
            future.set_result(None)


FAST_RETRIES = RetryPolicy(max_attempts=4, deadline=60.0, base_delay=0.5, jitter=0.5)


def make_transport(
    fake: FakeSprinklr,
    *,
    tokens: StaticTokenProvider | None = None,
    time: FakeTime | None = None,
    retry_policy: RetryPolicy = FAST_RETRIES,
    base_url: str | None = None,
    **options: Any,
) -> HttpTransport:
    """Build a transport aimed at ``fake`` whose waits use fake time."""
    time = time or FakeTime()
    options.setdefault("timeouts", Timeouts(connect=5.0, sock_read=10.0, total=10.0))
    return HttpTransport(
        base_url or fake.url,
        API_KEY,
        tokens or StaticTokenProvider(),
        retry_policy=retry_policy,
        clock=time.clock,
        sleep=time.sleep,
        **options,
    )


async def fetch_case(transport: HttpTransport) -> Envelope:
    """Send ``getCaseById`` for case ``c1`` with no query, body or timeout."""
    return await transport.call(
        GET_CASE,
        path={"caseId": "c1"},
        query={},
        body=None,
        files=None,
        response=Envelope,
        timeout=None,
    )
