"""Request checks that reject bad input with 400 and the name of the field.

Sprinklr accepts some loose types that its own examples use, such as numbers
sent as strings or a single ID where a list is documented. The readers here
accept the same forms and convert them, and reject everything else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from aiohttp import web

from .envelope import ApiError

__all__ = [
    "MAX_JSON_DEPTH",
    "Fields",
    "bad_request",
    "query_int",
    "query_str",
    "read_json",
    "read_json_list",
    "read_json_object",
]

# Maximum levels of arrays and objects a JSON body may nest. Sprinklr documents
# no limit. The sandbox sets one because its handlers walk filters and
# attachments recursively; the deepest documented example nests 7 levels.
MAX_JSON_DEPTH = 64

_JSON_TYPE_NAMES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


def _describe(value: Any) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def bad_request(field: str, problem: str) -> ApiError:
    """Return a 400 error whose message starts with the field name."""
    return ApiError(400, f"Invalid request: {field} {problem}", field=field)


async def read_json(request: web.Request) -> Any:
    """Parse the request body as JSON or raise 400."""
    raw = await request.read()
    if not raw.strip():
        raise ApiError(400, "Invalid request: the request body is empty", field="body")
    too_deep = ApiError(
        400,
        "Invalid request: the body nests arrays and objects more than "
        f"{MAX_JSON_DEPTH} levels deep; send a flatter JSON document",
        field="body",
    )
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(
            400, f"Invalid request: the body is not valid JSON ({exc})", field="body"
        ) from exc
    except RecursionError:
        raise too_deep from None
    if _depth(body) > MAX_JSON_DEPTH:
        raise too_deep
    return body


def _depth(value: Any) -> int:
    """Return how deeply arrays and objects nest in ``value``; a scalar is 0."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict):
            children: Iterable[Any] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level + 1)
        pending.extend((child, level + 1) for child in children)
    return deepest


async def read_json_object(request: web.Request) -> Fields:
    """Parse the body as a JSON object or raise 400."""
    body = await read_json(request)
    if not isinstance(body, dict):
        raise bad_request("body", f"must be a JSON object, got {_describe(body)}")
    return Fields(body)


async def read_json_list(request: web.Request) -> list[Any]:
    """Parse the body as a JSON array or raise 400."""
    body = await read_json(request)
    if not isinstance(body, list):
        raise bad_request("body", f"must be a JSON array, got {_describe(body)}")
    return body


def query_str(request: web.Request, name: str, *, required: bool = True) -> str | None:
    """Return a query parameter, raising 400 when a required one is missing."""
    value = request.query.get(name)
    if value is None or value == "":
        if required:
            raise ApiError(
                400, f"Invalid request: query parameter {name} is required", field=name
            )
        return None
    return value


def query_int(request: web.Request, name: str, *, required: bool = True) -> int | None:
    """Return an integer query parameter, raising 400 when missing or not a number."""
    value = query_str(request, name, required=required)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise ApiError(
            400,
            f"Invalid request: query parameter {name} must be an integer, "
            f"got {value!r}",
            field=name,
        ) from None


class Fields:
    """Typed reads from one JSON object; errors name the dotted field path."""

    def __init__(self, data: dict[str, Any], prefix: str = "") -> None:
        self.data = data
        self.prefix = prefix

    def path(self, name: str) -> str:
        """Return the dotted path of ``name`` inside this object."""
        return f"{self.prefix}.{name}" if self.prefix else name

    def has(self, name: str) -> bool:
        """Return whether ``name`` is present and not null."""
        return self.data.get(name) is not None

    def _get(self, name: str, required: bool) -> Any:
        value = self.data.get(name)
        if value is None and required:
            raise bad_request(self.path(name), "is required")
        return value

    def text(self, name: str, *, required: bool = False) -> str | None:
        """Return a string field; numbers are accepted and converted."""
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise bad_request(
                self.path(name), f"must be a string, got {_describe(value)}"
            )
        text = str(value)
        if required and not text.strip():
            raise bad_request(self.path(name), "must not be empty")
        return text

    def integer(self, name: str, *, required: bool = False) -> int | None:
        """Return an integer field; a string of digits is accepted and converted."""
        value = self._get(name, required)
        if value is None:
            return None
        return to_int(value, self.path(name))

    def flag(self, name: str, *, default: bool = False) -> bool:
        """Return a boolean field; "true"/"false" strings are accepted."""
        value = self.data.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise bad_request(self.path(name), f"must be a boolean, got {_describe(value)}")

    def enum(
        self, name: str, allowed: Iterable[str], *, required: bool = False
    ) -> str | None:
        """Return a string field that must be one of ``allowed``."""
        value = self.text(name, required=required)
        if value is None:
            return None
        options = tuple(allowed)
        if value not in options:
            raise bad_request(
                self.path(name),
                f"must be one of {', '.join(options)}, got {value!r}",
            )
        return value

    def nested(self, name: str, *, required: bool = False) -> Fields | None:
        """Return a nested object field as Fields."""
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise bad_request(
                self.path(name), f"must be an object, got {_describe(value)}"
            )
        return Fields(value, self.path(name))

    def array(
        self, name: str, *, required: bool = False, single: bool = False
    ) -> list[Any] | None:
        """Return an array field; with ``single`` a lone value becomes a list."""
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, list):
            if single and not isinstance(value, dict):
                return [value]
            raise bad_request(
                self.path(name), f"must be an array, got {_describe(value)}"
            )
        if required and not value:
            raise bad_request(self.path(name), "must not be empty")
        return value

    def nested_list(self, name: str, *, required: bool = False) -> list[Fields]:
        """Return an array of objects as a list of Fields."""
        items = self.array(name, required=required) or []
        result = []
        for index, item in enumerate(items):
            path = f"{self.path(name)}[{index}]"
            if not isinstance(item, dict):
                raise bad_request(path, f"must be an object, got {_describe(item)}")
            result.append(Fields(item, path))
        return result

    def properties(
        self, name: str, *, required: bool = False
    ) -> dict[str, list[str]] | None:
        """Return a custom-property map: field ID to a list of strings.

        A single string value is accepted and wrapped in a list.
        """
        value = self._get(name, required)
        if value is None:
            return None
        return to_properties(value, self.path(name))


def to_int(value: Any, path: str) -> int:
    """Convert a JSON number or a string of digits to int, or raise 400."""
    if isinstance(value, bool):
        raise bad_request(path, "must be an integer, got a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise bad_request(path, f"must be an integer, got {value!r}")


def to_properties(value: Any, path: str) -> dict[str, list[str]]:
    """Check a custom-property map and return it with every value a string list."""
    if not isinstance(value, dict):
        raise bad_request(path, f"must be an object, got {_describe(value)}")
    result: dict[str, list[str]] = {}
    for key, items in value.items():
        item_path = f"{path}.{key}"
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list):
            raise bad_request(
                item_path, f"must be an array of strings, got {_describe(items)}"
            )
        converted = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                raise bad_request(
                    item_path, f"must contain only strings, got {_describe(item)}"
                )
            converted.append(str(item))
        result[key] = converted
    return result
