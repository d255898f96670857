"""Helpers for the sandbox tests: a logged-in HTTP session and OAuth steps.

The session calls the sandbox with plain aiohttp and the headers a real client
sends (``Authorization: Bearer`` and ``Key``), so these tests check the sandbox
on its own. The lifecycle tests drive it through the generated client instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp

from sprinklr_mcp.sandbox import (
    ManualClock,
    RateLimitConfig,
    SandboxConfig,
    SandboxServer,
)

UNLIMITED = RateLimitConfig(per_second=None, per_hour=None)


@dataclass
class Reply:
    """One response: status, headers, the body as JSON (None if not JSON) and text."""

    status: int
    headers: dict[str, str]
    body: Any
    text: str


@dataclass
class Api:
    """A session logged in to a sandbox, with the environment's URL prefix."""

    sandbox: SandboxServer
    session: aiohttp.ClientSession
    access_token: str = ""
    refresh_token: str = ""
    extra_headers: dict[str, str] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.access_token}",
            "Key": self.sandbox.api_key,
            **self.extra_headers,
        }

    async def call(
        self,
        method: str,
        path: str,
        *,
        environment: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Reply:
        """Send one API call; ``path`` starts at /api/v2 (or /oauth, /media)."""
        root = (
            self.sandbox.environment_url
            if environment is None
            else f"{self.sandbox.url}/{environment}".rstrip("/")
        )
        async with self.session.request(
            method, root + path, headers=headers or self.headers, **kwargs
        ) as response:
            text = await response.text()
            try:
                body = await response.json(content_type=None)
            except ValueError:
                body = None
            return Reply(response.status, dict(response.headers), body, text)

    async def login(self) -> None:
        """Run the authorization-code flow and keep the token pair."""
        tokens = await authorization_code_login(self.sandbox, self.session)
        self.access_token = tokens["access_token"]
        self.refresh_token = tokens["refresh_token"]


async def authorize(
    sandbox: SandboxServer, session: aiohttp.ClientSession, state: str = "s1"
) -> str:
    """Approve the app on the authorize endpoint and return the code."""
    async with session.get(
        f"{sandbox.environment_url}/oauth/authorize",
        params={
            "client_id": sandbox.api_key,
            "response_type": "code",
            "redirect_uri": sandbox.redirect_uri,
            "state": state,
        },
        allow_redirects=False,
    ) as response:
        assert response.status == 302, await response.text()
        query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["state"] == [state]
    return query["code"][0]


async def token_request(
    sandbox: SandboxServer, session: aiohttp.ClientSession, **form: str
) -> tuple[int, dict[str, Any]]:
    """POST to the token endpoint with the app's credentials plus ``form``."""
    data = {
        "client_id": sandbox.api_key,
        "client_secret": sandbox.api_secret,
        "redirect_uri": sandbox.redirect_uri,
        **form,
    }
    async with session.post(
        f"{sandbox.environment_url}/oauth/token", data=data
    ) as response:
        return response.status, await response.json(content_type=None)


async def authorization_code_login(
    sandbox: SandboxServer, session: aiohttp.ClientSession
) -> dict[str, Any]:
    """Return a fresh token pair from the code flow."""
    code = await authorize(sandbox, session)
    status, tokens = await token_request(
        sandbox, session, grant_type="authorization_code", code=code
    )
    assert status == 200, tokens
    return tokens


def make_config(**overrides: Any) -> SandboxConfig:
    """A test configuration: auto-approve, no rate limits, a manual clock."""
    settings: dict[str, Any] = {
        "auto_approve": True,
        "rate_limits": RateLimitConfig(per_second=None, per_hour=None),
        "clock": ManualClock(),
    }
    settings.update(overrides)
    return SandboxConfig(**settings)
