"""Per-key call counting over a one-second and a one-hour sliding window."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from .config import Clock, RateLimitConfig

__all__ = ["RateLimitExceeded", "RateLimiter"]

_WINDOWS = (("per_second", 1.0), ("per_hour", 3600.0))


@dataclass(frozen=True)
class RateLimitExceeded:
    """A rejected call: which window it broke and when a call would pass again."""

    window: str
    limit: int
    retry_after: int


class RateLimiter:
    """Admit or reject calls per API key; the limits can change while running."""

    def __init__(self, limits: RateLimitConfig, clock: Clock) -> None:
        self.limits = limits
        self._clock = clock
        # One deque of call times per key and window, oldest first, trimmed to
        # the window's length so that its size is the count in the window.
        self._calls: dict[tuple[str, str], deque[float]] = {}

    def admit(self, api_key: str) -> RateLimitExceeded | None:
        """Count one call for ``api_key``, or return why it is over a limit.

        A rejected call is not counted, so a client that waits for
        ``retry_after`` seconds gets through.
        """
        now = self._clock()
        windows = []
        for name, length in _WINDOWS:
            calls = self._calls.setdefault((api_key, name), deque())
            while calls and calls[0] <= now - length:
                calls.popleft()
            windows.append((name, length, calls))

        for name, length, calls in windows:
            limit: int | None = getattr(self.limits, name)
            if limit is not None and len(calls) >= limit:
                oldest_blocking = calls[len(calls) - limit]
                wait = oldest_blocking + length - now
                return RateLimitExceeded(
                    window=name, limit=limit, retry_after=max(1, math.ceil(wait))
                )

        for _, _, calls in windows:
            calls.append(now)
        return None

    def reset(self, api_key: str | None = None) -> None:
        """Forget the counted calls of one key, or of every key."""
        for key in list(self._calls):
            if api_key is None or key[0] == api_key:
                del self._calls[key]
