"""The seed data: deterministic, invented people, Sprinklr's ID formats."""

from __future__ import annotations

import json
import re

from sprinklr_mcp.sandbox import ManualClock
from sprinklr_mcp.sandbox.seed import SEED_COUNTS, build_state
from sprinklr_mcp.sandbox.seed_text import FIRST_NAMES, LAST_NAMES
from sprinklr_mcp.sandbox.state import SandboxState

HEX24 = re.compile(r"^[0-9a-f]{24}$")
CASE_ID = re.compile(r"^[0-9a-f]{24}([0-9a-f]{8})?$")
MESSAGE_ID = re.compile(r"^(ACCOUNT|VOICE)_\d+_\d{13}_[A-Z][A-Z_]*_\d+_[A-Za-z0-9_]+$")
SEED = 20260101


def dump(state: SandboxState) -> str:
    return json.dumps(state.snapshot(), sort_keys=True)


def test_same_seed_gives_same_data() -> None:
    first = build_state(SEED, ManualClock(1_000.0))
    second = build_state(SEED, ManualClock(2_000_000_000.0))

    assert dump(first) == dump(second)


def test_other_seed_gives_other_ids() -> None:
    first = build_state(SEED, ManualClock())
    other = build_state(SEED + 1, ManualClock())

    assert set(first.cases).isdisjoint(other.cases)


def test_record_counts() -> None:
    state = build_state(SEED, ManualClock())
    comment_count = sum(len(items) for items in state.comments.values())

    assert len(state.profiles) == SEED_COUNTS["profiles"] == 36
    assert len(state.cases) == SEED_COUNTS["cases"] == 33
    assert len(state.articles) == SEED_COUNTS["articles"] == 12
    assert len(state.messages) >= 80
    assert comment_count >= 30


def test_people_are_invented() -> None:
    state = build_state(SEED, ManualClock())

    for profile in state.profiles.values():
        contact = profile["contact"]
        assert contact["firstName"] in FIRST_NAMES
        assert contact["lastName"] in LAST_NAMES
        assert contact["email"].endswith("@example.com")
        assert re.fullmatch(r"\+120255501\d\d", contact["phoneNo"])
        for social in profile["profiles"]:
            if social["channelType"] == "EMAIL":
                assert social["channelId"].endswith("@example.com")
            assert social.get("avatarUrl", "https://example.com/").startswith(
                "https://example.com/"
            )


def test_ids_have_sprinklr_formats() -> None:
    state = build_state(SEED, ManualClock())

    for case in state.cases.values():
        assert CASE_ID.match(case["id"]), case["id"]
        assert isinstance(case["caseNumber"], int)
        assert case["contact"]["id"] == (
            f"{case['contact']['channelType']}_{case['contact']['channelId']}"
        )
    for message_id, message in state.messages.items():
        assert MESSAGE_ID.match(message_id), message_id
        assert message["messageId"] == message_id
    for profile_id in state.profiles:
        assert HEX24.match(profile_id)
    for items in state.comments.values():
        for comment in items:
            assert HEX24.match(comment["id"])


def test_references_hold_together() -> None:
    state = build_state(SEED, ManualClock())

    for case in state.cases.values():
        assert case["firstMessageId"] in state.messages
        associated = state.case_messages[case["id"]]
        assert associated
        for _, message_id in associated:
            assert (
                state.messages[message_id]["associatedCaseNumber"] == case["caseNumber"]
            )
        identity = (case["contact"]["channelType"], case["contact"]["channelId"])
        assert state.find_profile_by_channel(*identity) is not None
    for (entity_type, entity_id), items in state.comments.items():
        if entity_type == "CASE":
            assert int(entity_id) in state.case_numbers
        else:
            assert entity_id in state.profiles
        assert all(item["entityId"] == entity_id for item in items)
    assert state.default_campaign_id in state.campaigns


def test_some_messages_have_no_case() -> None:
    state = build_state(SEED, ManualClock())

    loose = [m for m in state.messages.values() if "associatedCaseNumber" not in m]

    assert len(loose) == 8
