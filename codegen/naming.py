"""The naming table: method, parameter, class and tool names, and their rules."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable

from codegen.errors import CodegenError
from codegen.load import Operation

__all__ = [
    "ARGUMENT_NAME_PATTERN",
    "TOOL_NAME_PATTERN",
    "arguments_class_name",
    "check_operation_names",
    "method_name",
    "python_name",
    "snake_case",
]

TOOL_NAME_PATTERN = re.compile(r"^[a-z0-9_]{1,64}$")
ARGUMENT_NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def snake_case(name: str) -> str:
    """Convert camelCase, PascalCase, kebab-case or dotted names to snake_case.

    A run of capitals counts as one word: ``avgCaseResponseSLA`` becomes
    ``avg_case_response_sla`` and ``getKBContent`` becomes ``get_kb_content``.
    """
    words = re.sub(r"[^A-Za-z0-9]+", "_", name)
    words = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", words)
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", words)
    return re.sub(r"_+", "_", words).strip("_").lower()


def python_name(name: str) -> str:
    """Return the Python identifier for an argument name.

    A keyword gets a trailing underscore (``from`` becomes ``from_``), as PEP 8
    advises; a name that is still no identifier raises CodegenError.
    """
    result = snake_case(name)
    if keyword.iskeyword(result) or keyword.issoftkeyword(result):
        result += "_"
    if not result.isidentifier():
        raise CodegenError(f"the argument name {name!r} gives no Python identifier")
    return result


def method_name(operation: Operation) -> str:
    """Return the client method name: the snake_case operationId."""
    return snake_case(operation.operation_id)


def arguments_class_name(operation: Operation) -> str:
    """Return the name of the synthesized tool arguments model."""
    operation_id = operation.operation_id
    return f"{operation_id[0].upper()}{operation_id[1:]}Arguments"


def check_operation_names(operations: Iterable[Operation]) -> None:
    """Check that operationIds, method names and tool names are valid and unique."""
    by_operation_id: dict[str, Operation] = {}
    by_method: dict[str, Operation] = {}
    by_tool: dict[str, Operation] = {}

    for operation in operations:
        earlier = by_operation_id.setdefault(operation.operation_id, operation)
        if earlier is not operation:
            raise CodegenError(
                f"{operation.where} repeats the operationId of {earlier.where}"
            )

        name = method_name(operation)
        earlier = by_method.setdefault(name, operation)
        if earlier is not operation:
            raise CodegenError(
                f"{operation.where} and {earlier.where} both become the method "
                f"{name}(); rename one operationId"
            )

        if operation.tool is None:
            continue
        if not TOOL_NAME_PATTERN.fullmatch(operation.tool):
            raise CodegenError(
                f"{operation.where}: tool name {operation.tool!r} does not match "
                f"{TOOL_NAME_PATTERN.pattern}; use lower-case letters, digits and "
                "underscores, at most 64 characters"
            )
        earlier = by_tool.setdefault(operation.tool, operation)
        if earlier is not operation:
            raise CodegenError(
                f"{operation.where} repeats the tool name {operation.tool!r} of "
                f"{earlier.where}"
            )
        if operation.summary is None or operation.description is None:
            raise CodegenError(
                f"{operation.where} has tool {operation.tool!r} but no summary or "
                "description; the tool title and description come from them"
            )

    for operation in by_operation_id.values():
        for part in operation.composite:
            if part not in by_operation_id:
                raise CodegenError(
                    f"{operation.where}: x-sprinklr.composite names {part!r}, "
                    "which is no operationId of the spec"
                )
