"""An HTTP/1.1 server on 127.0.0.1 that returns canned Sprinklr bodies at once.

It parses no more of a request than framing needs, so that nearly all the time a
benchmark measures is spent in the client. Run it as
``python -m bench.instant_server``; it prints ``PORT <n>`` on stdout once it listens.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from bench.payloads import MESSAGE_IDS, case_envelope, encoded, messages_envelope

__all__ = ["serve"]

CASE_BODY = encoded(case_envelope())
MESSAGES_BODY = encoded(messages_envelope(MESSAGE_IDS))
NOT_FOUND_BODY = b'{"data":null,"errors":[{"message":"no such path"}]}'


def _response(status: str, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n\r\n"
    )
    return head.encode() + body


CASE_RESPONSE = _response("200 OK", CASE_BODY)
MESSAGES_RESPONSE = _response("200 OK", MESSAGES_BODY)
NOT_FOUND_RESPONSE = _response("404 Not Found", NOT_FOUND_BODY)


def _route(request_line: bytes) -> bytes:
    # Any environment prefix before /api/v2 is accepted, as a base URL may carry one.
    method, _, rest = request_line.partition(b" ")
    target = rest.partition(b" ")[0].partition(b"?")[0]
    if method == b"GET" and b"/api/v2/case/" in target:
        return CASE_RESPONSE
    if method == b"POST" and target.endswith(b"/api/v2/message/bulk-fetch"):
        return MESSAGES_RESPONSE
    return NOT_FOUND_RESPONSE


class InstantProtocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if len(self.buffer) < end + 4 + length:
                return
            del self.buffer[: end + 4 + length]
            assert self.transport is not None
            self.transport.write(_route(head.split(b"\r\n", 1)[0]))


async def serve(port: int = 0) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(InstantProtocol, "127.0.0.1", port)
    bound = server.sockets[0].getsockname()[1]
    print(f"PORT {bound}", flush=True)

    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
