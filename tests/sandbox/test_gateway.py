"""The gateway: environment routing, key and token checks, rate limits, faults."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections import Counter
from pathlib import Path

import aiohttp
import pytest

from sprinklr_mcp.sandbox import (
    Fault,
    FaultConfig,
    ManualClock,
    RateLimitConfig,
    SandboxConfigError,
    SandboxServer,
)

sys.path.insert(0, str(Path(__file__).parent))

from sandbox_helpers import Api, make_config


async def start(
    session: aiohttp.ClientSession, **overrides: object
) -> tuple[SandboxServer, Api]:
    """Start a sandbox with ``overrides`` and log in; the caller closes it."""
    sandbox = SandboxServer(make_config(**overrides))
    await sandbox.start()
    api = Api(sandbox, session)
    await api.login()
    return sandbox, api


# Routing and credentials


async def test_global_production_has_no_segment(session: aiohttp.ClientSession) -> None:
    async with SandboxServer(make_config(environment="")) as sandbox:
        api = Api(sandbox, session)
        await api.login()

        reply = await api.call("GET", "/api/v2/me")
        misdirected = await api.call("GET", "/api/v2/me", environment="prod2")
        assert sandbox.environment_url == sandbox.url

    assert reply.status == 200
    assert misdirected.status == 421


async def test_key_of_other_environment_gets_421(api: Api) -> None:
    reply = await api.call("GET", "/api/v2/me", environment="prod0")

    assert reply.status == 421
    assert reply.body["errors"][0]["code"] == 421


async def test_unknown_environment_gets_404(api: Api) -> None:
    reply = await api.call("GET", "/api/v2/me", environment="nowhere")

    assert reply.status == 404
    assert "Unknown environment" in reply.text


async def test_missing_key_is_developer_inactive_text(api: Api) -> None:
    reply = await api.call(
        "GET", "/api/v2/me", headers={"Authorization": f"Bearer {api.access_token}"}
    )

    assert reply.status == 403
    assert reply.text == "Developer Inactive"
    assert reply.headers["Content-Type"].startswith("text/plain")


async def test_unknown_key_is_developer_inactive(api: Api) -> None:
    reply = await api.call(
        "GET",
        "/api/v2/me",
        headers={"Authorization": f"Bearer {api.access_token}", "Key": "not-a-key"},
    )

    assert reply.status == 403
    assert reply.text == "Developer Inactive"


async def test_key_header_name_is_case_insensitive(api: Api) -> None:
    reply = await api.call(
        "GET",
        "/api/v2/me",
        headers={
            "Authorization": f"Bearer {api.access_token}",
            "key": api.sandbox.api_key,
        },
    )

    assert reply.status == 200


@pytest.mark.parametrize(
    "authorization", ["", "Bearer ", "Basic abc", "Bearer not-a-token"]
)
async def test_bad_bearer_gets_401_envelope(api: Api, authorization: str) -> None:
    headers = {"Key": api.sandbox.api_key}
    if authorization:
        headers["Authorization"] = authorization

    reply = await api.call("GET", "/api/v2/me", headers=headers)

    assert reply.status == 401
    assert reply.body["errors"][0]["code"] == 401


async def test_expire_tokens_then_refresh_works(api: Api) -> None:
    api.sandbox.expire_tokens()
    expired = await api.call("GET", "/api/v2/me")

    async with api.session.post(
        f"{api.sandbox.environment_url}/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": api.refresh_token,
            "client_id": api.sandbox.api_key,
            "client_secret": api.sandbox.api_secret,
            "redirect_uri": api.sandbox.redirect_uri,
        },
    ) as response:
        assert response.status == 200
        api.access_token = (await response.json())["access_token"]
    renewed = await api.call("GET", "/api/v2/me")

    assert expired.status == 401
    assert "expired" in expired.body["errors"][0]["message"]
    assert renewed.status == 200


async def test_token_lifetime_setting_expires_tokens(
    session: aiohttp.ClientSession,
) -> None:
    clock = ManualClock()
    sandbox, api = await start(session, clock=clock, token_lifetime=60)
    try:
        fresh = await api.call("GET", "/api/v2/me")
        clock.advance(61)
        stale = await api.call("GET", "/api/v2/me")
    finally:
        await sandbox.close()

    assert fresh.status == 200
    assert stale.status == 401


async def test_unknown_path_is_404(api: Api) -> None:
    reply = await api.call("GET", "/api/v2/no-such-endpoint")

    assert reply.status == 404


async def test_calls_are_recorded_without_query(api: Api) -> None:
    await api.call(
        "GET", "/api/v2/case/case-numbers", params={"case-number": "7300001"}
    )

    record = api.sandbox.calls[-1]
    assert record.route == "/api/v2/case/case-numbers"
    assert record.path == "/prod2/api/v2/case/case-numbers"
    assert record.environment == "prod2"
    assert record.status == 200
    assert record.fault is None


# Rate limits


async def test_per_second_limit_answers_403_over_rate(
    session: aiohttp.ClientSession,
) -> None:
    clock = ManualClock()
    sandbox, api = await start(
        session, clock=clock, rate_limits=RateLimitConfig(per_second=3, per_hour=None)
    )
    try:
        statuses = [(await api.call("GET", "/api/v2/me")).status for _ in range(3)]
        over = await api.call("GET", "/api/v2/me")
        clock.advance(1.0)
        after = await api.call("GET", "/api/v2/me")
    finally:
        await sandbox.close()

    assert statuses == [200, 200, 200]
    assert over.status == 403
    assert over.text == "Developer Over Rate"
    assert after.status == 200


async def test_429_variant_sends_retry_after(session: aiohttp.ClientSession) -> None:
    clock = ManualClock()
    sandbox, api = await start(
        session,
        clock=clock,
        rate_limits=RateLimitConfig(per_second=None, per_hour=2, status=429),
    )
    try:
        await api.call("GET", "/api/v2/me")
        clock.advance(600)
        await api.call("GET", "/api/v2/me")
        over = await api.call("GET", "/api/v2/me")
        clock.advance(3000)
        after_first_expires = await api.call("GET", "/api/v2/me")
    finally:
        await sandbox.close()

    assert over.status == 429
    assert over.headers["Retry-After"] == "3000"
    assert over.body["errors"][0]["code"] == "RATE_LIMIT_EXCEEDED"
    assert after_first_expires.status == 200


async def test_rate_limit_counts_per_key(session: aiohttp.ClientSession) -> None:
    clock = ManualClock()
    sandbox, api = await start(
        session, clock=clock, rate_limits=RateLimitConfig(per_second=1, per_hour=None)
    )
    sandbox.oauth.register_app(
        "second-key", "second-secret", sandbox.redirect_uri, "prod2", auto_approve=True
    )
    try:
        first = await api.call("GET", "/api/v2/me")
        second_key = await api.call(
            "GET",
            "/api/v2/me",
            headers={"Authorization": "Bearer unknown", "Key": "second-key"},
        )
        first_again = await api.call("GET", "/api/v2/me")
    finally:
        await sandbox.close()

    assert first.status == 200
    assert second_key.status == 401
    assert first_again.status == 403


async def test_rate_limits_change_while_running(api: Api) -> None:
    api.sandbox.rate_limits.per_second = 1
    first = await api.call("GET", "/api/v2/me")
    over = await api.call("GET", "/api/v2/me")
    api.sandbox.rate_limits.per_second = None
    free = await api.call("GET", "/api/v2/me")

    assert (first.status, over.status, free.status) == (200, 403, 200)


# Faults


async def test_faults_are_off_by_default(api: Api) -> None:
    statuses = [(await api.call("GET", "/api/v2/me")).status for _ in range(20)]

    assert statuses == [200] * 20


async def test_error_rates_follow_the_seed(session: aiohttp.ClientSession) -> None:
    outcomes = []
    for _ in range(2):
        sandbox, api = await start(
            session, faults=FaultConfig(error_500_rate=0.3, error_503_rate=0.2, seed=7)
        )
        try:
            outcomes.append(
                [(await api.call("GET", "/api/v2/me")).status for _ in range(40)]
            )
        finally:
            await sandbox.close()

    counts = Counter(outcomes[0])
    assert outcomes[0] == outcomes[1]
    assert set(counts) == {200, 500, 503}
    assert counts[500] > 0
    assert counts[503] > 0


async def test_injected_503_has_retry_after_and_no_effect(api: Api) -> None:
    case = next(iter(api.sandbox.state.cases.values()))
    api.sandbox.fail_next("503")

    reply = await api.call("POST", "/api/v2/case/delete", json=[case["id"]])

    assert reply.status == 503
    assert reply.headers["Retry-After"] == "1"
    assert case["id"] in api.sandbox.state.cases
    assert api.sandbox.calls[-1].fault is Fault.ERROR_503


async def test_dropped_connection_after_effect(api: Api) -> None:
    case = next(iter(api.sandbox.state.cases.values()))
    api.sandbox.fail_next(Fault.DROP)

    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.call("POST", "/api/v2/case/delete", json=[case["id"]])

    assert case["id"] not in api.sandbox.state.cases
    assert api.sandbox.calls[-1].status is None


async def test_truncated_response_fails_to_read(api: Api) -> None:
    api.sandbox.fail_next("truncate")

    with pytest.raises(aiohttp.ClientPayloadError):
        await api.call("GET", "/api/v2/me")
    follow_up = await api.call("GET", "/api/v2/me")

    assert follow_up.status == 200


async def test_latency_delays_answers(api: Api) -> None:
    api.sandbox.faults.latency = 30.0

    with pytest.raises(asyncio.TimeoutError):
        await api.call("GET", "/api/v2/me", timeout=aiohttp.ClientTimeout(total=0.2))


async def test_faults_skip_oauth_unless_asked(api: Api) -> None:
    api.sandbox.fail_next("500")
    async with api.session.get(
        f"{api.sandbox.environment_url}/oauth/authorize",
        params={"client_id": "nobody", "response_type": "code"},
    ) as skipped:
        assert skipped.status == 400
    api.sandbox.faults.include_oauth = True
    async with api.session.get(
        f"{api.sandbox.environment_url}/oauth/authorize",
        params={"client_id": "nobody", "response_type": "code"},
    ) as faulted:
        assert faulted.status == 500


def test_fault_rates_above_one_are_rejected() -> None:
    with pytest.raises(SandboxConfigError, match=r"add up to 1\.2"):
        SandboxServer(
            make_config(faults=FaultConfig(error_500_rate=0.7, drop_rate=0.5))
        )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"environment": "Prod2"}, "not a path segment"),
        ({"environment": "prod99", "environments": ("", "prod2")}, "not among"),
        ({"token_lifetime": 0}, "token lifetime"),
        ({"rate_limits": RateLimitConfig(per_second=0)}, "per_second"),
        ({"faults": FaultConfig(latency=-1)}, "latency"),
    ],
)
def test_invalid_settings_name_the_setting(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(SandboxConfigError, match=message):
        SandboxServer(make_config(**overrides))


async def test_logs_hold_no_credentials(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sandbox = api.sandbox
    async with api.session.post(
        f"{sandbox.environment_url}/oauth/token",
        params={
            "grant_type": "refresh_token",
            "refresh_token": api.refresh_token,
            "client_id": sandbox.api_key,
            "client_secret": sandbox.api_secret,
            "redirect_uri": sandbox.redirect_uri,
        },
        headers={"Content-Length": "0"},
    ) as response:
        tokens = await response.json()
    api.access_token = tokens["access_token"]
    await api.call("GET", "/api/v2/me")
    await api.call("GET", "/api/v2/case/" + "0" * 24)
    await api.call("GET", "/api/v2/me", headers={"Authorization": "Bearer wrong"})

    secrets = (sandbox.api_secret, tokens["access_token"], tokens["refresh_token"])
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "/api/v2/case/" in logged
    for secret in secrets:
        assert secret not in logged
