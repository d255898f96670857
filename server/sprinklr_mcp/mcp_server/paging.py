"""Cut list results by whole items to a byte budget, with a cursor for the rest.

A cursor contains the offset of the next item and a digest of the call's other
arguments. The server keeps no state between pages: a call with a cursor runs
the same read again and skips the items already returned, so any replica can
serve the next page. Only ``read`` tools are paged, because only they are safe
to repeat.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .arguments import json_text_depth

__all__ = [
    "CURSOR_ARGUMENT",
    "InvalidCursor",
    "Page",
    "arguments_digest",
    "decode_cursor",
    "encode_cursor",
    "json_size",
    "take_page",
]

# Not "cursor": some Sprinklr operations already take an argument of that name.
CURSOR_ARGUMENT = "pageCursor"
# Room for the paging fields that take_page adds next to the items.
_PAGING_OVERHEAD = 160
# Cursors from encode_cursor are under 80 characters and hold one flat object;
# anything longer or deeper is rejected before it is decoded.
_MAX_CURSOR_CHARS = 256


class InvalidCursor(ValueError):
    """A cursor that is malformed or belongs to a call with other arguments."""


@dataclass(frozen=True, slots=True)
class Page:
    """Items of one page and where it sits in the whole list."""

    items: list[Any]
    offset: int
    total: int
    next_offset: int | None


def json_size(value: Any) -> int:
    """Return the length in bytes of the compact UTF-8 JSON form of ``value``."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def arguments_digest(arguments: Mapping[str, Any]) -> str:
    """Return a short digest that identifies a call's arguments, order-insensitive."""
    canonical = json.dumps(
        arguments, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def encode_cursor(offset: int, digest: str) -> str:
    """Return an opaque cursor string for the page that starts at ``offset``."""
    raw = json.dumps({"o": offset, "d": digest}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: Any, digest: str) -> int:
    """Return the offset stored in ``cursor`` after checking it matches the call."""
    if not isinstance(cursor, str) or not cursor:
        raise InvalidCursor("expected the nextCursor string from an earlier result")
    foreign = InvalidCursor("not a cursor from this server; pass nextCursor unchanged")
    if len(cursor) > _MAX_CURSOR_CHARS:
        raise foreign
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        if json_text_depth(text, 1) > 1:
            raise foreign
        decoded = json.loads(text)
        offset = decoded["o"]
        cursor_digest = decoded["d"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise foreign from None
    if not isinstance(offset, int) or offset < 0:
        raise foreign
    if cursor_digest != digest:
        raise InvalidCursor(
            "the cursor belongs to a call with other arguments; repeat the "
            "earlier call's arguments unchanged together with its nextCursor"
        )
    return offset


def take_page(items: Sequence[Any], offset: int, budget: int, base_size: int) -> Page:
    """Take whole items from ``offset`` until the next one would pass the budget.

    ``base_size`` is the size of the result without the items. At least one
    item is returned when any remain, even if it alone passes the budget, so
    that a caller can always make progress.
    """
    total = len(items)
    start = min(offset, total)
    room = budget - base_size - _PAGING_OVERHEAD
    taken: list[Any] = []
    used = 0
    for item in items[start:]:
        size = json_size(item) + 1
        if taken and used + size > room:
            break
        taken.append(item)
        used += size
    end = start + len(taken)
    return Page(
        items=taken,
        offset=start,
        total=total,
        next_offset=end if end < total else None,
    )
