"""The ``serve``, ``tools`` and ``call`` commands of ``sprinklr-mcp``."""

from __future__ import annotations

import argparse
import functools
import io
import json
import logging
import math
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import anyio
import mcp_types as types
from mcp import Client
from mcp.server.stdio import stdio_server

from sprinklr_mcp.auth.errors import AuthError
from sprinklr_mcp.config import ConfigError
from sprinklr_mcp.errors import SprinklrError
from sprinklr_mcp.mcp_server.arguments import MAX_NESTING, json_text_depth
from sprinklr_mcp.mcp_server.http import (
    HttpOptions,
    HttpSecurityError,
    ListenError,
    serve_http,
)
from sprinklr_mcp.mcp_server.media import MediaPolicy, parse_networks
from sprinklr_mcp.mcp_server.server import (
    CONFIRM_POLICIES,
    DEFAULT_CONFIRM_TIMEOUT,
    ServerOptions,
    build_server,
)
from sprinklr_mcp.mcp_server.tools import (
    ToolSelectionError,
    ToolSpec,
    load_catalog,
    select_tools,
)

if TYPE_CHECKING:
    from sprinklr_mcp.mcp_server.backend import Backend

__all__ = ["register"]

logger = logging.getLogger(__name__)

AUTH_TOKEN_ENV = "SPRINKLR_MCP_AUTH_TOKEN"  # noqa: S105 - a variable name
EXIT_OK = 0
EXIT_TOOL_ERROR = 1
EXIT_FAILURE = 1
EXIT_USAGE = 2
MIN_RESULT_BYTES = 1000
MAX_PORT = 65535


def _integer_range(
    minimum: int, maximum: int | None = None, *, noun: str
) -> Callable[[str], int]:
    """Return an argparse type that accepts whole numbers from minimum to maximum.

    Argparse prefixes the message with the option's name and exits with
    status 2.
    """
    if maximum is None:
        expected = f"{noun}, at least {minimum}"
    else:
        expected = f"{noun} from {minimum} to {maximum}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected {expected}, got {text!r}"
            ) from None
        if value < minimum or (maximum is not None and value > maximum):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {value}")
        return value

    return parse


def _positive_seconds(text: str) -> float:
    """Parse a time limit: a finite number of seconds greater than zero."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(
            f"expected a positive number of seconds, such as 30, got {text!r}"
        )
    return value


def _patterns(values: Sequence[str] | None) -> tuple[str, ...]:
    """Split repeated, comma-separated option values into single patterns."""
    patterns: list[str] = []
    for value in values or ():
        patterns.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(patterns)


def _add_selection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("tool selection")
    group.add_argument(
        "--read-only",
        action="store_true",
        help="serve only tools whose safety class is read",
    )
    group.add_argument(
        "--tools",
        action="append",
        metavar="PATTERNS",
        help="serve only these tools: names or globs such as 'get_*', comma-"
        "separated or repeated",
    )
    group.add_argument(
        "--exclude-tools",
        action="append",
        metavar="PATTERNS",
        help="never serve these tools (names or globs); wins over --tools",
    )


def _add_backend_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("Sprinklr connection")
    choice = group.add_mutually_exclusive_group()
    choice.add_argument(
        "--sandbox",
        action="store_true",
        help="use the embedded Sprinklr sandbox, started in this process and "
        "logged in automatically (the default when no connection is configured)",
    )
    choice.add_argument(
        "--connection",
        metavar="NAME",
        help="the configured connection to use (default: the active one)",
    )


def _add_server_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("tool behaviour")
    group.add_argument(
        "--confirm-destructive",
        choices=CONFIRM_POLICIES,
        default="auto",
        help="auto: ask the user before deletes when the client supports "
        "elicitation, else run; always: refuse deletes that cannot be confirmed; "
        "off: never ask (default: auto)",
    )
    group.add_argument(
        "--confirm-timeout",
        type=float,
        default=DEFAULT_CONFIRM_TIMEOUT,
        metavar="SECONDS",
        help="how long to wait for the response to a confirmation request "
        "before the delete ends without running (default: %(default)g)",
    )
    group.add_argument(
        "--max-result-bytes",
        type=_integer_range(MIN_RESULT_BYTES, noun="a whole number of bytes"),
        default=20_000,
        metavar="BYTES",
        help="cut list results by whole items to this JSON size and return a "
        f"cursor for the rest (default: 20000, at least {MIN_RESULT_BYTES})",
    )

    media = parser.add_argument_group("media uploads")
    media.add_argument(
        "--media-dir",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="directory whose files upload tools may read; repeat for more "
        "(default: none, local paths are rejected)",
    )
    media.add_argument(
        "--max-file-bytes",
        type=_integer_range(1, noun="a whole number of bytes"),
        default=25 * 1024 * 1024,
        metavar="BYTES",
        help="largest file read from a path or URL, at least 1 (default: 26214400)",
    )
    media.add_argument(
        "--max-base64-bytes",
        type=_integer_range(1, noun="a whole number of bytes"),
        default=1024 * 1024,
        metavar="BYTES",
        help="largest decoded base64 upload, at least 1 (default: 1048576)",
    )
    media.add_argument(
        "--url-timeout",
        type=_positive_seconds,
        default=30.0,
        metavar="SECONDS",
        help="time limit for downloading a media URL, more than 0 (default: 30)",
    )
    media.add_argument(
        "--allow-url-network",
        action="append",
        default=[],
        metavar="CIDR",
        help="let media URLs reach this private or loopback network, such as "
        "10.0.0.0/8; repeat for more (default: public addresses only)",
    )


def register(subparsers: Any) -> None:
    """Add the ``serve``, ``tools`` and ``call`` subcommands."""
    serve = subparsers.add_parser(
        "serve",
        help="run the MCP server (stdio by default, or Streamable HTTP)",
        description="Run the MCP server. Over stdio (the default) an MCP client "
        "starts this command; with --http it listens for clients.",
    )
    transport = serve.add_argument_group("transport")
    transport.add_argument(
        "--http", action="store_true", help="serve Streamable HTTP instead of stdio"
    )
    transport.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on with --http (default: 127.0.0.1); any "
        "non-loopback address requires --auth-token",
    )
    transport.add_argument(
        "--port",
        type=_integer_range(0, MAX_PORT, noun="a port number"),
        default=8765,
        help="port to listen on with --http, 0 to 65535; 0 picks a free one "
        "(default: 8765)",
    )
    transport.add_argument(
        "--path", default="/mcp", help="URL path of the MCP endpoint (default: /mcp)"
    )
    transport.add_argument(
        "--stateless",
        action="store_true",
        help="keep no session between HTTP requests, so that several replicas "
        "can serve one URL behind a load balancer",
    )
    transport.add_argument(
        "--json-response",
        action="store_true",
        help="return single JSON responses instead of SSE streams, which also "
        "turns off progress notifications",
    )
    transport.add_argument(
        "--auth-token",
        default=None,
        metavar="TOKEN",
        help=f"bearer token that HTTP clients must send (default: ${AUTH_TOKEN_ENV})",
    )
    transport.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="Host header value to accept besides the loopback names; ':*' "
        "allows any port; repeat for more",
    )
    transport.add_argument(
        "--allowed-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="browser Origin to accept besides loopback origins, such as "
        "https://inspector.example.com; repeat for more",
    )
    _add_backend_options(serve)
    _add_selection_options(serve)
    _add_server_options(serve)
    serve.set_defaults(func=_guard(_run_serve))

    tools = subparsers.add_parser(
        "tools",
        help="list the MCP tools",
        description="List the tools that `serve` would offer with the same options.",
    )
    _add_selection_options(tools)
    tools.add_argument(
        "--json", action="store_true", help="print the full tool definitions as JSON"
    )
    tools.set_defaults(func=_guard(_run_tools))

    call = subparsers.add_parser(
        "call",
        help="call one tool from the shell",
        description="Call one tool and print its structured result as JSON. "
        "Arguments are KEY=VALUE pairs (VALUE is read as JSON unless the "
        "argument is a string) or one JSON object.",
    )
    call.add_argument("tool", help="tool name, as `sprinklr-mcp tools` lists it")
    call.add_argument(
        "arguments",
        nargs="*",
        metavar="KEY=VALUE|JSON",
        help="tool arguments, such as caseId=633a9f1ce980b61e49f80adb",
    )
    call.add_argument(
        "--yes",
        action="store_true",
        help="confirm a destructive tool without asking",
    )
    _add_backend_options(call)
    _add_selection_options(call)
    _add_server_options(call)
    call.set_defaults(func=_guard(_run_call))


def _selected_tools(args: argparse.Namespace) -> list[ToolSpec]:
    return select_tools(
        load_catalog(),
        read_only=args.read_only,
        include=_patterns(args.tools),
        exclude=_patterns(args.exclude_tools),
    )


def _server_options(args: argparse.Namespace) -> ServerOptions:
    if not 0 < args.confirm_timeout < math.inf:
        raise ValueError(
            f"--confirm-timeout {args.confirm_timeout:g}: expected a positive "
            "number of seconds, such as 120"
        )
    for directory in args.media_dir:
        if not directory.is_dir():
            raise ValueError(f"--media-dir {directory}: not a directory")
    media = MediaPolicy(
        allowed_dirs=tuple(directory.resolve() for directory in args.media_dir),
        max_file_bytes=args.max_file_bytes,
        max_base64_bytes=args.max_base64_bytes,
        url_timeout=args.url_timeout,
        url_allowed_networks=parse_networks(args.allow_url_network),
    )
    return ServerOptions(
        confirm_destructive=args.confirm_destructive,
        confirm_timeout=args.confirm_timeout,
        max_result_bytes=args.max_result_bytes,
        media=media,
    )


def _open_backend(args: argparse.Namespace) -> AbstractAsyncContextManager[Backend]:
    # Imported here so that `tools` and `--help` do not load the client,
    # the broker and the sandbox.
    from sprinklr_mcp.mcp_server.backend import BackendOptions, open_backend

    return open_backend(
        BackendOptions(sandbox=args.sandbox, connection=args.connection)
    )


def _fail(message: str) -> int:
    print(f"sprinklr-mcp: {message}", file=sys.stderr)
    return EXIT_USAGE


# Login-required and token store errors are AuthErrors, whose messages name the
# command that fixes them; every SprinklrError message is free of secrets.
_KNOWN_ERRORS = (ConfigError, AuthError, SprinklrError, ListenError)


def _known_error(error: BaseException) -> BaseException | None:
    """Find a configuration, login or listen error, also inside task groups."""
    if isinstance(error, _KNOWN_ERRORS):
        return error
    if isinstance(error, BaseExceptionGroup):
        for member in error.exceptions:
            found = _known_error(member)
            if found is not None:
                return found
    return None


def _describe_config_error(error: ConfigError, args: argparse.Namespace) -> str:
    message = str(error)
    requested = getattr(args, "connection", None)
    if requested is not None and error.connection == requested:
        message += (
            ". Pass --connection with a configured name, or --sandbox to use the "
            "embedded Sprinklr sandbox."
        )
    return message


def _describe_failure(
    error: BaseException, args: argparse.Namespace
) -> tuple[str, int]:
    """Return the message and exit status for an error that ends a command.

    A configuration error is a usage error (exit 2); the rest happened while
    running (exit 1).
    """
    if isinstance(error, ConfigError):
        return _describe_config_error(error, args), EXIT_USAGE
    if isinstance(error, ListenError):
        if error.in_use:
            return (
                f"port {error.port} is in use on {error.host}: stop the other "
                "server or pass --port (0 picks a free one)",
                EXIT_FAILURE,
            )
        return (
            f"{error}; check --host and --port (0 picks a free port)",
            EXIT_FAILURE,
        )
    return str(error), EXIT_FAILURE


def _guard(
    command: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """Report configuration, login and listen errors in one line, not a traceback.

    The traceback is still logged at DEBUG level, so ``-vv`` shows it. Other
    exceptions are bugs and propagate unchanged.
    """

    @functools.wraps(command)
    def guarded(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except Exception as error:
            known = _known_error(error)
            if known is None:
                raise
            logger.debug("sprinklr-mcp %s failed", args.command, exc_info=error)
            message, status = _describe_failure(known, args)
            print(f"sprinklr-mcp: {message}", file=sys.stderr)
            return status

    return guarded


def _run_tools(args: argparse.Namespace) -> int:
    try:
        tools = _selected_tools(args)
    except ToolSelectionError as error:
        return _fail(str(error))

    if args.json:
        listed = [
            tool.to_tool().model_dump(mode="json", by_alias=True, exclude_none=True)
            for tool in tools
        ]
        print(json.dumps(listed, indent=2))
        return EXIT_OK

    width = max((len(tool.name) for tool in tools), default=0)
    for tool in tools:
        print(f"{tool.name:<{width}}  {tool.safety:<11}  {tool.title}")
    print(f"{len(tools)} tool(s)", file=sys.stderr)
    return EXIT_OK


def _client_configuration(url: str, token: str | None) -> dict[str, Any]:
    server: dict[str, Any] = {"type": "http", "url": url}
    if token:
        server["headers"] = {"Authorization": "Bearer ${SPRINKLR_MCP_AUTH_TOKEN}"}
    return {"mcpServers": {"sprinklr": server}}


def _divert_stdout() -> TextIO:
    """Point fd 1 at stderr and return a text stream on the original stdout.

    Everything written to stdout by accident, by this process or a library,
    then lands on stderr, and only protocol messages reach the wire.
    """
    sys.stdout.flush()
    wire_fd = os.dup(1)
    os.dup2(2, 1)
    wire = io.TextIOWrapper(
        os.fdopen(wire_fd, "wb", buffering=0), encoding="utf-8", write_through=True
    )
    sys.stdout = sys.stderr
    return wire


def _run_serve(args: argparse.Namespace) -> int:
    token = args.auth_token or os.environ.get(AUTH_TOKEN_ENV) or None
    wire = None if args.http else _divert_stdout()
    try:
        tools = _selected_tools(args)
        options = _server_options(args)
        http = HttpOptions(
            host=args.host,
            port=args.port,
            path=args.path,
            stateless=args.stateless,
            json_response=args.json_response,
            auth_token=token,
            allowed_hosts=tuple(args.allowed_host),
            allowed_origins=tuple(args.allowed_origin),
        )
    except (ToolSelectionError, ValueError) as error:
        return _fail(str(error))

    async def serve() -> int:
        async with _open_backend(args) as backend:
            server = build_server(backend.operations, tools, options)
            logger.info("serving %d tool(s) for %s", len(tools), backend.description)
            if wire is None:

                def announce(url: str) -> None:
                    configuration = _client_configuration(url, token)
                    print(
                        f"sprinklr-mcp: MCP server ready at {url} ({len(tools)} "
                        f"tools, calling {backend.description}).\n"
                        "Client configuration for Cursor, Claude Code and other "
                        'HTTP clients (VS Code uses "servers" in place of '
                        '"mcpServers"):\n'
                        f"{json.dumps(configuration, indent=2)}\n"
                        "Inspector: npx @modelcontextprotocol/inspector, then "
                        f"connect to {url} with the Streamable HTTP transport.",
                        flush=True,
                    )

                await serve_http(server, http, on_ready=announce)
            else:
                async with stdio_server(stdout=anyio.wrap_file(wire)) as (read, write):
                    await server.run(
                        read, write, server.create_initialization_options()
                    )
        return EXIT_OK

    try:
        return anyio.run(serve)
    except HttpSecurityError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return EXIT_OK


def _parse_call_arguments(tool: ToolSpec, values: Sequence[str]) -> dict[str, Any]:
    """Read KEY=VALUE pairs, or a single JSON object, into tool arguments.

    Raises ``ValueError`` for invalid JSON in the object form and for a value
    nested more than ``MAX_NESTING`` levels deep, which is not decoded.
    """
    if len(values) == 1 and values[0].lstrip().startswith("{"):
        return _parse_json_object(values[0])

    properties = tool.input_schema.get("properties", {})
    arguments: dict[str, Any] = {}
    for value in values:
        key, separator, text = value.partition("=")
        if not separator or not key:
            raise ValueError(
                f"argument {value!r} is not KEY=VALUE; for example caseNumber=7030591"
            )
        declared = properties.get(key, {}).get("type")
        if declared == "string":
            arguments[key] = text
            continue
        if json_text_depth(text, MAX_NESTING) > MAX_NESTING:
            raise ValueError(
                f"argument {key}: arrays and objects are nested more than "
                f"{MAX_NESTING} levels deep; send a flatter value"
            )
        try:
            arguments[key] = json.loads(text)
        except ValueError:
            arguments[key] = text
    return arguments


def _parse_json_object(text: str) -> dict[str, Any]:
    # The object adds one level around the arguments' values.
    if json_text_depth(text, MAX_NESTING + 1) > MAX_NESTING + 1:
        raise ValueError(
            "the JSON object argument nests arrays and objects more than "
            f"{MAX_NESTING} levels deep inside an argument; send flatter values"
        )
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"the JSON object argument is not valid JSON: {error.msg} at line "
            f"{error.lineno} column {error.colno}; expected one object such as "
            "'{\"caseNumber\": 7030591}', or KEY=VALUE pairs"
        ) from None
    if not isinstance(parsed, dict):
        raise ValueError("the JSON object argument must be an object")
    return parsed


def _run_call(args: argparse.Namespace) -> int:
    try:
        tools = _selected_tools(args)
        options = _server_options(args)
    except (ToolSelectionError, ValueError) as error:
        return _fail(str(error))
    by_name = {tool.name: tool for tool in tools}
    tool = by_name.get(args.tool)
    if tool is None:
        return _fail(
            f"unknown tool {args.tool!r}; run `sprinklr-mcp tools` to list the tools"
        )
    try:
        arguments = _parse_call_arguments(tool, args.arguments)
    except ValueError as error:
        return _fail(str(error))

    async def confirm(
        context: Any, params: types.ElicitRequestParams
    ) -> types.ElicitResult:
        if args.yes:
            return types.ElicitResult(action="accept", content={"confirm": True})
        if not sys.stdin.isatty():
            print(
                f"sprinklr-mcp: {tool.name} is destructive; pass --yes to confirm it",
                file=sys.stderr,
            )
            return types.ElicitResult(action="decline")
        print(params.message, file=sys.stderr)
        answer = await anyio.to_thread.run_sync(input, "Type yes to confirm: ")
        if answer.strip().lower() == "yes":
            return types.ElicitResult(action="accept", content={"confirm": True})
        return types.ElicitResult(action="decline")

    async def call() -> int:
        async with _open_backend(args) as backend:
            server = build_server(backend.operations, tools, options)
            async with Client(server, elicitation_callback=confirm) as client:
                result = await client.call_tool(tool.name, arguments)
        if result.is_error:
            for block in result.content:
                if isinstance(block, types.TextContent):
                    print(block.text, file=sys.stderr)
            return EXIT_TOOL_ERROR
        print(json.dumps(result.structured_content, indent=2, ensure_ascii=False))
        return EXIT_OK

    return anyio.run(call)
