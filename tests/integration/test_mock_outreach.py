"""Mock Outreach: OAuth refresh with rotation, and JSON:API prospect creation."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from signaltui.config import Credentials
from signaltui.mock import create_app
from tests.integration.conftest import open_mock_client

JSONAPI = {"Content-Type": "application/vnd.api+json"}
PROSPECT = {
    "data": {
        "type": "prospect",
        "attributes": {
            "emails": ["jane.doe@acme.com"],
            "firstName": "Jane",
            "lastName": "Doe",
            "name": "Jane Doe",
            "title": "Head of Growth",
            "occupation": "Head of Growth",
            "company": "Acme Inc",
            "mobilePhones": ["+447700900123"],
            "tags": ["Signal", "demo-request"],
        },
    }
}
CONFIGURED = Credentials(
    outreach_client_id=SecretStr("cid"),
    outreach_client_secret=SecretStr("secret"),
    outreach_refresh_token=SecretStr("rt-0"),
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def mock_app(clock: FakeClock) -> Starlette:
    return create_app(CONFIGURED, clock=clock, seed=3)


async def refresh(
    client: httpx.AsyncClient, token: str, *, as_json: bool = False, secret: str = "secret"
) -> httpx.Response:
    params = {
        "client_id": "cid",
        "client_secret": secret,
        "redirect_uri": "https://example.com/cb",
        "grant_type": "refresh_token",
        "refresh_token": token,
    }
    if as_json:
        return await client.post("/oauth/token", json=params)
    return await client.post("/oauth/token", data=params)


async def create(client: httpx.AsyncClient, access: str, body: dict = PROSPECT, **kw):
    headers = {**JSONAPI, "Authorization": f"Bearer {access}", **kw.pop("headers", {})}
    return await client.post("/api/v2/prospects", json=body, headers=headers, **kw)


async def access_token(client: httpx.AsyncClient) -> str:
    return (await refresh(client, "rt-0")).json()["access_token"]


async def test_refresh_rotates_and_strict_rotation_revokes_the_old_token(clock):
    app = create_app(CONFIGURED, clock=clock, outreach_strict_rotation=True, limits="off")
    async with open_mock_client(app, "in_process") as mock_client:
        await _rotates_and_revokes(mock_client)


async def _rotates_and_revokes(mock_client: httpx.AsyncClient) -> None:
    first = await refresh(mock_client, "rt-0")
    assert first.status_code == 200
    grant = first.json()
    assert grant["token_type"] == "bearer" and grant["expires_in"] == 7200
    assert grant["refresh_token"] != "rt-0"
    assert {"access_token", "scope", "created_at"} <= grant.keys()
    again = await refresh(mock_client, "rt-0")
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert "revoked" in again.json()["error_description"]
    rotated = await refresh(mock_client, grant["refresh_token"], as_json=True)
    assert rotated.status_code == 200


async def test_unknown_refresh_token_and_bad_client_are_refused(mock_client):
    assert (await refresh(mock_client, "never-issued")).json()["error"] == "invalid_grant"
    bad_client = await refresh(mock_client, "rt-0", secret="wrong")
    assert bad_client.status_code == 401
    assert bad_client.json()["error"] == "invalid_client"


async def test_lenient_rotation_is_the_default_and_keeps_the_old_token_usable(clock):
    app = create_app(CONFIGURED, clock=clock)
    async with open_mock_client(app, "in_process") as client:
        assert (await refresh(client, "rt-0")).status_code == 200
        clock.now += 60  # one mint a minute per app
        assert (await refresh(client, "rt-0")).status_code == 200


async def test_without_configured_credentials_any_refresh_token_works_once_when_strict():
    app = create_app(outreach_strict_rotation=True, limits="off")
    async with open_mock_client(app, "in_process") as client:
        params = {"grant_type": "refresh_token", "refresh_token": "mock-refresh-token"}
        params |= {"client_id": "anything", "client_secret": "anything"}
        first = await client.post("/oauth/token", data=params)
        second = await client.post("/oauth/token", data=params)
    assert first.status_code == 200
    assert second.status_code == 400


async def test_create_prospect_answers_201_jsonapi(mock_client):
    response = await create(mock_client, await access_token(mock_client))
    assert response.status_code == 201
    assert response.headers["content-type"].startswith("application/vnd.api+json")
    data = response.json()["data"]
    assert data["type"] == "prospect" and isinstance(data["id"], int)
    assert data["links"]["self"] == f"https://api.outreach.io/api/v2/prospects/{data['id']}"
    attributes = data["attributes"]
    assert attributes["emails"] == ["jane.doe@acme.com"]
    assert attributes["name"] == "Jane Doe"
    assert attributes["createdAt"].endswith("Z") and attributes["updatedAt"]
    assert "account" in data["relationships"]
    assert int(response.headers["x-ratelimit-limit"]) == 10000
    assert int(response.headers["x-ratelimit-remaining"]) == 9999
    assert int(response.headers["x-ratelimit-reset"]) > 1_700_000_000


async def test_wrong_content_type_gets_415_with_details(mock_client):
    token = await access_token(mock_client)
    response = await create(mock_client, token, headers={"Content-Type": "application/json"})
    assert response.status_code == 415
    assert response.json() == {
        "errors": [
            {
                "id": "unsupportedMediaType",
                "title": "Unsupported Media Type",
                "details": "Expected Content-Type header to be 'application/vnd.api+json'.",
            }
        ]
    }


async def test_duplicate_email_gets_422_email_hash_taken(mock_client):
    token = await access_token(mock_client)
    assert (await create(mock_client, token)).status_code == 201
    duplicate = await create(mock_client, token)
    assert duplicate.status_code == 422
    assert duplicate.json() == {
        "errors": [
            {
                "id": "validationError",
                "source": {"pointer": "/data"},
                "title": "Validation Error",
                "detail": "Contacts email hash has already been taken.",
            }
        ]
    }


@pytest.mark.parametrize(
    ("data", "pointer"),
    [
        ({"type": "prospect", "attributes": {"nickName": "x"}}, "/data/attributes/nickName"),
        ({"type": "prospect", "attributes": {"createdAt": "x"}}, "/data/attributes/createdAt"),
        ({"type": "prospect", "attributes": {"title": "x" * 256}}, "/data/attributes/title"),
        ({"type": "prospect", "attributes": {"emails": "a@b.co"}}, "/data/attributes/emails"),
        ({"type": "account", "attributes": {}}, "/data/type"),
    ],
)
async def test_invalid_documents_get_422_with_a_pointer(mock_client, data, pointer):
    response = await create(mock_client, await access_token(mock_client), body={"data": data})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["id"] == "validationError"
    assert error["source"]["pointer"] == pointer


async def test_access_token_expires_after_two_hours(mock_client, clock):
    token = await access_token(mock_client)
    clock.now += 7199
    assert (await create(mock_client, token)).status_code == 201
    clock.now += 1
    expired = await create(mock_client, token)
    assert expired.status_code == 401
    assert expired.json()["errors"][0]["id"] == "unauthorized"


async def test_unknown_bearer_gets_401(mock_client):
    assert (await create(mock_client, "made-up")).status_code == 401


async def test_token_expiry_profile_makes_tokens_single_use(mock_client):
    await mock_client.post("/__mock/faults", json={"profile": "token-expiry"})
    token = await access_token(mock_client)
    assert (await create(mock_client, token)).status_code == 201
    body = {"data": {"type": "prospect", "attributes": {"emails": ["b@acme.com"]}}}
    assert (await create(mock_client, token, body=body)).status_code == 401


async def test_rate_limited_profile_gives_rate_limit_exceeded(mock_client):
    token = await access_token(mock_client)
    await mock_client.post("/__mock/faults", json={"profile": "rate-limited"})
    limited = await create(mock_client, token)
    assert limited.status_code == 429
    assert limited.json()["errors"][0]["id"] == "rateLimitExceeded"
    assert limited.headers["retry-after"] == "1"
    assert limited.headers["x-ratelimit-remaining"] == "0"
    assert (await create(mock_client, token)).status_code == 201
