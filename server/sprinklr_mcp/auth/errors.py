"""Errors of the token broker, the token stores and the login flow."""

from __future__ import annotations

from typing import Any

from sprinklr_mcp.errors import SprinklrError

__all__ = [
    "AuthError",
    "LoginError",
    "LoginRequiredError",
    "RefreshRejectedError",
    "StoreLockTimeoutError",
    "TokenEndpointError",
    "TokenStoreError",
    "login_command",
]


def login_command(connection: str) -> str:
    """Return the shell command that logs ``connection`` in again."""
    return f"sprinklr-mcp auth login {connection}"


class AuthError(SprinklrError):
    """Root of the broker's errors; ``connection`` names the connection."""

    code = "auth_error"
    summary = "authentication with Sprinklr failed"

    def __init__(
        self,
        detail: str | None = None,
        *,
        connection: str | None = None,
        **context: Any,
    ) -> None:
        self.connection = connection
        super().__init__(detail, **context)


class LoginRequiredError(AuthError):
    """No usable token pair is stored; a person must log in through a browser.

    ``login_command`` is the command that fixes it.
    """

    code = "login_required"
    summary = "a Sprinklr login is required"

    def __init__(
        self,
        detail: str | None = None,
        *,
        connection: str | None = None,
        **context: Any,
    ) -> None:
        self.login_command = login_command(connection or "NAME")
        super().__init__(detail, connection=connection, **context)


class RefreshRejectedError(LoginRequiredError):
    """Sprinklr rejected the stored refresh token (spent, revoked or replaced).

    The stale pair stays in the store for diagnosis, marked so that no caller
    spends it again. Only a new login clears the mark.
    """

    code = "refresh_rejected"
    summary = "Sprinklr rejected the stored refresh token, so a new login is required"


class TokenEndpointError(AuthError):
    """The token endpoint failed: an error status, an ``error`` field or no JSON.

    ``status`` is the HTTP status (None when no response arrived) and
    ``sprinklr_message`` the endpoint's own text, with secrets removed.
    """

    code = "token_endpoint_error"
    summary = "the Sprinklr token endpoint failed"


class TokenStoreError(AuthError):
    """The token store could not be read, locked or written."""

    code = "token_store_error"
    summary = "the token store failed"


class StoreLockTimeoutError(TokenStoreError):
    """Another caller held the store's lock for longer than the wait allows."""

    code = "token_store_lock_timeout"
    summary = "timed out waiting for the token store's lock"
    default_retryable = True


class LoginError(AuthError):
    """The browser login failed: denied, wrong ``state``, timed out or bad paste."""

    code = "login_failed"
    summary = "the Sprinklr login failed"
