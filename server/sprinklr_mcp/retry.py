"""When a failed Sprinklr request is sent again, and how long the client waits first."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sprinklr_mcp.errors import (
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    SprinklrConnectionError,
    SprinklrError,
)

__all__ = ["DEFAULT_RETRY_STATUSES", "RetryPolicy"]

# The statuses Sprinklr uses for transient trouble: rate limiting, maintenance
# and gateway timeouts. 403 "Developer Over Rate" counts as 429.
DEFAULT_RETRY_STATUSES = frozenset({429, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Limits and waits for automatic retries.

    A request is sent again only when the operation's spec marks it safe to
    repeat (``x-sprinklr.retry``) or when it provably never reached Sprinklr
    (the connection was refused or never established). A 401 gets one
    refresh-and-retry on top of ``max_attempts``.

    ``max_attempts`` counts every send, the first one included. ``deadline``
    (seconds) bounds the whole call: sends, waits for the rate limiter and
    waits between attempts. A call whose single attempt may take longer (a
    per-call ``timeout`` or an upload) gets that longer bound instead. Waits
    grow from ``base_delay`` by ``multiplier`` up to ``max_delay``, and a
    random part of each wait (``jitter``, a fraction) spreads clients apart.
    A ``Retry-After`` or ``X-RateLimit-Reset`` from Sprinklr replaces the
    computed wait; when that wait would end after the deadline, the error is
    raised at once with its ``retry_after``.
    """

    max_attempts: int = 4
    deadline: float = 120.0
    base_delay: float = 0.5
    multiplier: float = 2.0
    max_delay: float = 20.0
    jitter: float = 0.5
    retry_statuses: frozenset[int] = field(default=DEFAULT_RETRY_STATUSES)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(
                f"max_attempts must be at least 1, got {self.max_attempts}"
            )
        if self.deadline <= 0:
            raise ValueError(f"deadline must be positive seconds, got {self.deadline}")
        if self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("base_delay and max_delay must not be negative")
        if self.multiplier < 1:
            raise ValueError(f"multiplier must be at least 1, got {self.multiplier}")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter must be between 0 and 1, got {self.jitter}")

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Return the wait in seconds after failed attempt number ``attempt`` (1-based).

        The wait is the exponential step with its last ``jitter`` fraction
        drawn at random, so it lies in ``[step * (1 - jitter), step]``.
        """
        step = min(self.max_delay, self.base_delay * self.multiplier ** (attempt - 1))
        return step * (1.0 - self.jitter) + rng.uniform(0.0, step * self.jitter)

    def is_transient(self, error: SprinklrError) -> bool:
        """Return whether ``error`` is a kind that this policy sends again.

        The caller still checks whether repeating the operation is safe.
        """
        if isinstance(error, RateLimitedError):
            # The client-side limiter raises without a status; waiting longer
            # than the caller's deadline is what it refused, so no retry.
            return error.status is not None and 429 in self.retry_statuses
        if isinstance(error, ServerError):
            return error.status in self.retry_statuses
        return isinstance(error, RequestTimeoutError | SprinklrConnectionError)

    def wait_before_retry(
        self, error: SprinklrError, attempt: int, rng: random.Random
    ) -> float:
        """Return the seconds to wait before resending after ``error``."""
        if error.retry_after is not None:
            return error.retry_after
        return self.backoff(attempt, rng)
