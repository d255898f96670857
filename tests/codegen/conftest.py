"""Fixtures for the codegen tests."""

from __future__ import annotations

from typing import Any

import pytest
from codegen_support import fixture_document


@pytest.fixture
def mini_document() -> dict[str, Any]:
    """A fresh copy of the fixture spec, free to change in a test."""
    return fixture_document()
