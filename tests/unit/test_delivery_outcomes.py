"""Outcome classification, hints, wait parsing, the token bucket and target parsing."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from signaltui.delivery.outcomes import (
    DeliveryResult,
    classify,
    dead_letter_hint,
    drop_hint,
    is_retryable_status,
    transport_hint,
)
from signaltui.delivery.ratelimit import Pacer, TokenBucket
from signaltui.delivery.retry import backoff_wait, next_wait, parse_retry_after, server_wait
from signaltui.errors import InputError
from signaltui.targets import parse_target as resolve_target

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("destination", "status", "outcome", "needle"),
    [
        ("apollo", 200, "delivered", None),
        ("outreach", 201, "delivered", None),
        ("apollo", 401, "rejected", "Create a Contact"),
        ("apollo", 403, "rejected", "Create a Contact"),
        ("apollo", 404, "rejected", "/api/v1/contacts"),
        ("apollo", 422, "rejected", "first and last name"),
        ("apollo", 400, "rejected", "first and last name"),
        ("outreach", 415, "rejected", "application/vnd.api+json"),
        ("outreach", 401, "rejected", "refresh token"),
        ("outreach", 403, "rejected", "prospects.write"),
        ("outreach", 422, "rejected", "validation"),
        ("close", 400, "rejected", "name"),
        ("close", 401, "rejected", "API Keys"),
        ("close", 403, "rejected", "org"),
        ("apollo", 429, "dead_lettered", "rate limit"),
        ("outreach", 429, "dead_lettered", "rate limit"),
        ("close", 429, "dead_lettered", "rate limit"),
        ("close", 503, "dead_lettered", "server-side"),
        ("close", 302, "failed", "redirected"),
    ],
)
def test_classify(destination: str, status: int, outcome: str, needle: str | None) -> None:
    got, hint = classify(destination, status)
    assert got == outcome
    if needle is None:
        assert hint is None
    else:
        assert hint is not None and needle in hint


def test_unknown_4xx_still_gets_a_hint() -> None:
    outcome, hint = classify("apollo", 418)
    assert outcome == "rejected" and hint and "418" in hint


def test_retryable_statuses() -> None:
    assert [s for s in (200, 400, 401, 429, 500, 503, 599) if is_retryable_status(s)] == [
        429,
        500,
        503,
        599,
    ]


def test_transport_and_dead_letter_hints() -> None:
    assert "mock server" in transport_hint("connection_error")
    assert "timeout" in transport_hint("timeout")
    assert dead_letter_hint("close", "http_429") == classify("close", 429)[1]
    assert "token endpoint" in dead_letter_hint("outreach", "token_http_503")
    assert dead_letter_hint("apollo", "timeout") == transport_hint("timeout")


@pytest.mark.parametrize(
    ("reason", "needle"),
    [
        ("event_not_mapped", "not one of the lead events"),
        ("consent_not_granted", "consent"),
        ("missing_email", "email"),
        ("identify_only", "Identify calls"),
        ("something_new", "something_new"),
    ],
)
def test_drop_hint(reason: str, needle: str) -> None:
    hint = drop_hint("close", reason)
    assert hint is not None and needle in hint and "Close" in hint


def test_drop_hint_none_reason() -> None:
    assert drop_hint("apollo", None) is None


def test_existing_result_shape_intact() -> None:
    result = DeliveryResult(destination="apollo", target="mock", outcome="dropped")
    assert result.ok and result.attempts == []


def test_retry_after_forms() -> None:
    assert parse_retry_after("2.5", NOW) == 2.5
    http_date = format_datetime(datetime.fromtimestamp(NOW + 30, UTC), usegmt=True)
    assert parse_retry_after(http_date, NOW) == 30.0
    iso = datetime.fromtimestamp(NOW + 9, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    assert parse_retry_after(iso, NOW) == 9.0  # no zone: read as UTC
    assert parse_retry_after("soon", NOW) is None


def test_server_wait_sources() -> None:
    assert server_wait(429, {"ratelimit": "limit=20, remaining=0, reset=2"}, NOW) == 2.0
    assert server_wait(429, {"ratelimit-reset": "4"}, NOW) == 4.0
    assert server_wait(429, {"x-rate-limit-reset": "0.6"}, NOW) == 0.6  # Close 2017: delta
    assert server_wait(429, {"x-ratelimit-reset": str(int(NOW + 8))}, NOW) == 8.0
    assert server_wait(503, {"x-ratelimit-reset": str(int(NOW + 8))}, NOW) is None
    both = {"retry-after": "1", "ratelimit": "limit=1, remaining=0, reset=9"}
    assert server_wait(429, both, NOW) == 1.0
    assert server_wait(429, {}, NOW) is None


def test_next_wait_clamps_past_and_far_hints() -> None:
    common = {"failures": 1, "status": 429, "now": NOW, "base": 1.0, "rng": lambda: 0.0}
    past = {"retry-after": "Wed, 01 Jan 2020 00:00:00 GMT"}
    assert next_wait(headers=past, cap=30.0, **common) == (0.0, True)  # type: ignore[arg-type]
    far = {"retry-after": "86400"}  # the server's word is kept whole: the client defers
    assert next_wait(headers=far, cap=30.0, **common) == (86400.0, True)  # type: ignore[arg-type]
    assert next_wait(headers={}, cap=0.5, **common) == (0.25, False)  # type: ignore[arg-type]


def test_backoff_jitter_range() -> None:
    assert backoff_wait(3, 1.0, 100.0, lambda: 0.0) == 2.0
    assert backoff_wait(3, 1.0, 100.0, lambda: 0.999) == pytest.approx(3.998)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


async def test_token_bucket_burst_then_sustained_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(4.0, 3, clock=clock, sleep=clock.sleep)
    waits = [await bucket.acquire() for _ in range(6)]
    assert waits == [0.0, 0.0, 0.0, 0.25, 0.25, 0.25]
    clock.now += 10  # idle time refills up to the burst, not beyond
    waits = [await bucket.acquire() for _ in range(4)]
    assert waits == [0.0, 0.0, 0.0, 0.25]


async def test_cap_zero_disables_and_pacing_groups_are_separate() -> None:
    clock = FakeClock()
    off = Pacer(documented=True, cap=0.0, clock=clock, sleep=clock.sleep)
    assert [await off.acquire("close", "close POST /lead/") for _ in range(5)] == [0.0] * 5
    pacer = Pacer(documented=True, cap=1.0, burst=1, clock=clock, sleep=clock.sleep)
    assert await pacer.acquire("close", "close POST /api/v1/lead/") == 0.0
    assert await pacer.acquire("close", "close GET /api/v1/lead/") == 0.0
    assert await pacer.acquire("apollo", "apollo /api/v1/contacts") == 0.0
    assert await pacer.acquire("close", "close POST /api/v1/lead/") == 1.0
    assert clock.sleeps == [1.0]


def test_targets() -> None:
    assert resolve_target("mock").kind == "mock"
    live = resolve_target("live")
    assert live.kind == "live" and live.base_url is None and live.label == "live"
    url = resolve_target("http://127.0.0.1:8765/")
    assert url.kind == "url" and url.base_url == "http://127.0.0.1:8765"
    for bad in ("lve", "ftp://host", "http://", ""):
        with pytest.raises(InputError, match="target"):
            resolve_target(bad)
