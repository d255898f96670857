"""A client-side rate limiter per Sprinklr API key, shared within the process.

Sprinklr counts calls per API key (by default 10 per second and 1,000 per
hour) and responds with 403 "Developer Over Rate" or 429 beyond that. Every client in
the process that uses the same key takes its slots from one limiter, so two
connections with one key cannot together exceed the limits.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sprinklr_mcp.errors import RateLimitedError

__all__ = [
    "DEFAULT_RATE_LIMITS",
    "RateLimit",
    "RateLimiter",
    "shared_limiter",
]

logger = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``calls`` requests in any window of ``period`` seconds."""

    calls: int
    period: float

    def __post_init__(self) -> None:
        if self.calls < 1:
            raise ValueError(f"a rate limit needs at least 1 call, got {self.calls}")
        if self.period <= 0:
            raise ValueError(f"a rate limit period must be positive, got {self.period}")


DEFAULT_RATE_LIMITS = (RateLimit(10, 1.0), RateLimit(1000, 3600.0))


class RateLimiter:
    """Grants request slots so that no window contains more calls than its limit.

    Each caller reserves the earliest slot that keeps every sliding window
    within its limit, then sleeps until the slot's time. Reservations are in
    first-come order, so waiting callers are served fairly. A slot is used up
    when it is reserved, even if the caller is cancelled while it waits; that
    errs on the safe side of the limit. The reservation step holds a
    ``threading.Lock``, so clients in several threads and event loops can share
    one limiter. ``clock`` returns seconds on a monotonic scale and ``sleep``
    waits that many seconds; tests inject virtual ones.
    """

    def __init__(
        self,
        limits: Sequence[RateLimit] = DEFAULT_RATE_LIMITS,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if not limits:
            raise ValueError("a rate limiter needs at least one limit")
        self.limits = tuple(limits)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        # Only the latest ``calls`` slot times of a window decide the next slot.
        self._granted = [deque[float](maxlen=limit.calls) for limit in self.limits]
        self._last_slot = float("-inf")

    def _reserve(self, deadline: float | None) -> tuple[float, float]:
        """Reserve the earliest allowed slot and return it with the current time."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._last_slot)
            for limit, granted in zip(self.limits, self._granted, strict=True):
                if len(granted) == limit.calls:
                    slot = max(slot, granted[0] + limit.period)

            if deadline is not None and slot > deadline:
                raise RateLimitedError(
                    f"no request slot free before the call's deadline "
                    f"(limits: {self.describe()})",
                    retry_after=slot - now,
                )

            for granted in self._granted:
                granted.append(slot)
            self._last_slot = slot
            return slot, now

    async def acquire(self, deadline: float | None = None) -> float:
        """Wait for a request slot and return the seconds waited.

        ``deadline`` is a time on this limiter's clock. When the earliest free
        slot lies after it, nothing is reserved and ``RateLimitedError`` is
        raised at once, with ``retry_after`` set to the wait that would have
        been needed.
        """
        slot, now = self._reserve(deadline)
        wait = slot - now
        if wait > 0:
            logger.debug("waiting %.3f s for a rate limit slot", wait)
            await self._sleep(wait)
        return max(wait, 0.0)

    def describe(self) -> str:
        """Return the limits as text, such as ``10 per 1 s, 1000 per 3600 s``."""
        return ", ".join(
            f"{limit.calls} per {limit.period:g} s" for limit in self.limits
        )


_shared: dict[str, RateLimiter] = {}
_shared_lock = threading.Lock()


def shared_limiter(
    api_key: str, limits: Sequence[RateLimit] = DEFAULT_RATE_LIMITS
) -> RateLimiter:
    """Return the process-wide limiter for ``api_key``, creating it on first use.

    The first caller's limits hold for the key. A later caller that asks for
    other limits gets the existing limiter, and a warning is logged (with a
    fingerprint of the key, never the key).
    """
    fingerprint = hashlib.sha256(api_key.encode()).hexdigest()
    wanted = tuple(limits)
    with _shared_lock:
        limiter = _shared.get(fingerprint)
        if limiter is None:
            limiter = RateLimiter(wanted)
            _shared[fingerprint] = limiter
        elif limiter.limits != wanted:
            logger.warning(
                "API key %s… already has a rate limiter with limits %s; "
                "ignoring the other limits requested",
                fingerprint[:8],
                limiter.describe(),
            )
        return limiter
