"""Mock Close: a new lead per POST, GET by id, field errors, auth, RateLimit header."""

from __future__ import annotations

import base64
import re

import closeio_api
import httpx
import pytest
from pydantic import SecretStr

from signaltui.config import Credentials
from signaltui.mock import create_app
from signaltui.mock.server import serve_in_thread
from tests.integration.conftest import open_mock_client

LEAD = {
    "name": "Acme Inc",
    "url": "https://example.com/contact",
    "description": "Pricing enquiry",
    "custom.cf_lead_source": "Website demo form",
    "contacts": [
        {
            "name": "Jane Doe",
            "title": "Head of Growth",
            "emails": [{"email": "jane.doe@acme.com"}],
            "phones": [{"phone": "+44 7700 900123"}, {"phone": "(415) 555-0100"}],
        }
    ],
}


def basic(key: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


async def post(client: httpx.AsyncClient, body: dict, key: str = "api_k") -> httpx.Response:
    return await client.post("/api/v1/lead/", json=body, headers=basic(key))


async def test_create_lead_answers_200_with_a_lead_object(mock_client):
    response = await post(mock_client, LEAD)
    assert response.status_code == 200
    lead = response.json()
    assert lead["id"].startswith("lead_") and lead["status_id"].startswith("stat_")
    assert lead["organization_id"].startswith("orga_")
    assert lead["created_by"].startswith("user_")
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$", lead["date_created"])
    assert lead["html_url"] == f"https://app.close.com/lead/{lead['id']}/"
    assert lead["display_name"] == "Acme Inc" and lead["status_label"] == "Potential"
    assert lead["custom.cf_lead_source"] == "Website demo form"
    contact = lead["contacts"][0]
    assert lead["contact_ids"] == [contact["id"]] and contact["id"].startswith("cont_")
    assert contact["emails"] == [
        {"email": "jane.doe@acme.com", "type": "office", "is_unsubscribed": False}
    ]
    uk, us = contact["phones"]
    assert (uk["phone"], uk["country"]) == ("+447700900123", "GB")
    assert (us["phone"], us["country"]) == ("+14155550100", "US")  # org default country
    assert us["phone_formatted"] == "+1 415-555-0100"


async def test_every_post_creates_a_new_lead_and_get_returns_it(mock_client):
    first = (await post(mock_client, LEAD)).json()
    second = (await post(mock_client, LEAD)).json()
    assert first["id"] != second["id"]
    fetched = await mock_client.get(f"/api/v1/lead/{first['id']}/", headers=basic("api_k"))
    assert fetched.status_code == 200 and fetched.json() == first
    missing = await mock_client.get("/api/v1/lead/lead_nope/", headers=basic("api_k"))
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"status": "Potential", "status_id": "stat_abc"}, "status"),
        ({"status_id": "potential"}, "status_id"),
        ({"status": "No such status"}, "status"),
    ],
)
async def test_bad_leads_get_400_field_errors(mock_client, change, field):
    response = await post(mock_client, {**LEAD, **change})
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == [] and field in body["field-errors"]


async def test_status_id_is_kept(mock_client):
    lead = (await post(mock_client, {**LEAD, "status_id": "stat_WebsiteLead1"})).json()
    assert lead["status_id"] == "stat_WebsiteLead1"


async def test_rate_limit_header_on_every_answer(mock_client):
    ok = await post(mock_client, LEAD)
    bad = await post(mock_client, {"name": ""})
    for response in (ok, bad):
        assert re.match(r"^limit=20, remaining=\d+, reset=\d+$", response.headers["ratelimit"])


async def test_429_has_no_body_and_ratelimit_headers(mock_client):
    await mock_client.post("/__mock/faults", json={"profile": "rate-limited"})
    response = await post(mock_client, LEAD)
    assert response.status_code == 429
    assert response.content == b""
    assert response.headers["ratelimit"] == "limit=20, remaining=0, reset=1"
    assert response.headers["retry-after"] == "1"


async def test_only_the_configured_key_passes():
    app = create_app(Credentials(close_api_key=SecretStr("api_right")))
    async with open_mock_client(app, "in_process") as client:
        wrong = await post(client, LEAD, key="api_wrong")
        bearer = await client.post(
            "/api/v1/lead/", json=LEAD, headers={"Authorization": "Bearer api_right"}
        )
        right = await post(client, LEAD, key="api_right")
    assert wrong.status_code == 401
    assert wrong.json()["error"].startswith("The server could not verify that you are authorized")
    assert bearer.status_code == right.status_code == 200


def test_official_close_client_creates_and_reads_a_lead():
    with serve_in_thread({"seed": 5}) as url:
        api = closeio_api.API(url + "/api/v1/", api_key="api_anything")
        lead = api.post("lead", LEAD)
        assert lead["id"].startswith("lead_")
        assert lead["contacts"][0]["emails"][0]["email"] == "jane.doe@acme.com"
        assert api.get(f"lead/{lead['id']}") == lead
        with pytest.raises(closeio_api.ValidationError) as caught:
            api.post("lead", {"contacts": []})
        assert "name" in caught.value.field_errors
