"""The v2 search endpoints: a filter tree, sorts, pages and a cursor.

A search that has more results stores them under a cursor ``id=<hex>`` for
five minutes; ``GET /api/v2/search/{entityType}?id=<hex>`` returns the next
page. Filter keys are checked against the keys Sprinklr documents for each
entity type, so a misspelt key is rejected instead of matching nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .envelope import ApiError, ok
from .routes import Route, state_of
from .state import Record, SandboxState, SearchCursor
from .validation import Fields, bad_request, query_str, read_json_object

__all__ = ["FILTER_TYPES", "ROUTES", "run_search"]

FILTER_TYPES = (
    "AND", "OR", "NOT", "IN", "NIN", "EQUALS", "NOT_EQUALS", "GT", "GTE", "LT",
    "LTE", "CONTAINS", "SEARCH", "EXISTS", "BETWEEN",
)  # fmt: skip
_COMBINERS = ("AND", "OR", "NOT")

# Seconds a search cursor stays valid.
CURSOR_LIFETIME = 300.0
DEFAULT_PAGE_SIZE = 20

# Filterable and sortable keys per entity type. A key ending in "." accepts any
# suffix, as in workflow.customProperties.<field ID>.
CASE_KEYS = (
    "id",
    "caseNumber",
    "externalCase.caseNumber",
    "externalCase.channelType",
    "modifiedTime",
    "createdTime",
    "contact.channelId",
    "deleted",
    "workflow.queues.queueId",
    "workflow.customProperties.",
    "latestProfileAUMSnCreatedTime",
)


@dataclass(frozen=True)
class SearchSpec:
    """The filter keys, option flags and record view of one entity type's search.

    ``keys`` are the filterable and sortable fields. ``flags`` are filter keys
    that set an option instead of naming a field, so they match every record.
    ``view`` maps a record to the object the filters read, when that differs.
    """

    entity_type: str
    keys: tuple[str, ...]
    flags: tuple[str, ...] = ()
    view: Callable[[Record], Record] | None = None


CASE_SEARCH = SearchSpec("CASE", CASE_KEYS)


def _key_allowed(key: str, allowed: tuple[str, ...]) -> bool:
    return any(
        key.startswith(option) if option.endswith(".") else key == option
        for option in allowed
    )


def field_values(record: Record, key: str) -> list[Any]:
    """Return every value at a dotted path, looking through lists on the way."""
    if key.startswith("workflow.customProperties."):
        name = key[len("workflow.customProperties.") :]
        values = record.get("workflow", {}).get("customProperties", {}).get(name)
        return list(values or [])
    current: list[Any] = [record]
    for part in key.split("."):
        following: list[Any] = []
        for item in current:
            if isinstance(item, dict) and part in item:
                value = item[part]
                following.extend(value if isinstance(value, list) else [value])
        current = following
    return [value for value in current if value is not None]


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _as_number(value: Any, path: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise bad_request(path, f"must hold numbers, got {value!r}") from None


Matcher = Callable[[Record], bool]


def compile_filter(fields: Fields, spec: SearchSpec) -> Matcher:
    """Check one filter node and return a function that tests a record."""
    kind = fields.enum("type", FILTER_TYPES, required=True)
    assert kind is not None
    if kind in _COMBINERS:
        children = [
            compile_filter(child, spec)
            for child in fields.nested_list("filters", required=True)
        ]
        if kind == "AND":
            return lambda record: all(match(record) for match in children)
        if kind == "OR":
            return lambda record: any(match(record) for match in children)
        return lambda record: not all(match(record) for match in children)

    key = fields.text("key", required=True)
    assert key is not None
    if key in spec.flags:
        return lambda record: True
    allowed = spec.keys
    if not _key_allowed(key, allowed):
        shown = ", ".join(
            option + ("<field ID>" if option.endswith(".") else "")
            for option in allowed
        )
        raise bad_request(
            fields.path("key"), f"{key!r} is not a filterable key; use one of {shown}"
        )
    values_path = fields.path("values")
    raw = fields.array("values", single=True)
    if raw is None:
        if kind != "EXISTS":
            raise bad_request(values_path, f"is required by filter type {kind}")
        raw = ["true"]
    texts = [_as_text(value) for value in raw]

    if kind in ("IN", "EQUALS"):
        return lambda record: any(
            _as_text(v) in texts for v in field_values(record, key)
        )
    if kind in ("NIN", "NOT_EQUALS"):
        return lambda record: (
            not any(_as_text(v) in texts for v in field_values(record, key))
        )
    if kind in ("CONTAINS", "SEARCH"):
        needles = [text.casefold() for text in texts]
        return lambda record: any(
            needle in _as_text(v).casefold()
            for v in field_values(record, key)
            for needle in needles
        )
    if kind == "EXISTS":
        wanted = texts[0].lower() != "false"
        return lambda record: bool(field_values(record, key)) == wanted
    if kind == "BETWEEN":
        if len(raw) != 2:
            raise bad_request(
                values_path, "must hold two numbers, the low and high bound"
            )
        low, high = (_as_number(v, values_path) for v in raw)
        return lambda record: any(
            low <= _as_number(v, key) <= high for v in field_values(record, key)
        )
    bound = _as_number(raw[0], values_path) if raw else 0.0
    compare: Callable[[float], bool] = {
        "GT": lambda x: x > bound,
        "GTE": lambda x: x >= bound,
        "LT": lambda x: x < bound,
        "LTE": lambda x: x <= bound,
    }[kind]
    return lambda record: any(
        compare(_as_number(v, key)) for v in field_values(record, key)
    )


def _sort_key(key: str) -> Callable[[Record], tuple[int, Any]]:
    def value(record: Record) -> tuple[int, Any]:
        found = field_values(record, key)
        if not found:
            return (1, "")
        first = found[0]
        return (0, first if isinstance(first, int | float) else _as_text(first))

    return value


def _sorted(
    records: list[Record], sorts: list[Fields], allowed: tuple[str, ...]
) -> list[Record]:
    if not sorts:
        return sorted(records, key=lambda r: r.get("createdTime", 0), reverse=True)
    result = list(records)
    for sort in reversed(sorts):
        key = sort.text("key", required=True)
        assert key is not None
        if not _key_allowed(key, allowed):
            raise bad_request(sort.path("key"), f"{key!r} is not a sortable key")
        order = sort.enum("order", ("ASC", "DESC")) or "ASC"
        result.sort(key=_sort_key(key), reverse=order == "DESC")
    return result


def run_search(
    state: SandboxState, spec: SearchSpec, body: Fields, records: Iterable[Record]
) -> Record:
    """Filter, sort and page ``records`` as the search request specifies."""
    filter_fields = body.nested("filter")
    matcher = compile_filter(filter_fields, spec) if filter_fields else None
    view = spec.view or (lambda record: record)
    matches = [record for record in records if matcher is None or matcher(view(record))]
    matches = _sorted(matches, body.nested_list("sorts"), spec.keys)

    page = body.nested("page")
    start = page.integer("start") if page else None
    size = page.integer("size") if page else None
    start = 0 if start is None else start
    size = DEFAULT_PAGE_SIZE if size is None else size
    if start < 0:
        raise bad_request("page.start", f"must be 0 or more, got {start}")
    if size < 1:
        raise bad_request("page.size", f"must be at least 1, got {size}")
    include_count = body.flag("includeCount")
    result = _page(state, spec.entity_type, matches, start, size)
    if include_count:
        result["count"] = len(matches)
    return result


def _page(
    state: SandboxState, entity_type: str, matches: list[Record], start: int, size: int
) -> Record:
    end = start + size
    result: Record = {"results": matches[start:end]}
    if end < len(matches):
        cursor_id = state.ids.hex24()
        state.cursors[cursor_id] = SearchCursor(
            entity_type=entity_type,
            results=matches,
            offset=end,
            size=size,
            expires_at=state.clock() + CURSOR_LIFETIME,
        )
        result["cursor"] = f"id={cursor_id}"
    return result


async def search_cases(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/search/CASE."""
    state = state_of(request)
    body = await read_json_object(request)
    return ok(run_search(state, CASE_SEARCH, body, state.cases.values()))


async def next_page(request: web.Request) -> web.StreamResponse:
    """GET /api/v2/search/{entityType}?id=<cursor>: the page after a search."""
    state = state_of(request)
    entity_type = request.match_info["entityType"]
    raw = query_str(request, "id")
    assert raw is not None
    cursor_id = raw.removeprefix("id=")
    cursor = state.cursors.get(cursor_id)
    if (
        cursor is None
        or cursor.entity_type != entity_type
        or cursor.expires_at <= state.clock()
    ):
        state.cursors.pop(cursor_id, None)
        raise ApiError(
            400,
            "Invalid request: the search cursor is unknown or expired (cursors "
            "last 5 minutes); run the search again",
            field="id",
        )
    del state.cursors[cursor_id]
    remaining = [
        record
        for record in cursor.results[cursor.offset :]
        if _still_present(state, entity_type, record)
    ]
    return ok(_page(state, entity_type, remaining, 0, cursor.size))


def _still_present(state: SandboxState, entity_type: str, record: Record) -> bool:
    """Return whether a record in a search cursor still exists (not deleted since)."""
    if entity_type == "CASE":
        return record.get("id") in state.cases
    if entity_type == "COMMENT":
        filed = state.comments.get((record["entityType"], record["entityId"]), [])
        return any(comment["id"] == record["id"] for comment in filed)
    return True


ROUTES = (
    Route("POST", "/api/v2/search/CASE", search_cases),
    Route("GET", "/api/v2/search/{entityType}", next_page),
)
