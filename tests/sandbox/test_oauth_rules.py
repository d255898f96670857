"""Sprinklr's OAuth rules as the mounted sandbox enforces them."""

from __future__ import annotations

import sys
from pathlib import Path

import aiohttp

from sprinklr_mcp.sandbox import ManualClock, SandboxServer

sys.path.insert(0, str(Path(__file__).parent))

from sandbox_helpers import Api, authorize, make_config, token_request


async def test_code_expires_after_ten_minutes(session: aiohttp.ClientSession) -> None:
    clock = ManualClock()
    async with SandboxServer(make_config(clock=clock)) as sandbox:
        late_code = await authorize(sandbox, session)
        clock.advance(600)
        late = await token_request(
            sandbox, session, grant_type="authorization_code", code=late_code
        )
        timely_code = await authorize(sandbox, session)
        clock.advance(599)
        timely = await token_request(
            sandbox, session, grant_type="authorization_code", code=timely_code
        )

    assert late[0] == 400
    assert late[1]["error_description"] == "code has expired"
    assert timely[0] == 200


async def test_code_is_single_use(
    sandbox: SandboxServer, session: aiohttp.ClientSession
) -> None:
    code = await authorize(sandbox, session)

    first = await token_request(
        sandbox, session, grant_type="authorization_code", code=code
    )
    second = await token_request(
        sandbox, session, grant_type="authorization_code", code=code
    )

    assert first[0] == 200
    assert second[0] == 400
    assert second[1]["error"] == "invalid_grant"


async def test_refresh_rotates_and_old_token_dies(api: Api) -> None:
    old_access, old_refresh = api.access_token, api.refresh_token

    status, renewed = await token_request(
        api.sandbox, api.session, grant_type="refresh_token", refresh_token=old_refresh
    )
    reused = await token_request(
        api.sandbox, api.session, grant_type="refresh_token", refresh_token=old_refresh
    )
    old_call = await api.call("GET", "/api/v2/me")
    api.access_token = renewed["access_token"]
    new_call = await api.call("GET", "/api/v2/me")

    assert status == 200
    assert renewed["refresh_token"] != old_refresh
    assert renewed["access_token"] != old_access
    assert reused[0] == 400
    assert old_call.status == 401
    assert new_call.status == 200


async def test_new_login_invalidates_previous_pair(api: Api) -> None:
    first_refresh = api.refresh_token
    first = Api(api.sandbox, api.session, api.access_token, api.refresh_token)
    second = Api(api.sandbox, api.session)
    await second.login()

    old_call = await first.call("GET", "/api/v2/me")
    new_call = await second.call("GET", "/api/v2/me")
    old_refresh = await token_request(
        api.sandbox,
        api.session,
        grant_type="refresh_token",
        refresh_token=first_refresh,
    )

    assert old_call.status == 401
    assert new_call.status == 200
    assert old_refresh[0] == 400


async def test_token_endpoint_of_other_environment_gets_421(
    sandbox: SandboxServer, session: aiohttp.ClientSession
) -> None:
    code = await authorize(sandbox, session)

    async with session.post(
        f"{sandbox.url}/prod0/oauth/token",
        data={
            "client_id": sandbox.api_key,
            "client_secret": sandbox.api_secret,
            "redirect_uri": sandbox.redirect_uri,
            "grant_type": "authorization_code",
            "code": code,
        },
    ) as response:
        status = response.status

    assert status == 421


async def test_consent_page_shown_without_auto_approve(
    session: aiohttp.ClientSession,
) -> None:
    async with SandboxServer(make_config(auto_approve=False)) as sandbox:
        query = {
            "client_id": sandbox.api_key,
            "response_type": "code",
            "redirect_uri": sandbox.redirect_uri,
        }
        url = f"{sandbox.environment_url}/oauth/authorize"
        async with session.get(url, params=query, allow_redirects=False) as response:
            page = await response.text()
            status = response.status

    assert status == 200
    assert "<form" in page
    assert sandbox.api_key[-4:] in page
