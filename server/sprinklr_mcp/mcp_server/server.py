"""The MCP tool server: one tool per catalog entry on the SDK's low-level ``Server``.

A call is checked against the tool's input schema and its generated arguments
model, confirmed by the user when it is destructive, then sent through the
same ``SprinklrOperations`` methods that a Python caller uses.
"""

from __future__ import annotations

import logging
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import import_module, metadata
from types import UnionType
from typing import Any, Literal

import anyio
import mcp_types as types
from mcp import MCPError
from mcp.server import Server, ServerRequestContext
from mcp.shared.exceptions import NoBackChannelError
from mcp.shared.message import ServerMessageMetadata
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as ModelError

from sprinklr_generated.protocol import FileUpload
from sprinklr_mcp.errors import SprinklrError
from sprinklr_mcp.mcp_server.arguments import (
    ArgumentProblem,
    InvalidArguments,
    check_schema,
    coerce_arguments,
    validate_model,
)
from sprinklr_mcp.mcp_server.media import MediaError, MediaPolicy, resolve_media
from sprinklr_mcp.mcp_server.paging import (
    CURSOR_ARGUMENT,
    InvalidCursor,
    arguments_digest,
    decode_cursor,
)
from sprinklr_mcp.mcp_server.results import (
    error_result,
    invalid_arguments_result,
    message_result,
    success_result,
)
from sprinklr_mcp.mcp_server.tools import ToolSpec

__all__ = [
    "CONFIRM_POLICIES",
    "DEFAULT_CONFIRM_TIMEOUT",
    "ServerOptions",
    "ToolRunner",
    "build_server",
]

logger = logging.getLogger(__name__)

ConfirmPolicy = Literal["auto", "always", "off"]
CONFIRM_POLICIES: tuple[ConfirmPolicy, ...] = ("auto", "always", "off")
CONFIRM_KEY = "confirm"
DEFAULT_CONFIRM_TIMEOUT = 120.0
SERVER_NAME = "sprinklr-mcp"

INSTRUCTIONS = """\
Tools for one Sprinklr account: cases, messages, comments, profiles, \
publishing, media, knowledge base and journeys. IDs are strings unless a \
tool's schema says otherwise. List results are cut by whole items to a size \
limit; when a result has nextCursor, call the same tool with the same \
arguments plus pageCursor set to it to get the rest. Upload tools take exactly one of \
filePath, fileUrl or fileBase64 for each file. Deletes ask the user to confirm when \
the client supports it. Failed calls return isError with the reason, whether \
to retry and the next step."""


@dataclass(frozen=True, slots=True)
class ServerOptions:
    """Behaviour of the tool server that the operator chooses.

    ``confirm_destructive``: ``auto`` requests confirmation through elicitation when
    the client supports it and otherwise runs the tool, relying on the
    client's own approval prompt for tools marked destructive; ``always``
    rejects destructive calls that cannot be confirmed; ``off`` never asks.
    ``max_result_bytes`` is the JSON size that list results are cut to.
    ``confirm_timeout`` is how many seconds to wait for the user's answer to a
    confirmation request before the call ends unconfirmed.
    """

    confirm_destructive: ConfirmPolicy = "auto"
    confirm_timeout: float = DEFAULT_CONFIRM_TIMEOUT
    max_result_bytes: int = 20_000
    media: MediaPolicy = field(default_factory=MediaPolicy)


@dataclass(frozen=True, slots=True)
class _PreparedCall:
    """A call whose arguments passed validation."""

    arguments: dict[str, Any]
    model: BaseModel | None
    offset: int
    digest: str


def _server_version() -> str:
    try:
        return metadata.version("sprinklr-mcp")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _arguments_model(tool: ToolSpec) -> type[BaseModel] | None:
    models = import_module("sprinklr_generated.models")
    operation_id = tool.operation_id
    name = (
        tool.arguments_model or f"{operation_id[:1].upper()}{operation_id[1:]}Arguments"
    )
    model = getattr(models, name, None)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return model
    return None


def _body_adapter(method: Callable[..., Any]) -> TypeAdapter[Any] | None:
    """Return a validator for the method's ``body`` parameter, if it has one."""
    hints = typing.get_type_hints(method)
    annotation = hints.get("body")
    if annotation is None:
        return None
    if (
        isinstance(annotation, UnionType)
        or typing.get_origin(annotation) is typing.Union
    ):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(options) == 1:
            annotation = options[0]
    return TypeAdapter(annotation)


class ToolRunner:
    """Serve ``tools/list`` and ``tools/call`` for a set of tools.

    ``operations`` is an open ``SprinklrClient`` (any ``SprinklrOperations``
    works); the runner never opens or closes it.
    """

    def __init__(
        self,
        operations: Any,
        tools: Sequence[ToolSpec],
        options: ServerOptions | None = None,
    ) -> None:
        self._operations = operations
        self._tools = {tool.name: tool for tool in tools}
        self._listed = [tool.to_tool() for tool in tools]
        self._options = options or ServerOptions()
        self._models = {tool.name: _arguments_model(tool) for tool in tools}
        self._body_adapters: dict[str, TypeAdapter[Any] | None] = {}

    @property
    def tools(self) -> list[types.Tool]:
        """The tools that ``tools/list`` returns, in catalog order."""
        return list(self._listed)

    def input_schema(self, name: str) -> Mapping[str, Any] | None:
        """Return the input schema of a served tool, or None for an unknown name.

        The SDK checks ``Mcp-Param-*`` headers of 2026-07-28 HTTP calls against
        it; without this lookup it would build the whole tool list per call.
        """
        tool = self._tools.get(name)
        return None if tool is None else tool.input_schema

    async def list_tools(
        self,
        ctx: ServerRequestContext[Any],
        params: types.PaginatedRequestParams | None,
    ) -> types.ListToolsResult:
        """Return every served tool in one page; the catalog is small."""
        return types.ListToolsResult(tools=list(self._listed))

    async def call_tool(
        self, ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult | types.InputRequiredResult:
        """Validate, confirm and run one call; failures become ``isError`` results."""
        tool = self._tools.get(params.name)
        if tool is None:
            raise MCPError(
                code=types.INVALID_PARAMS,
                message=f"Unknown tool: {params.name}. Call tools/list for the "
                "tools this server offers.",
            )

        try:
            prepared = self._prepare(tool, params.arguments)
        except InvalidArguments as error:
            return invalid_arguments_result(tool.name, error.problems)
        except Exception as error:
            # Any failure in the checks ends in a result, not a JSON-RPC error.
            logger.exception("tool %s: checking the arguments failed", tool.name)
            return message_result(
                f"{tool.name} was not called: the MCP server could not check its "
                f"arguments ({type(error).__name__}); nothing was sent to "
                "Sprinklr. Retry: no, not with the same arguments. Next step: "
                "send simpler arguments, or ask the operator to check the "
                "server log."
            )

        stop_result = await self._confirm(ctx, tool, params, prepared)
        if stop_result is not None:
            return stop_result

        try:
            files = await self._resolve_files(ctx, tool, prepared.arguments)
            data = await self._invoke(tool, prepared, files)
        except MediaError as error:
            return invalid_arguments_result(
                tool.name, [ArgumentProblem("", str(error))]
            )
        except InvalidArguments as error:
            return invalid_arguments_result(tool.name, error.problems)
        except SprinklrError as error:
            return error_result(error, tool)
        except anyio.get_cancelled_exc_class():
            raise
        except Exception as error:
            logger.exception("tool %s failed with an unexpected error", tool.name)
            return message_result(
                f"{tool.name} failed because of an internal error in the MCP "
                f"server ({type(error).__name__}). Retry: no. Next step: ask the "
                "operator to check the server log, which has the details."
            )

        return success_result(
            tool,
            data,
            call_arguments=self._digest_arguments(tool, prepared.arguments),
            offset=prepared.offset,
            budget=self._options.max_result_bytes,
        )

    @staticmethod
    def _digest_arguments(
        tool: ToolSpec, arguments: Mapping[str, Any]
    ) -> dict[str, Any]:
        return {
            "tool": tool.name,
            **{k: v for k, v in arguments.items() if k != CURSOR_ARGUMENT},
        }

    def _prepare(self, tool: ToolSpec, raw: Mapping[str, Any] | None) -> _PreparedCall:
        """Check arguments; raise ``InvalidArguments`` naming every bad field."""
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            raise InvalidArguments(
                tool.name, [ArgumentProblem("", "arguments must be a JSON object")]
            )

        arguments, converted = coerce_arguments(raw, tool.input_schema, tool=tool.name)
        if converted:
            logger.debug("tool %s: converted the types of %s", tool.name, converted)

        problems = check_schema(arguments, tool.input_schema)
        if problems:
            raise InvalidArguments(tool.name, problems)

        cursor = arguments.get(CURSOR_ARGUMENT) if tool.pageable else None
        digest = arguments_digest(self._digest_arguments(tool, arguments))
        offset = 0
        if cursor is not None:
            try:
                offset = decode_cursor(cursor, digest)
            except InvalidCursor as error:
                raise InvalidArguments(
                    tool.name, [ArgumentProblem(CURSOR_ARGUMENT, str(error))]
                ) from None

        model_input = {
            key: value
            for key, value in arguments.items()
            if key != CURSOR_ARGUMENT or not tool.pageable
        }
        model_class = self._models[tool.name]
        model: BaseModel | None = None
        if model_class is not None:
            validated = validate_model(model_class, model_input)
            if isinstance(validated, list):
                raise InvalidArguments(tool.name, validated)
            model = validated
        return _PreparedCall(
            arguments=arguments, model=model, offset=offset, digest=digest
        )

    async def _confirm(
        self,
        ctx: ServerRequestContext[Any],
        tool: ToolSpec,
        params: types.CallToolRequestParams,
        prepared: _PreparedCall,
    ) -> types.CallToolResult | types.InputRequiredResult | None:
        """Ask the user to confirm a destructive call; return a result to stop it."""
        policy = self._options.confirm_destructive
        if tool.safety != "destructive" or policy == "off":
            return None

        message = _confirmation_message(tool, prepared.arguments)
        schema: types.ElicitRequestedSchema = {
            "type": "object",
            "properties": {
                CONFIRM_KEY: {
                    "type": "boolean",
                    "title": "Yes, go ahead",
                    "description": "This cannot be undone.",
                }
            },
            "required": [CONFIRM_KEY],
        }

        answer: types.ElicitResult | None = None
        if _supports_form_elicitation(ctx):
            if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS:
                try:
                    answer = _input_response(params)
                except _InvalidAnswer:
                    return _not_confirmed_result(
                        tool,
                        "the client's response to the confirmation request "
                        "was not a valid elicitation result",
                    )
                if answer is None:
                    request = types.ElicitRequest(
                        params=types.ElicitRequestFormParams(
                            message=message, requested_schema=schema
                        )
                    )
                    return types.InputRequiredResult(
                        input_requests={CONFIRM_KEY: request}
                    )
            else:
                try:
                    answer = await self._elicit(ctx, message, schema)
                except NoBackChannelError:
                    answer = None
                except _ElicitationFailed as failure:
                    logger.info(
                        "tool %s not run: confirmation failed: %s", tool.name, failure
                    )
                    return _not_confirmed_result(tool, str(failure))

        if answer is None:
            if policy == "always":
                return message_result(
                    f"{tool.name} was not run: this server requires the user to "
                    "confirm destructive actions, and this client cannot ask "
                    "(it does not support elicitation). Nothing was changed. "
                    "Next step: use a client that supports elicitation, or ask "
                    "the operator to start the server with "
                    "--confirm-destructive auto."
                )
            logger.info("tool %s runs unconfirmed: the client cannot ask", tool.name)
            return None

        confirmed = (answer.content or {}).get(CONFIRM_KEY) is True
        if answer.action == "accept" and confirmed:
            logger.info("tool %s confirmed by the user", tool.name)
            return None
        logger.info("tool %s not confirmed by the user (%s)", tool.name, answer.action)
        reasons = {
            "decline": "the user declined it",
            "cancel": "the user cancelled the confirmation",
            "accept": "the user submitted the confirmation form without "
            f"setting {CONFIRM_KEY} to true",
        }
        return message_result(
            f"{tool.name} was not run: {reasons[answer.action]}. Nothing was "
            "changed. Retry: no, unless the user asks for it again."
        )

    async def _elicit(
        self,
        ctx: ServerRequestContext[Any],
        message: str,
        schema: types.ElicitRequestedSchema,
    ) -> types.ElicitResult:
        """Send ``elicitation/create`` and wait at most ``confirm_timeout`` seconds.

        Raises ``_ElicitationFailed`` for an error response, an invalid result
        or a timeout. The SDK drops a response whose result is null, so only
        the time limit ends that wait.
        """
        timeout = self._options.confirm_timeout
        request = types.ElicitRequest(
            params=types.ElicitRequestFormParams(
                message=message, requested_schema=schema
            )
        )
        try:
            return await ctx.session.send_request(
                request,
                types.ElicitResult,
                request_read_timeout_seconds=timeout,
                metadata=ServerMessageMetadata(related_request_id=ctx.request_id),
            )
        except MCPError as error:
            if error.code == types.REQUEST_TIMEOUT:
                raise _ElicitationFailed(
                    f"the confirmation request timed out after {timeout:g} s"
                ) from None
            raise _ElicitationFailed(
                "the client responded to the confirmation request with error "
                f"{error.code} ({error.message[:200]})"
            ) from None
        except ModelError:
            raise _ElicitationFailed(
                "the client's response to the confirmation request was not a "
                "valid elicitation result"
            ) from None

    async def _resolve_files(
        self,
        ctx: ServerRequestContext[Any],
        tool: ToolSpec,
        arguments: Mapping[str, Any],
    ) -> dict[str, FileUpload | list[FileUpload]]:
        """Read every media source; report progress per file of a list of files."""
        sources: list[tuple[str, str, int | None, Any]] = []
        for parameter, group in tool.file_parameters.items():
            if all(tool.is_flattened_media(argument) for argument in group):
                source = {a.name: arguments.get(a.name) for a in group}
                sources.append((parameter, "", None, source))
                continue
            for argument in group:
                value = arguments.get(argument.name)
                if value is None:
                    continue
                items = value if isinstance(value, list) else [value]
                for position, item in enumerate(items):
                    sources.append(
                        (parameter, f"{argument.name}[{position}].", position, item)
                    )

        files: dict[str, FileUpload | list[FileUpload]] = {}
        total = len(sources)
        for done, (parameter, prefix, index, source) in enumerate(sources, start=1):
            upload = await resolve_media(source, self._options.media, prefix=prefix)
            if index is None:
                files[parameter] = upload
            else:
                existing = files.setdefault(parameter, [])
                assert isinstance(existing, list)
                existing.append(upload)
            if index is not None:
                await ctx.session.report_progress(
                    done, total, f"read {upload.filename} ({done} of {total})"
                )
        return files

    def _body(
        self, tool: ToolSpec, method: Callable[..., Any], values: dict[str, Any]
    ) -> Any:
        if tool.name not in self._body_adapters:
            self._body_adapters[tool.name] = _body_adapter(method)
        adapter = self._body_adapters[tool.name]
        if adapter is None:
            return values
        bare = [
            argument
            for argument in tool.arguments
            if argument.location == "body" and argument.wire_name is None
        ]
        payload: Any = values.get("") if bare else values
        try:
            return adapter.validate_python(payload)
        except ModelError as error:
            problems = [
                ArgumentProblem(
                    ".".join(str(part) for part in item["loc"]), item["msg"]
                )
                for item in error.errors(include_url=False)
            ]
            raise InvalidArguments(tool.name, problems) from None

    async def _invoke(
        self,
        tool: ToolSpec,
        prepared: _PreparedCall,
        files: Mapping[str, FileUpload | list[FileUpload]],
    ) -> Any:
        """Call the generated method with the checked arguments."""
        method = getattr(self._operations, tool.method_name)
        kwargs: dict[str, Any] = {}
        body: dict[str, Any] = {}
        has_body = False
        for argument in tool.arguments:
            if argument.location == "file":
                if argument.python_name in files:
                    kwargs[argument.python_name] = files[argument.python_name]
                continue
            if argument.name not in prepared.arguments:
                if argument.location == "body":
                    has_body = True
                continue
            if argument.location == "body":
                has_body = True
                body[argument.wire_name or ""] = prepared.arguments[argument.name]
            elif prepared.model is not None:
                kwargs[argument.python_name] = getattr(
                    prepared.model, argument.python_name
                )
            else:
                kwargs[argument.python_name] = prepared.arguments[argument.name]
        if has_body:
            kwargs["body"] = self._body(tool, method, body)
        return await method(**kwargs)


def _supports_form_elicitation(ctx: ServerRequestContext[Any]) -> bool:
    capabilities = ctx.session.client_capabilities
    if capabilities is None or capabilities.elicitation is None:
        return False
    elicitation = capabilities.elicitation
    # An empty elicitation capability means form mode (before 2025-11-25).
    return elicitation.form is not None or elicitation.url is None


class _ElicitationFailed(Exception):
    """The confirmation request failed or timed out; the message states the reason."""


class _InvalidAnswer(Exception):
    """An input response for the confirmation that is not an elicitation result."""


def _not_confirmed_result(tool: ToolSpec, reason: str) -> types.CallToolResult:
    return message_result(
        f"{tool.name} was not run: {reason}, so the user did not confirm it. "
        "Nothing was changed. Retry: only if the user still wants it, which "
        "asks for confirmation again."
    )


def _input_response(params: types.CallToolRequestParams) -> types.ElicitResult | None:
    """Return the confirmation among the input responses, or None if absent.

    Raises ``_InvalidAnswer`` when a response is present but is not a valid
    elicitation result.
    """
    responses = params.input_responses or {}
    if CONFIRM_KEY not in responses:
        return None
    response = responses[CONFIRM_KEY]
    if isinstance(response, types.ElicitResult):
        return response
    try:
        return types.ElicitResult.model_validate(response)
    except ModelError:
        raise _InvalidAnswer from None


def _confirmation_message(tool: ToolSpec, arguments: Mapping[str, Any]) -> str:
    shown = ", ".join(
        f"{name}={value!r}"
        for name, value in arguments.items()
        if name != CURSOR_ARGUMENT
    )
    return (
        f"Allow {tool.title!r} ({tool.name}) with {shown or 'no arguments'}? "
        "It deletes data in Sprinklr and cannot be undone."
    )


def build_server(
    operations: Any,
    tools: Sequence[ToolSpec],
    options: ServerOptions | None = None,
) -> Server[Any]:
    """Return the low-level MCP ``Server`` that serves ``tools``."""
    runner = ToolRunner(operations, tools, options)
    return Server(
        SERVER_NAME,
        version=_server_version(),
        title="Sprinklr",
        instructions=INSTRUCTIONS,
        on_list_tools=runner.list_tools,
        on_call_tool=runner.call_tool,
        get_tool_input_schema=runner.input_schema,
    )
