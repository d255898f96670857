"""SprinklrClient: opening and closing, settings, overrides and composites."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from runtime_support import FakeSprinklr, StaticTokenProvider, reply

from sprinklr_generated import models
from sprinklr_mcp import (
    ClientClosedError,
    ConfigError,
    ErrorsInResponseError,
    LoginRequiredError,
    NotFoundError,
    SprinklrClient,
    TokenBroker,
)
from sprinklr_mcp.client import rate_limits_from_settings
from sprinklr_mcp.config import ConnectionSettings
from sprinklr_mcp.ratelimit import RateLimit

PROFILE = {
    "id": "630087a8b8ef87db98bac318",
    "profiles": [
        {"channelType": "TWITTER", "channelId": "1556005385642905603"},
        {"channelType": "EMAIL", "channelId": "user@example.com"},
        {"channelType": "TWITTER", "channelId": "1556005385642905603"},
        {"channelType": "SMS"},
    ],
}
CASES = [
    {"id": "633a9f1ce980b61e49f80adb", "caseNumber": 12, "subject": "newest"},
    {"id": "633a9f1ce980b61e49f80ada", "caseNumber": 11, "subject": "older"},
    {"id": "633a9f1ce980b61e49f80ad9", "caseNumber": 10, "subject": "oldest"},
]


def settings_for(
    fake: FakeSprinklr, tmp_path: Path, **extra: Any
) -> ConnectionSettings:
    options: dict[str, Any] = {
        "name": "runtime-test",
        "environment": "prod2",
        "base_url": fake.url,
        # A key per test keeps the process-wide limiter of one test from
        # slowing another.
        "api_key": f"key-{uuid.uuid4().hex}",
        "api_secret": SecretStr("secret-value"),
        "redirect_uri": "http://127.0.0.1:8765/oauth/callback",
        "data_dir": tmp_path,
        "rate_limit_per_second": 1000.0,
    }
    options.update(extra)
    return ConnectionSettings(**options)


@pytest.fixture
async def client(fake: FakeSprinklr, tmp_path: Path) -> AsyncIterator[SprinklrClient]:
    settings = settings_for(fake, tmp_path)
    async with SprinklrClient(settings, token_provider=StaticTokenProvider()) as opened:
        yield opened


async def test_client_returns_typed_data(
    client: SprinklrClient, fake: FakeSprinklr
) -> None:
    fake.queue(reply(200, {"data": CASES[0], "errors": []}))

    case = await client.get_case_by_id("633a9f1ce980b61e49f80adb")

    assert isinstance(case, models.Case)
    assert case.case_number == 12
    assert fake.requests[0].path == "/prod2/api/v2/case/633a9f1ce980b61e49f80adb"


async def test_client_raises_mapped_errors(
    client: SprinklrClient, fake: FakeSprinklr
) -> None:
    fake.queue(reply(404, {"data": None, "errors": [{"message": "Case not found"}]}))

    with pytest.raises(NotFoundError) as caught:
        await client.get_case_by_id("633a9f1ce980b61e49f80adb")

    assert caught.value.operation_id == "getCaseById"
    assert caught.value.sprinklr_message == "Case not found"


async def test_client_closes_its_session(fake: FakeSprinklr, tmp_path: Path) -> None:
    client = SprinklrClient(
        settings_for(fake, tmp_path), token_provider=StaticTokenProvider()
    )
    fake.default = reply(200, {"data": {"id": 7, "name": "Alex Example"}})

    with pytest.raises(ClientClosedError):
        await client.get_me()
    async with client:
        assert client.transport.is_open
        await client.get_me()
    assert not client.transport.is_open
    with pytest.raises(ClientClosedError, match="async with"):
        await client.get_me()
    assert len(fake.requests) == 1


async def test_client_uses_settings_timeouts(
    fake: FakeSprinklr, tmp_path: Path
) -> None:
    settings = settings_for(
        fake,
        tmp_path,
        connect_timeout=3.0,
        read_timeout=4.0,
        total_timeout=5.0,
        upload_timeout=6.0,
    )

    client = SprinklrClient(settings, token_provider=StaticTokenProvider())

    timeouts = client.transport.timeouts
    assert (timeouts.connect, timeouts.sock_read, timeouts.total) == (3.0, 4.0, 5.0)
    assert timeouts.upload_total == 6.0


async def test_clients_of_one_key_share_limiter(
    fake: FakeSprinklr, tmp_path: Path
) -> None:
    settings = settings_for(fake, tmp_path)

    first = SprinklrClient(settings, token_provider=StaticTokenProvider())
    second = SprinklrClient(settings, token_provider=StaticTokenProvider())
    other = SprinklrClient(
        settings_for(fake, tmp_path), token_provider=StaticTokenProvider()
    )

    assert first.transport.limiter is second.transport.limiter
    assert first.transport.limiter is not other.transport.limiter


@pytest.mark.parametrize(
    ("per_second", "expected"),
    [(10.0, RateLimit(10, 1.0)), (2.5, RateLimit(5, 2.0)), (0.5, RateLimit(1, 2.0))],
)
def test_rate_limits_from_settings(
    tmp_path: Path, per_second: float, expected: RateLimit
) -> None:
    settings = ConnectionSettings(
        api_key="key",
        api_secret=SecretStr("secret"),
        redirect_uri="http://127.0.0.1:8765/oauth/callback",
        rate_limit_per_second=per_second,
        rate_limit_per_hour=900,
    )

    assert rate_limits_from_settings(settings) == (expected, RateLimit(900, 3600.0))


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"noSuchOperation": "/x"}, "unknown operation"),
        ({"getCaseById": "/api/v2/other/{caseId}"}, "documented path"),
        ({"listProfileCases": "/api/v2/p/{userId}/cases"}, "userId"),
    ],
)
def test_bad_path_overrides_rejected(
    fake: FakeSprinklr, tmp_path: Path, overrides: dict[str, str], match: str
) -> None:
    settings = settings_for(fake, tmp_path, path_overrides=overrides)

    with pytest.raises(ConfigError, match=match) as caught:
        SprinklrClient(settings, token_provider=StaticTokenProvider())

    assert caught.value.setting == "path_overrides"


async def test_inferred_operation_uses_override(
    fake: FakeSprinklr, tmp_path: Path
) -> None:
    settings = settings_for(
        fake,
        tmp_path,
        path_overrides={"getCaseNudges": "/api/v2/agent-assist/{caseId}/nudges"},
    )
    fake.queue(reply(200, {"data": [], "errors": []}))

    async with SprinklrClient(settings, token_provider=StaticTokenProvider()) as client:
        nudges = await client.get_case_nudges("633a9f1ce980b61e49f80adb")

    assert nudges == []
    assert fake.requests[0].path == (
        "/prod2/api/v2/agent-assist/633a9f1ce980b61e49f80adb/nudges"
    )


async def test_profile_cases_composed(
    client: SprinklrClient, fake: FakeSprinklr
) -> None:
    fake.queue(
        reply(200, {"data": PROFILE, "errors": []}),
        reply(200, {"data": {"results": CASES, "cursor": "id=abc"}, "errors": []}),
    )

    cases = await client.list_profile_cases("630087a8b8ef87db98bac318", size=2)

    profile_request, search_request = fake.requests
    assert profile_request.method == "GET"
    assert profile_request.path == "/prod2/api/v2/profile/630087a8b8ef87db98bac318"
    assert search_request.method == "POST"
    assert search_request.path == "/prod2/api/v2/search/CASE"
    assert search_request.json() == {
        "filter": {
            "type": "AND",
            "filters": [
                {
                    "type": "IN",
                    "key": "contact.channelId",
                    "values": ["1556005385642905603", "user@example.com"],
                }
            ],
        },
        "sorts": [{"key": "createdTime", "order": "DESC"}],
        "page": {"size": 2},
    }
    assert [case.subject for case in cases] == ["newest", "older"]
    assert all(isinstance(case, models.Case) for case in cases)


async def test_profile_cases_default_size(
    client: SprinklrClient, fake: FakeSprinklr
) -> None:
    fake.queue(
        reply(200, {"data": PROFILE, "errors": []}),
        reply(200, {"data": {"results": CASES}, "errors": []}),
    )

    cases = await client.list_profile_cases("630087a8b8ef87db98bac318")

    assert len(cases) == 3
    assert fake.requests[1].json()["page"] == {"size": 20}


async def test_profile_without_channels_has_no_cases(
    client: SprinklrClient, fake: FakeSprinklr
) -> None:
    fake.queue(reply(200, {"data": {"id": "p1", "profiles": []}, "errors": []}))

    cases = await client.list_profile_cases("p1")

    assert cases == []
    assert len(fake.requests) == 1


async def test_profile_cases_step_errors_name_the_step(
    client: SprinklrClient, fake: FakeSprinklr
) -> None:
    fake.queue(reply(404, text="Profile not found"))

    with pytest.raises(NotFoundError) as caught:
        await client.list_profile_cases("p1")

    assert caught.value.operation_id == "getProfileById"


async def test_profile_cases_override_sends_directly(
    fake: FakeSprinklr, tmp_path: Path
) -> None:
    settings = settings_for(
        fake,
        tmp_path,
        path_overrides={"listProfileCases": "/api/v2/profile/{profileId}/case-list"},
    )
    fake.queue(reply(200, {"data": CASES[:1], "errors": []}))

    async with SprinklrClient(settings, token_provider=StaticTokenProvider()) as client:
        cases = await client.list_profile_cases("p1", size=5)

    assert [case.case_number for case in cases] == [12]
    assert len(fake.requests) == 1
    assert fake.requests[0].path == "/prod2/api/v2/profile/p1/case-list"
    assert fake.requests[0].query["size"] == "5"


async def test_connect_builds_broker_from_config(
    fake: FakeSprinklr, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPRINKLR_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.delenv("SPRINKLR_CONNECTION", raising=False)
    monkeypatch.delenv("SPRINKLR_API_KEY", raising=False)

    client = SprinklrClient.connect(
        "runtime-connect",
        base_url=fake.url,
        environment="prod2",
        api_key=f"key-{uuid.uuid4().hex}",
        api_secret="secret-value",
        redirect_uri="http://127.0.0.1:8765/oauth/callback",
        data_dir=tmp_path,
    )
    async with client:
        assert isinstance(client._broker, TokenBroker)
        with pytest.raises(LoginRequiredError, match="sprinklr-mcp auth login"):
            await client.get_me()

    assert fake.requests == []
    assert not client.transport.is_open


def test_connect_names_missing_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPRINKLR_CONFIG", str(tmp_path / "absent.toml"))
    for name in ("SPRINKLR_CONNECTION", "SPRINKLR_API_KEY", "SPRINKLR_API_SECRET"):
        monkeypatch.delenv(name, raising=False)

    with pytest.raises(ConfigError):
        SprinklrClient.connect("nowhere")


async def test_override_errors_name_override_path(
    fake: FakeSprinklr, tmp_path: Path
) -> None:
    override = "/api/v2/agent-assist/{caseId}/nudges"
    settings = settings_for(fake, tmp_path, path_overrides={"getCaseNudges": override})
    fake.queue(reply(200, {"data": [], "errors": [{"message": "no nudges here"}]}))

    async with SprinklrClient(settings, token_provider=StaticTokenProvider()) as client:
        with pytest.raises(ErrorsInResponseError) as caught:
            await client.get_case_nudges("633a9f1ce980b61e49f80adb")

    assert caught.value.path_template == override
    assert caught.value.sprinklr_message == "no nudges here"
