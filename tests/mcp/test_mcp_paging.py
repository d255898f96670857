"""Paging by whole items and cursors that bind to the call's arguments."""

from __future__ import annotations

import pytest

from sprinklr_mcp.mcp_server.paging import (
    InvalidCursor,
    arguments_digest,
    decode_cursor,
    encode_cursor,
    json_size,
    take_page,
)

ITEMS = [{"id": index, "text": "x" * 90} for index in range(50)]


def test_page_never_cuts_an_item() -> None:
    page = take_page(ITEMS, 0, 2000, 20)

    assert page.items == ITEMS[: len(page.items)]
    assert 0 < len(page.items) < len(ITEMS)
    assert json_size(page.items) <= 2000
    assert page.next_offset == len(page.items)
    assert page.total == 50


def test_pages_cover_the_list_once() -> None:
    seen: list[dict[str, object]] = []
    offset: int | None = 0
    while offset is not None:
        page = take_page(ITEMS, offset, 1500, 20)
        seen.extend(page.items)
        offset = page.next_offset

    assert seen == ITEMS


def test_oversized_item_still_returned() -> None:
    huge = [{"text": "y" * 10_000}, {"text": "z"}]

    page = take_page(huge, 0, 1000, 20)

    assert page.items == [huge[0]]
    assert page.next_offset == 1


def test_small_list_fits_whole() -> None:
    page = take_page(ITEMS[:3], 0, 20_000, 20)

    assert page.items == ITEMS[:3]
    assert page.next_offset is None


def test_offset_past_end_is_empty() -> None:
    page = take_page(ITEMS, 80, 20_000, 20)

    assert page.items == []
    assert page.offset == 50
    assert page.next_offset is None


def test_cursor_round_trip() -> None:
    digest = arguments_digest({"caseId": "abc", "tool": "t"})

    assert decode_cursor(encode_cursor(17, digest), digest) == 17


def test_cursor_from_other_arguments_rejected() -> None:
    cursor = encode_cursor(5, arguments_digest({"caseId": "abc"}))

    with pytest.raises(InvalidCursor, match="other arguments"):
        decode_cursor(cursor, arguments_digest({"caseId": "def"}))


def test_malformed_cursor_rejected() -> None:
    digest = arguments_digest({})
    for cursor in ("", "not-base64!!", encode_cursor(-1, digest), 12):
        with pytest.raises(InvalidCursor):
            decode_cursor(cursor, digest)


def test_digest_ignores_key_order() -> None:
    assert arguments_digest({"a": 1, "b": [1, 2]}) == arguments_digest(
        {"b": [1, 2], "a": 1}
    )
