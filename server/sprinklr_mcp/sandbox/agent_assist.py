"""Care-console helpers with no public API: case nudges and after-call work.

Sprinklr documents neither endpoint. The sandbox serves the paths the spec
declares and derives plausible data from the case, so the tools that call
them can be tried: nudges come from the case's state and subject, and ACW
forms exist for voice cases only.
"""

from __future__ import annotations

import hashlib

from aiohttp import web

from .envelope import ok
from .knowledge import rank_articles
from .routes import Route, state_of
from .state import Record, SandboxState
from .validation import query_str

__all__ = ["ROUTES", "case_nudges"]

# Cases waiting longer than this for a brand reply get a reminder nudge.
REPLY_REMINDER_MS = 4 * 3_600_000

# The after-call work form the sandbox tenant has configured for voice queues.
VOICE_ACW: Record = {
    "id": "66a1b2c3d4e5f60718293a4b",
    "name": "Call wrap-up",
    "acwType": "MANDATORY_WITH_TIME_LIMIT",
    "timeLimit": 120,
    "triggerOnCallStart": False,
    "processId": "66a1b2c3d4e5f60718293a4c",
}


def _nudge_id(case: Record, kind: str) -> str:
    """Return a stable 24-hex ID, so that reading nudges twice gives the same IDs."""
    return hashlib.sha256(f"{case['id']}:{kind}".encode()).hexdigest()[:24]


def case_nudges(state: SandboxState, case: Record) -> list[Record]:
    """Return the nudges an agent would see for the case, most urgent first."""
    nudges: list[Record] = []
    now = state.now_ms()
    status = case.get("status", "")
    if status in ("Closed", "Archived"):
        return nudges

    latest_customer = case.get("latestProfileMessageAssociatedTime") or 0
    latest_any = case.get("latestMessageAssociatedTime") or 0
    if latest_customer and latest_customer >= latest_any:
        waited_hours = max(0, now - latest_customer) // 3_600_000
        if now - latest_customer >= REPLY_REMINDER_MS:
            nudges.append(
                {
                    "id": _nudge_id(case, "reply"),
                    "type": "REMINDER",
                    "title": "Customer is waiting for a reply",
                    "text": f"The last customer message is {waited_hours} hours old "
                    "and has no reply yet.",
                    "priority": "HIGH",
                    "actions": [{"type": "REPLY", "label": "Reply now"}],
                    "createdTime": now,
                }
            )
    if "assignment" not in case.get("workflow", {}):
        nudges.append(
            {
                "id": _nudge_id(case, "assign"),
                "type": "NEXT_BEST_ACTION",
                "title": "Assign this case",
                "text": "Nobody owns this case yet. Assign it to yourself or a queue.",
                "priority": "MEDIUM",
                "actions": [{"type": "ASSIGN_TO_USER", "label": "Assign to me"}],
                "createdTime": now,
            }
        )
    if case.get("priority") in ("High", "Urgent"):
        nudges.append(
            {
                "id": _nudge_id(case, "sla"),
                "type": "SLA_WARNING",
                "title": f"{case['priority']} priority",
                "text": "High and urgent cases need a first reply within one hour.",
                "priority": "HIGH",
                "actions": [],
                "createdTime": now,
            }
        )
    query = f"{case.get('subject', '')} {case.get('description', '')}"
    for article, _score in rank_articles(state, query)[:1]:
        nudges.append(
            {
                "id": _nudge_id(case, f"kb:{article['id']}"),
                "type": "KNOWLEDGE_SUGGESTION",
                "title": f"Suggested article: {article['content']['title']}",
                "text": "This knowledge base article matches the case subject.",
                "priority": "LOW",
                "actions": [
                    {
                        "type": "OPEN_ARTICLE",
                        "label": "Open article",
                        "contentId": article["id"],
                    }
                ],
                "createdTime": now,
            }
        )
    return nudges


async def get_case_nudges(request: web.Request) -> web.StreamResponse:
    """GET /api/v2/case/{caseId}/nudges."""
    state = state_of(request)
    case = state.case_by_id(request.match_info["caseId"])
    return ok(case_nudges(state, case))


async def get_after_call_work(request: web.Request) -> web.StreamResponse:
    """GET /api/v2/voice/after-call-work?caseId=...: the ACW form, or null."""
    state = state_of(request)
    case_id = query_str(request, "caseId")
    assert case_id is not None
    case = state.case_by_id(case_id)
    is_voice = case.get("contact", {}).get("channelType") == "SPRINKLR_VOICE"
    return ok(dict(VOICE_ACW) if is_voice else None)


ROUTES = (
    Route("GET", "/api/v2/case/{caseId}/nudges", get_case_nudges),
    Route("GET", "/api/v2/voice/after-call-work", get_after_call_work),
)
