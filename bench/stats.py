"""Medians and spreads of repeated timings."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

__all__ = ["ratio_summary", "summarize"]


def summarize(samples: Sequence[float], *, digits: int = 6) -> dict[str, Any]:
    """Return the median, quartiles, extremes and count of ``samples``.

    Quartiles use the inclusive method, so two samples give their own values.
    """
    if not samples:
        raise ValueError("summarize needs at least one sample")

    ordered = sorted(samples)
    if len(ordered) >= 2:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        q1 = q3 = ordered[0]
    return {
        "median": round(statistics.median(ordered), digits),
        "q1": round(q1, digits),
        "q3": round(q3, digits),
        "min": round(ordered[0], digits),
        "max": round(ordered[-1], digits),
        "n": len(ordered),
    }


def ratio_summary(
    numerators: Sequence[float], denominators: Sequence[float]
) -> dict[str, Any]:
    """Summarize per-round ratios, which cancel the drift shared by both sides."""
    if len(numerators) != len(denominators):
        raise ValueError(
            f"ratio needs paired rounds, got {len(numerators)} and {len(denominators)}"
        )
    return summarize(
        [n / d for n, d in zip(numerators, denominators, strict=True)], digits=4
    )
