"""The client-side rate limiter: never over the limit, close to it under load."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from runtime_support import (
    FakeSprinklr,
    StaticTokenProvider,
    VirtualClock,
    fetch_case,
    make_transport,
)

from sprinklr_mcp.errors import RateLimitedError
from sprinklr_mcp.ratelimit import (
    DEFAULT_RATE_LIMITS,
    RateLimit,
    RateLimiter,
    shared_limiter,
)
from sprinklr_mcp.retry import RetryPolicy
from sprinklr_mcp.transport import HttpTransport

CALLS = 200


def max_in_window(times: Sequence[float], period: float) -> int:
    """Return the most times inside any half-open window ``(t - period, t]``."""
    ordered = sorted(times)
    best = 0
    start = 0
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - period:
            start += 1
        best = max(best, end - start + 1)
    return best


async def run_concurrently(clock: VirtualClock, count: int, call: object) -> None:
    """Run ``count`` calls at once, moving virtual time only when all are idle."""
    finished = 0

    async def one() -> None:
        nonlocal finished
        try:
            await call()  # type: ignore[operator]
        finally:
            finished += 1
            await clock.notify()

    tasks = [asyncio.create_task(one()) for _ in range(count)]
    try:
        while finished < count:
            async with clock.changed:
                await asyncio.wait_for(
                    clock.changed.wait_for(
                        lambda: finished == count or clock.sleeping + finished == count
                    ),
                    timeout=30,
                )
            if finished < count:
                clock.advance()
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    await asyncio.gather(*tasks)


@pytest.mark.parametrize(
    "limits",
    [DEFAULT_RATE_LIMITS, (RateLimit(10, 1.0), RateLimit(150, 60.0))],
    ids=["default", "tight-minute"],
)
async def test_limiter_under_200_concurrent_calls(
    fake: FakeSprinklr, limits: tuple[RateLimit, ...]
) -> None:
    clock = VirtualClock()
    fake.clock = clock.clock
    limiter = RateLimiter(limits, clock=clock.clock, sleep=clock.sleep)
    patient = RetryPolicy(deadline=3600.0)
    transport = make_transport(fake, limiter=limiter, retry_policy=patient)
    transport._clock = clock.clock  # deadlines in the same virtual time

    async def call() -> None:
        await fetch_case(transport)

    async with transport:
        await run_concurrently(clock, CALLS, call)

    times = [request.at for request in fake.requests]
    assert len(times) == CALLS
    for limit in limits:
        assert max_in_window(times, limit.period) <= limit.calls

    # The per-second limit binds: 200 calls at 10 per second need 19 s at best.
    per_second = limits[0]
    if len(limits) == 2 and limits[1].calls >= CALLS:
        span = max(times) - min(times) + per_second.period
        throughput = CALLS / span
        assert throughput >= 0.9 * per_second.calls / per_second.period


async def test_limiter_raises_instead_of_waiting_past_deadline() -> None:
    clock = VirtualClock()
    limiter = RateLimiter([RateLimit(2, 1.0)], clock=clock.clock, sleep=clock.sleep)

    await limiter.acquire(deadline=0.5)
    await limiter.acquire(deadline=0.5)
    with pytest.raises(RateLimitedError) as caught:
        await limiter.acquire(deadline=0.5)

    assert caught.value.retry_after == pytest.approx(1.0)
    assert caught.value.status is None
    # The refused caller reserved nothing, so a patient caller gets the next slot.
    waiter = asyncio.create_task(limiter.acquire(deadline=5.0))
    await asyncio.sleep(0)
    assert clock.sleeping == 1
    clock.advance()
    assert await waiter == pytest.approx(1.0)


async def test_transport_rate_error_names_operation(fake: FakeSprinklr) -> None:
    clock = VirtualClock()
    limiter = RateLimiter([RateLimit(1, 600.0)], clock=clock.clock, sleep=clock.sleep)
    transport = make_transport(fake, limiter=limiter)
    transport._clock = clock.clock

    async with transport:
        await fetch_case(transport)
        with pytest.raises(RateLimitedError) as caught:
            await fetch_case(transport)

    assert caught.value.operation_id == "getCaseById"
    assert caught.value.retry_after == pytest.approx(600.0)
    assert len(fake.requests) == 1


def test_shared_limiter_per_api_key() -> None:
    first = shared_limiter("key-shared-test-a")
    again = shared_limiter("key-shared-test-a")
    other = shared_limiter("key-shared-test-b")

    assert first is again
    assert first is not other
    assert first.limits == DEFAULT_RATE_LIMITS


def test_shared_limiter_keeps_first_limits(caplog: pytest.LogCaptureFixture) -> None:
    first = shared_limiter("key-shared-test-c", [RateLimit(5, 1.0)])
    second = shared_limiter("key-shared-test-c", [RateLimit(50, 1.0)])

    assert second is first
    assert first.limits == (RateLimit(5, 1.0),)
    assert "already has a rate limiter" in caplog.text
    assert "key-shared-test-c" not in caplog.text


async def test_two_transports_share_one_key(fake: FakeSprinklr) -> None:
    clock = VirtualClock()
    fake.clock = clock.clock
    limiter = RateLimiter([RateLimit(10, 1.0)], clock=clock.clock, sleep=clock.sleep)
    transports: list[HttpTransport] = [
        make_transport(fake, limiter=limiter, tokens=StaticTokenProvider())
        for _ in range(2)
    ]
    for transport in transports:
        transport._clock = clock.clock
        await transport.open()
    calls = iter(range(60))

    async def call() -> None:
        transport = transports[next(calls) % 2]
        await fetch_case(transport)

    try:
        await run_concurrently(clock, 60, call)
    finally:
        for transport in transports:
            await transport.close()

    times = [request.at for request in fake.requests]
    assert len(times) == 60
    assert max_in_window(times, 1.0) <= 10


@pytest.mark.parametrize(("calls", "period"), [(0, 1.0), (1, 0.0), (3, -1.0)])
def test_rate_limit_rejects_bad_values(calls: int, period: float) -> None:
    with pytest.raises(ValueError):
        RateLimit(calls, period)
