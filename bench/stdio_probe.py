"""Time a fresh MCP server process from spawn to its first ``tools/list`` response.

The probe writes the whole handshake-era exchange (``initialize``, the
``initialized`` notification, ``tools/list``) to stdin at once and waits for the
response with id 2, so the figure is the wait a client has, with no client library
in between. The response's raw line is kept for measuring the list's size.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.procs import child_environment

__all__ = ["first_tools_list"]

PROTOCOL_VERSION = "2025-11-25"

MESSAGES = [
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": {},
            "clientInfo": {"name": "sprinklr-mcp-bench", "version": "0"},
        },
    },
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}},
]
PAYLOAD = b"".join(json.dumps(m).encode() + b"\n" for m in MESSAGES)


async def first_tools_list(
    argv: Sequence[str],
    env: Mapping[str, str],
    *,
    stderr_path: Path,
    timeout: float = 60.0,
) -> tuple[float, dict[str, Any], int]:
    """Return seconds to the ``tools/list`` response, its result and its size."""
    with open(stderr_path, "ab") as errlog:
        start = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=errlog,
            env=child_environment(env),
            limit=16 * 1024 * 1024,
        )
        assert process.stdin is not None
        assert process.stdout is not None
        try:
            process.stdin.write(PAYLOAD)
            await process.stdin.drain()
            async with asyncio.timeout(timeout):
                while True:
                    line = await process.stdout.readline()
                    if not line:
                        raise RuntimeError(
                            f"{argv[0]} closed stdout before its tools/list response;"
                            f" see {stderr_path}"
                        )
                    message = json.loads(line)
                    if message.get("id") == 2:
                        elapsed = time.perf_counter() - start
                        break
        finally:
            # End of input makes the server exit on its own, which lets a
            # profiler running inside it write its output.
            process.stdin.close()
            try:
                await asyncio.wait_for(process.wait(), timeout=10)
            except TimeoutError:
                process.terminate()
                await process.wait()

    if "error" in message:
        raise RuntimeError(
            f"{argv[0]} returned an error for tools/list: {message['error']}"
        )
    return elapsed, message["result"], len(line.rstrip(b"\n"))
