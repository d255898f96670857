"""Retries: what is sent again, how long the client waits, and what never repeats."""

from __future__ import annotations

import asyncio
import random
import socket

import pytest
from aiohttp import web
from runtime_support import (
    CREATE_CASE,
    DELETE_CASES,
    GET_CASE,
    UPDATE_CASE,
    Envelope,
    FakeSprinklr,
    FakeTime,
    Recorded,
    StaticTokenProvider,
    drop_connection,
    make_transport,
    reply,
    start_fake,
)

from sprinklr_generated.protocol import OperationInfo
from sprinklr_mcp.errors import (
    AuthenticationError,
    DeveloperInactiveError,
    OutcomeUnknownError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
)
from sprinklr_mcp.retry import RetryPolicy
from sprinklr_mcp.transport import HttpTransport, Timeouts

OK = reply(200, {"data": {"id": "c1"}, "errors": []})


async def send(
    transport: HttpTransport,
    operation: OperationInfo = GET_CASE,
    timeout: float | None = None,
) -> Envelope:
    return await transport.call(
        operation,
        path={"caseId": "c1"},
        query={},
        body={"subject": "s"} if operation.method != "GET" else None,
        files=None,
        response=Envelope,
        timeout=timeout,
    )


async def test_read_retried_after_503(fake: FakeSprinklr) -> None:
    time = FakeTime()
    fake.queue(reply(503, text="Service Unavailable"), reply(503), OK)

    async with make_transport(fake, time=time) as transport:
        envelope = await send(transport)

    assert envelope.data == {"id": "c1"}
    assert len(fake.requests) == 3
    assert len(time.waits) == 2
    assert 0.25 <= time.waits[0] <= 0.5
    assert 0.5 <= time.waits[1] <= 1.0


async def test_read_retried_after_429_retry_after(fake: FakeSprinklr) -> None:
    time = FakeTime()
    fake.queue(reply(429, text="Too Many Requests", headers={"Retry-After": "7"}), OK)

    async with make_transport(fake, time=time) as transport:
        await send(transport)

    assert len(fake.requests) == 2
    assert time.waits == [7.0]


async def test_read_retried_after_over_rate(fake: FakeSprinklr) -> None:
    time = FakeTime()
    fake.queue(
        reply(403, text="Developer Over Rate", headers={"X-RateLimit-Reset": "3"}), OK
    )

    async with make_transport(fake, time=time) as transport:
        await send(transport)

    assert len(fake.requests) == 2
    assert time.waits == [3.0]


async def test_read_retried_after_dropped_connection(fake: FakeSprinklr) -> None:
    fake.queue(drop_connection(), drop_connection(), OK)

    async with make_transport(fake) as transport:
        envelope = await send(transport)

    assert envelope.data == {"id": "c1"}
    assert len(fake.requests) == 3


async def test_read_retried_after_timeout(fake: FakeSprinklr) -> None:
    async def stall(request: web.Request, recorded: Recorded) -> web.StreamResponse:
        await fake.release.wait()
        return web.Response()

    fake.queue(stall, OK)
    async with make_transport(fake) as transport:
        envelope = await send(transport, timeout=0.2)

    assert envelope.data == {"id": "c1"}
    assert len(fake.requests) == 2


async def test_create_timeout_is_outcome_unknown(fake: FakeSprinklr) -> None:
    async def stall(request: web.Request, recorded: Recorded) -> web.StreamResponse:
        await fake.release.wait()
        return web.Response()

    fake.queue(stall)
    async with make_transport(fake) as transport:
        with pytest.raises(
            OutcomeUnknownError, match="check before repeating"
        ) as caught:
            await send(transport, CREATE_CASE, timeout=0.2)

    assert len(fake.requests) == 1
    assert caught.value.operation_id == "createCase"
    assert caught.value.retryable is False
    assert isinstance(caught.value.__cause__, TimeoutError)


@pytest.mark.parametrize("operation", [CREATE_CASE, UPDATE_CASE])
async def test_write_not_resent_after_drop(
    fake: FakeSprinklr, operation: OperationInfo
) -> None:
    fake.queue(drop_connection(), OK)

    async with make_transport(fake) as transport:
        with pytest.raises(OutcomeUnknownError):
            await send(transport, operation)

    assert len(fake.requests) == 1


async def test_write_not_retried_after_503(fake: FakeSprinklr) -> None:
    fake.queue(reply(503), OK)

    async with make_transport(fake) as transport:
        with pytest.raises(ServerError) as caught:
            await send(transport, CREATE_CASE)

    assert len(fake.requests) == 1
    assert caught.value.status == 503
    assert caught.value.retryable is False
    assert caught.value.outcome_unknown is True
    assert "outcome is unknown" in str(caught.value)


async def test_retried_delete_503_is_unknown(fake: FakeSprinklr) -> None:
    # The delete may be repeated, but after a 503 it may have run already.
    time = FakeTime()
    fake.default = reply(503, text="Service unavailable")

    async with make_transport(
        fake, time=time, retry_policy=RetryPolicy(max_attempts=2)
    ) as transport:
        with pytest.raises(ServerError) as caught:
            await transport.call_no_content(
                DELETE_CASES, path={}, query={}, body=["c1", "c1"], timeout=None
            )

    assert len(fake.requests) == 2
    assert caught.value.status == 503
    assert caught.value.retryable is False
    assert caught.value.outcome_unknown is True


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_write_retried_when_connection_refused() -> None:
    port = unused_port()
    fake = FakeSprinklr()
    servers = []
    time = FakeTime()

    async def sleep_then_start(seconds: float) -> None:
        await time.sleep(seconds)
        if not servers:
            servers.append(await start_fake(fake, port=port))

    transport = HttpTransport(
        f"http://127.0.0.1:{port}",
        "key",
        StaticTokenProvider(),
        retry_policy=RetryPolicy(max_attempts=3),
        clock=time.clock,
        sleep=sleep_then_start,
    )
    try:
        async with transport:
            envelope = await send(transport, CREATE_CASE)
    finally:
        for server in servers:
            await server.close()

    assert envelope.data == {"id": "c1"}
    assert len(fake.requests) == 1
    assert len(time.waits) == 1


async def test_attempts_are_capped(fake: FakeSprinklr) -> None:
    time = FakeTime()
    fake.default = reply(503, text="maintenance")

    async with make_transport(
        fake, time=time, retry_policy=RetryPolicy(max_attempts=3)
    ) as transport:
        with pytest.raises(ServerError) as caught:
            await send(transport)

    assert len(fake.requests) == 3
    assert len(time.waits) == 2
    assert caught.value.sprinklr_message == "maintenance"
    assert caught.value.retryable is True


async def test_retry_after_past_deadline_raises(fake: FakeSprinklr) -> None:
    time = FakeTime()
    fake.default = reply(429, headers={"Retry-After": "100"})

    async with make_transport(
        fake, time=time, retry_policy=RetryPolicy(deadline=30.0)
    ) as transport:
        with pytest.raises(RateLimitedError) as caught:
            await send(transport)

    assert len(fake.requests) == 1
    assert time.waits == []
    assert caught.value.retry_after == 100.0


async def test_deadline_bounds_backoff(fake: FakeSprinklr) -> None:
    time = FakeTime()
    fake.default = reply(503)
    policy = RetryPolicy(
        max_attempts=50, deadline=10.0, base_delay=1.0, multiplier=2.0, jitter=0.0
    )

    async with make_transport(fake, time=time, retry_policy=policy) as transport:
        with pytest.raises(ServerError):
            await send(transport)

    # Waits of 1, 2 and 4 s fit in 10 s; the next, 8 s, would not.
    assert time.waits == [1.0, 2.0, 4.0]
    assert len(fake.requests) == 4


async def test_unauthorized_refreshes_once(fake: FakeSprinklr) -> None:
    tokens = StaticTokenProvider("old-token", "new-token")
    fake.queue(
        reply(401, {"data": [], "errors": [{"code": 401, "message": "expired"}]})
    )

    async with make_transport(fake, tokens=tokens) as transport:
        envelope = await send(transport)

    assert envelope.data == {"id": "c1"}
    assert tokens.refreshes == ["old-token"]
    assert [r.headers["Authorization"] for r in fake.requests] == [
        "Bearer old-token",
        "Bearer new-token",
    ]


async def test_unauthorized_twice_raises(fake: FakeSprinklr) -> None:
    tokens = StaticTokenProvider("old-token", "new-token", "third-token")
    fake.default = reply(401, text="Unauthorized")

    async with make_transport(fake, tokens=tokens) as transport:
        with pytest.raises(AuthenticationError) as caught:
            await send(transport, CREATE_CASE)

    assert tokens.refreshes == ["old-token"]
    assert len(fake.requests) == 2
    assert caught.value.status == 401


async def test_developer_inactive_never_refreshes(fake: FakeSprinklr) -> None:
    tokens = StaticTokenProvider("old-token", "new-token")
    fake.default = reply(401, text="Developer Inactive")

    async with make_transport(fake, tokens=tokens) as transport:
        with pytest.raises(DeveloperInactiveError):
            await send(transport)

    assert tokens.refreshes == []
    assert len(fake.requests) == 1


async def test_refresh_does_not_use_an_attempt(fake: FakeSprinklr) -> None:
    tokens = StaticTokenProvider("old-token", "new-token")
    fake.queue(reply(401), reply(503), OK)

    async with make_transport(
        fake, tokens=tokens, retry_policy=RetryPolicy(max_attempts=2)
    ) as transport:
        await send(transport)

    assert len(fake.requests) == 3


async def test_deadline_passed_before_attempt(fake: FakeSprinklr) -> None:
    time = FakeTime()

    class SlowTokens(StaticTokenProvider):
        async def access_token(self) -> str:
            time.now += 500
            return await super().access_token()

    async with make_transport(fake, time=time, tokens=SlowTokens()) as transport:
        with pytest.raises(RequestTimeoutError, match="deadline"):
            await send(transport)

    assert fake.requests == []


def test_backoff_grows_with_jitter() -> None:
    policy = RetryPolicy(base_delay=0.5, multiplier=2.0, max_delay=4.0, jitter=0.5)
    rng = random.Random(7)

    for attempt, step in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (9, 4.0)]:
        for _ in range(50):
            wait = policy.backoff(attempt, rng)
            assert step * 0.5 <= wait <= step


@pytest.mark.parametrize(
    "options",
    [
        {"max_attempts": 0},
        {"deadline": 0},
        {"multiplier": 0.5},
        {"jitter": 2},
        {"base_delay": -1},
    ],
)
def test_policy_rejects_bad_values(options: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**options)  # type: ignore[arg-type]


async def test_timeout_argument_must_be_positive(fake: FakeSprinklr) -> None:
    async with make_transport(fake) as transport:
        with pytest.raises(Exception, match="timeout must be positive"):
            await send(transport, timeout=0)

    assert fake.requests == []


@pytest.mark.parametrize("field", ["connect", "sock_read", "total", "upload_total"])
def test_timeouts_reject_non_positive(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        Timeouts(**{field: 0.0})  # type: ignore[arg-type]


async def test_write_waiting_for_pool_is_not_outcome_unknown(
    fake: FakeSprinklr,
) -> None:
    started = asyncio.Event()

    async def stall(request: web.Request, recorded: Recorded) -> web.StreamResponse:
        started.set()
        await fake.release.wait()
        return web.json_response({"data": {}, "errors": []})

    fake.queue(stall)
    transport = make_transport(
        fake,
        timeouts=Timeouts(connect=0.1, sock_read=5.0, total=5.0),
        retry_policy=RetryPolicy(max_attempts=2),
        connection_limit=1,
    )
    async with transport:
        holder = asyncio.create_task(send(transport))
        await asyncio.wait_for(started.wait(), timeout=10)
        with pytest.raises(RequestTimeoutError) as caught:
            await send(transport, CREATE_CASE)
        fake.release.set()
        await holder

    # The create never got a connection, so it was tried twice and never sent.
    assert [request.method for request in fake.requests] == ["GET"]
    assert caught.value.operation_id == "createCase"
