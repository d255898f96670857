"""Settings of the embedded Sprinklr sandbox: environments, limits and faults."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "KNOWN_ENVIRONMENTS",
    "Clock",
    "FaultConfig",
    "ManualClock",
    "RateLimitConfig",
    "SandboxConfig",
    "SandboxConfigError",
]

# Wall-clock time in seconds since the epoch. Tests pass a ManualClock instead.
Clock = Callable[[], float]

# Sprinklr's environment path segments; "" is global production, which has none.
KNOWN_ENVIRONMENTS: tuple[str, ...] = (
    "",
    "prod0",
    "prod2",
    "prod3",
    "prod4",
    "prod5",
    "prod8",
    "prod12",
    "prod15",
)

_ENVIRONMENT_PATTERN = re.compile(r"^[a-z][a-z0-9]{0,15}$")

# The documented default lifetime of an access token: 2,591,999 seconds, 30 days.
DEFAULT_TOKEN_LIFETIME = 2_591_999


class SandboxConfigError(ValueError):
    """A sandbox setting is out of range; the message names the setting."""


class ManualClock:
    """A clock that moves only when ``advance`` is called, for deterministic tests."""

    def __init__(self, start: float = 1_767_225_600.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``."""
        if seconds < 0:
            raise ValueError(f"cannot move the clock back by {seconds} s")
        self.now += seconds


@dataclass
class RateLimitConfig:
    """Per-key call limits and how the sandbox responds to a call over them.

    A limit of ``None`` switches that window off. Every call that passes the key
    and environment checks counts, including calls later rejected for their token.
    """

    per_second: int | None = 10
    per_hour: int | None = 1000
    status: Literal[403, 429] = 403

    def validate(self) -> None:
        """Raise SandboxConfigError for a limit below 1 or an unknown status."""
        for name, limit in (
            ("per_second", self.per_second),
            ("per_hour", self.per_hour),
        ):
            if limit is not None and limit < 1:
                raise SandboxConfigError(
                    f"rate limit {name} must be at least 1 or None, got {limit}"
                )
        if self.status not in (403, 429):
            raise SandboxConfigError(
                f"rate limit status must be 403 or 429, got {self.status}"
            )


@dataclass
class FaultConfig:
    """Faults injected into API calls, all off by default.

    Each call draws one number from a random generator seeded with ``seed``, so
    the same sequence of calls meets the same faults. The four rates are
    fractions of calls and must add up to at most 1. A 500 or 503 comes before
    the call takes effect. A dropped connection or a truncated response comes
    after it took effect, so the caller cannot know the outcome. ``latency`` is
    in seconds; ``include_oauth`` applies the faults to the OAuth endpoints too.
    """

    latency: float = 0.0
    error_500_rate: float = 0.0
    error_503_rate: float = 0.0
    drop_rate: float = 0.0
    truncate_rate: float = 0.0
    seed: int = 0
    include_oauth: bool = False

    def validate(self) -> None:
        """Raise SandboxConfigError for a negative value or rates above 1 in total."""
        if self.latency < 0:
            raise SandboxConfigError(
                f"fault latency must be 0 or more seconds, got {self.latency}"
            )
        rates = {
            "error_500_rate": self.error_500_rate,
            "error_503_rate": self.error_503_rate,
            "drop_rate": self.drop_rate,
            "truncate_rate": self.truncate_rate,
        }
        for name, rate in rates.items():
            if not 0.0 <= rate <= 1.0:
                raise SandboxConfigError(
                    f"fault {name} must be between 0 and 1, got {rate}"
                )
        total = sum(rates.values())
        if total > 1.0 + 1e-9:
            raise SandboxConfigError(
                f"fault rates add up to {total:g}; lower them to 1 or less in total"
            )


@dataclass
class SandboxConfig:
    """How to run one sandbox: where, for which environment, with which knobs.

    ``environment`` is the environment the registered API key belongs to ("" for
    global production). ``environments`` are the path segments the sandbox
    routes; a call on any of them other than the key's own gets 421.
    ``api_key`` and ``api_secret`` are random unless given. ``token_lifetime``
    is the access token lifetime in seconds. ``auto_approve`` skips the consent
    page. ``seed`` fixes the generated data; ``clock`` drives every expiry,
    rate window and timestamp.
    """

    host: str = "127.0.0.1"
    port: int = 0
    environment: str = "prod2"
    environments: tuple[str, ...] = KNOWN_ENVIRONMENTS
    api_key: str | None = None
    api_secret: str | None = None
    redirect_uri: str = "http://127.0.0.1:8765/oauth/callback"
    token_lifetime: int = DEFAULT_TOKEN_LIFETIME
    auto_approve: bool = False
    rate_limits: RateLimitConfig = field(default_factory=RateLimitConfig)
    faults: FaultConfig = field(default_factory=FaultConfig)
    seed: int = 20260101
    clock: Clock = time.time

    def validate(self) -> None:
        """Raise SandboxConfigError naming the first setting that is out of range."""
        for environment in (self.environment, *self.environments):
            if environment and not _ENVIRONMENT_PATTERN.match(environment):
                raise SandboxConfigError(
                    f"environment {environment!r} is not a path segment such as "
                    "'prod2'; use '' for global production"
                )
        if self.environment not in self.environments:
            raise SandboxConfigError(
                f"environment {self.environment!r} is not among the routed "
                f"environments {list(self.environments)}"
            )
        if not 0 <= self.port <= 65535:
            raise SandboxConfigError(f"port must be 0 to 65535, got {self.port}")
        if self.token_lifetime < 1:
            raise SandboxConfigError(
                f"token lifetime must be at least 1 second, got {self.token_lifetime}"
            )
        self.rate_limits.validate()
        self.faults.validate()
