"""The sandbox's in-memory data: cases, profiles, messages and the rest.

Records are stored as the JSON objects the API returns, so a handler can send
them as they are. Lookups raise ApiError with the status Sprinklr would use.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field
from typing import Any

from .config import Clock
from .envelope import ApiError
from .ids import IdFactory

__all__ = ["MediaFile", "SandboxState", "SearchCursor"]

logger = logging.getLogger(__name__)

Record = dict[str, Any]


@dataclass
class MediaFile:
    """An uploaded file and the media record returned for it."""

    record: Record
    content: bytes


@dataclass
class SearchCursor:
    """A search that has more pages: what it matched and where the next page starts."""

    entity_type: str
    results: list[Record]
    offset: int
    size: int
    expires_at: float


@dataclass
class SandboxState:
    """Everything the sandbox's API calls read and change.

    Cases are keyed by ID; ``case_numbers`` maps case numbers to IDs. Deleted
    cases leave both maps, and their notes leave ``comments``.
    ``case_messages`` lists, per case ID, the associated message IDs with the
    time of association in epoch milliseconds.
    """

    ids: IdFactory
    clock: Clock
    me: Record = field(default_factory=dict)
    users: dict[int, Record] = field(default_factory=dict)
    accounts: dict[int, Record] = field(default_factory=dict)
    assets: dict[str, Record] = field(default_factory=dict)
    profiles: dict[str, Record] = field(default_factory=dict)
    messages: dict[str, Record] = field(default_factory=dict)
    cases: dict[str, Record] = field(default_factory=dict)
    case_numbers: dict[int, str] = field(default_factory=dict)
    case_messages: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    comments: dict[tuple[str, str], list[Record]] = field(default_factory=dict)
    media: dict[str, MediaFile] = field(default_factory=dict)
    articles: dict[str, Record] = field(default_factory=dict)
    entity_types: dict[str, dict[str, str]] = field(default_factory=dict)
    entities: dict[tuple[str, str], Record] = field(default_factory=dict)
    campaigns: dict[str, Record] = field(default_factory=dict)
    default_campaign_id: str | None = None
    journeys: dict[str, Record] = field(default_factory=dict)
    journey_runs: list[Record] = field(default_factory=list)
    posts: dict[str, Record] = field(default_factory=dict)
    deflections: list[Record] = field(default_factory=list)
    ota_codes: dict[str, Record] = field(default_factory=dict)
    cursors: dict[str, SearchCursor] = field(default_factory=dict)
    next_case_number: int = 7300001
    next_post_number: int = 600000018600001

    def now_ms(self) -> int:
        """Return the sandbox clock's time in epoch milliseconds."""
        return int(self.clock() * 1000)

    # Cases

    def case_by_id(self, case_id: str) -> Record:
        """Return the live case with ``case_id`` or raise 404."""
        case = self.cases.get(case_id)
        if case is None:
            raise ApiError(404, f"Case not found for id {case_id}")
        return case

    def case_by_number(self, number: int) -> Record:
        """Return the live case with case number ``number`` or raise 404."""
        case_id = self.case_numbers.get(number)
        if case_id is None:
            raise ApiError(404, f"Case not found for case number {number}")
        return self.cases[case_id]

    def add_case(self, fields: Record, *, case_id: str | None = None) -> Record:
        """Store a new case, giving it an ID and the next case number.

        Returns the stored record, which starts with ``id`` and ``caseNumber``
        as Sprinklr's responses do.
        """
        case: Record = {
            "id": case_id or self.ids.hex24(),
            "caseNumber": self.next_case_number,
            **fields,
        }
        self.next_case_number += 1
        self.cases[case["id"]] = case
        self.case_numbers[case["caseNumber"]] = case["id"]
        self.case_messages.setdefault(case["id"], [])
        logger.debug("sandbox case %s created", case["caseNumber"])
        return case

    def delete_case(self, case: Record) -> None:
        """Remove a case and its notes, so that it reads 404 afterwards.

        Case notes are filed under the case number, which no later case reuses.
        """
        del self.cases[case["id"]]
        del self.case_numbers[case["caseNumber"]]
        self.case_messages.pop(case["id"], None)
        self.comments.pop(("CASE", str(case["caseNumber"])), None)

    def associate_message(self, case: Record, message: Record, when: int) -> None:
        """Link a message to a case and update the case's message counters."""
        self.case_messages.setdefault(case["id"], []).append(
            (when, message["messageId"])
        )
        message["associatedCaseNumber"] = case["caseNumber"]
        counter = (
            "associatedBrandMessageCount"
            if message.get("brandPost")
            else "associatedFanMessageCount"
        )
        case[counter] = case.get(counter, 0) + 1
        case.setdefault("firstMessageAssociatedTime", when)
        case["latestMessageAssociatedTime"] = when
        if not message.get("brandPost"):
            case["latestProfileMessageAssociatedTime"] = when

    # Profiles

    def profile_by_id(self, profile_id: str) -> Record:
        """Return the profile with ``profile_id`` or raise 404."""
        profile = self.profiles.get(profile_id)
        if profile is None:
            raise ApiError(404, f"Profile not found for id {profile_id}")
        return profile

    def find_profile_by_channel(
        self, channel_type: str, channel_id: str
    ) -> Record | None:
        """Return the profile with a channel profile of this type and native ID."""
        for profile in self.profiles.values():
            for social in profile["profiles"]:
                if (
                    social["channelType"] == channel_type
                    and social["channelId"] == channel_id
                ):
                    return profile
        return None

    def find_profile_by_username(
        self, channel_type: str, username: str
    ) -> Record | None:
        """Return the profile whose channel username matches, ignoring case."""
        wanted = username.casefold()
        for profile in self.profiles.values():
            for social in profile["profiles"]:
                if social["channelType"] != channel_type:
                    continue
                names = (social.get("username"), social.get("name"))
                if any(name and name.casefold() == wanted for name in names):
                    return profile
        return None

    # Messages

    def message_by_id(self, message_id: str) -> Record:
        """Return the message with ``message_id`` or raise 404."""
        message = self.messages.get(message_id)
        if message is None:
            raise ApiError(404, f"Message not found for messageId {message_id}")
        return message

    # Comments

    def add_comment(self, entity_type: str, entity_id: str, comment: Record) -> None:
        """Append a comment to an entity's list, oldest first."""
        self.comments.setdefault((entity_type, entity_id), []).append(comment)

    def snapshot(self) -> dict[str, Any]:
        """Return a deep copy of the main collections, for tests to inspect."""
        return copy.deepcopy(
            {
                "cases": self.cases,
                "profiles": self.profiles,
                "messages": self.messages,
                "comments": {
                    f"{kind}/{key}": items
                    for (kind, key), items in self.comments.items()
                },
                "articles": self.articles,
            }
        )
