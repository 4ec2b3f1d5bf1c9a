"""Mock Apollo: Create a Contact answers like the real API (over HTTP and in process)."""

from __future__ import annotations

import re

import httpx
import pytest
from pydantic import SecretStr

from signaltui.config import Credentials
from signaltui.mock import create_app
from tests.integration.conftest import open_mock_client

CONTACT = {
    "first_name": "Tim",
    "last_name": "Zheng",
    "email": "Tim@Apollo.io",
    "organization_name": "Apollo",
    "title": "Head of Growth",
    "mobile_phone": "+1 555 303 1234",
    "label_names": ["Signal - Marketing Opt-in", "Website demo form"],
}
KEY = {"X-Api-Key": "any-key"}
HEX24 = re.compile(r"^[0-9a-f]{24}$")


async def post(client: httpx.AsyncClient, body: dict, headers: dict = KEY) -> httpx.Response:
    return await client.post("/api/v1/contacts", json=body, headers=headers)


async def test_create_contact_answers_200_with_contact_and_labels(mock_client):
    response = await post(mock_client, CONTACT)
    assert response.status_code == 200
    body = response.json()
    contact = body["contact"]
    assert HEX24.match(contact["id"]) and HEX24.match(contact["organization_id"])
    assert contact["name"] == "Tim Zheng"
    assert contact["email"] == "tim@apollo.io"
    assert contact["source"] == contact["original_source"] == "api"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", contact["created_at"])
    phone = contact["phone_numbers"][0]
    assert phone["raw_number"] == "+1 555 303 1234"
    assert phone["sanitized_number"] == "+15553031234"
    assert phone["type"] == "mobile"
    assert [label["name"] for label in body["labels"]] == CONTACT["label_names"]
    assert all(label["modality"] == "contacts" for label in body["labels"])
    assert sorted(contact["label_ids"]) == sorted(label["id"] for label in body["labels"])
    assert "dedupe_result" not in contact


async def test_rate_limit_headers_on_every_answer(mock_client):
    first = await post(mock_client, CONTACT)
    second = await post(mock_client, {"first_name": "No"})  # 422, still counted
    assert first.headers["x-rate-limit-minute"] == "200"
    assert first.headers["x-minute-usage"] == "1"
    assert second.headers["x-minute-usage"] == "2"
    assert second.headers["x-minute-requests-left"] == "198"
    for family in ("hourly", "24-hour"):
        assert int(second.headers[f"x-{family}-requests-left"]) > 0
        assert f"x-rate-limit-{family}" in second.headers


async def test_same_email_without_dedupe_creates_a_second_contact(mock_client):
    first = (await post(mock_client, CONTACT)).json()["contact"]
    second = (await post(mock_client, CONTACT)).json()["contact"]
    assert first["id"] != second["id"]


async def test_run_dedupe_updates_the_existing_contact_in_place(mock_client):
    first = (await post(mock_client, CONTACT)).json()["contact"]
    update = {
        "first_name": "Timothy",
        "last_name": "Zheng",
        "email": "tim@apollo.io",
        "title": "",
        "run_dedupe": True,
    }
    response = await post(mock_client, update)
    assert response.status_code == 200
    contact = response.json()["contact"]
    assert contact["id"] == first["id"]
    # Apollo puts the verdict at the top level, beside the contact, not inside it.
    assert "dedupe_result" not in contact
    assert response.json()["dedupe_result"] == {
        "found_existing": True,
        "match_reason": "email_match",
        "existing_contact_id": first["id"],
    }
    assert contact["first_name"] == "Timothy"
    assert contact["title"] is None  # an empty value clears the field
    assert contact["organization_name"] == "Apollo"  # omitted fields are left alone


async def test_missing_names_are_rejected_with_422(mock_client):
    response = await post(mock_client, {"email": "a@b.co", "last_name": "Only"})
    assert response.status_code == 422
    assert "first_name" in response.json()["error"]


async def test_bad_contact_stage_id_gets_apollos_not_a_valid_id(mock_client):
    response = await post(mock_client, {**CONTACT, "contact_stage_id": "nope"})
    assert response.status_code == 422
    assert response.json() == {"error": "Parameters misconfigured. nope is not a valid ID"}


async def test_names_not_required_when_the_setting_is_off():
    app = create_app(apollo_require_names=False)
    async with open_mock_client(app, "in_process") as client:
        response = await post(client, {"email": "a@b.co"})
    assert response.status_code == 200
    assert response.json()["contact"]["name"] is None


@pytest.mark.parametrize("headers", [{}, {"X-Api-Key": ""}, {"X-Api-Key": "wrong"}])
async def test_wrong_or_missing_key_gets_text_401(headers):
    app = create_app(Credentials(apollo_api_key=SecretStr("right")))
    async with open_mock_client(app, "in_process") as client:
        denied = await post(client, CONTACT, headers)
        allowed = await post(client, CONTACT, {"X-Api-Key": "right"})
    assert denied.status_code == 401
    assert denied.headers["content-type"].startswith("text/plain")
    assert denied.text.startswith("Invalid API key.")
    assert allowed.status_code == 200


async def test_429_has_the_documented_message_and_retry_after(mock_client):
    await mock_client.post("/__mock/faults", json={"profile": "rate-limited"})
    response = await post(mock_client, CONTACT)
    assert response.status_code == 429
    assert response.json()["message"].startswith(
        "The maximum number of api calls allowed for api/v1/contacts is 600 times per hour."
    )
    assert response.headers["retry-after"] == "1"
    assert response.headers["x-hourly-requests-left"] == "0"


async def test_a_field_apollo_does_not_document_reaches_no_contact(mock_client):
    # What blueprints check warns of (blueprints/advice.py): the mock keeps the
    # documented fields only, so a rule writing /phone or /job_title loses its value.
    from signaltui import apollo_fields
    from signaltui.blueprints.advice import advise
    from signaltui.blueprints.convert import parse_overlay
    from signaltui.blueprints.loader import merged_specs
    from signaltui.core.config import MappingConfig

    sent = {**CONTACT, "phone": "+1 555 0100", "job_title": "CEO"}
    contact = (await post(mock_client, sent)).json()["contact"]
    assert "phone" not in contact and "job_title" not in contact
    assert contact["title"] == "Head of Growth"
    assert set(CONTACT) <= apollo_fields.DOCUMENTED
    overlay = parse_overlay(
        "version: 1\ndestination: apollo\nextends: preset\nfields:\n"
        "  /phone: {from: traits.phone}\n  /title: {from: traits.title}\n",
        "mine.yaml",
    )
    found = advise(merged_specs(MappingConfig(), [overlay])["apollo"])
    assert [(a.at, a.brief) for a in found] == [
        ("mine.yaml:5", "/phone: not a field Apollo documents (the mock drops it)")
    ]
