"""Media upload, single and bulk, and the file URLs the uploads return.

Uploaded files are served back at ``/media/<id>/<name>`` without authentication,
the way Sprinklr's content store serves them from a CDN host. Comments and
publishing accept those URLs; a sandbox media URL whose ID was never uploaded is
rejected, because Sprinklr could not fetch it either.
"""

from __future__ import annotations

import logging
import mimetypes
import struct
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import BodyPartReader, web

from .envelope import ApiError, ok
from .routes import Route, base_url, state_of
from .state import MediaFile, Record, SandboxState
from .validation import bad_request, query_str

__all__ = ["MEDIA_FILE_ROUTE", "ROUTES", "check_media_url", "image_size"]

logger = logging.getLogger(__name__)

ASSET_TYPES = ("IMAGE", "VIDEO", "FILE")
MEDIA_PREFIX = "/media/"

# Maximum edge of the preview Sprinklr makes for an image, in pixels, as in the
# documented upload responses (720 px wide previews).
PREVIEW_EDGE = 720


def image_size(content: bytes) -> tuple[int, int] | None:
    """Return (width, height) of a PNG, GIF or JPEG image, or None."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return int(width), int(height)
    if content.startswith(b"\xff\xd8"):
        return _jpeg_size(content)
    return None


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    # Walk the JPEG segments to the first start-of-frame marker (SOF0 to SOF15,
    # except DHT C4, JPG C8 and DAC CC), whose body contains height then width.
    position = 2
    while position + 9 < len(content):
        if content[position] != 0xFF:
            return None
        marker = content[position + 1]
        length = struct.unpack(">H", content[position + 2 : position + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", content[position + 5 : position + 9])
            return int(width), int(height)
        position += 2 + length
    return None


def _asset_type(request: web.Request) -> str:
    value = query_str(request, "assetType")
    assert value is not None
    normalised = value.upper()
    if normalised not in ASSET_TYPES:
        raise ApiError(
            400,
            f"Invalid request: assetType must be one of {', '.join(ASSET_TYPES)} "
            f"(any letter case), got {value!r}",
            field="assetType",
        )
    return normalised


def _preview_name(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return f"{stem}_p.{extension}" if dot else f"{name}_p"


def store_upload(
    state: SandboxState,
    root: str,
    *,
    name: str,
    content: bytes,
    content_type: str | None,
    asset_type: str,
) -> Record:
    """Store one uploaded file and return its media record."""
    media_id = state.ids.hex24()
    mime_type = content_type
    if not mime_type or mime_type == "application/octet-stream":
        mime_type = mimetypes.guess_type(name)[0] or "application/octet-stream"

    # Images get their dimensions and a preview URL, as in Sprinklr's responses.
    record: Record = {}
    size = image_size(content) if asset_type in ("IMAGE", "FILE") else None
    if size is not None:
        width, height = size
        scale = min(1.0, PREVIEW_EDGE / max(width, height, 1))
        record.update(
            {
                "width": width,
                "height": height,
                "previewWidth": round(width * scale),
                "previewHeight": round(height * scale),
            }
        )

    record.update(
        {
            "id": media_id,
            "mimeType": mime_type,
            "name": name,
            "url": f"{root}{MEDIA_PREFIX}{media_id}/{quote(name)}",
            "previewUrl": (
                f"{root}{MEDIA_PREFIX}{media_id}/{quote(_preview_name(name))}"
                if size is not None
                else ""
            ),
            "size": len(content),
        }
    )

    state.media[media_id] = MediaFile(record=record, content=content)
    logger.debug("sandbox media %s stored, %d bytes", media_id, len(content))
    return record


async def _file_parts(
    request: web.Request, field_name: str
) -> list[tuple[str, bytes, str | None]]:
    """Read the multipart parts named ``field_name``: (filename, bytes, type)."""
    if not request.content_type.startswith("multipart/"):
        raise ApiError(
            415,
            "Unsupported Media Type: send the file as multipart/form-data, "
            f"got {request.content_type or 'no Content-Type'}",
        )
    try:
        files = await _read_parts(request, field_name)
    except (ValueError, LookupError) as exc:
        # aiohttp raises ValueError for a missing or unmatched boundary and a
        # body cut short, LookupError for a part in an unknown charset.
        raise ApiError(
            400,
            f"Invalid request: the multipart body is malformed ({exc}); send "
            "multipart/form-data with a boundary and complete parts",
            field=field_name,
        ) from None
    for filename, _content, _type in files:
        _check_file_name(filename, field_name)
    if not files:
        raise bad_request(
            field_name, "is required: add a multipart part with this name"
        )
    return files


async def _read_parts(
    request: web.Request, field_name: str
) -> list[tuple[str, bytes, str | None]]:
    reader = await request.multipart()
    files = []
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, BodyPartReader) or part.name != field_name:
            continue
        content = await part.read(decode=True)
        files.append(
            (
                part.filename or "upload",
                bytes(content),
                part.headers.get("Content-Type"),
            )
        )
    return files


def _check_file_name(name: str, field: str) -> None:
    """Reject a file name that UTF-8 cannot encode, such as one with raw bytes."""
    try:
        name.encode()
    except UnicodeEncodeError:
        raise bad_request(
            field, f"has a file name that is not valid UTF-8: {name!r}"
        ) from None


async def upload_media(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/media/upload: store one file from the ``file`` part."""
    asset_type = _asset_type(request)
    files = await _file_parts(request, "file")
    filename, content, content_type = files[0]
    name = request.query.get("fileName") or filename
    _check_file_name(name, "fileName")
    record = store_upload(
        state_of(request),
        base_url(request),
        name=name,
        content=content,
        content_type=content_type,
        asset_type=asset_type,
    )
    return ok(record)


async def upload_media_bulk(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/media/upload/multiple: store every ``files`` part."""
    asset_type = _asset_type(request)
    files = await _file_parts(request, "files")
    state = state_of(request)
    root = base_url(request)
    records = [
        store_upload(
            state,
            root,
            name=filename,
            content=content,
            content_type=content_type,
            asset_type=asset_type,
        )
        for filename, content, content_type in files
    ]
    return ok(records)


async def serve_media(request: web.Request) -> web.StreamResponse:
    """GET /media/<id>/<name>: the uploaded bytes, as a CDN would serve them."""
    stored = state_of(request).media.get(request.match_info["media_id"])
    name = request.match_info["name"]
    if stored is None or name not in (
        stored.record["name"],
        _preview_name(stored.record["name"]),
    ):
        raise web.HTTPNotFound(text="media not found")
    return web.Response(body=stored.content, content_type=stored.record["mimeType"])


def check_media_url(request: web.Request, url: Any, field: str) -> None:
    """Reject a sandbox media URL whose file was never uploaded.

    Other URLs pass unchecked: the sandbox never fetches outside addresses, and
    Sprinklr's own examples use URLs on hosts the sandbox cannot know.
    """
    if not isinstance(url, str):
        raise bad_request(field, "must be a string URL")
    parts = urlsplit(url)
    if parts.netloc != request.host or not parts.path.startswith(MEDIA_PREFIX):
        return
    media_id = parts.path[len(MEDIA_PREFIX) :].split("/", 1)[0]
    if media_id not in state_of(request).media:
        raise bad_request(
            field,
            f"points to media {media_id!r}, which was never uploaded; upload the "
            "file first and use the url from the upload response",
        )


ROUTES = (
    Route("POST", "/api/v2/media/upload", upload_media),
    Route("POST", "/api/v2/media/upload/multiple", upload_media_bulk),
)

MEDIA_FILE_ROUTE = Route("GET", "/media/{media_id}/{name}", serve_media)
