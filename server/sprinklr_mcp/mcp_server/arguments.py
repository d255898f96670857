"""Check tool arguments against the tool's input schema and its generated model.

Every problem names the argument (a dotted path for nested values) and what
was expected, so that a model can correct its call in one step.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError as SchemaError
from pydantic import BaseModel
from pydantic import ValidationError as ModelError

__all__ = [
    "MAX_NESTING",
    "ArgumentProblem",
    "InvalidArguments",
    "check_nesting",
    "check_schema",
    "coerce_arguments",
    "format_problems",
    "json_text_depth",
    "validate_model",
]

# Maximum nesting depth of arrays and objects in one argument's value. Python's
# JSON decoder and the recursive checks below raise RecursionError within about
# 1,000 levels, so deeper values are rejected before they are decoded or walked.
MAX_NESTING = 64

_MAX_VALUE_CHARS = 60
# Bounds on the error text, which a model reads whole. Argument names echo the
# client's input, so they are cut short. A message must keep whole the list of
# valid arguments, of up to 361 characters in the current catalog.
_MAX_LISTED_PROBLEMS = 20
_MAX_FIELD_CHARS = 80
_MAX_MESSAGE_CHARS = 1000
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
    """Render problems as one message: a header line and one line per argument.

    Only the first problems are listed, with long names and messages shortened,
    so that a call with thousands of bad arguments still gets a short answer.
    """
    problems = list(problems)
    lines = [f"Invalid arguments for {tool}; nothing was sent to Sprinklr."]
    for problem in problems[:_MAX_LISTED_PROBLEMS]:
        field = _shorten(problem.field, _MAX_FIELD_CHARS)
        message = _shorten(problem.message, _MAX_MESSAGE_CHARS)
        lines.append(f"- {field}: {message}" if field else f"- {message}")
    hidden = len(problems) - _MAX_LISTED_PROBLEMS
    if hidden > 0:
        lines.append(
            f"- and {hidden} more problems; fix these and call again to see them."
        )
    return "\n".join(lines)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _nesting_problem(field: str) -> ArgumentProblem:
    return ArgumentProblem(
        field,
        f"arrays and objects are nested more than {MAX_NESTING} levels deep, "
        "which this server does not accept; send a flatter value",
    )


def _value_depth(value: Any, limit: int) -> int:
    """Return how deeply arrays and objects nest in ``value`` (a scalar is 0).

    The walk uses a stack rather than recursion and stops once it passes
    ``limit``, returning ``limit + 1``, so any depth is safe to measure.
    """
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, Mapping):
            children: Iterable[Any] = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        depth += 1
        if depth > limit:
            return limit + 1
        deepest = max(deepest, depth)
        pending.extend((child, depth) for child in children)
    return deepest


def check_nesting(arguments: Mapping[str, Any]) -> list[ArgumentProblem]:
    """Return a problem for each argument nested deeper than ``MAX_NESTING``."""
    return [
        _nesting_problem(str(name))
        for name, value in arguments.items()
        if _value_depth(value, MAX_NESTING) > MAX_NESTING
    ]


# A JSON string literal or one bracket; brackets inside strings are skipped.
_JSON_NESTING_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


def json_text_depth(text: str, limit: int) -> int:
    """Return how deeply arrays and objects nest in JSON ``text``, up to ``limit``.

    Counting stops once it passes ``limit`` and returns ``limit + 1``. The text
    is not otherwise checked: invalid JSON can give any count, and the decoder
    that runs afterwards reports it.
    """
    depth = deepest = 0
    for match in _JSON_NESTING_TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                return limit + 1
            deepest = max(deepest, depth)
        elif token in ("]", "}"):
            depth -= 1
    return deepest


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


def coerce_arguments(
    arguments: Mapping[str, Any], schema: Mapping[str, Any], *, tool: str = "the tool"
) -> tuple[dict[str, Any], list[str]]:
    """Convert values of the wrong JSON type where one conversion is unambiguous.

    Clients send ``"[1, 2]"`` for an array, ``7300002`` for a string of digits
    or ``"7300001"`` for an integer. At any depth (properties, additional
    properties, array items, and the one ``anyOf``/``oneOf`` option that takes
    an object or array), a value is converted only where its schema accepts a
    single JSON type besides null:

    - a string that parses as JSON to an accepted array or object;
    - an integer (not a bool or float) for a string, unless the string's
      ``pattern``, ``format``, ``enum`` or ``const`` rejects the decimal text;
    - a canonical integer string (``-?[0-9]+``, no ``+``, no spaces, no leading
      zeros except ``"0"``) for an integer;
    - a finite JSON number string for a number;
    - ``"true"`` or ``"false"`` for a boolean.

    An ``enum`` or ``const`` that rejects the converted scalar also blocks it.
    Nothing else changes, so the validation that follows reports the original
    value. Returns the new arguments and the dotted paths that were converted.

    Raises ``InvalidArguments`` for an argument nested more than
    ``MAX_NESTING`` levels deep, counting levels inside a JSON string that
    would be parsed; such a value is neither walked nor decoded.
    """
    problems = check_nesting(arguments)
    if problems:
        raise InvalidArguments(tool, problems)

    validator_class = jsonschema.validators.validator_for(
        schema, default=jsonschema.Draft202012Validator
    )
    converted: list[str] = []
    try:
        coerced = _coerce_value(dict(arguments), schema, (), converted, validator_class)
    except _TooDeep as error:
        raise InvalidArguments(tool, [_nesting_problem(error.argument)]) from None
    return coerced, converted


class _TooDeep(Exception):
    """A JSON string argument that would decode past ``MAX_NESTING`` levels."""

    def __init__(self, argument: str) -> None:
        super().__init__(argument)
        self.argument = argument


_CANONICAL_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_RESTRICTING_KEYWORDS = ("pattern", "format", "enum", "const")
_UNCHANGED = object()


def _coerce_value(
    value: Any,
    schema: Any,
    path: tuple[str | int, ...],
    converted: list[str],
    validator_class: Any,
) -> Any:
    if not isinstance(schema, Mapping):
        return value

    accepted = _schema_types(schema) - {"null"}
    if isinstance(value, str) and accepted and accepted <= {"array", "object"}:
        # The path contains the argument's name and one part per level inside it.
        room = MAX_NESTING - (len(path) - 1)
        if json_text_depth(value, room) > room:
            raise _TooDeep(str(path[0]) if path else "")
        decoded = _decode_json(value)
        if decoded is not _UNCHANGED and _json_type(decoded) in accepted:
            value = decoded
            converted.append(_join_path(path))
    else:
        candidate = _convert_scalar(value, accepted)
        if candidate is not _UNCHANGED and _passes_restrictions(
            candidate, schema, validator_class
        ):
            value = candidate
            converted.append(_join_path(path))

    if isinstance(value, dict):
        value = _coerce_members(value, schema, path, converted, validator_class)
    elif isinstance(value, list):
        value = _coerce_items(value, schema, path, converted, validator_class)
    else:
        return value

    # A container matched by exactly one alternative follows that alternative.
    for keyword in ("anyOf", "oneOf"):
        options = [
            option
            for option in schema.get(keyword, [])
            if isinstance(option, Mapping)
            and _json_type(value) in _schema_types(option)
        ]
        if len(options) == 1:
            value = _coerce_value(value, options[0], path, converted, validator_class)
    return value


def _coerce_members(
    value: dict[str, Any],
    schema: Mapping[str, Any],
    path: tuple[str | int, ...],
    converted: list[str],
    validator_class: Any,
) -> dict[str, Any]:
    properties = schema.get("properties", {})
    additional = schema.get("additionalProperties")
    result = dict(value)
    for name, member in value.items():
        if isinstance(properties, Mapping) and name in properties:
            member_schema = properties[name]
        else:
            member_schema = additional
        result[name] = _coerce_value(
            member, member_schema, (*path, name), converted, validator_class
        )
    return result


def _coerce_items(
    value: list[Any],
    schema: Mapping[str, Any],
    path: tuple[str | int, ...],
    converted: list[str],
    validator_class: Any,
) -> list[Any]:
    prefix = schema.get("prefixItems", [])
    if not isinstance(prefix, list):
        prefix = []
    items = schema.get("items")
    result = []
    for index, item in enumerate(value):
        item_schema = prefix[index] if index < len(prefix) else items
        result.append(
            _coerce_value(item, item_schema, (*path, index), converted, validator_class)
        )
    return result


def _decode_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return _UNCHANGED


def _convert_scalar(value: Any, accepted: set[str]) -> Any:
    """Return the one conversion of a scalar to the accepted type, if any."""
    if accepted == {"string"}:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return _UNCHANGED

    if not isinstance(value, str):
        return _UNCHANGED
    if accepted == {"integer"}:
        if _CANONICAL_INTEGER.fullmatch(value):
            return int(value)
        return _UNCHANGED
    if accepted in ({"number"}, {"integer", "number"}):
        if _CANONICAL_INTEGER.fullmatch(value):
            return int(value)
        if _JSON_NUMBER.fullmatch(value):
            number = float(value)
            return number if math.isfinite(number) else _UNCHANGED
        return _UNCHANGED
    if accepted == {"boolean"}:
        return {"true": True, "false": False}.get(value, _UNCHANGED)
    return _UNCHANGED


def _passes_restrictions(
    candidate: Any, schema: Mapping[str, Any], validator_class: Any
) -> bool:
    """Check a converted scalar against the keywords that make it the wrong value.

    Bounds and lengths are left to the validation that follows, so that its
    messages name the limit. A pattern, format or enum that rejects the
    converted value means the client sent the wrong type, which the message
    should say.
    """
    restrictions = {
        keyword: schema[keyword]
        for keyword in _RESTRICTING_KEYWORDS
        if keyword in schema
    }
    if not restrictions:
        return True
    validator = validator_class(
        restrictions, format_checker=validator_class.FORMAT_CHECKER
    )
    return bool(validator.is_valid(candidate))


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
        valid = ", ".join(known) if known else "none"
        # One line names the valid arguments; it sorts before the unknown ones.
        problems = [
            ArgumentProblem(
                path, f"valid members: {valid}" if path else f"Valid arguments: {valid}"
            )
        ]
        for name in instance:
            if name in known:
                continue
            field = f"{path}.{name}" if path else name
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(ArgumentProblem(field, f"unknown argument{hint}"))
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
    """Validate against a JSON Schema and return every problem, in field order.

    An argument nested more than ``MAX_NESTING`` levels deep is reported
    instead, without validating anything.
    """
    nesting = check_nesting(arguments)
    if nesting:
        return nesting

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
    nesting = check_nesting(arguments)
    if nesting:
        return nesting

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
