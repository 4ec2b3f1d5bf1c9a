"""Fault profiles: deterministic 429s, 503s, dropped connections, latency, seeded mixes."""

from __future__ import annotations

import time

import httpx
import pytest

from signaltui.errors import InputError
from signaltui.mock import FAULT_PROFILES, create_app, get_mock_state
from signaltui.mock.faults import FaultPlan
from tests.integration.conftest import open_mock_client

APOLLO = ("/api/v1/contacts", {"first_name": "A", "last_name": "B", "email": "a@b.co"})
CLOSE = ("/api/v1/lead/", {"name": "Acme"})
KEYS = {"X-Api-Key": "k", "Authorization": "Basic YXBpX2s6"}


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


def test_fault_plan_counts_each_crm_separately():
    plan = FaultPlan("flaky")
    kinds = [plan.next("apollo", resource=True).kind for _ in range(2)]
    assert kinds == ["unavailable", "drop"]
    assert plan.next("close", resource=True).kind == "unavailable"
    plan.switch("none")
    assert plan.next("apollo", resource=True).kind == "ok"
