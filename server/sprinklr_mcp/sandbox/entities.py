"""Custom entity records of the tenant's entity types."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from .envelope import ok
from .routes import Route, state_of
from .seed import entity_time
from .state import Record
from .validation import bad_request, read_json_object, to_int

__all__ = ["ROUTES"]

logger = logging.getLogger(__name__)


def _convert(value: Any, field_type: str, path: str) -> Any:
    """Check one field value against its field type, converting loose forms.

    Numbers written as strings are accepted for number fields, because
    Sprinklr's own example sends one.
    """
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise bad_request(
            path, "must be a single value; custom entities have no nested fields"
        )
    if field_type == "TEXT":
        if isinstance(value, bool):
            raise bad_request(path, "must be text, got a boolean")
        return str(value)
    if field_type == "BOOLEAN":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise bad_request(path, f"must be true or false, got {value!r}")
    if field_type in ("INTEGER", "DATE"):
        return to_int(value, path)
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
    except (TypeError, ValueError):
        raise bad_request(path, f"must be a number, got {value!r}") from None
    return int(number) if number.is_integer() and field_type == "NUMBER" else number


async def create_custom_entity(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/custom-entity/entity."""
    state = state_of(request)
    body = await read_json_object(request)
    entity_type = body.text("type", required=True)
    assert entity_type is not None
    fields = state.entity_types.get(entity_type)
    if fields is None:
        raise bad_request(
            "type",
            f"{entity_type!r} is not a custom entity type of this tenant; types: "
            f"{', '.join(state.entity_types)}",
        )
    raw_values = body.nested("values", required=True)
    assert raw_values is not None
    values = {}
    for name, value in raw_values.data.items():
        if name not in fields:
            raise bad_request(
                raw_values.path(name),
                f"is not a field of {entity_type}; fields: {', '.join(fields)}",
            )
        values[name] = _convert(value, fields[name], raw_values.path(name))

    record_id = state.ids.hex24()
    entity_id = body.text("entityId") or record_id
    if (entity_type, entity_id) in state.entities:
        raise bad_request(
            "entityId", f"{entity_id!r} already exists for {entity_type}; use a new key"
        )
    created = entity_time(state.now_ms())
    record: Record = {
        "id": record_id,
        "entityId": entity_id,
        "name": body.text("name") or entity_id,
        "type": entity_type,
        "values": values,
        "createdTime": created,
        "modifiedTime": created,
    }
    state.entities[(entity_type, entity_id)] = record
    logger.info("sandbox custom entity %s/%s created", entity_type, entity_id)
    return ok(record)


ROUTES = (Route("POST", "/api/v2/custom-entity/entity", create_custom_entity),)
