"""The delivery client against the mock CRMs, over real loopback HTTP and in process."""

import asyncio
from contextlib import asynccontextmanager
from dataclasses import replace

import pytest

from signaltui.config import Credentials, DeliverySettings
from signaltui.core.config import MappingConfig
from signaltui.delivery.client import DeliveryClient
from signaltui.mock import create_app, get_mock_state, mock_transport
from signaltui.mock.server import serve_in_thread
from signaltui.mock.summary import state_summary
from tests.helpers import decide, track

CREDENTIALS = Credentials().with_mock_placeholders()


class Sleeps(list):
    """A sleeper that records waits instead of waiting."""

    async def __call__(self, seconds):
        self.append(seconds)


@asynccontextmanager
async def client_for(app, mode, sleeps, **settings):
    options = {"rate_limit_per_second": 0, "backoff_base": 0.5, **settings}
    delivery = DeliverySettings(**options)
    if mode == "loopback":
        with serve_in_thread(app) as url:
            async with DeliveryClient(delivery, CREDENTIALS, base_url=url, sleep=sleeps) as client:
                yield client
    else:
        transport = mock_transport(app)
        async with DeliveryClient(delivery, CREDENTIALS, transport=transport, sleep=sleeps) as c:
            yield c


MODES = pytest.mark.parametrize("mode", ["loopback", "in_process"])


def request_for(destination, config=None, **event):
    return decide(track(**event), destination, config).request


@MODES
async def test_each_auth_scheme_is_accepted(mode):
    app, sleeps = create_app(), Sleeps()
    async with client_for(app, mode, sleeps) as client:
        for destination, status in (("apollo", 200), ("outreach", 201), ("close", 200)):
            result = await client.deliver(request_for(destination), destination, target_label=mode)
            assert (result.outcome, result.response.status) == ("delivered", status)
    headers = {e["crm"]: e["headers"] for e in get_mock_state(app).journal.entries()}
    assert headers["apollo"]["x-api-key"] == "mock-apollo-key"
    assert headers["close"]["authorization"].startswith("Basic ")
    assert headers["outreach"]["authorization"].startswith("Bearer ")


@MODES
async def test_outreach_token_expiry_refreshes_and_rotates(mode):
    # Limits off: the fake sleeps do not move the mock's clock, and every delivery mints.
    app, sleeps = create_app(faults="token-expiry", limits="off"), Sleeps()
    async with client_for(app, mode, sleeps) as client:
        for email in ("a@acme.com", "b@acme.com", "c@acme.com"):
            event = track()
            event["traits"]["email"] = email
            request = decide(event, "outreach").request
            result = await client.deliver(request, "outreach", target_label=mode)
            assert result.outcome == "delivered"
    exchanges = [
        e for e in get_mock_state(app).journal.entries("outreach") if e["path"] == "/oauth/token"
    ]
    refresh_tokens = [e["body"]["refresh_token"] for e in exchanges]
    assert len(refresh_tokens) >= 3
    # Every exchange used the token the previous one returned: rotation was followed.
    assert len(set(refresh_tokens)) == len(refresh_tokens)
    assert all(e["status"] == 200 for e in exchanges)


@MODES
async def test_rate_limited_answers_are_retried_after_retry_after(mode):
    app, sleeps = create_app(faults="rate-limited"), Sleeps()
    async with client_for(app, mode, sleeps) as client:
        result = await client.deliver(request_for("apollo"), "apollo", target_label=mode)
    assert result.outcome == "delivered"
    assert [a.response.status for a in result.attempts] == [429, 200]
    retry_after = float(result.attempts[0].response.headers["retry-after"])
    assert result.attempts[0].wait_seconds == retry_after
    # Slept once, for what the header said (less the moments already gone by).
    assert len(sleeps) == 1 and sleeps[0] == pytest.approx(retry_after, abs=0.2)


@MODES
@pytest.mark.parametrize(("attempts", "outcome"), [(2, "dead_lettered"), (3, "delivered")])
async def test_flaky_server_dead_letters_or_recovers(mode, attempts, outcome):
    app, sleeps = create_app(faults="flaky"), Sleeps()
    async with client_for(app, mode, sleeps, max_attempts=attempts) as client:
        result = await client.deliver(request_for("close"), "close", target_label=mode)
    assert result.outcome == outcome
    sends = [a for a in result.attempts if a.kind == "send"]
    lookups = [a for a in result.attempts if a.kind == "lookup"]
    assert sends[0].response.status == 503
    # The 503 may have come after the lead was made: looked up before any re-send. The
    # look-up meets the same flaky sequence (503, dropped, then answers) on its own budget.
    assert result.attempts[1].kind == "lookup"
    assert [a.response.status if a.response else "drop" for a in lookups[:3]] == [503, "drop", 200]
    if outcome == "dead_lettered":
        # The look-up's own budget (2) ran out; one last look found nothing, so the lead
        # is known not to exist: dead-lettered, and a later replay may send it safely.
        assert len(sends) == 1
        assert result.reason == "lookup_connection_error after 1 attempts"
    else:
        assert [a.response.status if a.response else "drop" for a in sends] == [503, "drop", 200]


@MODES
async def test_duplicate_and_dedupe_behaviour_per_crm(mode):
    app, sleeps = create_app(), Sleeps()
    async with client_for(app, mode, sleeps) as client:

        async def twice(destination, config=None):
            request = request_for(destination, config)
            return [await client.deliver(request, destination, target_label=mode) for _ in "12"]

        deduped = await twice("apollo")
        assert (
            deduped[0].response.body["contact"]["id"] == deduped[1].response.body["contact"]["id"]
        )
        assert deduped[1].response.body["dedupe_result"]["found_existing"] is True
        event = track()
        event["traits"]["email"] = "other@acme.com"
        plain = decide(event, "apollo", MappingConfig(apollo_dedupe=False)).request
        first, second = [await client.deliver(plain, "apollo", target_label=mode) for _ in "12"]
        assert first.response.body["contact"]["id"] != second.response.body["contact"]["id"]

        outreach = await twice("outreach")
        assert [r.outcome for r in outreach] == ["delivered", "rejected"]
        assert "email hash has already been taken" in str(outreach[1].response.body)

        close = await twice("close")
        assert close[0].response.body["id"] != close[1].response.body["id"]
        assert close[0].response.body["id"].startswith("lead_")


@MODES
async def test_final_statuses_are_not_retried(mode):
    app, sleeps = create_app(), Sleeps()
    async with client_for(app, mode, sleeps) as client:
        event = track()
        del event["traits"]["lastName"]
        apollo = await client.deliver(decide(event, "apollo").request, "apollo", target_label=mode)
        stripped = replace(request_for("outreach"), headers={})
        outreach = await client.deliver(stripped, "outreach", target_label=mode)
    assert (apollo.outcome, apollo.response.status, len(apollo.attempts)) == ("rejected", 422, 1)
    assert (outreach.outcome, outreach.response.status) == ("rejected", 415)
    assert "Content-Type" in outreach.hint or "content type" in outreach.hint.lower()
    assert sleeps == []


async def test_concurrent_deliveries_share_a_reported_window_instead_of_drawing_429s():
    # Close's real window (20 a second per key and endpoint group), enforced by a real
    # loopback mock, and four deliveries at a time that really sleep: the RateLimit
    # header of each answer, less the requests still in flight, is what is left to send.
    app = create_app()  # limits on: the default
    async with client_for(app, "loopback", asyncio.sleep) as client:
        gate = asyncio.Semaphore(4)

        async def one(number: int) -> str:
            async with gate:
                traits = {**track()["traits"], "email": f"lead{number}@acme.test"}
                request = request_for("close", traits=traits)
                result = await client.deliver(request, "close", target_label="loopback")
                return result.outcome

        outcomes = await asyncio.gather(*(one(n) for n in range(50)))
    assert outcomes == ["delivered"] * 50
    counts = state_summary(get_mock_state(app))["crms"]["close"]
    assert counts["records"] == 50 and counts["duplicates"] == 0
    assert counts["rate_limited"] == 0  # none was sent into a full window
