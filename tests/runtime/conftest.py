"""Fixtures of the runtime tests; the helpers live in runtime_support.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from runtime_support import FakeSprinklr, start_fake


@pytest.fixture
async def fake() -> AsyncIterator[FakeSprinklr]:
    fake = FakeSprinklr()
    server = await start_fake(fake)
    try:
        yield fake
    finally:
        fake.release.set()
        await server.close()
