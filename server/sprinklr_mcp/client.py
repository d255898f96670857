"""The public async Sprinklr client for Python callers."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Self

from sprinklr_generated.operations import OPERATIONS, SprinklrOperations
from sprinklr_mcp.auth import TokenBroker, TokenProvider
from sprinklr_mcp.config import ConfigError, ConnectionSettings, load_connection
from sprinklr_mcp.ratelimit import RateLimit, RateLimiter, shared_limiter
from sprinklr_mcp.retry import RetryPolicy
from sprinklr_mcp.transport import HttpTransport, Timeouts

__all__ = ["SprinklrClient", "check_path_overrides", "rate_limits_from_settings"]

logger = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"\{([^{}/]+)\}")


def rate_limits_from_settings(settings: ConnectionSettings) -> tuple[RateLimit, ...]:
    """Return the connection's per-second and per-hour limits as ``RateLimit``s.

    A fractional per-second rate becomes a whole number of calls over a
    longer period: 2.5 per second is 5 calls per 2 s, 0.5 is 1 call per 2 s.
    """
    per_second = Fraction(settings.rate_limit_per_second).limit_denominator(1000)
    return (
        RateLimit(per_second.numerator, float(per_second.denominator)),
        RateLimit(int(settings.rate_limit_per_hour), 3600.0),
    )


def check_path_overrides(
    overrides: Mapping[str, str], connection: str | None = None
) -> None:
    """Raise ``ConfigError`` unless every override names an overridable operation.

    Only operations without a documented path (``source: inferred``) can be
    overridden, and an override may use only the path parameters that the
    operation has.
    """
    for operation_id, path in overrides.items():
        operation = OPERATIONS.get(operation_id)
        if operation is None:
            raise ConfigError(
                f"path override for unknown operation {operation_id!r}; use an "
                "operationId from the spec, such as listProfileCases",
                setting="path_overrides",
                connection=connection,
            )
        if not operation.inferred:
            raise ConfigError(
                f"{operation_id} has a documented path ({operation.path}), so it "
                "cannot be overridden; remove it from path_overrides",
                setting="path_overrides",
                connection=connection,
            )
        known = set(_PLACEHOLDER.findall(operation.path))
        unknown = sorted(set(_PLACEHOLDER.findall(path)) - known)
        if unknown:
            raise ConfigError(
                f"path override {path!r} for {operation_id} uses unknown path "
                f"parameters {unknown}; it may use only {sorted(known)}",
                setting="path_overrides",
                connection=connection,
            )


class SprinklrClient(SprinklrOperations):
    """Async client for one Sprinklr connection, with one method per operation.

    Use it as an async context manager: entering opens its HTTP session and
    leaving closes the session and, when the client created it, the token
    broker. A closed client, or one used from another event loop, raises
    ``ClientStateError``. Every failure is a ``sprinklr_mcp.errors.SprinklrError``.

    Example::

        import asyncio

        from sprinklr_mcp import NotFoundError, SprinklrClient


        async def main() -> None:
            async with SprinklrClient.connect("work") as client:
                me = await client.get_me()
                print(me.name)
                try:
                    case = await client.get_case_by_id("633a9f1ce980b61e49f80adb")
                except NotFoundError as error:
                    print(error.status, error.sprinklr_message)
                else:
                    print(case.case_number, case.subject)


        asyncio.run(main())

    ``token_provider`` defaults to a ``TokenBroker`` for the connection.
    ``limiter`` defaults to the process-wide limiter of the connection's API
    key, so all clients of one key share its rate limits. ``timeouts`` and
    ``retry_policy`` default to the connection's timeouts and the standard
    ``RetryPolicy``.
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        token_provider: TokenProvider | None = None,
        timeouts: Timeouts | None = None,
        retry_policy: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        check_path_overrides(settings.path_overrides, settings.name)

        self.settings = settings
        self._broker: TokenBroker | None = None
        if token_provider is None:
            self._broker = TokenBroker(settings)
            token_provider = self._broker

        transport = HttpTransport(
            settings.api_base_url,
            settings.api_key,
            token_provider,
            timeouts=timeouts
            or Timeouts(
                connect=settings.connect_timeout,
                sock_read=settings.read_timeout,
                total=settings.total_timeout,
                upload_total=settings.upload_timeout,
            ),
            retry_policy=retry_policy,
            limiter=limiter
            or shared_limiter(settings.api_key, rate_limits_from_settings(settings)),
            path_overrides=settings.path_overrides,
        )
        super().__init__(transport)
        self.transport = transport

    @classmethod
    def connect(cls, name: str | None = None, **overrides: Any) -> Self:
        """Return a client for the named connection, not yet opened.

        Settings come from ``overrides``, then ``SPRINKLR_*`` variables, then
        the config file (see ``sprinklr_mcp.config.load_connection``). Raises
        ``ConfigError`` naming a missing or invalid setting.
        """
        return cls(load_connection(name, **overrides))

    async def __aenter__(self) -> Self:
        await self.transport.open()
        logger.debug("opened the Sprinklr client for connection %s", self.settings.name)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP session and the broker the client created."""
        try:
            await self.transport.close()
        finally:
            if self._broker is not None:
                await self._broker.aclose()
