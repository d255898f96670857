"""The MCP servers that the benchmarks compare, and how to start and reach each one."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from bench.procs import (
    BENCH_PYTHON,
    PROJECT_PYTHON,
    child_environment,
    free_port,
    started_process,
    wait_for_port,
)

__all__ = [
    "Contender",
    "fastmcp_contender",
    "floor_contender",
    "http_server",
    "http_session",
    "stdio_session",
]

FASTMCP_SCRIPT = str(Path(__file__).resolve().parent / "fastmcp_side.py")


@dataclass(frozen=True)
class Contender:
    """One MCP server: its stdio command, its HTTP command and the tool to call."""

    name: str
    stdio_argv: list[str]
    http_argv: Callable[[int], list[str]]
    tool: str
    arguments: dict[str, Any]
    env: Mapping[str, str] = field(default_factory=dict)
    http_path: str = "/mcp"


def floor_contender(http_flags: list[str]) -> Contender:
    base = [PROJECT_PYTHON, "-m", "bench.floor_server"]
    return Contender(
        name="floor",
        stdio_argv=base,
        http_argv=lambda port: [*base, "--http", "--port", str(port), *http_flags],
        tool="noop",
        arguments={},
    )


def fastmcp_contender(
    base_url: str, token: str, api_key: str, tool: str, arguments: dict[str, Any]
) -> Contender:
    base = [BENCH_PYTHON, FASTMCP_SCRIPT, "--base-url", base_url]
    return Contender(
        name="fastmcp",
        stdio_argv=base,
        http_argv=lambda port: [*base, "--http", "--port", str(port)],
        tool=tool,
        arguments=arguments,
        env={"BENCH_SPRINKLR_TOKEN": token, "BENCH_SPRINKLR_KEY": api_key},
    )


@contextlib.asynccontextmanager
async def stdio_session(
    contender: Contender, log_dir: Path, mode: str = "auto"
) -> AsyncIterator[Client]:
    """Start the contender over stdio and yield a connected SDK client."""
    params = StdioServerParameters(
        command=contender.stdio_argv[0],
        args=contender.stdio_argv[1:],
        env=child_environment(contender.env),
        cwd=str(Path(__file__).resolve().parent.parent),
    )
    with open(log_dir / f"{contender.name}-stdio.log", "a") as errlog:
        transport = stdio_client(params, errlog=errlog)
        async with Client(transport, mode=mode, read_timeout_seconds=60) as client:
            yield client


@contextlib.asynccontextmanager
async def http_server(contender: Contender, log_dir: Path) -> AsyncIterator[str]:
    """Start the contender's HTTP server on a free port and yield its MCP URL."""
    port = free_port()
    argv = contender.http_argv(port)
    log = log_dir / f"{contender.name}-http.log"
    async with started_process(argv, env=contender.env, stderr_path=log):
        await wait_for_port(port, timeout=60)
        yield f"http://127.0.0.1:{port}{contender.http_path}"


@contextlib.asynccontextmanager
async def http_session(
    contender: Contender, log_dir: Path, mode: str = "auto"
) -> AsyncIterator[Client]:
    """Start the contender's HTTP server and yield a connected SDK client."""
    async with (
        http_server(contender, log_dir) as url,
        Client(url, mode=mode, read_timeout_seconds=60) as client,
    ):
        yield client
