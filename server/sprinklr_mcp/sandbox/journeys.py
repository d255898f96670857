"""Triggering a customer journey for a profile."""

from __future__ import annotations

import logging

from aiohttp import web

from .envelope import ok
from .profiles import upsert_profile
from .routes import Route, state_of
from .validation import bad_request, read_json_object

__all__ = ["ROUTES"]

logger = logging.getLogger(__name__)


async def trigger_customer_journey(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/marketing-journey/triggerJourney.

    The profile is found by channel identity or created, as Sprinklr does;
    SUCCESS means only that the journey was started.
    """
    state = state_of(request)
    body = await read_json_object(request)
    journey_id = body.text("journeyId", required=True)
    assert journey_id is not None
    journey = state.journeys.get(journey_id)
    if journey is None:
        raise bad_request(
            "journeyId",
            f"{journey_id!r} is not a journey of this workspace; journeys: "
            f"{', '.join(state.journeys)}",
        )
    context = body.nested("contextParams")
    if context is not None:
        for key, value in context.data.items():
            if isinstance(value, dict | list):
                raise bad_request(
                    context.path(key), "must be a string, number or boolean"
                )
    unified = body.nested("unifiedProfile", required=True)
    assert unified is not None
    profile = upsert_profile(state, unified, keep_lists=True)

    tracking_id = f"{journey_id}_{profile['id']}_{state.ids.hex24()}"
    state.journey_runs.append(
        {
            "trackingId": tracking_id,
            "journeyId": journey_id,
            "profileId": profile["id"],
            "contextParams": dict(context.data) if context else {},
            "createdTime": state.now_ms(),
        }
    )
    logger.info("sandbox journey %s triggered", journey["name"])
    return ok(
        {
            "status": "SUCCESS",
            "message": "Triggered Successfully",
            "trackingId": tracking_id,
        }
    )


ROUTES = (
    Route("POST", "/api/v2/marketing-journey/triggerJourney", trigger_customer_journey),
)
