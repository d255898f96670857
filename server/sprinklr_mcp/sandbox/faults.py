"""Fault selection: which injected failure, if any, a call meets."""

from __future__ import annotations

import enum
import random
from collections import deque

from .config import FaultConfig

__all__ = ["Fault", "FaultInjector"]


class Fault(enum.Enum):
    """An injected failure. Values are the names the CLI and ``fail_next`` take."""

    ERROR_500 = "500"
    ERROR_503 = "503"
    DROP = "drop"
    TRUNCATE = "truncate"

    @property
    def before_handler(self) -> bool:
        """Return whether the fault happens before the call takes effect."""
        return self in (Fault.ERROR_500, Fault.ERROR_503)


class FaultInjector:
    """Picks the fault for each call from the rates and a queue of scripted faults.

    Scripted faults (``fail_next``) come first, in order, and draw nothing from
    the random generator. ``config`` can be changed while the sandbox runs;
    ``reseed`` restarts the random sequence.
    """

    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._random = random.Random(config.seed)
        self._scripted: deque[Fault] = deque()

    def reseed(self, seed: int | None = None) -> None:
        """Restart the random sequence from ``seed`` (default: the configured seed)."""
        if seed is not None:
            self.config.seed = seed
        self._random = random.Random(self.config.seed)

    def fail_next(self, fault: Fault | str, count: int = 1) -> None:
        """Make the next ``count`` calls meet ``fault``, whatever the rates are."""
        if count < 1:
            raise ValueError(f"count must be at least 1, got {count}")
        self._scripted.extend([Fault(fault)] * count)

    def clear(self) -> None:
        """Drop the scripted faults that no call has met yet."""
        self._scripted.clear()

    def pick(self) -> Fault | None:
        """Return the fault for one call, or None for a normal response."""
        if self._scripted:
            return self._scripted.popleft()

        config = self.config
        thresholds = (
            (Fault.ERROR_500, config.error_500_rate),
            (Fault.ERROR_503, config.error_503_rate),
            (Fault.DROP, config.drop_rate),
            (Fault.TRUNCATE, config.truncate_rate),
        )
        if not any(rate for _, rate in thresholds):
            return None

        draw = self._random.random()
        upper = 0.0
        for fault, rate in thresholds:
            upper += rate
            if draw < upper:
                return fault
        return None
