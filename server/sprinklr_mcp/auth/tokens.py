"""Stored token pairs and the calls to Sprinklr's token endpoint.

Sprinklr's token responses vary: ``expires_in`` comes as an integer or a
string, ``refresh_token`` may be missing, errors arrive as HTTP 200 with an
``error`` field or as HTML pages. One named function below handles each
variant.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import aiohttp

from sprinklr_mcp.auth.errors import RefreshRejectedError, TokenEndpointError
from sprinklr_mcp.config import ConnectionSettings
from sprinklr_mcp.errors import redact

__all__ = [
    "SessionFactory",
    "StoredTokens",
    "TokenResponse",
    "default_session_factory",
    "key_fingerprint",
    "parse_expires_in",
    "parse_token_response",
    "request_tokens",
]

logger = logging.getLogger(__name__)

SessionFactory = Callable[[], aiohttp.ClientSession]

_MAX_ERROR_CHARS = 300
_TAG = re.compile(r"<[^>]+>")
_HIDDEN_BLOCK = re.compile(r"<(script|style)\b[^>]*>.*?</\1>", re.I | re.S)
# Error codes and texts that mean "this grant will never work again", as
# opposed to a fault that a later attempt could get past.
_REJECTED_GRANT_CODES = frozenset({"invalid_grant", "invalid_token", "expired_token"})
_REJECTED_GRANT_TEXT = re.compile(
    r"invalid[ _]grant|refresh[ _]token\b.*\b(invalid|expired|revoked|used|not found)"
    r"|code\b.*\b(expired|invalid|used)",
    re.I,
)


def key_fingerprint(api_key: str) -> str:
    """Return a short hash that distinguishes API keys without revealing them."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class StoredTokens:
    """One token pair as a store keeps it. Times are epoch seconds.

    ``generation`` grows by one with every write; stores use it as the fencing
    token so that an older writer can never replace a newer pair.
    ``refresh_rejected_at`` is set when Sprinklr rejected ``refresh_token``:
    the pair is kept for diagnosis, and only a login replaces it.
    """

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    token_type: str
    obtained_at: float
    expires_at: float
    generation: int
    environment: str
    api_key_fingerprint: str
    refresh_rejected_at: float | None = None

    @property
    def lifetime(self) -> float:
        """Seconds between issue and expiry."""
        return self.expires_at - self.obtained_at

    def to_json(self) -> str:
        """Serialize to the JSON document that the stores write."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> StoredTokens:
        """Parse a stored JSON document; raises ValueError when it is not one."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("a stored token pair must be a JSON object")
        try:
            return cls(
                access_token=_required_str(data, "access_token"),
                refresh_token=_optional_str(data, "refresh_token"),
                token_type=_required_str(data, "token_type"),
                obtained_at=float(data["obtained_at"]),
                expires_at=float(data["expires_at"]),
                generation=int(data["generation"]),
                environment=str(data["environment"]),
                api_key_fingerprint=str(data["api_key_fingerprint"]),
                refresh_rejected_at=(
                    None
                    if data.get("refresh_rejected_at") is None
                    else float(data["refresh_rejected_at"])
                ),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"stored token pair is incomplete: {exc}") from exc

    def marked_rejected(self, now: float) -> StoredTokens:
        """Return this pair marked as holding a rejected refresh token."""
        return replace(self, refresh_rejected_at=now, generation=self.generation + 1)


def _required_str(data: Mapping[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value:
        raise ValueError(f"stored token pair has no valid {key}")
    return value


def _optional_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"stored token pair has an invalid {key}")
    return value or None


@dataclass(frozen=True, slots=True)
class TokenResponse:
    """A successful token response; ``expires_in`` is in seconds, None if absent."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    token_type: str
    expires_in: float | None

    def to_stored(
        self,
        settings: ConnectionSettings,
        *,
        now: float,
        generation: int,
        previous_refresh_token: str | None,
    ) -> StoredTokens:
        """Build the pair to store; a missing refresh token keeps the previous one.

        A missing ``expires_in`` gets ``settings.default_token_lifetime``.
        """
        lifetime = self.expires_in
        if lifetime is None:
            lifetime = settings.default_token_lifetime
        return StoredTokens(
            access_token=self.access_token,
            refresh_token=self.refresh_token or previous_refresh_token,
            token_type=self.token_type,
            obtained_at=now,
            expires_at=now + lifetime,
            generation=generation,
            environment=settings.environment_segment,
            api_key_fingerprint=key_fingerprint(settings.api_key),
        )


def parse_expires_in(value: Any) -> float | None:
    """Read ``expires_in`` sent as an integer, a float or a numeric string.

    Returns None for a missing, empty, non-numeric or non-positive value, so
    that the caller applies its conservative default.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            logger.warning("token response has a non-numeric expires_in; ignoring it")
            return None
    else:
        logger.warning("token response has an expires_in of unexpected type")
        return None
    if not math.isfinite(number) or number <= 0:
        logger.warning("token response has a non-positive expires_in; ignoring it")
        return None
    return number


def _error_text(body: str, content_type: str) -> str:
    """Return readable text of an error body: JSON fields, HTML text or plain text."""
    text = body
    if "html" in content_type.lower() or body.lstrip()[:15].lower().startswith(
        ("<!doctype", "<html")
    ):
        text = _TAG.sub(" ", _HIDDEN_BLOCK.sub(" ", body))
    return " ".join(text.split())


def _is_rejected_grant(status: int, code: str | None, text: str) -> bool:
    """Tell whether the endpoint rejected the grant itself (the code or token).

    Sprinklr documents no error body for the token endpoint, so besides the
    OAuth ``invalid_grant`` code this also matches texts such as "refresh token
    is invalid" and "code has expired" in 400 and 401 responses.
    """
    if code is not None and code.lower() in _REJECTED_GRANT_CODES:
        return True
    return status in (400, 401) and bool(_REJECTED_GRANT_TEXT.search(text))


def parse_token_response(
    status: int,
    content_type: str,
    body: str,
    *,
    connection: str,
    secrets: tuple[str, ...],
) -> TokenResponse:
    """Turn one token-endpoint response into a TokenResponse or raise.

    Raises RefreshRejectedError when the grant was rejected and
    TokenEndpointError for every other failure, including HTTP 200 with an
    ``error`` field and bodies that are not JSON. Known ``secrets`` are removed
    from the text an error keeps.
    """
    payload: Any = None
    try:
        payload = json.loads(body) if body.strip() else None
    except ValueError:
        payload = None

    code: str | None = None
    message: str
    if isinstance(payload, dict):
        raw_code = payload.get("error")
        code = str(raw_code) if raw_code not in (None, "") else None
        description = payload.get("error_description") or payload.get("message")
        message = " ".join(
            str(part) for part in (code, description) if part not in (None, "")
        )
    else:
        message = _error_text(body, content_type)
    message = redact(message, secrets)[:_MAX_ERROR_CHARS] or "(empty body)"

    if status == 200 and isinstance(payload, dict) and code is None:
        access_token = payload.get("access_token")
        if isinstance(access_token, str) and access_token:
            refresh_token = payload.get("refresh_token")
            token_type = payload.get("token_type")
            return TokenResponse(
                access_token=access_token,
                refresh_token=(
                    refresh_token
                    if isinstance(refresh_token, str) and refresh_token
                    else None
                ),
                token_type=token_type if isinstance(token_type, str) else "Bearer",
                expires_in=parse_expires_in(payload.get("expires_in")),
            )
        raise TokenEndpointError(
            f"connection {connection!r}: the token response has no access_token",
            connection=connection,
            status=status,
            retryable=False,
        )

    if _is_rejected_grant(status, code, message):
        raise RefreshRejectedError(
            f"connection {connection!r}: the token endpoint rejected the grant "
            f"(HTTP {status}: {message}); run `sprinklr-mcp auth login {connection}`",
            connection=connection,
            status=status,
            sprinklr_message=message,
        )

    if status == 200:
        detail = "the token endpoint answered HTTP 200 with an error"
    elif isinstance(payload, dict):
        detail = "the token endpoint answered with an error"
    else:
        detail = "the token endpoint answered without JSON"
    if code == "invalid_client":
        detail += "; check the connection's API key and secret"
    raise TokenEndpointError(
        f"connection {connection!r}: {detail}",
        connection=connection,
        status=status,
        sprinklr_message=message,
        retryable=status >= 500 or status in (200, 429),
    )


def default_session_factory(settings: ConnectionSettings) -> SessionFactory:
    """Return a factory of short-lived sessions with the connection's timeouts.

    The total timeout stays below half the store lock's timeout, so that a
    token request ends while its caller still holds the lock.
    """
    timeout = aiohttp.ClientTimeout(
        total=min(settings.total_timeout, settings.lock_timeout / 2),
        connect=settings.connect_timeout,
        sock_read=settings.read_timeout,
    )

    def factory() -> aiohttp.ClientSession:
        return aiohttp.ClientSession(timeout=timeout)

    return factory


async def request_tokens(
    settings: ConnectionSettings,
    form: Mapping[str, str],
    *,
    session_factory: SessionFactory,
) -> TokenResponse:
    """POST ``form`` (with client credentials added) to the token endpoint.

    Sends a form body rather than query parameters, so that no secret or token
    lands in a URL. Raises RefreshRejectedError or TokenEndpointError.
    """
    secret = settings.api_secret.get_secret_value()
    body = {
        **form,
        "client_id": settings.api_key,
        "client_secret": secret,
        "redirect_uri": settings.redirect_uri,
    }
    secrets = (
        secret,
        settings.api_key,
        *(value for key, value in form.items() if key in ("code", "refresh_token")),
    )

    try:
        async with (
            session_factory() as session,
            session.post(
                settings.oauth_token_url,
                data=body,
                headers={"Accept": "application/json"},
                allow_redirects=False,
            ) as response,
        ):
            status = response.status
            content_type = response.headers.get("Content-Type", "")
            text = await response.text(errors="replace")
    except TimeoutError as exc:
        raise TokenEndpointError(
            f"connection {settings.name!r}: the token request timed out",
            connection=settings.name,
            retryable=True,
        ) from exc
    except aiohttp.ClientError as exc:
        raise TokenEndpointError(
            f"connection {settings.name!r}: the token request failed "
            f"({type(exc).__name__})",
            connection=settings.name,
            retryable=True,
        ) from exc

    return parse_token_response(
        status, content_type, text, connection=settings.name, secrets=secrets
    )
