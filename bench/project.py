"""How the benchmarks reach the parts of sprinklr-mcp: client, sandbox and server."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from bench.common import MissingPart

__all__ = ["client_calls", "open_client"]


def open_client(base_url: str) -> AbstractAsyncContextManager[Any]:
    """Return the project's client, unopened, aimed at ``base_url``, fixed token."""
    try:
        from sprinklr_mcp.client import SprinklrClient  # noqa: F401
    except ImportError as error:
        raise MissingPart(
            f"sprinklr_mcp.client is not importable yet: {error}"
        ) from error
    raise MissingPart("SprinklrClient landed; bench.project.open_client needs wiring")


def client_calls(
    client: Any, case_id: str, message_ids: list[str]
) -> dict[str, Callable[[], Awaitable[object]]]:
    async def get_case() -> object:
        return await client.get_case_by_id(case_id)

    async def read_messages() -> object:
        return await client.read_multiple_messages(message_ids)

    return {"get_case_by_id": get_case, "read_multiple_messages": read_messages}
