"""Resolve the media sources that upload tools accept: a local file, a URL or base64.

A media source is a set of tool arguments with exactly one of ``filePath``,
``fileUrl`` or ``fileBase64``, plus an optional ``fileName``: flattened into
the tool's arguments for a single file, or one object per file in a list.
Every source is read into memory, bounded by the policy's size limits, so that
the upload request sends bytes that were checked and cannot change afterwards.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import logging
import mimetypes
import os
import socket
import stat
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import aiohttp
import anyio.to_thread
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from sprinklr_generated.protocol import FileUpload

__all__ = [
    "MEDIA_KEYS",
    "SOURCE_KEYS",
    "MediaError",
    "MediaPolicy",
    "embedded_ipv4",
    "parse_networks",
    "resolve_media",
]

logger = logging.getLogger(__name__)

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

PATH_KEY = "filePath"
URL_KEY = "fileUrl"
BASE64_KEY = "fileBase64"
NAME_KEY = "fileName"
SOURCE_KEYS = (PATH_KEY, URL_KEY, BASE64_KEY)
MEDIA_KEYS = (*SOURCE_KEYS, NAME_KEY)
_MAX_REDIRECTS = 5
_DEFAULT_FILE_NAME = "upload.bin"
_PROC_FD = Path("/proc/self/fd")


class MediaError(ValueError):
    """A media source that is invalid, not allowed or could not be read."""


@dataclass(frozen=True, slots=True)
class MediaPolicy:
    """Limits, set by the operator, on what upload tools may read.

    ``allowed_dirs`` empty means local paths are rejected. Sizes are in bytes,
    ``url_timeout`` in seconds. Private, loopback, link-local and other
    non-public addresses are rejected for URLs unless they fall inside one of
    ``url_allowed_networks``.
    """

    allowed_dirs: tuple[Path, ...] = ()
    max_file_bytes: int = 25 * 1024 * 1024
    max_base64_bytes: int = 1024 * 1024
    url_timeout: float = 30.0
    url_allowed_networks: tuple[IpNetwork, ...] = field(default=())

    def address_allowed(self, address: str) -> bool:
        """Return whether a download may connect to this IP address.

        An IPv6 address that carries an IPv4 address (mapped, compatible,
        translated, NAT64, 6to4, Teredo) is judged by the IPv4 address, because
        that is the host the connection reaches.
        """
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if self._in_allowed_network(ip):
            return True
        if isinstance(ip, ipaddress.IPv4Address):
            return _public_ipv4(ip)

        embedded = embedded_ipv4(ip)
        if embedded is not None:
            return self._in_allowed_network(embedded) or _public_ipv4(embedded)
        return _public_ipv6(ip)

    def _in_allowed_network(self, ip: IpAddress) -> bool:
        return any(ip in network for network in self.url_allowed_networks)


# RFC 6052 well-known NAT64 prefix: the last 32 bits are the IPv4 address.
_NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")
# RFC 8215 local-use NAT64 prefix. Where the IPv4 address sits depends on the
# prefix length each network picks, so the whole range is rejected.
_NAT64_LOCAL_USE = ipaddress.IPv6Network("64:ff9b:1::/48")
# RFC 2765 IPv4-translated addresses, ::ffff:0:a.b.c.d.
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")
# Deprecated IPv4-compatible addresses, ::a.b.c.d (RFC 4291 section 2.5.5.1).
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address that an IPv6 transition address leads to, if any.

    Covers IPv4-mapped, IPv4-compatible (except ``::`` and ``::1``),
    IPv4-translated, NAT64 with the well-known prefix, 6to4 and Teredo (the
    client address). ``ip.teredo`` already inverts the client bits.
    """
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped

    low_bits = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _IPV4_TRANSLATED or ip in _NAT64_WELL_KNOWN:
        return low_bits
    if ip in _IPV4_COMPATIBLE and int(ip) > 1:
        return low_bits
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def _public_ipv4(ip: ipaddress.IPv4Address) -> bool:
    # is_global alone is not enough: Python 3.11 counts 224.0.0.0/4 as global.
    return ip.is_global and not (
        ip.is_multicast
        or ip.is_reserved
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_unspecified
    )


def _public_ipv6(ip: ipaddress.IPv6Address) -> bool:
    # Python 3.11 counts site-local fec0::/10, ::/8 and the NAT64 local-use
    # prefix as global, so each non-public kind is rejected by name.
    return (
        ip.is_global
        and ip not in _NAT64_LOCAL_USE
        and not (
            ip.is_multicast
            or ip.is_reserved
            or ip.is_site_local
            or ip.is_private
            or ip.is_loopback
            or ip.is_link_local
            or ip.is_unspecified
        )
    )


async def resolve_media(
    source: Any, policy: MediaPolicy, *, prefix: str = ""
) -> FileUpload:
    """Read one media source into a ``FileUpload``.

    ``prefix`` is put before argument names in messages (``files[2].``).
    Raises ``MediaError`` with a message that names the argument and states what
    to change.
    """
    if not isinstance(source, Mapping):
        raise MediaError(
            f"{prefix.rstrip('.') or 'file'}: expected an object with one of "
            f"{', '.join(SOURCE_KEYS)}"
        )

    given = [key for key in SOURCE_KEYS if source.get(key) is not None]
    if len(given) != 1:
        raise MediaError(
            f"{prefix}{'/'.join(SOURCE_KEYS)}: give exactly one of "
            f"{', '.join(SOURCE_KEYS)} (got {', '.join(given) if given else 'none'})"
        )
    file_name = source.get(NAME_KEY)
    if file_name is not None:
        _check_file_name(file_name, f"{prefix}{NAME_KEY}")
    content_type: str | None = None

    key = given[0]
    field_name = f"{prefix}{key}"
    if key == PATH_KEY:
        content, default_name = await _read_local_file(source[key], policy, field_name)
    elif key == URL_KEY:
        content, default_name, content_type = await _download(
            source[key], policy, field_name
        )
    else:
        content = _decode_base64(source[key], policy, field_name)
        default_name = _DEFAULT_FILE_NAME

    name = file_name or _clean_file_name(default_name)
    guessed = mimetypes.guess_type(name)[0]
    if guessed is not None or content_type in (None, "application/octet-stream"):
        content_type = guessed or "application/octet-stream"
    return FileUpload(filename=name, content=content, content_type=content_type)


async def _read_local_file(
    raw_path: Any, policy: MediaPolicy, argument: str
) -> tuple[bytes, str]:
    """Read a file that lies inside an allowed directory after resolving symlinks.

    The checks and the read run in a worker thread, because even a regular
    file on a slow disk or network mount would stall the event loop.
    """
    if not isinstance(raw_path, str) or not raw_path:
        raise MediaError(f"{argument}: expected a non-empty string")
    if "\x00" in raw_path:
        raise MediaError(
            f"{argument}: {raw_path!r} contains a NUL character, which no file "
            "path can contain; send the path without it"
        )
    if not policy.allowed_dirs:
        raise MediaError(
            f"{argument}: reading local files is disabled on this server; "
            "the operator can allow a directory with --media-dir, or send fileUrl "
            "or fileBase64 instead"
        )
    return await anyio.to_thread.run_sync(
        _read_file_blocking, raw_path, policy, argument
    )


def _read_file_blocking(
    raw_path: str, policy: MediaPolicy, argument: str
) -> tuple[bytes, str]:
    roots = [Path(os.path.realpath(directory)) for directory in policy.allowed_dirs]
    candidate = Path(raw_path).expanduser()
    if not candidate.is_absolute():
        candidate = roots[0] / candidate
    resolved = Path(os.path.realpath(candidate))
    if not _inside(candidate, roots):
        raise MediaError(
            f"{argument}: {raw_path!r} is outside the allowed media "
            f"directories ({', '.join(str(root) for root in roots)})"
        )

    # A FIFO or device would block open() until another process takes part,
    # so anything but a regular file is refused before opening it.
    try:
        mode = os.lstat(resolved).st_mode
    except FileNotFoundError:
        raise MediaError(f"{argument}: file {raw_path!r} not found") from None
    except OSError as error:
        raise MediaError(
            f"{argument}: cannot open {raw_path!r}: {error.strerror}"
        ) from None
    if not stat.S_ISREG(mode):
        raise MediaError(f"{argument}: {raw_path!r} is not a regular file")

    try:
        # O_NONBLOCK: a FIFO swapped in after the check still cannot block.
        descriptor = os.open(
            resolved, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
        )
    except FileNotFoundError:
        raise MediaError(f"{argument}: file {raw_path!r} not found") from None
    except OSError as error:
        raise MediaError(
            f"{argument}: cannot open {raw_path!r}: {error.strerror}"
        ) from None

    try:
        # The path was checked before opening; check the opened file again so
        # that a symlink swapped in between cannot redirect the read.
        if _PROC_FD.is_dir() and not _inside(_PROC_FD / str(descriptor), roots):
            raise MediaError(f"{argument}: {raw_path!r} changed while it was opened")
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise MediaError(f"{argument}: {raw_path!r} is not a regular file")
        if info.st_size > policy.max_file_bytes:
            raise MediaError(
                f"{argument}: {raw_path!r} has {info.st_size} bytes, more "
                f"than the limit of {policy.max_file_bytes}"
            )
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            content = handle.read(policy.max_file_bytes + 1)
    finally:
        os.close(descriptor)

    if len(content) > policy.max_file_bytes:
        raise MediaError(
            f"{argument}: {raw_path!r} is larger than the limit of "
            f"{policy.max_file_bytes} bytes"
        )
    return content, candidate.name


def _is_control(character: str) -> bool:
    # Cc: C0 and C1 controls such as NUL, CR and LF. Zl, Zp: the Unicode line
    # and paragraph separators, which end a line in some header parsers.
    return unicodedata.category(character) in ("Cc", "Zl", "Zp")


def _check_file_name(name: Any, argument: str) -> None:
    """Raise ``MediaError`` unless ``name`` can go into a multipart header.

    A file name is sent as the ``filename`` of the part's Content-Disposition
    header, so control characters are rejected, and so are path separators,
    which Sprinklr would not keep.
    """
    if not isinstance(name, str):
        raise MediaError(f"{argument}: expected a string")
    bad = sorted({repr(character) for character in name if _is_control(character)})
    if bad:
        raise MediaError(
            f"{argument}: {name!r} contains control characters ({', '.join(bad)}); "
            "send a plain file name such as photo.png"
        )
    if "/" in name or "\\" in name:
        raise MediaError(
            f"{argument}: {name!r} contains a path separator; send only the file "
            "name, such as photo.png"
        )
    if name in (".", ".."):
        raise MediaError(f"{argument}: {name!r} is not a file name")


def _clean_file_name(name: str) -> str:
    """Replace control characters and backslashes in a name taken from a path or URL."""
    cleaned = "".join(
        "_" if _is_control(character) or character == "\\" else character
        for character in name
    )
    return cleaned if cleaned not in ("", ".", "..") else _DEFAULT_FILE_NAME


def _inside(path: Path, roots: Sequence[Path]) -> bool:
    """Return whether ``path``, with every symlink resolved, lies under a root."""
    resolved = Path(os.path.realpath(path))
    return any(resolved.is_relative_to(root) for root in roots)


def _decode_base64(encoded: Any, policy: MediaPolicy, argument: str) -> bytes:
    if not isinstance(encoded, str):
        raise MediaError(f"{argument}: expected a string")

    compact = "".join(encoded.split())
    if compact.startswith("data:") and "," in compact:
        compact = compact.split(",", 1)[1]
    # Four base64 characters carry three bytes; check before decoding so an
    # oversized value is rejected without allocating it.
    if len(compact) * 3 // 4 > policy.max_base64_bytes + 2:
        raise MediaError(
            f"{argument}: content is larger than the limit of "
            f"{policy.max_base64_bytes} bytes; send fileUrl or filePath instead"
        )

    try:
        content = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise MediaError(f"{argument}: not valid base64") from None
    if len(content) > policy.max_base64_bytes:
        raise MediaError(
            f"{argument}: content has {len(content)} bytes, more than the "
            f"limit of {policy.max_base64_bytes}; send fileUrl or filePath instead"
        )
    return content


class _CheckedResolver(AbstractResolver):
    """Resolve names and drop every address that the policy does not allow."""

    def __init__(self, policy: MediaPolicy) -> None:
        self._policy = policy
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        allowed = [
            item for item in results if self._policy.address_allowed(item["host"])
        ]
        if not allowed:
            raise _BlockedAddress(host)
        return allowed

    async def close(self) -> None:
        await self._inner.close()


class _BlockedAddress(OSError):
    def __init__(self, host: str) -> None:
        super().__init__(f"{host} resolves only to private or loopback addresses")
        self.host = host


def _check_url(url: str, policy: MediaPolicy, argument: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise MediaError(
            f"{argument}: scheme {parts.scheme or '(none)'!r} is not allowed; "
            "use http or https"
        )
    if not parts.hostname:
        raise MediaError(f"{argument}: {url!r} has no host")
    if parts.username or parts.password:
        raise MediaError(f"{argument}: URLs with credentials are not allowed")
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return
    if not policy.address_allowed(str(literal)):
        raise MediaError(
            f"{argument}: address {parts.hostname} is private, loopback or "
            "reserved, and the server does not allow downloads from it"
        )


def _name_from_url(url: str) -> str:
    last = PurePosixPath(unquote(urlsplit(url).path)).name
    return last or _DEFAULT_FILE_NAME


async def _download(
    url: Any, policy: MediaPolicy, argument: str
) -> tuple[bytes, str, str | None]:
    """Download a URL without following redirects into disallowed addresses."""
    if not isinstance(url, str) or not url:
        raise MediaError(f"{argument}: expected a non-empty string")

    timeout = aiohttp.ClientTimeout(total=policy.url_timeout)
    connector = aiohttp.TCPConnector(
        resolver=_CheckedResolver(policy), use_dns_cache=False
    )
    current = url
    try:
        async with aiohttp.ClientSession(
            connector=connector, timeout=timeout, trust_env=False
        ) as session:
            for _ in range(_MAX_REDIRECTS + 1):
                _check_url(current, policy, argument)
                async with session.get(current, allow_redirects=False) as response:
                    if response.status in (301, 302, 303, 307, 308):
                        location = response.headers.get("Location")
                        if not location:
                            raise MediaError(
                                f"{argument}: redirect without a Location header"
                            )
                        current = urljoin(current, location)
                        continue
                    if response.status != 200:
                        raise MediaError(
                            f"{argument}: download failed with HTTP {response.status}"
                        )
                    content = await _read_bounded(response, policy, argument)
                    return content, _name_from_url(current), response.content_type
            raise MediaError(f"{argument}: more than {_MAX_REDIRECTS} redirects")
    except TimeoutError:
        raise MediaError(
            f"{argument}: download timed out after {policy.url_timeout:g} s"
        ) from None
    except aiohttp.ClientConnectorError as error:
        # aiohttp wraps the resolver's exception in the connector error.
        if isinstance(error.os_error, _BlockedAddress):
            raise MediaError(
                f"{argument}: {error.os_error.host} resolves only to private, "
                "loopback or reserved addresses, and the server does not allow "
                "downloads from them"
            ) from None
        logger.info("media download failed: %s", type(error).__name__)
        raise MediaError(
            f"{argument}: could not connect ({type(error).__name__})"
        ) from None
    except aiohttp.ClientError as error:
        logger.info("media download failed: %s", type(error).__name__)
        raise MediaError(
            f"{argument}: download failed ({type(error).__name__})"
        ) from None


async def _read_bounded(
    response: aiohttp.ClientResponse, policy: MediaPolicy, argument: str
) -> bytes:
    limit = policy.max_file_bytes
    if response.content_length is not None and response.content_length > limit:
        raise MediaError(
            f"{argument}: the file has {response.content_length} bytes, more "
            f"than the limit of {limit}"
        )
    chunks: list[bytes] = []
    received = 0
    async for chunk in response.content.iter_chunked(64 * 1024):
        received += len(chunk)
        if received > limit:
            raise MediaError(
                f"{argument}: the file is larger than the limit of {limit} bytes"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def parse_networks(values: Sequence[str]) -> tuple[IpNetwork, ...]:
    """Parse CIDR strings such as ``10.0.0.0/8``; a bad one raises ``ValueError``."""
    networks: list[IpNetwork] = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ValueError(
                f"invalid network {value!r}; expected CIDR such as 10.0.0.0/8"
            ) from None
    return tuple(networks)
