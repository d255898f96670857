"""The sandbox's OAuth server keeps Sprinklr's rules."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp
import pytest

from sprinklr_mcp.sandbox.oauth import OAuthServer, normalize_environment

from .conftest import API_KEY, API_SECRET, LIFETIME, ManualClock, Sprinklr


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


class Endpoints:
    def __init__(self, sprinklr: Sprinklr, http: aiohttp.ClientSession) -> None:
        self.sprinklr = sprinklr
        self.http = http
        self.token_url = f"{sprinklr.base_url}/prod2/oauth/token"
        self.authorize_url = f"{sprinklr.base_url}/prod2/oauth/authorize"

    def authorize_query(self, **overrides: str) -> str:
        query = {
            "client_id": API_KEY,
            "response_type": "code",
            "redirect_uri": self.sprinklr.redirect_uri,
            "state": "st-1",
            **overrides,
        }
        return f"{self.authorize_url}?{urlencode(query)}"

    async def code(self) -> str:
        async with self.http.get(
            self.authorize_query(), allow_redirects=False
        ) as answer:
            assert answer.status == 302
            location = answer.headers["Location"]
        return parse_qs(urlsplit(location).query)["code"][0]

    async def token(self, **form: str) -> tuple[int, Any, aiohttp.ClientResponse]:
        body = {
            "client_id": API_KEY,
            "client_secret": API_SECRET,
            "redirect_uri": self.sprinklr.redirect_uri,
            **form,
        }
        async with self.http.post(self.token_url, data=body) as answer:
            text = await answer.text()
            try:
                payload: Any = await answer.json(content_type=None)
            except ValueError:
                payload = text
            return answer.status, payload, answer

    async def pair(self) -> dict[str, Any]:
        status, body, _ = await self.token(
            grant_type="authorization_code", code=await self.code()
        )
        assert status == 200, body
        assert isinstance(body, dict)
        return body


@pytest.fixture
def endpoints(sprinklr: Sprinklr, http: aiohttp.ClientSession) -> Endpoints:
    return Endpoints(sprinklr, http)


def valid(sprinklr: Sprinklr, token: str) -> bool:
    return sprinklr.oauth.check_bearer(token, API_KEY, "prod2") is None


async def test_code_grant_issues_pair(sprinklr: Sprinklr, endpoints: Endpoints) -> None:
    body = await endpoints.pair()

    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == LIFETIME
    assert body["refresh_token"]
    assert valid(sprinklr, body["access_token"])
    assert sprinklr.oauth.token_requests == {"authorization_code": 1}


async def test_redirect_carries_state(endpoints: Endpoints) -> None:
    async with endpoints.http.get(
        endpoints.authorize_query(state="abc"), allow_redirects=False
    ) as answer:
        location = answer.headers["Location"]

    query = parse_qs(urlsplit(location).query)
    assert location.startswith(endpoints.sprinklr.redirect_uri + "?")
    assert query["state"] == ["abc"]


async def test_code_works_once(endpoints: Endpoints) -> None:
    code = await endpoints.code()
    first, _, _ = await endpoints.token(grant_type="authorization_code", code=code)

    second, body, _ = await endpoints.token(grant_type="authorization_code", code=code)

    assert first == 200
    assert second == 400
    assert body == {
        "error": "invalid_grant",
        "error_description": "authorization code already used",
    }


async def test_code_expires_after_ten_minutes(
    endpoints: Endpoints, clock: ManualClock
) -> None:
    code = await endpoints.code()
    clock.advance(600)

    status, body, _ = await endpoints.token(grant_type="authorization_code", code=code)

    assert status == 400
    assert body["error_description"] == "code has expired"


async def test_code_needs_same_redirect_uri(endpoints: Endpoints) -> None:
    status, body, _ = await endpoints.token(
        grant_type="authorization_code",
        code=await endpoints.code(),
        redirect_uri="http://127.0.0.1:1/elsewhere",
    )

    assert status == 400
    assert body["error"] == "invalid_grant"


async def test_refresh_rotates_and_is_single_use(
    sprinklr: Sprinklr, endpoints: Endpoints
) -> None:
    first = await endpoints.pair()

    status, second, _ = await endpoints.token(
        grant_type="refresh_token", refresh_token=first["refresh_token"]
    )
    reuse_status, reuse, _ = await endpoints.token(
        grant_type="refresh_token", refresh_token=first["refresh_token"]
    )

    assert status == 200
    assert second["refresh_token"] != first["refresh_token"]
    assert not valid(sprinklr, first["access_token"])
    assert valid(sprinklr, second["access_token"])
    assert reuse_status == 400
    assert reuse["error"] == "invalid_grant"


async def test_refresh_requires_redirect_uri(endpoints: Endpoints) -> None:
    pair = await endpoints.pair()
    body = {
        "grant_type": "refresh_token",
        "refresh_token": pair["refresh_token"],
        "client_id": API_KEY,
        "client_secret": API_SECRET,
    }

    async with endpoints.http.post(endpoints.token_url, data=body) as answer:
        status = answer.status
        payload = await answer.json()

    assert status == 400
    assert payload["error_description"] == "redirect_uri is required"


async def test_new_pair_invalidates_previous(
    sprinklr: Sprinklr, endpoints: Endpoints
) -> None:
    first = await endpoints.pair()

    status, second, _ = await endpoints.token(grant_type="client_credentials")
    reuse_status, _, _ = await endpoints.token(
        grant_type="refresh_token", refresh_token=first["refresh_token"]
    )

    assert status == 200
    assert not valid(sprinklr, first["access_token"])
    assert valid(sprinklr, second["access_token"])
    assert reuse_status == 400


async def test_query_parameters_work_like_form(
    sprinklr: Sprinklr, endpoints: Endpoints
) -> None:
    query = urlencode(
        {
            "grant_type": "authorization_code",
            "code": await endpoints.code(),
            "client_id": API_KEY,
            "client_secret": API_SECRET,
            "redirect_uri": sprinklr.redirect_uri,
        }
    )

    async with endpoints.http.post(
        f"{endpoints.token_url}?{query}", headers={"Content-Length": "0"}
    ) as answer:
        status = answer.status
        body = await answer.json()

    assert status == 200
    assert valid(sprinklr, body["access_token"])


async def test_token_endpoint_rejects_get(endpoints: Endpoints) -> None:
    async with endpoints.http.get(endpoints.token_url) as answer:
        assert answer.status == 405


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"client_id": "unknown"}, 401, "invalid_client"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        (
            {"grant_type": "refresh_token", "refresh_token": "nope"},
            400,
            "invalid_grant",
        ),
    ],
)
async def test_token_errors(
    endpoints: Endpoints, form: dict[str, str], status: int, error: str
) -> None:
    form = {"grant_type": "client_credentials", **form}

    answer_status, body, _ = await endpoints.token(**form)

    assert answer_status == status
    assert body["error"] == error


async def test_token_in_other_environment_is_421(
    sprinklr: Sprinklr, http: aiohttp.ClientSession
) -> None:
    sprinklr.oauth.register_app(
        API_KEY, API_SECRET, sprinklr.redirect_uri, "prod0", auto_approve=True
    )
    body = {
        "grant_type": "client_credentials",
        "client_id": API_KEY,
        "client_secret": API_SECRET,
    }

    async with http.post(f"{sprinklr.base_url}/prod2/oauth/token", data=body) as answer:
        assert answer.status == 421


async def test_counters_count_every_request(
    sprinklr: Sprinklr, endpoints: Endpoints
) -> None:
    await endpoints.pair()
    await endpoints.token(grant_type="client_credentials", client_secret="wrong")
    await endpoints.token(grant_type="")

    assert sprinklr.oauth.token_requests == {
        "authorization_code": 1,
        "client_credentials": 1,
        "(missing)": 1,
    }
    assert sprinklr.oauth.token_request_count == 3
    assert sprinklr.oauth.authorize_requests == 1
    sprinklr.oauth.reset_counters()
    assert sprinklr.oauth.token_request_count == 0


@pytest.mark.parametrize(
    ("style", "expected"), [("int", LIFETIME), ("string", str(LIFETIME))]
)
async def test_expires_in_style(
    sprinklr: Sprinklr, endpoints: Endpoints, style: Any, expected: object
) -> None:
    sprinklr.oauth.expires_in_style = style

    body = await endpoints.pair()

    assert body["expires_in"] == expected


async def test_expires_in_can_be_missing(
    sprinklr: Sprinklr, endpoints: Endpoints
) -> None:
    sprinklr.oauth.expires_in_style = "missing"

    body = await endpoints.pair()

    assert "expires_in" not in body


async def test_omitted_refresh_token_stays_valid(
    sprinklr: Sprinklr, endpoints: Endpoints
) -> None:
    first = await endpoints.pair()
    sprinklr.oauth.omit_refresh_token = True

    status, second, _ = await endpoints.token(
        grant_type="refresh_token", refresh_token=first["refresh_token"]
    )
    again, _, _ = await endpoints.token(
        grant_type="refresh_token", refresh_token=first["refresh_token"]
    )

    assert status == 200
    assert "refresh_token" not in second
    assert again == 200


async def test_token_version_header_grows(endpoints: Endpoints) -> None:
    _, _, first = await endpoints.token(grant_type="client_credentials")
    _, _, second = await endpoints.token(grant_type="client_credentials")

    assert int(second.headers["SPR-TOKEN-VERSION"]) == (
        int(first.headers["SPR-TOKEN-VERSION"]) + 1
    )
    assert first.headers["Cache-Control"] == "no-store"


async def test_fault_error_field(sprinklr: Sprinklr, endpoints: Endpoints) -> None:
    code = await endpoints.code()
    sprinklr.oauth.fail_next_token_requests("error_field")

    status, body, _ = await endpoints.token(grant_type="authorization_code", code=code)
    retry, _, _ = await endpoints.token(grant_type="authorization_code", code=code)

    assert status == 200
    assert body["error"] == "server_error"
    assert "access_token" not in body
    assert retry == 200


async def test_fault_html_page(sprinklr: Sprinklr, endpoints: Endpoints) -> None:
    sprinklr.oauth.fail_next_token_requests("html_page", count=2)

    first, body, answer = await endpoints.token(grant_type="client_credentials")
    second, _, _ = await endpoints.token(grant_type="client_credentials")
    third, _, _ = await endpoints.token(grant_type="client_credentials")

    assert first == 502
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "Bad Gateway" in body
    assert second == 502
    assert third == 200


async def test_fault_server_error(sprinklr: Sprinklr, endpoints: Endpoints) -> None:
    sprinklr.oauth.fail_next_token_requests("server_error")

    status, body, _ = await endpoints.token(grant_type="client_credentials")

    assert status == 500
    assert body["error"] == "server_error"


# --- authorize page ---------------------------------------------------------------


def consent_app(sprinklr: Sprinklr) -> None:
    sprinklr.oauth.register_app(API_KEY, API_SECRET, sprinklr.redirect_uri, "prod2")


async def test_consent_page_then_approve(
    sprinklr: Sprinklr, endpoints: Endpoints
) -> None:
    consent_app(sprinklr)
    url = endpoints.authorize_query()

    async with endpoints.http.get(url) as page:
        html = await page.text()
    async with endpoints.http.post(
        url, data={"decision": "approve"}, allow_redirects=False
    ) as answer:
        status = answer.status
        location = answer.headers["Location"]

    assert page.status == 200
    assert 'value="approve"' in html
    assert status == 303
    assert "code=" in location
    assert "state=st-1" in location


async def test_consent_denied_redirects_error(
    sprinklr: Sprinklr, endpoints: Endpoints
) -> None:
    consent_app(sprinklr)

    async with endpoints.http.post(
        endpoints.authorize_query(), data={"decision": "deny"}, allow_redirects=False
    ) as answer:
        location = answer.headers["Location"]

    query = parse_qs(urlsplit(location).query)
    assert answer.status == 303
    assert query == {"error": ["access_denied"], "state": ["st-1"]}


async def test_server_wide_auto_approve(
    sprinklr: Sprinklr, endpoints: Endpoints
) -> None:
    consent_app(sprinklr)
    sprinklr.oauth.auto_approve = True

    async with endpoints.http.get(
        endpoints.authorize_query(), allow_redirects=False
    ) as answer:
        assert answer.status == 302


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"client_id": "unknown"}, 400),
        ({"response_type": "token"}, 400),
        ({"redirect_uri": "http://127.0.0.1:1/other"}, 500),
    ],
)
async def test_authorize_errors(
    endpoints: Endpoints, overrides: dict[str, str], status: int
) -> None:
    async with endpoints.http.get(
        endpoints.authorize_query(**overrides), allow_redirects=False
    ) as answer:
        assert answer.status == status


async def test_authorize_in_other_environment_is_421(
    sprinklr: Sprinklr, endpoints: Endpoints
) -> None:
    sprinklr.oauth.register_app(API_KEY, API_SECRET, sprinklr.redirect_uri, "prod0")

    async with endpoints.http.get(endpoints.authorize_query()) as answer:
        assert answer.status == 421


# --- bearer checks ----------------------------------------------------------------


async def test_check_bearer_cases(
    sprinklr: Sprinklr, endpoints: Endpoints, clock: ManualClock
) -> None:
    oauth = sprinklr.oauth
    token = (await endpoints.pair())["access_token"]

    missing_key = oauth.check_bearer(token, None, "prod2")
    unknown_key = oauth.check_bearer(token, "unknown", "prod2")
    other_environment = oauth.check_bearer(token, API_KEY, "prod0")
    unknown_token = oauth.check_bearer("forged", API_KEY, "prod2")
    no_token = oauth.check_bearer(None, API_KEY, "prod2")
    clock.advance(LIFETIME)
    expired = oauth.check_bearer(token, API_KEY, "prod2")

    assert missing_key is not None and missing_key.status == 403
    assert missing_key.message == "Developer Inactive"
    assert unknown_key is not None and unknown_key.status == 403
    assert other_environment is not None and other_environment.status == 421
    assert unknown_token is not None and unknown_token.status == 401
    assert no_token is not None and no_token.status == 401
    assert expired is not None and expired.status == 401
    assert "expired" in expired.message


async def test_expire_access_tokens_by_key(
    sprinklr: Sprinklr, endpoints: Endpoints
) -> None:
    oauth = sprinklr.oauth
    token = (await endpoints.pair())["access_token"]
    oauth.register_app("other-key", "other-secret", sprinklr.redirect_uri, "prod2")

    assert oauth.expire_access_tokens("other-key") == 0
    assert valid(sprinklr, token)
    assert oauth.expire_access_tokens(API_KEY) == 1
    assert not valid(sprinklr, token)


async def test_failure_responses(
    sprinklr: Sprinklr, http: aiohttp.ClientSession
) -> None:
    async with http.get(
        f"{sprinklr.base_url}/prod2/api/v2/me", headers={"Key": API_KEY}
    ) as unauthorized:
        body = await unauthorized.json()
    async with http.get(f"{sprinklr.base_url}/prod2/api/v2/me") as inactive:
        text = await inactive.text()

    assert unauthorized.status == 401
    assert body["data"] == []
    assert body["errors"][0]["code"] == 401
    assert inactive.status == 403
    assert text == "Developer Inactive"


def test_normalize_environment() -> None:
    assert normalize_environment("PROD") == ""
    assert normalize_environment("") == ""
    assert normalize_environment(" Prod2 ") == "prod2"


def test_registered_app_repr_hides_secret() -> None:
    oauth = OAuthServer()

    app = oauth.register_app("k", "very-secret", "http://127.0.0.1:1/cb", "prod2")

    assert "very-secret" not in repr(app)
