"""The read and update endpoints of each mock, and the official Close client against them."""

from __future__ import annotations

import closeio_api
import httpx
import pytest

from signaltui.mock import create_app, get_mock_state
from signaltui.mock.server import serve_in_thread

APOLLO_KEY = {"X-Api-Key": "k"}
CLOSE_KEY = {"Authorization": "Bearer api_k"}
JSONAPI = "application/vnd.api+json"
LEAD = {
    "name": "Acme Inc",
    "contacts": [{"name": "Jane Doe", "emails": [{"email": "jane.doe@acme.com"}]}],
}


async def test_apollo_get_patch_and_search_contacts(mock_client):
    body = {"first_name": "Tim", "last_name": "Zheng", "email": "Tim@Apollo.io"}
    created = (await mock_client.post("/api/v1/contacts", json=body, headers=APOLLO_KEY)).json()
    contact_id = created["contact"]["id"]
    got = await mock_client.get(f"/api/v1/contacts/{contact_id}", headers=APOLLO_KEY)
    assert got.status_code == 200 and got.json()["contact"]["email"] == "tim@apollo.io"
    patched = await mock_client.patch(
        f"/api/v1/contacts/{contact_id}",
        json={"title": "CEO", "email": "tim.z@apollo.io"},
        headers=APOLLO_KEY,
    )
    assert patched.status_code == 200
    assert patched.json()["contact"]["title"] == "CEO"
    assert patched.json()["contact"]["first_name"] == "Tim"  # omitted: left alone

    async def search(**params: str) -> list[str]:
        answer = await mock_client.post("/api/v1/contacts/search", json=params, headers=APOLLO_KEY)
        assert answer.status_code == 200
        assert answer.json()["pagination"]["total_entries"] == len(answer.json()["contacts"])
        return [c["id"] for c in answer.json()["contacts"]]

    # The email index follows the update: the old address finds nothing any more.
    assert await search(q_keywords="TIM.Z@apollo.io") == [contact_id]
    assert await search(email="tim@apollo.io") == []
    assert await search(q_keywords="tim zheng") == [contact_id]
    missing = await mock_client.get("/api/v1/contacts/" + "0" * 24, headers=APOLLO_KEY)
    assert missing.status_code == 404
    denied = await mock_client.post("/api/v1/contacts/search", json={})
    assert denied.status_code == 401 and denied.text.startswith("Invalid API key.")


async def _outreach_token(client: httpx.AsyncClient) -> dict[str, str]:
    form = {"grant_type": "refresh_token", "refresh_token": "r", "client_id": "c"}
    grant = await client.post("/oauth/token", data={**form, "client_secret": "s"})
    return {"Authorization": f"Bearer {grant.json()['access_token']}", "Content-Type": JSONAPI}


async def test_outreach_find_by_email_get_and_patch(mock_client):
    headers = await _outreach_token(mock_client)
    body = {"data": {"type": "prospect", "attributes": {"emails": ["Jane@Acme.com"]}}}
    created = (await mock_client.post("/api/v2/prospects", json=body, headers=headers)).json()
    prospect_id = created["data"]["id"]
    found = await mock_client.get(
        "/api/v2/prospects", params={"filter[emails]": "jane@acme.com"}, headers=headers
    )
    assert found.status_code == 200
    assert [p["id"] for p in found.json()["data"]] == [prospect_id]
    assert found.json()["meta"]["count"] == 1
    none = await mock_client.get(
        "/api/v2/prospects", params={"filter[emails]": "nobody@acme.com"}, headers=headers
    )
    assert none.json()["data"] == []
    got = await mock_client.get(f"/api/v2/prospects/{prospect_id}", headers=headers)
    assert got.json()["data"]["attributes"]["emails"] == ["Jane@Acme.com"]
    change = {"data": {"type": "prospect", "id": prospect_id, "attributes": {"title": "CTO"}}}
    patched = await mock_client.patch(
        f"/api/v2/prospects/{prospect_id}", json=change, headers=headers
    )
    assert patched.status_code == 200 and patched.json()["data"]["attributes"]["title"] == "CTO"
    again = await mock_client.patch(
        f"/api/v2/prospects/{prospect_id}", json=change, headers=headers
    )
    assert again.status_code == 422
    assert again.json()["errors"][0]["id"] == "validationDuplicateValueError"
    missing = await mock_client.get("/api/v2/prospects/999", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["id"] == "resourceNotFound"


async def test_close_query_put_delete_me_and_statuses(mock_client):
    created = (await mock_client.post("/api/v1/lead/", json=LEAD, headers=CLOSE_KEY)).json()
    await mock_client.post("/api/v1/lead/", json={"name": "Other"}, headers=CLOSE_KEY)

    async def query(text: str) -> list[str]:
        answer = await mock_client.get("/api/v1/lead/", params={"query": text}, headers=CLOSE_KEY)
        assert answer.status_code == 200
        return [lead["id"] for lead in answer.json()["data"]]

    assert await query('email:"Jane.Doe@acme.com"') == [created["id"]]
    assert await query("email:nobody@acme.com") == []
    assert await query('name:"acme"') == [created["id"]]
    assert len(await query("")) == 2
    lead_url = f"/api/v1/lead/{created['id']}/"
    put = await mock_client.put(lead_url, json={"description": "hot"}, headers=CLOSE_KEY)
    assert put.status_code == 200 and put.json()["description"] == "hot"
    assert put.json()["name"] == "Acme Inc"
    assert (await mock_client.delete(lead_url, headers=CLOSE_KEY)).json() == {}
    assert (await mock_client.get(lead_url, headers=CLOSE_KEY)).status_code == 404
    assert await query('email:"jane.doe@acme.com"') == []
    me = (await mock_client.get("/api/v1/me/", headers=CLOSE_KEY)).json()
    assert me["id"].startswith("user_") and me["organizations"][0]["id"].startswith("orga_")
    statuses = (await mock_client.get("/api/v1/status/lead/", headers=CLOSE_KEY)).json()
    assert [s["label"] for s in statuses["data"]] == [
        "Potential",
        "Bad Fit",
        "Qualified",
        "Customer",
    ]
    assert all(s["id"].startswith("stat_") for s in statuses["data"])


@pytest.mark.parametrize(
    ("content_type", "raw"),
    [("text/plain", b'{"name": "Acme"}'), ("application/x-www-form-urlencoded", b"name=Acme"),
     ("application/json", b"{not json")],
)  # fmt: skip
async def test_close_answers_415_to_a_body_that_is_not_json(
    mock_client, mock_app, content_type, raw
):
    headers = {**CLOSE_KEY, "Content-Type": content_type}
    response = await mock_client.post("/api/v1/lead/", content=raw, headers=headers)
    assert response.status_code == 415
    assert get_mock_state(mock_app).close_leads == {}


def test_official_close_client_runs_its_whole_lead_life_cycle_against_the_mock():
    app = create_app(seed=5)
    with serve_in_thread(app) as url:
        # Unchanged but for its base URL.
        api = closeio_api.API(url + "/api/v1/", api_key="api_anything")
        statuses = api.get("status/lead")["data"]
        me = api.get("me")
        lead = api.post("lead", {**LEAD, "status_id": statuses[2]["id"]})
        assert lead["status_label"] == statuses[2]["label"]
        assert lead["organization_id"] == me["organizations"][0]["id"]
        assert api.get(f"lead/{lead['id']}") == lead
        found = api.get("lead", params={"query": 'email:"jane.doe@acme.com"'})
        assert [item["id"] for item in found["data"]] == [lead["id"]]
        updated = api.put(f"lead/{lead['id']}", {"name": "Acme Corp", "status": "Customer"})
        assert (updated["name"], updated["status_label"]) == ("Acme Corp", "Customer")
        assert api.delete(f"lead/{lead['id']}") == {}
        with pytest.raises(closeio_api.APIError) as gone:
            api.get(f"lead/{lead['id']}")
        assert gone.value.response.status_code == 404
    methods = [(e["method"], e["path"]) for e in get_mock_state(app).journal.entries()]
    assert ("PUT", f"/api/v1/lead/{lead['id']}/") in methods
    assert ("DELETE", f"/api/v1/lead/{lead['id']}/") in methods
