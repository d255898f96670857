"""The token broker: one shared source of access tokens per connection.

Sprinklr's refresh tokens are single-use and rotate, and only one live pair
exists per API key, so a refresh token spent twice locks everyone out until
a person logs in again. The broker therefore refreshes at most once at a time.
Callers in one process share one in-flight renewal. Processes sharing a store
take the store's lock, re-read the pair inside it and refresh only when the
stored pair still needs it. The new pair is written to the store before its
access token is handed out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from sprinklr_mcp.auth.errors import (
    AuthError,
    LoginRequiredError,
    RefreshRejectedError,
    TokenStoreError,
    login_command,
)
from sprinklr_mcp.auth.stores import TokenStore, create_store
from sprinklr_mcp.auth.tokens import (
    SessionFactory,
    StoredTokens,
    default_session_factory,
    key_fingerprint,
    request_tokens,
)
from sprinklr_mcp.config import ConnectionSettings

__all__ = ["Clock", "TokenBroker", "TokenProvider"]

logger = logging.getLogger(__name__)

# Wall-clock time in epoch seconds; stored expiry times are compared with it
# across processes, so a monotonic clock would not do.
Clock = Callable[[], float]

# How many in-flight renewals a caller joins before it gives up. A renewal
# that the caller starts itself never returns the rejected token, so the loop
# normally ends by the second round.
_MAX_RENEWAL_ROUNDS = 3


@runtime_checkable
class TokenProvider(Protocol):
    """Hands out access tokens for one connection."""

    async def access_token(self) -> str:
        """Return a token that is not about to expire, refreshing it if needed."""
        ...

    async def refresh_after_unauthorized(self, rejected: str) -> str:
        """Return a token to retry with after Sprinklr rejected ``rejected`` with 401.

        Refreshes only when ``rejected`` is still the current token, so that
        many callers failing with the same token cause one refresh.
        """
        ...


class TokenBroker:
    """The :class:`TokenProvider` for one connection, backed by a token store.

    ``store`` defaults to the store that ``settings`` names, which the broker
    then closes in :meth:`aclose`. ``session_factory`` makes the short-lived
    ``aiohttp`` sessions for token requests. ``clock`` returns epoch seconds.

    Errors: LoginRequiredError when no usable pair is stored,
    RefreshRejectedError when Sprinklr rejects the refresh token,
    TokenEndpointError when the token endpoint fails otherwise, and
    TokenStoreError when the store does.
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        store: TokenStore | None = None,
        *,
        session_factory: SessionFactory | None = None,
        clock: Clock = time.time,
    ) -> None:
        self.settings = settings
        self._owns_store = store is None
        self.store: TokenStore = store if store is not None else create_store(settings)
        self._session_factory = session_factory or default_session_factory(settings)
        self._clock = clock
        self._tokens: StoredTokens | None = None
        self._renewal: asyncio.Task[StoredTokens] | None = None
        self.token_requests = 0
        """Token requests this broker sent, successful or not."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the store if the broker created it."""
        if self._owns_store:
            await self.store.aclose()

    async def access_token(self) -> str:
        """Return an access token that is valid for at least the leeway."""
        tokens = self._tokens
        if tokens is not None and not self.needs_refresh(tokens):
            return tokens.access_token
        return (await self._renew(rejected=None)).access_token

    async def refresh_after_unauthorized(self, rejected: str) -> str:
        """Return a token other than ``rejected``, refreshing once if needed.

        NOTE: Sprinklr also returns 401 for a token that lacks a permission,
        so every such call spends one refresh before the client gives up.
        """
        tokens = self._tokens
        if (
            tokens is not None
            and tokens.access_token != rejected
            and not self.needs_refresh(tokens)
        ):
            return tokens.access_token
        return (await self._renew(rejected=rejected)).access_token

    def needs_refresh(self, tokens: StoredTokens) -> bool:
        """Tell whether ``tokens`` expires within the leeway.

        The leeway is ``refresh_leeway`` but at most half the token's lifetime,
        so that short-lived tokens are not refreshed on every call.
        """
        leeway = min(self.settings.refresh_leeway, max(tokens.lifetime, 0.0) / 2)
        return self._clock() >= tokens.expires_at - leeway

    async def _renew(self, *, rejected: str | None) -> StoredTokens:
        """Join the in-flight renewal or start one; all callers share its result."""
        for _ in range(_MAX_RENEWAL_ROUNDS):
            renewal = self._renewal
            if renewal is None:
                renewal = asyncio.get_running_loop().create_task(
                    self._renew_once(rejected)
                )
                renewal.add_done_callback(self._renewal_done)
                self._renewal = renewal
            # The shield keeps one caller's cancellation from cancelling the
            # renewal that other callers wait for.
            tokens = await asyncio.shield(renewal)
            if rejected is None or tokens.access_token != rejected:
                return tokens
        raise AuthError(
            f"connection {self.settings.name!r}: the access token kept coming back "
            "unchanged after renewals",
            connection=self.settings.name,
        )

    def _renewal_done(self, renewal: asyncio.Task[StoredTokens]) -> None:
        if self._renewal is renewal:
            self._renewal = None
        # Retrieve the exception so that a renewal whose callers were all
        # cancelled is not reported as "exception was never retrieved".
        if not renewal.cancelled():
            renewal.exception()

    def _is_usable(self, tokens: StoredTokens, rejected: str | None) -> bool:
        if self.needs_refresh(tokens):
            return False
        return rejected is None or tokens.access_token != rejected

    async def _renew_once(self, rejected: str | None) -> StoredTokens:
        name = self.settings.name

        # A read without the lock serves the first use and the common case
        # where another process has already refreshed.
        stored = await self._load_checked()
        if self._is_usable(stored, rejected):
            self._tokens = stored
            return stored

        async with self.store.lock(name, wait=2 * self.settings.lock_timeout):
            stored = await self._load_checked()
            if self._is_usable(stored, rejected):
                self._tokens = stored
                return stored
            return await self._refresh_locked(stored)

    async def _load_checked(self) -> StoredTokens:
        """Load the stored pair; raise when none is stored or it cannot be used."""
        name = self.settings.name
        command = login_command(name)
        stored = await self.store.load(name)
        if stored is None:
            raise LoginRequiredError(
                f"no Sprinklr tokens are stored for connection {name!r} "
                f"({self.store.description}); run `{command}`",
                connection=name,
            )
        if stored.api_key_fingerprint != key_fingerprint(self.settings.api_key):
            raise LoginRequiredError(
                f"the tokens stored for connection {name!r} belong to another API "
                f"key; run `{command}` with the current key",
                connection=name,
            )
        if stored.environment != self.settings.environment_segment:
            raise LoginRequiredError(
                f"the tokens stored for connection {name!r} belong to environment "
                f"{stored.environment or 'prod'!r}, not "
                f"{self.settings.environment_label!r}; run `{command}`",
                connection=name,
            )
        if stored.refresh_rejected_at is not None:
            rejected_at = time.strftime(
                "%Y-%m-%d %H:%M:%S UTC", time.gmtime(stored.refresh_rejected_at)
            )
            raise RefreshRejectedError(
                f"Sprinklr rejected the refresh token of connection {name!r} at "
                f"{rejected_at}; run `{command}`",
                connection=name,
            )
        return stored

    async def _refresh_locked(self, stored: StoredTokens) -> StoredTokens:
        """Spend the stored refresh token and store the new pair; hold the lock."""
        name = self.settings.name
        if stored.refresh_token is None:
            raise LoginRequiredError(
                f"the access token of connection {name!r} expired and no refresh "
                f"token is stored (Sprinklr sent none); run `{login_command(name)}`",
                connection=name,
            )

        logger.info(
            "connection %r: refreshing the access token (generation %d)",
            name,
            stored.generation,
        )
        self.token_requests += 1
        try:
            response = await request_tokens(
                self.settings,
                {"grant_type": "refresh_token", "refresh_token": stored.refresh_token},
                session_factory=self._session_factory,
            )
        except RefreshRejectedError:
            await self._mark_rejected(stored)
            raise

        if response.refresh_token is None:
            logger.warning(
                "connection %r: the token response has no refresh_token; keeping "
                "the stored one",
                name,
            )
        new = response.to_stored(
            self.settings,
            now=self._clock(),
            generation=stored.generation + 1,
            previous_refresh_token=stored.refresh_token,
        )
        try:
            written = await self.store.save(
                name, new, expected_generation=stored.generation
            )
        except TokenStoreError:
            logger.error(
                "connection %r: the refreshed pair could not be stored; Sprinklr "
                "has invalidated the old pair, so run `%s` if the store keeps failing",
                name,
                login_command(name),
            )
            raise
        if not written:
            # Another writer stored a newer generation after our lock ran out
            # (or a login happened); never overwrite it.
            current = await self._load_checked()
            logger.warning(
                "connection %r: the store moved to generation %d during the "
                "refresh; keeping the stored pair and discarding this one",
                name,
                current.generation,
            )
            self._tokens = current
            return current

        logger.info(
            "connection %r: refreshed the access token (generation %d, expires in "
            "%.0f s)",
            name,
            new.generation,
            new.lifetime,
        )
        self._tokens = new
        return new

    async def _mark_rejected(self, stored: StoredTokens) -> None:
        """Keep the rejected pair, marked, so that no caller spends it again."""
        name = self.settings.name
        logger.error(
            "connection %r: Sprinklr rejected the refresh token; run `%s`",
            name,
            login_command(name),
        )
        marked = stored.marked_rejected(self._clock())
        try:
            await self.store.save(name, marked, expected_generation=stored.generation)
        except TokenStoreError as exc:
            logger.warning(
                "connection %r: could not mark the rejected refresh token in the "
                "store (%s)",
                name,
                exc,
            )
        self._tokens = None
