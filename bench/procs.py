"""Start and stop the helper processes that benchmarks talk to."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path

from bench.machine import REPO_ROOT

__all__ = [
    "BENCH_PYTHON",
    "PROJECT_PYTHON",
    "free_port",
    "started_process",
    "wait_for_port",
]

logger = logging.getLogger(__name__)

PROJECT_PYTHON = sys.executable
BENCH_PYTHON = str(REPO_ROOT / ".tools" / "bench-venv" / "bin" / "python")


def free_port() -> int:
    """Return a loopback port that was free a moment ago.

    NOTE: another process may take the port before the server binds it. The
    floor and FastMCP do not report the port they bind, so none is given port 0.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_for_port(port: int, *, timeout: float = 20.0) -> None:
    """Wait until something accepts TCP connections on 127.0.0.1:``port``."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(
                    f"nothing listened on 127.0.0.1:{port} after {timeout} s"
                ) from None
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return


def child_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(REPO_ROOT), str(REPO_ROOT / "server"), str(REPO_ROOT / "generated")]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.setdefault("PYTHONUNBUFFERED", "1")
    if extra:
        env.update(extra)
    return env


@contextlib.asynccontextmanager
async def started_process(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    port_line: bool = False,
    stderr_path: Path | None = None,
) -> AsyncIterator[tuple[asyncio.subprocess.Process, list[str]]]:
    """Run ``argv`` for the duration of the block, then terminate it.

    With ``port_line`` the child must print ``PORT <n> [more words]`` first on
    stdout, and the block receives the words after ``PORT``.
    """
    stderr_file = open(stderr_path, "ab") if stderr_path else None  # noqa: SIM115
    process = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=stderr_file if stderr_file else asyncio.subprocess.DEVNULL,
        env=child_environment(env),
        cwd=REPO_ROOT,
    )
    try:
        words: list[str] = []
        if port_line:
            assert process.stdout is not None
            line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
            if not line.startswith(b"PORT "):
                raise RuntimeError(
                    f"{argv[0]} printed {line[:200]!r} instead of 'PORT <n>'"
                )
            words = line.decode().split()[1:]
        yield process, words
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout=10)
            except TimeoutError:
                logger.warning("pid %d ignored SIGTERM; killing it", process.pid)
                process.kill()
                await process.wait()
        if stderr_file:
            stderr_file.close()
