"""The floor: one no-op tool on the same low-level MCP SDK server as sprinklr-mcp.

Its ``tools/call`` round trip is the cost of the SDK and the transport alone.
Run as ``python -m bench.floor_server`` for stdio, or with ``--http --port N``
(optionally ``--stateless --json-response``) for Streamable HTTP on 127.0.0.1.
"""

from __future__ import annotations

import argparse
from typing import Any

import anyio
import mcp_types as types
from mcp.server import Server, ServerRequestContext
from mcp.server.stdio import stdio_server

__all__ = ["build_server"]

NOOP_TOOL = types.Tool(
    name="noop",
    title="No-op",
    description="Return an empty object at once.",
    input_schema={"type": "object", "properties": {}, "additionalProperties": False},
    annotations=types.ToolAnnotations(
        read_only_hint=True,
        destructive_hint=False,
        idempotent_hint=True,
        open_world_hint=False,
    ),
)


async def list_tools(
    ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
) -> types.ListToolsResult:
    return types.ListToolsResult(tools=[NOOP_TOOL])


async def call_tool(
    ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text="{}")])


def build_server() -> Server[Any]:
    return Server(
        "bench-floor", version="0", on_list_tools=list_tools, on_call_tool=call_tool
    )


async def serve_stdio() -> None:
    server = build_server()
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


def serve_http(port: int, *, stateless: bool, json_response: bool) -> None:
    import uvicorn

    app = build_server().streamable_http_app(
        stateless_http=stateless, json_response=json_response
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--http", action="store_true", help="serve Streamable HTTP")
    parser.add_argument("--port", type=int, default=0, help="HTTP port on 127.0.0.1")
    parser.add_argument("--stateless", action="store_true", help="no MCP sessions")
    parser.add_argument("--json-response", action="store_true", help="JSON, not SSE")
    args = parser.parse_args()
    if args.http:
        serve_http(
            args.port, stateless=args.stateless, json_response=args.json_response
        )
    else:
        anyio.run(serve_stdio)


if __name__ == "__main__":
    main()
