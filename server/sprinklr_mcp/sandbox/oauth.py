"""The sandbox's OAuth server: Sprinklr's authorize and token endpoints, in memory.

It keeps the rules that make Sprinklr's OAuth hard to use correctly:

- an authorization code works once and expires after 10 minutes;
- refresh tokens are single-use and rotate on every refresh;
- only one live token pair exists per API key, so issuing a pair by any
  grant invalidates the previous access and refresh token of that key;
- a redirect URI that differs from the registered one gives HTTP 500 on the
  authorize page, and a key used in another environment gives 421.

Knobs for tests change the token response: ``expires_in`` as an integer, a
string or missing, and no ``refresh_token`` (the previous one then stays
valid). Other knobs inject one-off faults: HTTP 200 with an ``error`` field,
or an HTML error page. Counters record every token request by grant type.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import secrets
import time
from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlencode

from aiohttp import web

from .config import DEFAULT_TOKEN_LIFETIME, Clock

__all__ = [
    "AUTHORIZATION_CODE_LIFETIME",
    "ExpiresInStyle",
    "OAuthFailure",
    "OAuthServer",
    "RegisteredApp",
    "TokenFault",
    "normalize_environment",
]

logger = logging.getLogger(__name__)

# Authorization codes are valid for 10 minutes, per Sprinklr's OAuth guide.
AUTHORIZATION_CODE_LIFETIME = 600.0

ExpiresInStyle = Literal["int", "string", "missing"]
TokenFault = Literal["error_field", "html_page", "server_error"]


def normalize_environment(environment: str) -> str:
    """Return the path segment of an environment: ``prod`` and ``""`` give ``""``."""
    lowered = environment.strip().lower()
    return "" if lowered == "prod" else lowered


@dataclass(frozen=True, slots=True)
class RegisteredApp:
    """A developer app: the API key (client id), its secret and callback URL.

    ``auto_approve`` makes the authorize endpoint redirect with a code at once,
    without the consent page, as the sandbox's unattended login needs.
    """

    api_key: str
    api_secret: str = field(repr=False)
    redirect_uri: str
    environment: str
    auto_approve: bool = False


@dataclass(frozen=True, slots=True)
class OAuthFailure:
    """The reason an API call's credentials were rejected, and the response to send."""

    status: int
    message: str

    def response(self) -> web.Response:
        """Return the response Sprinklr's gateway sends for this failure.

        "Developer Inactive" is plain text, as the gateway sends it; the other
        failures use the ``{data, errors}`` envelope.
        """
        if self.status == 403:
            return web.Response(status=403, text=self.message)
        body = {
            "data": [],
            "errors": [
                {
                    "id": f"oauth-{secrets.token_hex(4)}",
                    "code": self.status,
                    "message": self.message,
                }
            ],
        }
        return web.json_response(body, status=self.status)


@dataclass(slots=True)
class _Code:
    api_key: str
    redirect_uri: str
    environment: str
    expires_at: float
    used: bool = False


@dataclass(slots=True)
class _Pair:
    access_token: str
    refresh_token: str
    expires_at: float
    version: int


_PAGE = """<!doctype html>
<html><head><title>{title}</title></head>
<body>{body}</body></html>
"""

_CONSENT_BODY = """<h1>Sprinklr sandbox: authorize an app</h1>
<p>The app with the API key ending in {key_hint} asks for access.</p>
<form method="post" action="{action}">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
"""


def _page(status: int, title: str, body: str) -> web.Response:
    return web.Response(
        status=status,
        text=_PAGE.format(title=html.escape(title), body=body),
        content_type="text/html",
    )


def _oauth_error(status: int, error: str, description: str) -> web.Response:
    return web.json_response(
        {"error": error, "error_description": description},
        status=status,
        headers={"Cache-Control": "no-store"},
    )


async def _read_form(request: web.Request) -> dict[str, str] | None:
    """Return the string fields of a form body, or None when it cannot be decoded."""
    try:
        form = await request.post()
    except (ValueError, LookupError) as exc:
        # UnicodeDecodeError for bytes that are not UTF-8, LookupError for an
        # unknown charset, ValueError for a broken multipart body.
        # Only the exception type is logged: the body may carry a client secret.
        logger.info(
            "sandbox OAuth rejected a form body it cannot decode (%s)",
            type(exc).__name__,
        )
        return None
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _with_query(url: str, parameters: Mapping[str, str]) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urlencode(parameters)}"


class OAuthServer:
    """Sprinklr's OAuth endpoints for the sandbox, with all state in memory.

    ``clock`` returns epoch seconds and decides code and token expiry.
    ``access_token_lifetime`` is in seconds. ``token_delay`` (seconds) delays
    every token request before it is processed, so that tests can make
    concurrent refreshes overlap. The app that mounts the handlers passes the
    environment segment of the request path ("" for global production).
    """

    def __init__(
        self,
        *,
        clock: Clock = time.time,
        access_token_lifetime: float = DEFAULT_TOKEN_LIFETIME,
        expires_in_style: ExpiresInStyle = "int",
        omit_refresh_token: bool = False,
        auto_approve: bool = False,
        token_delay: float = 0.0,
    ) -> None:
        self.clock = clock
        self.access_token_lifetime = access_token_lifetime
        self.expires_in_style: ExpiresInStyle = expires_in_style
        self.omit_refresh_token = omit_refresh_token
        self.auto_approve = auto_approve
        self.token_delay = token_delay
        self.apps: dict[str, RegisteredApp] = {}
        self.token_requests: Counter[str] = Counter()
        """Token requests by ``grant_type``, counted before any check."""
        self.authorize_requests = 0
        self._codes: dict[str, _Code] = {}
        self._pairs: dict[str, _Pair] = {}
        self._faults: deque[TokenFault] = deque()
        self._versions = 0

    # --- set-up -------------------------------------------------------------

    def register_app(
        self,
        api_key: str,
        api_secret: str,
        redirect_uri: str,
        environment: str,
        *,
        auto_approve: bool = False,
    ) -> RegisteredApp:
        """Register (or replace) the app of ``api_key`` in ``environment``."""
        app = RegisteredApp(
            api_key=api_key,
            api_secret=api_secret,
            redirect_uri=redirect_uri,
            environment=normalize_environment(environment),
            auto_approve=auto_approve,
        )
        self.apps[api_key] = app
        return app

    def fail_next_token_requests(self, fault: TokenFault, count: int = 1) -> None:
        """Respond to the next ``count`` token requests with ``fault``.

        ``error_field`` is HTTP 200 with an OAuth ``error`` field,
        ``html_page`` a 502 HTML gateway page and ``server_error`` a JSON 500.
        A faulted request changes no state: no code or token is spent.
        """
        self._faults.extend([fault] * count)

    def add_routes(self, app: web.Application, environments: tuple[str, ...]) -> None:
        """Mount both endpoints under each environment's path segment."""
        for environment in environments:
            segment = normalize_environment(environment)
            prefix = f"/{segment}" if segment else ""

            async def authorize(
                request: web.Request, segment: str = segment
            ) -> web.StreamResponse:
                return await self.handle_authorize(request, segment)

            async def token(
                request: web.Request, segment: str = segment
            ) -> web.StreamResponse:
                return await self.handle_token(request, segment)

            app.router.add_route("GET", f"{prefix}/oauth/authorize", authorize)
            app.router.add_route("POST", f"{prefix}/oauth/authorize", authorize)
            app.router.add_route("*", f"{prefix}/oauth/token", token)

    # --- state for tests --------------------------------------------------------

    @property
    def token_request_count(self) -> int:
        """All token requests, of every grant type."""
        return sum(self.token_requests.values())

    def reset_counters(self) -> None:
        """Set the request counters back to zero."""
        self.token_requests.clear()
        self.authorize_requests = 0

    def live_refresh_token(self, api_key: str) -> str | None:
        """Return the one refresh token that currently works for ``api_key``."""
        pair = self._pairs.get(api_key)
        return pair.refresh_token if pair else None

    def expire_access_tokens(self, api_key: str | None = None) -> int:
        """Make the live access token of ``api_key`` (or of every key) expired.

        Refresh tokens keep working. Returns how many tokens were expired.
        """
        now = self.clock()
        count = 0
        for key, pair in self._pairs.items():
            if api_key is None or key == api_key:
                pair.expires_at = min(pair.expires_at, now - 1)
                count += 1
        return count

    def check_bearer(
        self, access_token: str | None, api_key: str | None, environment: str
    ) -> OAuthFailure | None:
        """Check an API call's token and key; None means the call may proceed.

        A missing or unknown key gives 403 "Developer Inactive", a key of
        another environment 421, and a missing, unknown, replaced or expired
        token 401.
        """
        app = self.apps.get(api_key) if api_key else None
        if app is None:
            return OAuthFailure(403, "Developer Inactive")
        if app.environment != normalize_environment(environment):
            return OAuthFailure(
                421,
                "Misdirected Request: the API key belongs to another environment",
            )
        pair = self._pairs.get(app.api_key)
        if not access_token or pair is None or access_token != pair.access_token:
            return OAuthFailure(401, "Unauthorized: invalid or revoked access token")
        if self.clock() >= pair.expires_at:
            return OAuthFailure(401, "Unauthorized: the access token has expired")
        return None

    def check_request(
        self, request: web.Request, environment: str
    ) -> OAuthFailure | None:
        """Read ``Authorization: Bearer`` and ``Key`` and run :meth:`check_bearer`."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        access_token = token.strip() if scheme.lower() == "bearer" else None
        return self.check_bearer(access_token, request.headers.get("Key"), environment)

    # --- authorize ------------------------------------------------------------

    async def handle_authorize(
        self, request: web.Request, environment: str
    ) -> web.StreamResponse:
        """Show the consent page, or redirect to the app's callback with a code.

        GET shows the page unless the app or the server auto-approves; the
        page's form POSTs the decision back here. A denial redirects with
        ``error=access_denied``.
        """
        self.authorize_requests += 1
        parameters = dict(request.query)
        if request.method == "POST":
            form = await _read_form(request)
            if form is None:
                return _page(
                    400,
                    "Invalid request",
                    "<p>The form body cannot be decoded. Send the parameters "
                    "as application/x-www-form-urlencoded in UTF-8.</p>",
                )
            parameters.update(form)

        app = self.apps.get(parameters.get("client_id", ""))
        if app is None:
            return _page(400, "Invalid client", "<p>Unknown or missing client_id.</p>")
        if app.environment != normalize_environment(environment):
            return _page(
                421,
                "Misdirected Request",
                "<p>This API key belongs to another environment.</p>",
            )
        if parameters.get("response_type") != "code":
            return _page(400, "Invalid request", "<p>response_type must be code.</p>")
        if parameters.get("redirect_uri") != app.redirect_uri:
            # Sprinklr returns a server error for a callback URL mismatch.
            return _page(500, "Internal Server Error", "<p>Something went wrong.</p>")

        state = parameters.get("state")
        decision = parameters.get("decision")
        if request.method == "GET" and not (app.auto_approve or self.auto_approve):
            body = _CONSENT_BODY.format(
                key_hint=html.escape(app.api_key[-4:]),
                action=html.escape(request.path_qs, quote=True),
            )
            return _page(200, "Authorize app", body)

        if request.method == "POST" and decision != "approve":
            denial = {"error": "access_denied"}
            if state is not None:
                denial["state"] = state
            raise web.HTTPSeeOther(_with_query(app.redirect_uri, denial))

        code = f"sbx-code-{secrets.token_urlsafe(24)}"
        self._codes[code] = _Code(
            api_key=app.api_key,
            redirect_uri=app.redirect_uri,
            environment=app.environment,
            expires_at=self.clock() + AUTHORIZATION_CODE_LIFETIME,
        )
        grant = {"code": code}
        if state is not None:
            grant["state"] = state
        if request.method == "POST":
            # After a form POST, 303 makes every browser follow with a GET.
            raise web.HTTPSeeOther(_with_query(app.redirect_uri, grant))
        raise web.HTTPFound(_with_query(app.redirect_uri, grant))

    # --- token ------------------------------------------------------------------

    async def handle_token(
        self, request: web.Request, environment: str
    ) -> web.StreamResponse:
        """Handle a token request sent as a form body or as query parameters."""
        if request.method != "POST":
            return _oauth_error(405, "invalid_request", "use POST")
        parameters = dict(request.query)
        form = await _read_form(request)
        if form is None:
            return _oauth_error(
                400,
                "invalid_request",
                "the form body cannot be decoded; send the parameters as "
                "application/x-www-form-urlencoded in UTF-8",
            )
        parameters.update(form)
        grant_type = parameters.get("grant_type", "")
        self.token_requests[grant_type or "(missing)"] += 1

        if self.token_delay > 0:
            await asyncio.sleep(self.token_delay)
        # Nothing below awaits, so checking and rotating a pair is atomic.
        if self._faults:
            return self._fault_response(self._faults.popleft())

        app = self.apps.get(parameters.get("client_id", ""))
        if app is None or not secrets.compare_digest(
            parameters.get("client_secret", ""), app.api_secret
        ):
            return _oauth_error(401, "invalid_client", "unknown client or bad secret")
        if app.environment != normalize_environment(environment):
            return _oauth_error(
                421, "invalid_request", "the API key belongs to another environment"
            )

        if grant_type == "authorization_code":
            return self._grant_code(app, parameters)
        if grant_type == "refresh_token":
            return self._grant_refresh(app, parameters)
        if grant_type == "client_credentials":
            return self._issue(app)
        return _oauth_error(
            400, "unsupported_grant_type", f"unsupported grant_type {grant_type!r}"
        )

    def _grant_code(
        self, app: RegisteredApp, parameters: Mapping[str, str]
    ) -> web.Response:
        code = self._codes.get(parameters.get("code", ""))
        if code is None or code.api_key != app.api_key:
            return _oauth_error(400, "invalid_grant", "invalid authorization code")
        if code.used:
            return _oauth_error(400, "invalid_grant", "authorization code already used")
        if self.clock() >= code.expires_at:
            return _oauth_error(400, "invalid_grant", "code has expired")
        if parameters.get("redirect_uri") != code.redirect_uri:
            return _oauth_error(400, "invalid_grant", "redirect_uri does not match")
        code.used = True
        return self._issue(app)

    def _grant_refresh(
        self, app: RegisteredApp, parameters: Mapping[str, str]
    ) -> web.Response:
        # Sprinklr documents redirect_uri as required when refreshing.
        redirect_uri = parameters.get("redirect_uri")
        if not redirect_uri:
            return _oauth_error(400, "invalid_request", "redirect_uri is required")
        if redirect_uri != app.redirect_uri:
            return _oauth_error(400, "invalid_request", "redirect_uri does not match")
        pair = self._pairs.get(app.api_key)
        presented = parameters.get("refresh_token", "")
        if pair is None or not secrets.compare_digest(presented, pair.refresh_token):
            return _oauth_error(
                400, "invalid_grant", "refresh token is invalid or was already used"
            )
        return self._issue(app)

    def _issue(self, app: RegisteredApp) -> web.Response:
        """Mint a pair for the app's key, replacing (invalidating) the previous one."""
        self._versions += 1
        previous = self._pairs.get(app.api_key)
        refresh_token = f"sbx-rt-{secrets.token_urlsafe(24)}"
        if self.omit_refresh_token and previous is not None:
            # A response without refresh_token leaves the client holding the
            # previous one, so that one stays valid.
            refresh_token = previous.refresh_token
        pair = _Pair(
            access_token=f"sbx-at-{secrets.token_urlsafe(24)}",
            refresh_token=refresh_token,
            expires_at=self.clock() + self.access_token_lifetime,
            version=self._versions,
        )
        self._pairs[app.api_key] = pair

        lifetime = int(self.access_token_lifetime)
        body: dict[str, object] = {
            "access_token": pair.access_token,
            "token_type": "Bearer",
        }
        if not self.omit_refresh_token:
            body["refresh_token"] = pair.refresh_token
        if self.expires_in_style == "int":
            body["expires_in"] = lifetime
        elif self.expires_in_style == "string":
            body["expires_in"] = str(lifetime)
        return web.json_response(
            body,
            headers={
                "Cache-Control": "no-store",
                "SPR-TOKEN-VERSION": str(pair.version),
            },
        )

    def _fault_response(self, fault: TokenFault) -> web.Response:
        if fault == "error_field":
            return web.Response(
                status=200,
                text=json.dumps(
                    {"error": "server_error", "error_description": "try again later"}
                ),
                content_type="application/json",
            )
        if fault == "html_page":
            return _page(
                502,
                "502 Bad Gateway",
                "<h1>Bad Gateway</h1><p>The upstream server did not answer.</p>",
            )
        return _oauth_error(500, "server_error", "internal error")
