"""Shared helpers of the MCP server tests: the sandbox backend, its settings and
readers of tool results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mcp_types as types
from mcp.server import Server

from sprinklr_mcp.mcp_server.server import ServerOptions, build_server
from sprinklr_mcp.mcp_server.tools import ToolSpec
from sprinklr_mcp.sandbox import RateLimitConfig, SandboxConfig, SandboxServer

# Tests make many calls quickly; the rate-limit tests switch limits back on.
UNLIMITED = {"rate_limit_per_second": 10_000.0, "rate_limit_per_hour": 10_000_000}


def sandbox_config() -> SandboxConfig:
    """Return a sandbox that approves logins at once and enforces no rate limit."""
    return SandboxConfig(
        auto_approve=True,
        rate_limits=RateLimitConfig(per_second=None, per_hour=None),
    )


@dataclass
class Backend:
    """An open client logged in to a running sandbox, and the tool catalog."""

    client: Any
    sandbox: SandboxServer
    catalog: list[ToolSpec]

    def server(
        self, tools: list[ToolSpec] | None = None, **options: Any
    ) -> Server[Any]:
        return build_server(
            self.client,
            self.catalog if tools is None else tools,
            ServerOptions(**options),
        )


def api_calls(backend: Backend) -> list[Any]:
    """Return the calls the sandbox recorded on /api/ paths, leaving out OAuth."""
    return [call for call in backend.sandbox.calls if "/api/" in call.path]


def text_of(result: types.CallToolResult) -> str:
    """Join the text parts of a tool result, one per line."""
    return "\n".join(
        block.text for block in result.content if isinstance(block, types.TextContent)
    )
