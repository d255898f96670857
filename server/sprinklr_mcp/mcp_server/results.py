"""Turn operation outcomes into tool results: data, paging and upstream errors.

This module is the one place where ``sprinklr_mcp.errors`` becomes tool
results. Each error result states the HTTP status, Sprinklr's own message,
whether a retry makes sense and after how many seconds, and the next step.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

import mcp_types as types
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from sprinklr_generated.catalog import drop_null_members
from sprinklr_generated.operations import OPERATIONS
from sprinklr_mcp import errors
from sprinklr_mcp.auth.errors import AuthError, LoginRequiredError
from sprinklr_mcp.mcp_server.arguments import ArgumentProblem, format_problems
from sprinklr_mcp.mcp_server.paging import (
    CURSOR_ARGUMENT,
    Page,
    arguments_digest,
    encode_cursor,
    json_size,
    take_page,
)
from sprinklr_mcp.mcp_server.tools import ToolSpec

__all__ = [
    "DEFAULT_RETRY_SECONDS",
    "error_result",
    "invalid_arguments_result",
    "message_result",
    "safe_to_repeat",
    "success_result",
    "to_json_data",
]

logger = logging.getLogger(__name__)

# Suggested wait for retryable failures whose response named no wait.
DEFAULT_RETRY_SECONDS = 5.0


def _text(text: str) -> types.TextContent:
    return types.TextContent(type="text", text=text)


def message_result(text: str, *, is_error: bool = True) -> types.CallToolResult:
    """Return a result that carries only a text message."""
    return types.CallToolResult(content=[_text(text)], is_error=is_error)


def invalid_arguments_result(
    tool: str, problems: Sequence[ArgumentProblem]
) -> types.CallToolResult:
    """Return the error result for arguments that failed validation."""
    return message_result(format_problems(tool, problems))


# Advice per error class, checked in order, so subclasses come first.
_NEXT_STEPS: tuple[tuple[type[Exception], str], ...] = (
    (
        errors.AuthenticationError,
        "Sprinklr rejected the token even after a refresh. Ask the user to log "
        "in again with `sprinklr-mcp auth login`, then repeat the call.",
    ),
    (
        errors.DeveloperInactiveError,
        "The API key is wrong, disabled or registered in another environment. "
        "Ask the operator to check the connection's api_key and environment.",
    ),
    (
        errors.WrongEnvironmentError,
        "The key and token belong to another Sprinklr environment. Ask the "
        "operator to fix the connection's environment setting (such as prod2).",
    ),
    (
        errors.ForbiddenError,
        "The Sprinklr user or workspace lacks permission for this action. Ask a "
        "Sprinklr administrator to grant it, because repeating will not help.",
    ),
    (
        errors.RateLimitedError,
        "The API key's rate limit was reached. Wait, then repeat the call.",
    ),
    (
        errors.NotFoundError,
        "Check the ID or number: nothing with that value is visible to this user.",
    ),
    (
        errors.ConflictError,
        "The record changed since it was read. Read it again to get its current "
        "version, then repeat the change with that version.",
    ),
    (
        errors.OutcomeUnknownError,
        "Sprinklr may already have applied this change. Check (for example by "
        "reading the record) before repeating, or a duplicate may be created.",
    ),
    (
        errors.BadRequestError,
        "Fix the arguments that Sprinklr's message names, then call again.",
    ),
    (
        errors.ClientStateError,
        "This is a problem on the server side. Ask the operator to check its log.",
    ),
    (
        AuthError,
        "This is a problem on the server side. Ask the operator to check its log.",
    ),
)


def _next_step(error: Exception, retryable: bool) -> str:
    """Return what the caller should do about ``error``, in one or two sentences."""
    if isinstance(error, LoginRequiredError):
        return (
            f"Ask the user to log in again by running `{error.login_command}` in "
            "a terminal, then repeat the call."
        )
    for error_class, advice in _NEXT_STEPS:
        if isinstance(error, error_class):
            return advice
    if retryable:
        return "This is temporary. Wait, then repeat the call."
    return "Ask the operator to check the server log if the problem persists."


_OUTCOME_UNKNOWN_RETRY = (
    "Retry: not before checking, because Sprinklr may have applied the "
    "change, in full or in part, before it failed."
)
_OUTCOME_UNKNOWN_STEP = (
    "Read the records this call changes (for example with the matching get_ "
    "tool) to see what happened, then repeat only what is still missing. "
    "Repeating the call unchecked may apply the change twice."
)


def safe_to_repeat(tool: ToolSpec) -> bool:
    """Return whether repeating a call that reached Sprinklr cannot change data twice.

    Only reads whose operation is marked ``retry`` in the spec qualify: a
    write that failed with a server error may have been applied already.
    """
    if tool.safety != "read":
        return False
    operation = OPERATIONS.get(tool.operation_id)
    return operation is not None and operation.retry


def error_result(error: Exception, tool: ToolSpec) -> types.CallToolResult:
    """Return the tool result for a failure raised by the client or broker."""
    if isinstance(error, LoginRequiredError):
        # The operator reads stderr; the model reads the result.
        logger.warning(
            "tool %s needs a Sprinklr login: run `%s`", tool.name, error.login_command
        )
    else:
        logger.info("tool %s failed: %s", tool.name, error)

    status = getattr(error, "status", None)
    sprinklr_message = getattr(error, "sprinklr_message", None)
    summary = getattr(error, "summary", None) or str(error)
    retryable = isinstance(error, errors.SprinklrError) and bool(error.retryable)
    # A 5xx does not show whether a write was applied, whatever the error's
    # retryable flag is, so the advice follows the tool.
    outcome_unknown = isinstance(error, errors.ServerError) and not safe_to_repeat(tool)
    if outcome_unknown:
        retryable = False
    retry_after = getattr(error, "retry_after", None)
    if retryable and retry_after is None:
        retry_after = DEFAULT_RETRY_SECONDS

    headline = f"{tool.name} failed: {summary}"
    if status is not None:
        headline += f" (HTTP {status})"
    detail = getattr(error, "detail", None)
    if detail:
        headline += f"; {detail}"
    lines = [headline + "."]
    if sprinklr_message:
        lines.append(f"Sprinklr said: {sprinklr_message}")
    if outcome_unknown:
        lines.append(_OUTCOME_UNKNOWN_RETRY)
        lines.append(f"Next step: {_OUTCOME_UNKNOWN_STEP}")
    else:
        if retryable:
            lines.append(f"Retry: yes, after {retry_after:g} seconds.")
        else:
            lines.append("Retry: no, not without a change.")
        lines.append(f"Next step: {_next_step(error, retryable)}")
    request_id = getattr(error, "request_id", None)
    if request_id:
        lines.append(f"Request id: {request_id}")
    return message_result("\n".join(lines))


def to_json_data(value: Any) -> Any:
    """Convert generated models (and lists of them) to plain JSON values.

    Fields are dumped by their wire names and only when they were set, so the
    result reads like Sprinklr's own response.
    """
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, list | tuple):
        return [to_json_data(item) for item in value]
    if isinstance(value, dict):
        return {key: to_json_data(item) for key, item in value.items()}
    return to_jsonable_python(value, by_alias=True)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _get_list(structured: dict[str, Any], path: Sequence[str]) -> list[Any] | None:
    current: Any = structured
    for key in path:
        if not isinstance(current, dict) or key not in current:
            return None
        current = current[key]
    return current if isinstance(current, list) else None


def _set_list(
    structured: dict[str, Any], path: Sequence[str], items: list[Any]
) -> None:
    current = structured
    for key in path[:-1]:
        current = current[key]
    current[path[-1]] = items


def _summary(tool: ToolSpec, data: Any) -> str:
    if data is None:
        return f"{tool.title}: done."
    if isinstance(data, list):
        return f"{tool.title}: {len(data)} item(s)."
    return f"{tool.title}: done."


def success_result(
    tool: ToolSpec,
    data: Any,
    *,
    call_arguments: dict[str, Any],
    offset: int,
    budget: int,
) -> types.CallToolResult:
    """Return the structured result for ``data``, paged when the tool is pageable.

    The text part starts with one summary line (for paged results: which
    items, how many in all, and how to get the rest) followed by the same JSON
    as ``structuredContent``, for clients that show only text. Null object
    members are dropped from the data, because the output schemas describe an
    optional property as absent, never null.
    """
    structured: dict[str, Any] = {"data": drop_null_members(to_json_data(data))}
    summary = _summary(tool, structured["data"])

    items = _get_list(structured, tool.list_path) if tool.list_path else None
    if tool.list_path is not None and items is not None:
        _set_list(structured, tool.list_path, [])
        page = take_page(items, offset, budget, json_size(structured))
        _set_list(structured, tool.list_path, page.items)
        structured["returned"] = len(page.items)
        structured["total"] = page.total
        if page.next_offset is not None:
            structured["nextCursor"] = encode_cursor(
                page.next_offset, arguments_digest(call_arguments)
            )
        summary = _page_summary(tool, page, budget, structured.get("nextCursor"))

    return types.CallToolResult(
        content=[_text(f"{summary}\n{_dump(structured)}")],
        structured_content=structured,
    )


def _page_summary(tool: ToolSpec, page: Page, budget: int, cursor: str | None) -> str:
    if page.total == 0:
        return f"{tool.title}: no items."
    if not page.items:
        return (
            f"{tool.title}: no items after position {page.offset}; the list has "
            f"{page.total}."
        )
    first = page.offset + 1
    last = page.offset + len(page.items)
    if cursor is None and page.offset == 0:
        return f"{tool.title}: all {page.total} item(s)."
    text = f"{tool.title}: items {first}-{last} of {page.total}"
    if cursor is None:
        return text + " (the last page)."
    return (
        f"{text}, cut by whole items to fit {budget} bytes. To get the rest, call "
        f"{tool.name} again with the same arguments and "
        f"{CURSOR_ARGUMENT}={cursor!r}."
    )
