"""The delivery client: retries, waits, dead letters, final answers, redaction, rebasing."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest
import respx
from pydantic import SecretStr

from signaltui.config import Credentials, DeliverySettings
from signaltui.core.request import OutboundRequest
from signaltui.delivery.client import DeliveryClient
from signaltui.delivery.outcomes import AttemptRecord, DeliveryResult
from signaltui.delivery.tokenstore import MemoryTokenStore

APOLLO_KEY = "apollo-secret-key-123"
CLOSE_KEY = "api_close_secret_456"
CLIENT_SECRET = "client-secret-xyz"
REFRESH = "refresh-seed-000"
ACCESS = "access-token-live-789"
T0 = 1_700_000_000.0
CREDS = Credentials(
    apollo_api_key=SecretStr(APOLLO_KEY),
    close_api_key=SecretStr(CLOSE_KEY),
    outreach_client_id=SecretStr("client-id"),
    outreach_client_secret=SecretStr(CLIENT_SECRET),
    outreach_refresh_token=SecretStr(REFRESH),
)
SECRETS = [APOLLO_KEY, CLOSE_KEY, CLIENT_SECRET, REFRESH, ACCESS, "rotated-refresh-1"]

REQUESTS = {
    "apollo": OutboundRequest(
        method="POST",
        url="https://api.apollo.io/api/v1/contacts",
        headers={"Content-Type": "application/json"},
        auth="api_key_header",
        body={"email": "jane@acme.com"},
    ),
    "outreach": OutboundRequest(
        method="POST",
        url="https://api.outreach.io/api/v2/prospects",
        headers={"Content-Type": "application/vnd.api+json"},
        auth="oauth_bearer",
        body={"data": {"type": "prospect", "attributes": {"emails": ["jane@acme.com"]}}},
    ),
    "close": OutboundRequest(
        method="POST",
        url="https://api.close.com/api/v1/lead/",
        headers={"Content-Type": "application/json"},
        auth="basic",
        body={"name": "Acme", "contacts": [{"emails": [{"email": "jane@acme.com"}]}]},
    ),
}


class Harness:
    """A respx router as the transport, fake clocks, and a sleeper that records waits."""

    def __init__(self, **settings: float) -> None:
        options = {"max_attempts": 3, "backoff_base": 0.5, "backoff_max": 30.0}
        options.update({"rate_limit_per_second": 0.0, **settings})
        self.settings = DeliverySettings(**options)
        self.router = respx.MockRouter(assert_all_called=False)
        self.wall = T0
        self.mono = 100.0
        self.sleeps: list[float] = []
        token = {"access_token": ACCESS, "expires_in": 7200, "refresh_token": "rotated-refresh-1"}
        self.router.post("https://api.outreach.io/oauth/token").mock(
            return_value=httpx.Response(200, json=token)
        )
        # The look-ups made after an ambiguous failure: by default, nothing is found.
        self.lookups = {
            "apollo": self.router.post("https://api.apollo.io/api/v1/contacts/search").mock(
                return_value=httpx.Response(200, json={"contacts": []})
            ),
            "outreach": self.router.get(
                url__startswith="https://api.outreach.io/api/v2/prospects?"
            ).mock(return_value=httpx.Response(200, json={"data": []})),
            "close": self.router.get(url__startswith="https://api.close.com/api/v1/lead/?").mock(
                return_value=httpx.Response(200, json={"data": [], "has_more": False})
            ),
        }

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.wall += seconds
        self.mono += seconds

    def client(
        self, *, base_url: str | None = None, credentials: Credentials = CREDS
    ) -> DeliveryClient:
        return DeliveryClient(
            self.settings,
            credentials,
            transport=httpx.MockTransport(self.router.async_handler),
            base_url=base_url,
            token_store=MemoryTokenStore(),
            sleep=self.sleep,
            clock=lambda: self.mono,
            wall_clock=lambda: self.wall,
            rng=lambda: 0.0,
        )

    async def deliver(
        self,
        destination: str = "apollo",
        *,
        base_url: str | None = None,
        credentials: Credentials = CREDS,
    ) -> DeliveryResult:
        async with self.client(base_url=base_url, credentials=credentials) as client:
            return await client.deliver(REQUESTS[destination], destination, target_label="live")


def route(h: Harness, destination: str = "apollo") -> respx.Route:
    return h.router.post(REQUESTS[destination].url)


def sends(result: DeliveryResult) -> list[AttemptRecord]:
    """The attempts that sent the planned request (look-ups left out)."""
    return [a for a in result.attempts if a.kind == "send"]


async def test_2xx_is_delivered_with_recorded_response() -> None:
    h = Harness()
    route(h).mock(return_value=httpx.Response(200, json={"contact": {"id": "abc"}}))
    result = await h.deliver()
    assert result.outcome == "delivered" and result.reason is None
    assert result.response is not None and result.response.body == {"contact": {"id": "abc"}}
    assert len(result.attempts) == 1 and result.attempts[0].number == 1
    assert result.attempts[0].wait_seconds is None
    assert h.sleeps == []


@pytest.mark.parametrize("status", [429, 500, 502, 503])
async def test_retryable_status_then_success(status: int) -> None:
    h = Harness()
    created = httpx.Response(200, json={"contact": {"id": "abc"}})
    route(h).mock(side_effect=[httpx.Response(status), created])
    result = await h.deliver()
    assert result.outcome == "delivered"
    assert [a.response.status for a in sends(result) if a.response] == [status, 200]
    assert h.sleeps == [0.25]  # backoff_base with the jitter at its low end
    assert result.attempts[0].wait_seconds == 0.25
    # 502/503 may come from a gateway after the create was applied: look before re-sending.
    looked = [a.kind for a in result.attempts] == ["send", "lookup", "send"]
    assert looked == (status in (502, 503))


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (httpx.ReadTimeout("read timed out"), "timeout"),
        (httpx.ConnectError("connection refused"), "connection_error"),
        (httpx.RemoteProtocolError("server disconnected"), "connection_error"),
    ],
)
async def test_transport_errors_are_retried_then_dead_lettered(error: Exception, kind: str) -> None:
    h = Harness()
    route(h).mock(side_effect=error)
    result = await h.deliver()
    assert result.outcome == "dead_lettered"
    assert result.reason.startswith(f"{kind} after 3 attempts")
    assert len(sends(result)) == 3
    assert all(a.error and a.response is None for a in sends(result))
    assert h.sleeps == [0.25, 0.5]  # exponential: base, then double
    assert result.hint
    # A refused connection never reached the CRM; a read timeout or a dropped answer
    # may have: those are looked up before each re-send and once more before giving up.
    lookups = [a for a in result.attempts if a.kind == "lookup"]
    assert len(lookups) == (0 if kind == "connection_error" and "refused" in str(error) else 3)


async def test_dead_letter_after_max_attempts() -> None:
    h = Harness(max_attempts=5)
    r = route(h, "close").mock(return_value=httpx.Response(503, json={"error": "down"}))
    result = await h.deliver("close")
    assert result.outcome == "dead_lettered"
    assert result.reason == "http_503 after 5 attempts"
    assert r.call_count == 5
    assert [a.number for a in result.attempts] == list(range(1, 11))  # 5 sends, 5 look-ups
    assert h.sleeps == [0.25, 0.5, 1.0, 2.0]
    assert result.response is not None and result.response.status == 503


async def test_backoff_is_capped_at_backoff_max() -> None:
    h = Harness(max_attempts=6, backoff_max=1.5)
    route(h).mock(return_value=httpx.Response(500))
    await h.deliver()
    assert h.sleeps == [0.25, 0.5, 0.75, 0.75, 0.75]  # min(1.5, base·2^n), halved


async def test_retry_after_seconds_honoured() -> None:
    h = Harness()
    route(h).mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200)]
    )
    await h.deliver()
    assert h.sleeps == [7.0]


async def test_retry_after_http_date_honoured() -> None:
    h = Harness()
    when = format_datetime(datetime.fromtimestamp(T0 + 12, UTC), usegmt=True)
    route(h).mock(
        side_effect=[httpx.Response(503, headers={"Retry-After": when}), httpx.Response(200)]
    )
    await h.deliver()
    assert h.sleeps == [12.0]


async def test_retry_after_iso_timestamp_from_outreach_maintenance() -> None:
    h = Harness()
    when = datetime.fromtimestamp(T0 + 20, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = {"errors": [{"id": "scheduledServerMaintenance"}]}
    route(h, "outreach").mock(
        side_effect=[
            httpx.Response(503, headers={"Retry-After": when}, json=body),
            httpx.Response(201, json={"data": {"id": 1}}),
        ]
    )
    result = await h.deliver("outreach")
    assert result.outcome == "delivered"
    assert h.sleeps == [20.0]


async def test_close_ratelimit_header_reset_honoured() -> None:
    h = Harness()
    limited = httpx.Response(429, headers={"RateLimit": "limit=100, remaining=0, reset=3"})
    route(h, "close").mock(side_effect=[limited, httpx.Response(200, json={})])
    await h.deliver("close")
    assert h.sleeps == [3.0]


async def test_x_ratelimit_reset_epoch_honoured_on_429_only() -> None:
    h = Harness()
    reset = {"X-RateLimit-Reset": str(int(T0 + 5))}
    route(h, "outreach").mock(
        side_effect=[
            httpx.Response(429, headers=reset),
            httpx.Response(503, headers=reset),  # a window reset says nothing about outages
            httpx.Response(201, json={"data": {"id": 1}}),
        ]
    )
    await h.deliver("outreach")
    # The 429 named its wait, so it spent no retry budget: the 503 is failure one.
    assert h.sleeps == [5.0, 0.25]
    assert h.lookups["outreach"].call_count == 1  # the 503 (not the 429) was looked up


async def test_server_wait_is_honoured_in_full_up_to_max_wait() -> None:
    h = Harness(backoff_max=10.0, max_wait=120.0)
    route(h).mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "100"}), httpx.Response(200)]
    )
    result = await h.deliver()
    assert result.outcome == "delivered"
    assert h.sleeps == [100.0]  # not cut to backoff_max


async def test_a_wait_longer_than_max_wait_defers_with_retry_at() -> None:
    h = Harness(max_wait=120.0)
    body = {
        "message": "The maximum number of api calls allowed for api/v1/contacts is 600 "
        "times per hour."
    }
    r = route(h).mock(return_value=httpx.Response(429, headers={"Retry-After": "3600"}, json=body))
    result = await h.deliver()
    assert result.outcome == "deferred"
    assert result.retry_at == "2023-11-14T23:13:20.000Z"  # T0 + 3600 s, ISO 8601 UTC
    assert datetime.fromisoformat(result.retry_at).timestamp() == T0 + 3600
    assert r.call_count == 1 and h.sleeps == []
    assert "max_wait" in (result.hint or "") and result.reason
    assert result.request is not None and result.response is not None


@pytest.mark.parametrize("status", [400, 401, 403, 404, 415, 422])
async def test_client_errors_are_final(status: int) -> None:
    h = Harness()
    r = route(h).mock(return_value=httpx.Response(status, json={"error": "nope"}))
    result = await h.deliver()
    assert result.outcome == "rejected"
    assert result.reason == f"http_{status}"
    assert r.call_count == 1 and h.sleeps == []
    assert result.hint


async def test_rate_limiter_paces_deliveries() -> None:
    h = Harness(rate_limit_per_second=2.0, rate_limit_burst=2)
    route(h).mock(return_value=httpx.Response(200, json={}))
    async with h.client() as client:
        for _ in range(4):
            await client.deliver(REQUESTS["apollo"], "apollo", target_label="live")
    assert h.sleeps == [0.5, 0.5]  # a burst of two, then one every half second


async def test_a_maintenance_window_longer_than_max_wait_defers() -> None:
    # Outreach's maintenance 503 names an ISO time; one 30 minutes away is not sat out.
    h = Harness(max_wait=120.0)
    when = datetime.fromtimestamp(T0 + 1800, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = {"errors": [{"id": "scheduledServerMaintenance"}]}
    r = route(h, "outreach").mock(
        return_value=httpx.Response(503, headers={"Retry-After": when}, json=body)
    )
    result = await h.deliver("outreach")
    assert result.outcome == "deferred" and result.retry_at == "2023-11-14T22:43:20.000Z"
    assert r.call_count == 1 and h.sleeps == []
    # The 503 may have come after the create: one look before deferring found nothing.
    assert [a.kind for a in result.attempts] == ["send", "lookup"]
