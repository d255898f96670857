"""Request encoding: path parameters, query strings, JSON and multipart bodies."""

from __future__ import annotations

import asyncio
import enum
import functools
import json
import mimetypes
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import IO, Any
from urllib.parse import quote

import aiohttp
import pydantic
import pydantic_core

from sprinklr_generated.protocol import Files, FileUpload
from sprinklr_mcp.errors import InvalidRequestError

__all__ = ["build_form", "fill_path", "json_body", "query_items", "to_jsonable"]

_PLACEHOLDER = re.compile(r"\{([^{}/]+)\}")
_JSON_SCALARS = frozenset({str, int, float, bool})


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]+")


def _path_value(name: str, value: Any) -> str:
    if value is None:
        raise InvalidRequestError(f"path parameter {name!r} is missing")
    text = value if isinstance(value, str) else _scalar_text(value)
    if not text:
        raise InvalidRequestError(f"path parameter {name!r} is empty")

    # Escape everything but unreserved characters, "/" included, and dots too
    # where a segment would otherwise read as "." or ".." and be folded away
    # by URL normalization.
    quoted = text if _UNRESERVED.fullmatch(text) else quote(text, safe="")
    if set(quoted) <= {"."}:
        quoted = quoted.replace(".", "%2E")
    return quoted


@functools.lru_cache(maxsize=256)
def _template_parts(template: str) -> tuple[str, ...]:
    """Split a path template; odd positions hold the placeholder names."""
    return tuple(_PLACEHOLDER.split(template))


def fill_path(template: str, path: Mapping[str, Any]) -> str:
    """Return ``template`` with each ``{name}`` replaced by its escaped value.

    Raises ``InvalidRequestError`` when a placeholder has no value.
    """
    parts = list(_template_parts(template))
    for index in range(1, len(parts), 2):
        name = parts[index]
        if name not in path:
            raise InvalidRequestError(
                f"path parameter {name!r} is missing for path {template}"
            )
        parts[index] = _path_value(name, path[name])
    return "".join(parts)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return _scalar_text(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, pydantic.BaseModel):
        return json.dumps(to_jsonable(value), separators=(",", ":"))
    return str(value)


def query_items(query: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return query parameters as (name, text) pairs, in the given order.

    None values are dropped, booleans become ``true``/``false``, and a list
    becomes one repeated parameter per item.
    """
    items: list[tuple[str, str]] = []
    for name, value in query.items():
        if value is None:
            continue
        values = value if isinstance(value, list | tuple | set | frozenset) else [value]
        for item in values:
            if item is not None:
                items.append((name, _scalar_text(item)))
    return items


def to_jsonable(value: Any) -> Any:
    """Convert a request body to JSON-compatible values, by alias.

    Models contribute only the fields that were set, so a server-side default
    is never overwritten by a client-side default.
    """
    # Exact type checks first: plain JSON values are the common case, and the
    # abstract-class checks below are slow.
    kind = type(value)
    if value is None or kind in _JSON_SCALARS:
        return value
    if kind is list:
        return [to_jsonable(item) for item in value]
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    return pydantic_core.to_jsonable_python(value)


def json_body(value: Any) -> bytes:
    """Return a request body as compact UTF-8 JSON, by alias."""
    return json.dumps(
        to_jsonable(value), separators=(",", ":"), ensure_ascii=False
    ).encode()


def _uploads(value: FileUpload | Sequence[FileUpload]) -> list[FileUpload]:
    if isinstance(value, FileUpload):
        return [value]
    return list(value)


async def build_form(
    files: Files, body: Any, opened: list[IO[bytes]]
) -> aiohttp.FormData:
    """Build a multipart body whose file parts are streamed from open files.

    Every file opened is appended to ``opened`` so that the caller closes it.
    """
    form = aiohttp.FormData(default_to_multipart=True)
    if body is not None:
        fields = to_jsonable(body)
        if not isinstance(fields, Mapping):
            raise InvalidRequestError("a multipart body must be an object of fields")
        for name, field_value in fields.items():
            if field_value is None:
                continue
            if isinstance(field_value, str):
                form.add_field(name, field_value)
            else:
                form.add_field(
                    name, json.dumps(field_value), content_type="application/json"
                )

    for field_name, value in files.items():
        for upload in _uploads(value):
            content_type = (
                upload.content_type
                or mimetypes.guess_type(upload.filename)[0]
                or "application/octet-stream"
            )
            if upload.content is not None:
                form.add_field(
                    field_name,
                    upload.content,
                    filename=upload.filename,
                    content_type=content_type,
                )
                continue
            assert upload.path is not None
            try:
                stream = await asyncio.to_thread(open, upload.path, "rb")
            except OSError as exc:
                raise InvalidRequestError(
                    f"cannot open file {upload.filename!r} for field "
                    f"{field_name!r}: {exc.strerror or exc}"
                ) from exc
            opened.append(stream)
            form.add_field(
                field_name, stream, filename=upload.filename, content_type=content_type
            )
    return form
