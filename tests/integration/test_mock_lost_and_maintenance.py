"""``lost-response`` (the create is applied, the answer never arrives) and ``maintenance``."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from signaltui.mock import create_app, get_mock_state
from signaltui.mock.server import serve_in_thread
from tests.integration.conftest import open_mock_client

APOLLO = ("/api/v1/contacts", {"first_name": "A", "last_name": "B", "email": "a@b.co"})
CLOSE = ("/api/v1/lead/", {"name": "Acme", "contacts": [{"emails": [{"email": "j@acme.com"}]}]})
KEYS = {"X-Api-Key": "k", "Authorization": "Basic YXBpX2s6"}
JSONAPI = "application/vnd.api+json"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_lost_response_applies_the_create_then_really_drops_the_connection():
    app = create_app(faults="lost-response")
    with serve_in_thread(app) as url, httpx.Client(base_url=url) as client:
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            client.post(CLOSE[0], json=CLOSE[1], headers=KEYS)
        state = get_mock_state(app)
        assert len(state.close_leads) == 1  # applied, though the client never heard
        (stored,) = state.close_leads.values()
        # A look-up is never lost, and finds what the lost create made.
        found = client.get("/api/v1/lead/", params={"query": "email:j@acme.com"}, headers=KEYS)
        assert [lead["id"] for lead in found.json()["data"]] == [stored["id"]]
        # A blind retry is answered, and duplicates the lead as the real Close would.
        again = client.post(CLOSE[0], json=CLOSE[1], headers=KEYS)
        assert again.status_code == 200 and again.json()["id"] != stored["id"]
        summary = client.get("/__mock/state").json()["crms"]["close"]
    assert summary == {**summary, "records": 2, "duplicates": 1, "lost_responses": 1}
    journal = state.journal.entries("close")
    assert [(e["method"], e["status"], e["fault"]) for e in journal] == [
        ("POST", None, "lost-response"),
        ("GET", 200, None),
        ("POST", 200, None),
    ]


async def test_lost_response_in_process_is_the_same_transport_error():
    app = create_app(faults="lost-response")
    async with open_mock_client(app, "in_process") as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post(APOLLO[0], json=APOLLO[1], headers=KEYS)
        again = await client.post(APOLLO[0], json=APOLLO[1], headers=KEYS)
        token = await client.post(
            "/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": "r", "client_id": "c",
                  "client_secret": "s"},
        )  # fmt: skip
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        body = {"data": {"type": "prospect", "attributes": {"emails": ["p@acme.com"]}}}
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post(
                "/api/v2/prospects", json=body, headers={**headers, "Content-Type": JSONAPI}
            )
        retried = await client.post(
            "/api/v2/prospects", json=body, headers={**headers, "Content-Type": JSONAPI}
        )
    assert again.status_code == 200
    assert len(get_mock_state(app).apollo_contacts) == 2
    # Outreach refuses the blind retry: the lost create already holds the email.
    assert retried.status_code == 422
    assert "email hash has already been taken" in retried.text
    assert len(get_mock_state(app).outreach_prospects) == 1


@pytest.mark.parametrize("mode", ["loopback", "in_process"])
async def test_maintenance_is_each_crms_503_with_retry_after_until_it_ends(mode):
    clock = FakeClock()
    app = create_app(clock=clock)
    async with open_mock_client(app, mode) as client:
        switched = await client.post(
            "/__mock/faults", json={"profile": "maintenance", "maintenance_seconds": 300}
        )
        assert switched.status_code == 200
        apollo = await client.post(APOLLO[0], json=APOLLO[1], headers=KEYS)
        close = await client.post(CLOSE[0], json=CLOSE[1], headers=KEYS)
        outreach = await client.get("/api/v2/prospects", headers={"Authorization": "Bearer x"})
        clock.now += 100
        later = await client.post(CLOSE[0], json=CLOSE[1], headers=KEYS)
        clock.now += 200
        over = await client.post(CLOSE[0], json=CLOSE[1], headers=KEYS)
    assert (apollo.status_code, close.status_code, outreach.status_code) == (503, 503, 503)
    assert apollo.headers["retry-after"] == close.headers["retry-after"] == "300"
    assert later.headers["retry-after"] == "200"
    error = outreach.json()["errors"][0]
    assert error["id"] == "scheduledServerMaintenance"
    until = datetime.fromisoformat(outreach.headers["retry-after"].replace("Z", "+00:00"))
    assert until == datetime.fromtimestamp(1_800_000_300, tz=UTC)
    assert over.status_code == 200
    assert len(get_mock_state(app).close_leads) == 1


async def test_bad_maintenance_seconds_is_refused():
    async with open_mock_client(create_app(), "in_process") as client:
        refused = await client.post(
            "/__mock/faults", json={"profile": "maintenance", "maintenance_seconds": "soon"}
        )
    assert refused.status_code == 400 and "maintenance_seconds" in refused.json()["error"]


async def test_only_applied_creates_count_as_lost_responses():
    app = create_app(faults="lost-response")
    async with open_mock_client(app, "in_process") as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post("/api/v1/lead/", json={"name": ""}, headers=KEYS)  # a 400
        summary = (await client.get("/__mock/state")).json()["crms"]["close"]
    assert (summary["records"], summary["lost_responses"]) == (0, 0)
