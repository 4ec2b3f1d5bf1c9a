"""Fault profiles: deterministic 429s, 503s, dropped connections, latency, token expiry,
seeded mixes (429 bursts and dying Outreach tokens included)."""

from __future__ import annotations

import time

import httpx
import pytest

from signaltui.errors import InputError
from signaltui.mock import FAULT_PROFILES, create_app, get_mock_state
from signaltui.mock.faults import MIXED_MAX_FAULTS, MIXED_TOKEN_USES, FaultPlan
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
    assert set(FAULT_PROFILES) == {
        "none", "rate-limited", "flaky", "slow", "token-expiry", "mixed", "lost-response",
        "maintenance",
    }  # fmt: skip
    assert all(text.strip() for text in FAULT_PROFILES.values())


def test_unknown_profile_is_a_clear_input_error():
    with pytest.raises(InputError, match="unknown fault profile 'chaos'"):
        create_app(faults="chaos")


def lead(n: int) -> tuple[str, dict]:
    return ("/api/v1/lead/", {"name": f"Acme {n}"})


async def test_rate_limited_limits_each_distinct_requests_first_try(mock_client):
    await mock_client.post("/__mock/faults", json={"profile": "rate-limited"})
    other = ("/api/v1/contacts", {**APOLLO[1], "email": "other@b.co"})
    # Interleaved: another request's traffic does not change what a retry meets.
    statuses = [await send(mock_client, t) for t in (APOLLO, other, APOLLO, other, APOLLO)]
    assert statuses == [429, 429, 200, 200, 200]
    assert [await send(mock_client, CLOSE) for _ in range(2)] == [429, 200]


async def test_flaky_gives_503_then_a_dropped_connection_then_success(mock_client):
    await mock_client.post("/__mock/faults", json={"profile": "flaky"})
    outcomes = [await send(mock_client, CLOSE) for _ in range(4)]
    assert outcomes == [503, "dropped", 200, 200]
    assert await send(mock_client, lead(2)) == 503  # a new request starts its own cycle
    journal = (await mock_client.get("/__mock/requests")).json()["requests"]
    assert [(e["status"], e["fault"]) for e in journal[:3]] == [
        (503, "unavailable"),
        (None, "drop"),
        (200, None),
    ]


async def test_the_token_endpoint_is_never_faulted():
    app = create_app(faults="flaky", limits="off")  # limits off: three mints in a row
    async with open_mock_client(app, "in_process") as client:
        form = {"grant_type": "refresh_token", "client_id": "c", "client_secret": "s"}
        statuses = []
        for n in range(3):
            response = await client.post("/oauth/token", data={**form, "refresh_token": f"r{n}"})
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


async def _retry_until_ok(client: httpx.AsyncClient, target: tuple[str, dict]) -> list:
    seen: list[int | str] = []
    while not seen or seen[-1] not in (200, 201):
        seen.append(await send(client, target))
    return seen


async def test_mixed_is_reproducible_for_a_seed_and_every_request_gets_through_by_try_three():
    async def run(seed: int) -> list[list[int | str]]:
        app = create_app(faults="mixed", seed=seed, latency=0.0, limits="off")
        async with open_mock_client(app, "in_process") as client:
            return [await _retry_until_ok(client, lead(n)) for n in range(60)]

    first, again, other = await run(11), await run(11), await run(12)
    assert first == again
    assert first != other
    assert max(len(tries) for tries in first) <= MIXED_MAX_FAULTS + 1
    faulted = [tries for tries in first if len(tries) > 1]
    assert 0 < len(faulted) < len(first)
    assert {429, 503, "dropped"} & {status for tries in faulted for status in tries}


async def test_mixed_sequences_do_not_depend_on_arrival_order():
    async def run(order: list[int]) -> dict[int, list[int | str]]:
        app = create_app(faults="mixed", seed=3, latency=0.0, limits="off")
        async with open_mock_client(app, "in_process") as client:
            seen: dict[int, list[int | str]] = {n: [] for n in order}
            # Round-robin over all requests: every first try, then every second try...
            for _ in range(MIXED_MAX_FAULTS + 1):
                for n in order:
                    if not seen[n] or seen[n][-1] != 200:
                        seen[n].append(await send(client, lead(n)))
            return seen

    forward = await run(list(range(40)))
    backward = await run(list(reversed(range(40))))
    assert forward == backward
    assert all(tries[-1] == 200 for tries in forward.values())


async def test_mixed_rate_limits_come_in_bursts_with_retry_after():
    app = create_app(faults="mixed", seed=5, latency=0.0, retry_after=0, limits="off")
    retry_after, pairs, limited = set(), 0, 0
    async with open_mock_client(app, "in_process") as client:
        for n in range(400):
            tries: list[int | str] = []
            while not tries or tries[-1] != 200:
                try:
                    response = await client.post(CLOSE[0], json=lead(n)[1], headers=KEYS)
                except httpx.RemoteProtocolError:
                    tries.append("dropped")
                    continue
                tries.append(response.status_code)
                if response.status_code == 429:
                    retry_after.add(response.headers["retry-after"])
            if len(tries) == MIXED_MAX_FAULTS + 1 and tries[0] == 429:
                limited += 1
                pairs += tries[1] == 429
    # Of the requests meeting two faults, first a 429: without bursts the second would
    # be a 429 about 40% of the time; a burst makes it about 76%.
    assert limited >= 10
    assert pairs / limited > 0.55
    assert retry_after == {"0"}


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
    app = create_app(faults="mixed", seed=7, latency=0.0, limits="off")
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


def test_fault_plan_counts_each_request_identity_separately():
    plan = FaultPlan("flaky")
    kinds = [plan.next("request-a", resource=True).kind for _ in range(2)]
    assert kinds == ["unavailable", "drop"]
    assert plan.next("request-b", resource=True).kind == "unavailable"
    assert plan.next("request-a", resource=True).kind == "ok"
    plan.switch("none")
    assert plan.next("request-a", resource=True).kind == "ok"
