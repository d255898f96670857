"""Check tool arguments against the tool's input schema and its generated model.

Every problem names the argument (a dotted path for nested values) and what
was expected, so that a model can correct its call in one step.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError as SchemaError
from pydantic import BaseModel
from pydantic import ValidationError as ModelError

__all__ = [
    "ArgumentProblem",
    "InvalidArguments",
    "check_schema",
    "coerce_json_strings",
    "format_problems",
    "validate_model",
]

_MAX_VALUE_CHARS = 60
_JSON_TYPE_NAMES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


@dataclass(frozen=True, slots=True)
class ArgumentProblem:
    """One invalid argument: its dotted path (empty for the whole call) and why."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidArguments(ValueError):
    """Arguments that failed validation; ``problems`` lists each one."""

    def __init__(self, tool: str, problems: list[ArgumentProblem]) -> None:
        super().__init__(format_problems(tool, problems))
        self.tool = tool
        self.problems = problems


def format_problems(tool: str, problems: Iterable[ArgumentProblem]) -> str:
    """Render problems as one message: a header line and one line per argument."""
    lines = [f"Invalid arguments for {tool}; nothing was sent to Sprinklr."]
    lines.extend(f"- {problem}" for problem in problems)
    return "\n".join(lines)


def _schema_types(schema: Mapping[str, Any]) -> set[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {item for item in declared if isinstance(item, str)}
    types: set[str] = set()
    for key in ("anyOf", "oneOf"):
        for option in schema.get(key, []):
            if isinstance(option, Mapping):
                types |= _schema_types(option)
    return types


def coerce_json_strings(
    arguments: Mapping[str, Any], schema: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Parse top-level string values that should be arrays or objects.

    Some clients send ``"[1, 2]"`` where the schema expects an array. Such a
    value is parsed only where it is unambiguous: the property accepts arrays
    or objects and no strings, and the string parses to a JSON value of an
    accepted type. Returns the new arguments and the names that were parsed.
    """
    properties = schema.get("properties", {})
    coerced = dict(arguments)
    parsed: list[str] = []
    for name, value in arguments.items():
        property_schema = properties.get(name)
        if not isinstance(value, str) or not isinstance(property_schema, Mapping):
            continue
        accepted = _schema_types(property_schema) - {"null"}
        if not accepted or not accepted <= {"array", "object"}:
            continue
        try:
            decoded = json.loads(value)
        except ValueError:
            continue
        if _json_type(decoded) in accepted:
            coerced[name] = decoded
            parsed.append(name)
    return coerced, parsed


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 3] + "..."
    return text


def _join_path(parts: Iterable[Any]) -> str:
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path


def _describe_expected(schema: Mapping[str, Any]) -> str:
    """Say in a few words what a schema accepts, for 'missing' messages."""
    if "enum" in schema:
        return "one of " + ", ".join(_show(item) for item in schema["enum"])
    types = sorted(_schema_types(schema) - {"null"})
    if not types:
        return "a value"
    described = " or ".join(types)
    if "array" in types and isinstance(schema.get("items"), Mapping):
        item_types = sorted(_schema_types(schema["items"]) - {"null"})
        if item_types:
            described = described.replace(
                "array", f"array of {' or '.join(item_types)}"
            )
    return described


def _problems_from_schema_error(
    error: SchemaError, schema: Mapping[str, Any]
) -> list[ArgumentProblem]:
    path = _join_path(error.absolute_path)
    kind = error.validator
    instance = error.instance

    if kind == "required" and isinstance(instance, Mapping):
        properties = (
            error.schema.get("properties", {})
            if isinstance(error.schema, Mapping)
            else {}
        )
        problems = []
        for name in error.validator_value:
            if name in instance:
                continue
            expected = _describe_expected(properties.get(name, {}))
            field = f"{path}.{name}" if path else name
            problems.append(ArgumentProblem(field, f"missing; expected {expected}"))
        return problems

    if kind == "additionalProperties" and isinstance(instance, Mapping):
        known = (
            list(error.schema.get("properties", {}))
            if isinstance(error.schema, Mapping)
            else []
        )
        problems = []
        for name in instance:
            if name in known:
                continue
            field = f"{path}.{name}" if path else name
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            valid = ", ".join(known) if known else "none"
            problems.append(
                ArgumentProblem(
                    field, f"unknown argument{hint} Valid arguments: {valid}"
                )
            )
        return problems

    if kind == "type":
        expected = error.validator_value
        expected_text = (
            " or ".join(expected) if isinstance(expected, list) else str(expected)
        )
        message = (
            f"expected {expected_text}, got {_json_type(instance)} {_show(instance)}"
        )
        return [ArgumentProblem(path, message)]

    if kind == "enum":
        options = ", ".join(_show(item) for item in error.validator_value)
        return [
            ArgumentProblem(path, f"expected one of {options}, got {_show(instance)}")
        ]

    if kind == "const":
        return [
            ArgumentProblem(
                path, f"expected {_show(error.validator_value)}, got {_show(instance)}"
            )
        ]

    if kind in ("anyOf", "oneOf"):
        alternatives = [
            _describe_expected(option)
            for option in error.validator_value
            if isinstance(option, Mapping)
        ]
        return [
            ArgumentProblem(
                path,
                f"expected {' or '.join(dict.fromkeys(alternatives))}, got "
                f"{_json_type(instance)} {_show(instance)}",
            )
        ]

    # Bounds, lengths, patterns and formats: jsonschema's own message names
    # the limit, with the offending value shortened.
    message = error.message
    if len(message) > 200:
        message = message[:197] + "..."
    return [ArgumentProblem(path, message)]


def check_schema(
    arguments: Mapping[str, Any], schema: Mapping[str, Any]
) -> list[ArgumentProblem]:
    """Validate against a JSON Schema and return every problem, in field order."""
    validator_class = jsonschema.validators.validator_for(
        schema, default=jsonschema.Draft202012Validator
    )
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    problems: list[ArgumentProblem] = []
    for error in validator.iter_errors(arguments):
        problems.extend(_problems_from_schema_error(error, schema))
    unique = list(dict.fromkeys(problems))
    unique.sort(key=lambda problem: problem.field)
    return unique


def validate_model(
    model: type[BaseModel], arguments: Mapping[str, Any]
) -> BaseModel | list[ArgumentProblem]:
    """Build the generated arguments model, or return its errors as problems."""
    try:
        return model.model_validate(arguments)
    except ModelError as error:
        problems = []
        for item in error.errors(include_url=False):
            field = _join_path(item["loc"])
            message = item["msg"]
            if item["type"] == "missing":
                message = "missing; this argument is required"
            elif item["type"] == "extra_forbidden":
                message = "unknown argument"
            elif "input" in item and item["type"] not in ("missing",):
                message = f"{message} (got {_show(item['input'])})"
            problems.append(ArgumentProblem(field, message))
        return problems
