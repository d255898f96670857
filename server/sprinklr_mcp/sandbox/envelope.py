"""Sprinklr's response bodies: the ``{data, errors}`` envelope and gateway errors."""

from __future__ import annotations

import itertools
import json
from typing import Any

from aiohttp import web

__all__ = [
    "ApiError",
    "error_response",
    "json_response",
    "ok",
    "text_error",
]

_error_ids = itertools.count(1)


class ApiError(Exception):
    """A call Sprinklr would reject, sent back as an envelope with one error entry.

    ``field`` is the dotted name of the offending request field, if any; it goes
    into the entry's ``details`` and the message names it too.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = headers or {}

    def entry(self) -> dict[str, Any]:
        """Return the element of the ``errors`` array for this error."""
        entry: dict[str, Any] = {
            "id": f"sandbox-{next(_error_ids)}",
            "code": self.status,
            "message": self.message,
        }
        if self.field is not None:
            entry["details"] = {"field": self.field}
        return entry


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """Serialise ``body`` compactly as the real API does."""
    return web.Response(
        body=json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode(),
        status=status,
        content_type="application/json",
        charset="utf-8",
        headers=headers,
    )


def ok(data: Any) -> web.Response:
    """Return 200 with ``data`` in the envelope and an empty ``errors`` list."""
    return json_response({"data": data, "errors": []})


def error_response(error: ApiError) -> web.Response:
    """Return an ApiError as an envelope whose ``data`` is null."""
    return json_response(
        {"data": None, "errors": [error.entry()]},
        status=error.status,
        headers=error.headers,
    )


def text_error(
    status: int, text: str, headers: dict[str, str] | None = None
) -> web.Response:
    """Return plain text, the way the API gateway reports key and rate errors."""
    return web.Response(
        text=text, status=status, content_type="text/plain", headers=headers
    )
