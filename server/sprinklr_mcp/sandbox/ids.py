"""Identifiers in Sprinklr's formats, drawn from a seeded random generator."""

from __future__ import annotations

import random

__all__ = ["IdFactory", "message_id"]


def message_id(
    source_type: str,
    source_id: int,
    channel_created_time: int,
    channel_type: str,
    message_type: int,
    channel_message_id: str,
) -> str:
    """Build a Sprinklr ``messageId``.

    The format is ``sourceType_sourceId_channelCreatedTime_CHANNELTYPE_messageType_
    channelMessageId``, as in ``ACCOUNT_600039042_1649218505306_TWITTER_7_15115580``.
    """
    return (
        f"{source_type}_{source_id}_{channel_created_time}_{channel_type}_"
        f"{message_type}_{channel_message_id}"
    )


class IdFactory:
    """Makes IDs that look like Sprinklr's, deterministically for a given seed."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def hex24(self) -> str:
        """Return a 24-hex-digit object ID (cases, profiles, comments, media)."""
        return f"{self._random.getrandbits(96):024x}"

    def digits(self, length: int) -> str:
        """Return a string of ``length`` decimal digits with no leading zero."""
        first = self._random.randint(1, 9)
        rest = "".join(str(self._random.randint(0, 9)) for _ in range(length - 1))
        return f"{first}{rest}"

    def token(self, length: int = 22) -> str:
        """Return a URL-safe opaque string, like a native channel message ID."""
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
        return "".join(self._random.choice(alphabet) for _ in range(length))

    def randint(self, low: int, high: int) -> int:
        """Return an integer between ``low`` and ``high`` inclusive."""
        return self._random.randint(low, high)
