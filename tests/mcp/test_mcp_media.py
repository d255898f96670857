"""Media sources: allowed directories, URL address checks and size limits."""

from __future__ import annotations

import base64
import ipaddress
import os
import stat
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from sprinklr_mcp.mcp_server import media
from sprinklr_mcp.mcp_server.media import MediaError, MediaPolicy, resolve_media

LOOPBACK_ONLY = (ipaddress.ip_network("127.0.0.1/32"),)


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "photo.png").write_bytes(b"\x89PNG fake image")
    (tmp_path / "secret.txt").write_text("not for upload")
    return allowed


@pytest.fixture
async def web_server() -> AsyncIterator[TestServer]:
    async def file(_: web.Request) -> web.Response:
        return web.Response(body=b"downloaded bytes", content_type="image/jpeg")

    async def big(_: web.Request) -> web.Response:
        return web.Response(body=b"x" * 5000, content_type="application/octet-stream")

    async def redirect_to(request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["to"])

    app = web.Application()
    app.router.add_get("/files/cat.jpg", file)
    app.router.add_get("/big", big)
    app.router.add_get("/redirect", redirect_to)
    async with TestServer(app, host="127.0.0.1") as server:
        yield server


async def test_path_inside_allowed_directory(media_dir: Path) -> None:
    policy = MediaPolicy(allowed_dirs=(media_dir,))

    upload = await resolve_media({"filePath": str(media_dir / "photo.png")}, policy)

    assert upload.content == b"\x89PNG fake image"
    assert upload.filename == "photo.png"
    assert upload.content_type == "image/png"


async def test_relative_path_resolves_in_first_directory(media_dir: Path) -> None:
    policy = MediaPolicy(allowed_dirs=(media_dir,))

    upload = await resolve_media({"filePath": "photo.png", "fileName": "x.png"}, policy)

    assert upload.content == b"\x89PNG fake image"
    assert upload.filename == "x.png"


async def test_path_traversal_rejected(media_dir: Path) -> None:
    policy = MediaPolicy(allowed_dirs=(media_dir,))

    with pytest.raises(MediaError, match="outside the allowed media directories"):
        await resolve_media({"filePath": "../secret.txt"}, policy)
    with pytest.raises(MediaError, match="outside the allowed media directories"):
        await resolve_media({"filePath": str(media_dir / ".." / "secret.txt")}, policy)


async def test_symlink_escape_rejected(media_dir: Path) -> None:
    (media_dir / "link.txt").symlink_to(media_dir.parent / "secret.txt")
    (media_dir / "linked-dir").symlink_to(media_dir.parent)
    policy = MediaPolicy(allowed_dirs=(media_dir,))

    with pytest.raises(MediaError, match="outside the allowed media directories"):
        await resolve_media({"filePath": "link.txt"}, policy)
    with pytest.raises(MediaError, match="outside the allowed media directories"):
        await resolve_media({"filePath": "linked-dir/secret.txt"}, policy)


async def test_symlink_inside_directory_allowed(media_dir: Path) -> None:
    (media_dir / "alias.png").symlink_to(media_dir / "photo.png")
    policy = MediaPolicy(allowed_dirs=(media_dir,))

    upload = await resolve_media({"filePath": "alias.png"}, policy)

    assert upload.content == b"\x89PNG fake image"
    assert upload.filename == "alias.png"


async def test_paths_rejected_without_media_dir(media_dir: Path) -> None:
    with pytest.raises(MediaError, match="--media-dir"):
        await resolve_media({"filePath": str(media_dir / "photo.png")}, MediaPolicy())


async def test_missing_file_and_directory_rejected(media_dir: Path) -> None:
    policy = MediaPolicy(allowed_dirs=(media_dir,))

    with pytest.raises(MediaError, match="not found"):
        await resolve_media({"filePath": "nope.png"}, policy)
    (media_dir / "folder").mkdir()
    with pytest.raises(MediaError, match="not a regular file"):
        await resolve_media({"filePath": "folder"}, policy)


@contextmanager
def fifo_rescue(fifo: Path) -> Iterator[threading.Event]:
    """Open ``fifo`` for writing if the test is still running after 20 s.

    A reader blocked in open() on a FIFO waits for a writer; without this the
    test would hang instead of failing. The returned event is set when the
    rescue was needed.
    """
    finished = threading.Event()
    rescued = threading.Event()

    def rescue() -> None:
        if finished.wait(20):
            return
        rescued.set()
        with suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    thread = threading.Thread(target=rescue, daemon=True)
    thread.start()
    try:
        yield rescued
    finally:
        finished.set()
        thread.join()


async def test_fifo_rejected_without_blocking(media_dir: Path) -> None:
    fifo = media_dir / "pipe"
    os.mkfifo(fifo)
    policy = MediaPolicy(allowed_dirs=(media_dir,))

    with (
        fifo_rescue(fifo) as rescued,
        pytest.raises(MediaError, match="'pipe' is not a regular file"),
    ):
        await resolve_media({"filePath": "pipe", "fileName": "p.txt"}, policy)

    assert not rescued.is_set(), "reading the FIFO blocked until a writer came"


async def test_fifo_swapped_in_after_check_does_not_block(
    media_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = media_dir / "pipe"
    os.mkfifo(fifo)
    policy = MediaPolicy(allowed_dirs=(media_dir,))
    real_lstat = os.lstat

    def lstat_as_regular(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        # Stands in for a regular file replaced by a FIFO between the check
        # and open().
        result = real_lstat(path, *args, **kwargs)
        if os.fspath(path) != str(fifo):
            return result
        fields = list(result)
        fields[0] = stat.S_IFREG | 0o644
        return os.stat_result(fields)

    monkeypatch.setattr(media.os, "lstat", lstat_as_regular)
    with (
        fifo_rescue(fifo) as rescued,
        pytest.raises(MediaError, match="'pipe' is not a regular file"),
    ):
        await resolve_media({"filePath": "pipe", "fileName": "p.txt"}, policy)

    assert not rescued.is_set(), "opening the FIFO blocked until a writer came"


async def test_nul_in_path_is_argument_error(media_dir: Path) -> None:
    policy = MediaPolicy(allowed_dirs=(media_dir,))

    with pytest.raises(MediaError, match=r"^filePath: .* contains a NUL character"):
        await resolve_media({"filePath": "photo.png\x00.txt"}, policy)


@pytest.mark.parametrize(
    "name",
    ["a\r\nX-Injected: 1\r\n.txt", "a\x00.txt", "tab\there.txt", "a\u2028b.txt"],
)
async def test_control_characters_in_file_name_rejected(name: str) -> None:
    source = {"fileBase64": "aGVsbG8=", "fileName": name}

    with pytest.raises(MediaError, match=r"^fileName: .* contains control characters"):
        await resolve_media(source, MediaPolicy())


@pytest.mark.parametrize("name", ["dir/a.txt", "..\\a.txt", "/etc/passwd", ".."])
async def test_path_in_file_name_rejected(name: str) -> None:
    source = {"fileBase64": "aGVsbG8=", "fileName": name}

    with pytest.raises(MediaError, match=r"^fileName: "):
        await resolve_media(source, MediaPolicy())


async def test_list_item_file_name_named_with_prefix() -> None:
    source = {"fileBase64": "aGVsbG8=", "fileName": "a\nb.txt"}

    with pytest.raises(MediaError, match=r"^files\[2\]\.fileName: "):
        await resolve_media(source, MediaPolicy(), prefix="files[2].")


async def test_control_characters_in_derived_name_replaced(media_dir: Path) -> None:
    (media_dir / "line\nbreak.png").write_bytes(b"png")
    policy = MediaPolicy(allowed_dirs=(media_dir,))

    upload = await resolve_media({"filePath": "line\nbreak.png"}, policy)

    assert upload.filename == "line_break.png"
    assert upload.content == b"png"


async def test_oversized_file_rejected(media_dir: Path) -> None:
    policy = MediaPolicy(allowed_dirs=(media_dir,), max_file_bytes=4)

    with pytest.raises(MediaError, match="more than the limit of 4"):
        await resolve_media({"filePath": "photo.png"}, policy)


async def test_exactly_one_source_required() -> None:
    with pytest.raises(
        MediaError, match="exactly one of filePath, fileUrl, fileBase64"
    ):
        await resolve_media({}, MediaPolicy())
    with pytest.raises(MediaError, match=r"got filePath, fileBase64"):
        await resolve_media({"filePath": "a", "fileBase64": "AA=="}, MediaPolicy())
    with pytest.raises(MediaError, match="expected an object"):
        await resolve_media("photo.png", MediaPolicy())


async def test_base64_decoded() -> None:
    encoded = base64.b64encode(b"hello").decode()

    upload = await resolve_media(
        {"fileBase64": encoded, "fileName": "hello.txt"}, MediaPolicy()
    )

    assert upload.content == b"hello"
    assert upload.content_type == "text/plain"


async def test_base64_data_url_accepted() -> None:
    encoded = "data:image/png;base64," + base64.b64encode(b"png").decode()

    upload = await resolve_media({"fileBase64": encoded}, MediaPolicy())

    assert upload.content == b"png"


async def test_oversized_base64_rejected() -> None:
    policy = MediaPolicy(max_base64_bytes=1024)
    encoded = base64.b64encode(os.urandom(4096)).decode()

    with pytest.raises(MediaError, match="larger than the limit of 1024 bytes"):
        await resolve_media({"fileBase64": encoded}, policy)


async def test_base64_just_over_limit_rejected() -> None:
    policy = MediaPolicy(max_base64_bytes=10)
    encoded = base64.b64encode(b"x" * 11).decode()

    with pytest.raises(MediaError, match="limit of 10"):
        await resolve_media({"fileBase64": encoded}, policy)


async def test_invalid_base64_rejected() -> None:
    with pytest.raises(MediaError, match="not valid base64"):
        await resolve_media({"fileBase64": "@@not base64@@"}, MediaPolicy())


async def test_loopback_url_rejected_by_default(web_server: TestServer) -> None:
    url = str(web_server.make_url("/files/cat.jpg"))

    with pytest.raises(MediaError, match="private, loopback or reserved"):
        await resolve_media({"fileUrl": url}, MediaPolicy())


async def test_private_addresses_rejected() -> None:
    for url in (
        "http://10.1.2.3/a.png",
        "http://192.168.0.1/a.png",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/a.png",
        "http://0.0.0.0/a.png",
    ):
        with pytest.raises(MediaError, match="private, loopback or reserved"):
            await resolve_media({"fileUrl": url}, MediaPolicy())


# Addresses that reach loopback, link-local or private hosts through an IPv6
# transition form, and other non-public IPv6 ranges. None is contacted.
NON_PUBLIC_ADDRESSES = [
    "::7f00:1",  # IPv4-compatible 127.0.0.1
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:0:7f00:1",  # IPv4-translated 127.0.0.1
    "64:ff9b::7f00:1",  # NAT64 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 169.254.169.254
    "64:ff9b::a00:1",  # NAT64 10.0.0.1
    "64:ff9b:1::808:808",  # NAT64 local-use prefix
    "2002:7f00:1::1",  # 6to4 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 169.254.169.254
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo client 127.0.0.1
    "fec0::1",  # site-local
    "fc00::1",  # unique local
    "fe80::1%eth0",  # link-local with a zone
    "ff02::1",  # multicast
    "::",  # unspecified
    "::1",  # loopback
    "2001:db8::1",  # documentation
    "224.0.0.1",  # IPv4 multicast
    "240.0.0.1",  # IPv4 reserved
    "100.64.0.1",  # shared address space
]
PUBLIC_ADDRESSES = [
    "8.8.8.8",
    "2606:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
    "2001:0:4136:e378:8000:63bf:f7f7:f7f7",  # Teredo client 8.8.8.8
]


@pytest.mark.parametrize("address", NON_PUBLIC_ADDRESSES)
def test_non_public_address_rejected(address: str) -> None:
    assert not MediaPolicy().address_allowed(address)


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_public_address_allowed(address: str) -> None:
    assert MediaPolicy().address_allowed(address)


@pytest.mark.parametrize(
    "address",
    ["::7f00:1", "::ffff:0:7f00:1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "fec0::1"],
)
async def test_reserved_url_literal_rejected(address: str) -> None:
    # The literal is checked before any connection is attempted.
    with pytest.raises(MediaError, match="private, loopback or reserved"):
        await resolve_media({"fileUrl": f"http://[{address}]/a.png"}, MediaPolicy())


def test_allowed_network_covers_embedded_ipv4() -> None:
    policy = MediaPolicy(url_allowed_networks=(ipaddress.ip_network("10.0.0.0/8"),))

    assert policy.address_allowed("64:ff9b::a00:1")
    assert policy.address_allowed("::ffff:10.1.2.3")
    assert not policy.address_allowed("64:ff9b::7f00:1")


async def test_name_resolving_to_loopback_rejected(web_server: TestServer) -> None:
    url = f"http://localhost:{web_server.port}/files/cat.jpg"

    with pytest.raises(MediaError, match="resolves only to private"):
        await resolve_media({"fileUrl": url}, MediaPolicy())


async def test_other_schemes_rejected() -> None:
    for url in ("file:///etc/passwd", "ftp://example.com/a", "gopher://x"):
        with pytest.raises(MediaError, match="use http or https"):
            await resolve_media({"fileUrl": url}, MediaPolicy())


async def test_allowed_network_downloads(web_server: TestServer) -> None:
    policy = MediaPolicy(url_allowed_networks=LOOPBACK_ONLY)
    url = str(web_server.make_url("/files/cat.jpg"))

    upload = await resolve_media({"fileUrl": url}, policy)

    assert upload.content == b"downloaded bytes"
    assert upload.filename == "cat.jpg"
    assert upload.content_type == "image/jpeg"


async def test_redirect_into_disallowed_address_rejected(
    web_server: TestServer,
) -> None:
    policy = MediaPolicy(url_allowed_networks=LOOPBACK_ONLY)
    target = f"http://127.0.0.2:{web_server.port}/files/cat.jpg"
    url = str(web_server.make_url("/redirect").with_query(to=target))

    with pytest.raises(MediaError, match=r"127\.0\.0\.2 is private, loopback"):
        await resolve_media({"fileUrl": url}, policy)


async def test_redirect_inside_allowed_network_followed(
    web_server: TestServer,
) -> None:
    policy = MediaPolicy(url_allowed_networks=LOOPBACK_ONLY)
    url = str(web_server.make_url("/redirect").with_query(to="/files/cat.jpg"))

    upload = await resolve_media({"fileUrl": url}, policy)

    assert upload.content == b"downloaded bytes"


async def test_oversized_download_rejected(web_server: TestServer) -> None:
    policy = MediaPolicy(url_allowed_networks=LOOPBACK_ONLY, max_file_bytes=100)

    with pytest.raises(MediaError, match="more than the limit of 100"):
        await resolve_media({"fileUrl": str(web_server.make_url("/big"))}, policy)


async def test_failed_download_names_status(web_server: TestServer) -> None:
    policy = MediaPolicy(url_allowed_networks=LOOPBACK_ONLY)

    with pytest.raises(MediaError, match="HTTP 404"):
        await resolve_media({"fileUrl": str(web_server.make_url("/missing"))}, policy)
