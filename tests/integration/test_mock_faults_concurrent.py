"""Fault profiles keep their promise at any concurrency (issue: counters interleaved).

The real delivery client sends distinct leads to all three CRMs, eight at a time, under
each profile whose help text says the retry gets through. Every delivery must end
``delivered``: none dead-lettered, none rejected, and the mock holds each lead once.
Limits are off here on purpose: the fake sleeps do not move the mock's clock, and these
tests are about faults (enforced limits have their own tests).
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from signaltui.config import Credentials, DeliverySettings
from signaltui.delivery.client import DeliveryClient
from signaltui.mock import create_app, get_mock_state, mock_transport
from signaltui.mock.server import serve_in_thread
from tests.helpers import decide, track

CREDENTIALS = Credentials().with_mock_placeholders()
CONCURRENCY = 8
DESTINATIONS = ("apollo", "outreach", "close")


async def no_wait(seconds: float) -> None:
    await asyncio.sleep(0)  # yield, so concurrent deliveries really interleave


def lead_request(n: int, destination: str):
    event = track()
    event["traits"]["email"] = f"lead{n}@acme.com"
    return decide(event, destination).request


async def deliver_all(client: DeliveryClient, count: int) -> list:
    jobs = [(n, DESTINATIONS[n % 3]) for n in range(count)]
    results: list = []
    queue: asyncio.Queue = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)

    async def worker() -> None:
        while not queue.empty():
            n, destination = queue.get_nowait()
            request = lead_request(n, destination)
            results.append(await client.deliver(request, destination, target_label="mock"))

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return results


def stored_emails(app) -> Counter:
    state = get_mock_state(app)
    emails = Counter(c["email"] for c in state.apollo_contacts.values())
    emails.update(p["_emails"][0] for p in state.outreach_prospects.values())
    emails.update(lead["contacts"][0]["emails"][0]["email"] for lead in state.close_leads.values())
    return emails


@pytest.mark.parametrize("profile", ["rate-limited", "flaky", "token-expiry", "mixed"])
async def test_every_delivery_gets_through_at_concurrency_8(profile):
    app = create_app(faults=profile, seed=13, latency=0.0, limits="off")
    settings = DeliverySettings(rate_limit_per_second=0)  # default max_attempts
    async with DeliveryClient(
        settings, CREDENTIALS, transport=mock_transport(app), sleep=no_wait
    ) as client:
        results = await deliver_all(client, 240)
    outcomes = Counter(r.outcome for r in results)
    assert outcomes == {"delivered": 240}, [
        (r.destination, r.outcome, r.reason) for r in results if r.outcome != "delivered"
    ][:5]
    emails = stored_emails(app)
    assert len(emails) == 240 and set(emails.values()) == {1}  # nothing twice, nothing lost
    faulted = [e for e in get_mock_state(app).journal.entries() if e["fault"] or e["status"] == 401]
    assert faulted  # the profile did put faults on


def test_mixed_over_real_loopback_http_at_concurrency_8():
    app = create_app(faults="mixed", seed=21, latency=0.0, limits="off")

    async def run(url: str) -> list:
        settings = DeliverySettings(rate_limit_per_second=0)
        async with DeliveryClient(settings, CREDENTIALS, base_url=url, sleep=no_wait) as client:
            return await deliver_all(client, 120)

    with serve_in_thread(app) as url:
        results = asyncio.run(run(url))
    assert Counter(r.outcome for r in results) == {"delivered": 120}
    assert set(stored_emails(app).values()) == {1}
