"""Enforced rate limits: the real windows, counts and header names of each CRM.

A fake clock drives the windows, so the real (unscaled) limits are reached with a few
hundred requests and no waiting; one test per CRM runs over real loopback HTTP.
"""

from __future__ import annotations

import re

import httpx
import pytest
from click.testing import CliRunner

from signaltui.mock import create_app, get_mock_state
from signaltui.mock.cli import command
from tests.integration.conftest import open_mock_client

APOLLO_KEY = {"X-Api-Key": "k"}
CONTACT = {"first_name": "A", "last_name": "B"}
JSONAPI = "application/vnd.api+json"
T0 = 3600.0 * 472_223 + 40  # 40 s into a minute and 40 s into an hour


class FakeClock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def close_auth(key: str) -> dict[str, str]:
    import base64

    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


async def apollo_burst(client: httpx.AsyncClient, count: int) -> list[httpx.Response]:
    return [
        await client.post("/api/v1/contacts", json=CONTACT, headers=APOLLO_KEY)
        for _ in range(count)
    ]


@pytest.mark.parametrize("mode", ["loopback", "in_process"])
async def test_apollo_minute_limit_gives_429_with_retry_after_to_the_minute_end(mode):
    clock = FakeClock()
    app = create_app(clock=clock)  # limits on: the default
    async with open_mock_client(app, mode) as client:
        answers = await apollo_burst(client, 201)
    ok, limited = answers[199], answers[200]
    assert ok.status_code == 200 and ok.headers["x-minute-requests-left"] == "0"
    assert limited.status_code == 429
    assert "200 times per minute" in limited.json()["message"]
    assert limited.headers["retry-after"] == "20"  # 40 s into the minute
    assert limited.headers["x-rate-limit-minute"] == "200"
    assert limited.headers["x-minute-requests-left"] == "0"
    for family in ("hourly", "24-hour"):
        assert f"x-rate-limit-{family}" in limited.headers
        assert f"x-{family}-usage" in limited.headers


async def test_apollo_hourly_limit_names_the_hour_and_waits_for_it():
    clock = FakeClock()
    app = create_app(clock=clock)
    async with open_mock_client(app, "in_process") as client:
        for _ in range(3):  # 3 x 200 in three different minutes
            assert {r.status_code for r in await apollo_burst(client, 200)} == {200}
            clock.now += 60
        limited = (await apollo_burst(client, 1))[0]
    assert limited.status_code == 429
    assert limited.json()["message"].startswith(
        "The maximum number of api calls allowed for api/v1/contacts is 600 times per hour."
    )
    assert limited.headers["x-hourly-requests-left"] == "0"
    assert limited.headers["x-minute-requests-left"] == "199"
    assert int(limited.headers["retry-after"]) == 3600 - 40 - 180


async def test_apollo_401_carries_no_rate_headers_and_is_not_counted():
    async with open_mock_client(create_app(), "in_process") as client:
        denied = await client.post("/api/v1/contacts", json=CONTACT)
        allowed = await client.post("/api/v1/contacts", json=CONTACT, headers=APOLLO_KEY)
    assert denied.status_code == 401
    rate_headers = [h for h in denied.headers if "rate" in h or "usage" in h or "left" in h]
    assert rate_headers == []
    assert allowed.headers["x-minute-usage"] == "1"


async def test_apollo_counts_each_endpoint_separately():
    clock = FakeClock()
    app = create_app(clock=clock, apollo_limits=(2, 10, 20))
    async with open_mock_client(app, "in_process") as client:
        creates = await apollo_burst(client, 3)
        search = await client.post("/api/v1/contacts/search", json={}, headers=APOLLO_KEY)
    assert [r.status_code for r in creates] == [200, 200, 429]
    assert search.status_code == 200 and search.headers["x-minute-usage"] == "1"
    assert "api/v1/contacts is 2 times per minute" in creates[2].json()["message"]


@pytest.mark.parametrize("mode", ["loopback", "in_process"])
async def test_close_limits_each_key_and_endpoint_group(mode):
    app = create_app(clock=FakeClock())
    async with open_mock_client(app, mode) as client:
        lead = {"name": "Acme"}
        posts = [
            await client.post("/api/v1/lead/", json=lead, headers=close_auth("api_a"))
            for _ in range(21)
        ]
        other_group = await client.get("/api/v1/lead/", headers=close_auth("api_a"))
        other_key = await client.post("/api/v1/lead/", json=lead, headers=close_auth("api_b"))
    assert posts[19].status_code == 200
    assert posts[19].headers["ratelimit"] == "limit=20, remaining=0, reset=1"
    limited = posts[20]
    assert limited.status_code == 429 and limited.content == b""
    assert limited.headers["retry-after"] == "1"
    assert re.fullmatch(r"limit=20, remaining=0, reset=1", limited.headers["ratelimit"])
    assert other_group.status_code == 200 and other_key.status_code == 200
    assert other_key.headers["ratelimit"] == "limit=20, remaining=19, reset=1"


async def test_close_org_may_make_three_times_the_per_key_rate():
    app = create_app(clock=FakeClock(), close_limit_per_second=2)
    async with open_mock_client(app, "in_process") as client:
        statuses = [
            (await client.get("/api/v1/me/", headers=close_auth(f"api_{n % 4}"))).status_code
            for n in range(8)
        ]
    # Four keys, two requests each, all within their own limit: the org's 6 run out.
    assert statuses == [200] * 6 + [429, 429]


async def _mint(client: httpx.AsyncClient, client_id: str = "app-1") -> httpx.Response:
    form = {"grant_type": "refresh_token", "refresh_token": "seed", "client_secret": "s"}
    return await client.post("/oauth/token", data={**form, "client_id": client_id})


@pytest.mark.parametrize("mode", ["loopback", "in_process"])
async def test_outreach_rate_headers_per_user_and_429_rate_limit_exceeded(mode):
    clock = FakeClock()
    app = create_app(clock=clock, outreach_limit_per_hour=3)
    async with open_mock_client(app, mode) as client:
        token = (await _mint(client)).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": JSONAPI}
        answers = []
        for n in range(4):
            body = {"data": {"type": "prospect", "attributes": {"emails": [f"p{n}@x.co"]}}}
            answers.append(await client.post("/api/v2/prospects", json=body, headers=headers))
        unauthenticated = await client.get("/api/v2/prospects")
    assert [r.status_code for r in answers] == [201, 201, 201, 429]
    assert answers[0].headers["x-ratelimit-limit"] == "3"
    assert answers[0].headers["x-ratelimit-remaining"] == "2"
    reset = int(answers[0].headers["x-ratelimit-reset"])  # epoch seconds: the hour's end
    assert reset == T0 - 40 + 3600
    limited = answers[3]
    assert limited.json()["errors"][0]["id"] == "rateLimitExceeded"
    assert int(limited.headers["retry-after"]) == 3600 - 40
    assert "x-ratelimit-limit" not in unauthenticated.headers


async def test_outreach_default_limit_is_ten_thousand_an_hour():
    async with open_mock_client(create_app(), "in_process") as client:
        token = (await _mint(client)).json()["access_token"]
        answer = await client.get("/api/v2/prospects", headers={"Authorization": f"Bearer {token}"})
    assert answer.headers["x-ratelimit-limit"] == "10000"
    assert answer.headers["x-ratelimit-remaining"] == "9999"


@pytest.mark.parametrize("mode", ["loopback", "in_process"])
async def test_outreach_allows_one_mint_a_minute_per_app(mode):
    clock = FakeClock()
    app = create_app(clock=clock)
    async with open_mock_client(app, mode) as client:
        first, second = await _mint(client), await _mint(client)
        other_app = await _mint(client, "app-2")
        clock.now += 60
        later = await _mint(client)
    assert first.status_code == 200 and other_app.status_code == 200
    assert second.status_code == 429
    assert second.headers["content-type"].startswith("text/plain")
    assert second.text == "Retry later"
    assert second.headers["retry-after"] == "60"
    assert later.status_code == 200
    assert get_mock_state(app).counters.mints_throttled == 1


async def test_scale_shrinks_every_window_and_the_mint_interval():
    clock = FakeClock(3600.0 * 500)  # on a window boundary
    app = create_app(clock=clock, limits="scale:60")  # an hour becomes a minute
    async with open_mock_client(app, "in_process") as client:
        for _ in range(3):  # 200 per "minute" (one real second), 600 per "hour"
            assert {r.status_code for r in await apollo_burst(client, 200)} == {200}
            clock.now += 1
        limited = (await apollo_burst(client, 1))[0]
        clock.now += 57  # the scaled hour (60 s) is over
        again = (await apollo_burst(client, 1))[0]
        first, throttled = await _mint(client), await _mint(client)
        clock.now += 1
        minted = await _mint(client)
    assert limited.status_code == 429 and "per hour" in limited.json()["message"]
    assert limited.headers["retry-after"] == "57"
    assert again.status_code == 200
    assert (first.status_code, throttled.status_code, minted.status_code) == (200, 429, 200)


async def test_limits_off_sends_the_headers_uses_nothing_up_and_never_answers_429():
    app = create_app(clock=FakeClock(), limits="off", apollo_limits=(1, 1, 1))
    async with open_mock_client(app, "in_process") as client:
        answers = await apollo_burst(client, 3)
        mints = [await _mint(client), await _mint(client)]
    assert [r.status_code for r in answers] == [200, 200, 200]
    # The real header names, but never a spent window a polite client would wait out.
    assert [r.headers["x-minute-requests-left"] for r in answers] == ["1", "1", "1"]
    assert [m.status_code for m in mints] == [200, 200]


async def test_limits_switch_at_run_time_over_the_admin_path():
    app = create_app(clock=FakeClock(), apollo_limits=(1, 10, 10))
    async with open_mock_client(app, "in_process") as client:
        assert (await client.get("/__mock/limits")).json()["enforce"] is True
        switched = await client.post("/__mock/limits", json={"limits": "off"})
        answers = await apollo_burst(client, 2)
        refused = await client.post("/__mock/limits", json={"limits": "fast"})
        await client.post("/__mock/limits", json={"limits": "on"})
        back_on = await apollo_burst(client, 2)
    assert switched.json() == {**switched.json(), "enforce": False, "scale": 1.0}
    assert [r.status_code for r in answers] == [200, 200]
    assert refused.status_code == 400 and "scale:F" in refused.json()["hint"]
    assert [r.status_code for r in back_on] == [200, 429]


def test_serve_rejects_a_bad_limits_setting_and_documents_the_limits():
    bad = CliRunner().invoke(command, ["--limits", "scale:0"])
    assert bad.exit_code == 2 and "scale:F" in bad.output
    shown = CliRunner().invoke(command, ["--help"])
    names = ("x-rate-limit-minute", "-24-hour", "X-RateLimit", "RateLimit: limit=", "Retry later")
    for name in names:
        assert name in shown.output
