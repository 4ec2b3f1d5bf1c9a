"""Fault profiles: deterministic 429s, 503s, dropped connections, latency, token expiry,
seeded mixes (429 bursts and dying Outreach tokens included)."""

from __future__ import annotations

import time

import httpx
import pytest

from signaltui.errors import InputError
from signaltui.mock import FAULT_PROFILES, create_app, get_mock_state
from signaltui.mock.faults import MIXED_TOKEN_USES, FaultPlan
from tests.integration.conftest import open_mock_client

APOLLO = ("/api/v1/contacts", {"first_name": "A", "last_name": "B", "email": "a@b.co"})
CLOSE = ("/api/v1/lead/", {"name": "Acme"})
KEYS = {"X-Api-Key": "k", "Authorization": "Basic YXBpX2s6"}
JSONAPI = "application/vnd.api+json"


async def send(client: httpx.AsyncClient, target: tuple[str, dict]) -> int | str:
    try:
        response = await client.post(target[0], json=target[1], headers=KEYS)
    except httpx.RemoteProtocolError:
        return "dropped"
    return response.status_code


def test_every_profile_has_a_description():
    assert set(FAULT_PROFILES) == {"none", "rate-limited", "flaky", "slow", "token-expiry", "mixed"}
    assert all(text.strip() for text in FAULT_PROFILES.values())


def test_unknown_profile_is_a_clear_input_error():
    with pytest.raises(InputError, match="unknown fault profile 'chaos'"):
        create_app(faults="chaos")


async def test_rate_limited_alternates_per_crm(mock_client):
    await mock_client.post("/__mock/faults", json={"profile": "rate-limited"})
    apollo = [await send(mock_client, APOLLO) for _ in range(3)]
    close = [await send(mock_client, CLOSE) for _ in range(2)]
    assert apollo == [429, 200, 429]
    assert close == [429, 200]


async def test_flaky_gives_503_then_a_dropped_connection_then_success(mock_client):
    await mock_client.post("/__mock/faults", json={"profile": "flaky"})
    outcomes = [await send(mock_client, CLOSE) for _ in range(5)]
    assert outcomes == [503, "dropped", 200, 200, 503]
    journal = (await mock_client.get("/__mock/requests")).json()["requests"]
    assert [(e["status"], e["fault"]) for e in journal[:3]] == [
        (503, "unavailable"),
        (None, "drop"),
        (200, None),
    ]


async def test_the_token_endpoint_is_never_faulted(mock_client):
    await mock_client.post("/__mock/faults", json={"profile": "flaky"})
    form = {"grant_type": "refresh_token", "client_id": "c", "client_secret": "s"}
    statuses = []
    for n in range(3):
        response = await mock_client.post("/oauth/token", data={**form, "refresh_token": f"r{n}"})
        statuses.append(response.status_code)
    assert statuses == [200, 200, 200]


async def test_slow_holds_each_answer_for_the_latency():
    app = create_app(faults="slow", latency=0.05)
    async with open_mock_client(app, "in_process") as client:
        started = time.monotonic()
        status = await send(client, APOLLO)
        elapsed = time.monotonic() - started
    assert status == 200
    assert elapsed >= 0.05
    assert get_mock_state(app).journal.entries()[0]["fault"] == "slow"


async def test_mixed_is_reproducible_for_a_seed():
    async def run(seed: int) -> list[int | str]:
        app = create_app(faults="mixed", seed=seed, latency=0.0)
        async with open_mock_client(app, "in_process") as client:
            return [await send(client, CLOSE) for _ in range(30)]

    first, again, other = await run(11), await run(11), await run(12)
    assert first == again
    assert first != other
    assert 200 in first and {429, 503, "dropped"} & set(first)


async def test_mixed_rate_limits_come_in_bursts_with_retry_after():
    app = create_app(faults="mixed", seed=5, latency=0.0, retry_after=0)
    statuses, retry_after = [], set()
    async with open_mock_client(app, "in_process") as client:
        for _ in range(300):
            try:
                response = await client.post(CLOSE[0], json=CLOSE[1], headers=KEYS)
            except httpx.RemoteProtocolError:
                statuses.append("dropped")
                continue
            statuses.append(response.status_code)
            if response.status_code == 429:
                retry_after.add(response.headers["retry-after"])
    limited = [i for i, status in enumerate(statuses) if status == 429]
    followed = [i for i in limited if i + 1 < len(statuses) and statuses[i + 1] == 429]
    # A lone 429 would be followed by another one about 8% of the time; bursts make the
    # share far higher, and every 429 names its wait (the knob set it to 0 s here).
    assert len(followed) / len(limited) > 0.3
    assert retry_after == {"0"}
    assert statuses.count(200) > len(statuses) / 2


async def _outreach(client: httpx.AsyncClient, token: str, n: int) -> int | str:
    """Create one prospect with a distinct email; transient faults are retried here."""
    body = {"data": {"type": "prospect", "attributes": {"emails": [f"p{n}@acme.com"]}}}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": JSONAPI}
    while True:
        try:
            response = await client.post("/api/v2/prospects", json=body, headers=headers)
        except httpx.RemoteProtocolError:
            continue
        if response.status_code not in (429, 503):
            return response.status_code


async def _mint(client: httpx.AsyncClient, refresh_token: str) -> tuple[str, str]:
    form = {"grant_type": "refresh_token", "client_id": "c", "client_secret": "s"}
    grant = await client.post("/oauth/token", data={**form, "refresh_token": refresh_token})
    assert grant.status_code == 200
    return grant.json()["access_token"], grant.json()["refresh_token"]


@pytest.mark.parametrize("mode", ["loopback", "in_process"])
async def test_mixed_outreach_tokens_die_after_a_random_number_of_uses(mode):
    app = create_app(faults="mixed", seed=7, latency=0.0)
    low, high = MIXED_TOKEN_USES
    async with open_mock_client(app, mode) as client:
        token, refresh_token = await _mint(client, "rt-first")
        served = 0
        while (status := await _outreach(client, token, served)) == 201:
            served += 1
        assert status == 401  # dead for good: the client has to refresh
        assert await _outreach(client, token, served) == 401
        assert low <= served <= high
        # A freshly minted token always serves its first request.
        token, _ = await _mint(client, refresh_token)
        assert await _outreach(client, token, served) == 201


def test_token_lifetimes_are_seeded_and_only_mixed_or_token_expiry_kill_tokens():
    def lifetime(plan: FaultPlan, token: str) -> int:
        return next(u for u in range(100) if plan.token_expired(token, u))

    first, again = FaultPlan("mixed", seed=4), FaultPlan("mixed", seed=4)
    assert [lifetime(first, t) for t in "abc"] == [lifetime(again, t) for t in "abc"]
    assert not first.token_expired("fresh", 0)
    assert FaultPlan("token-expiry").token_expired("t", 1)
    assert not FaultPlan("token-expiry").token_expired("t", 0)
    assert not any(FaultPlan(p).token_expired("t", 500) for p in ("none", "flaky", "slow"))


def test_fault_plan_counts_each_crm_separately():
    plan = FaultPlan("flaky")
    kinds = [plan.next("apollo", resource=True).kind for _ in range(2)]
    assert kinds == ["unavailable", "drop"]
    assert plan.next("close", resource=True).kind == "unavailable"
    plan.switch("none")
    assert plan.next("apollo", resource=True).kind == "ok"
