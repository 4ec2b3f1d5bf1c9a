"""Pacing per CRM: documented budgets for remote targets, rate headers everywhere,
and the Outreach token-mint throttle."""

from __future__ import annotations

import httpx
import pytest

from signaltui.config import DeliverySettings
from signaltui.delivery.client import DeliveryClient
from signaltui.delivery.ratelimit import DOCUMENTED_RATES, Pacer, header_window, pacing_group
from signaltui.delivery.tokenstore import MemoryTokenStore
from signaltui.targets import parse_target
from tests.unit.test_delivery_client import CREDS, REQUESTS, T0, Harness, route

OUTREACH_TOKEN = "https://api.outreach.io/oauth/token"


def test_pacing_groups_follow_what_each_crm_counts() -> None:
    # Close: per key and endpoint group (method + path); Apollo: per endpoint;
    # Outreach: one budget per user for every call.
    assert pacing_group("close", "POST", "https://x/api/v1/lead/") == "close POST /api/v1/lead/"
    assert pacing_group("close", "GET", "https://x/api/v1/lead/?query=a") != pacing_group(
        "close", "POST", "https://x/api/v1/lead/"
    )
    assert pacing_group("close", "GET", "https://x/api/v1/lead/lead_abcdefghijkl/") == (
        "close GET /api/v1/lead/{id}/"
    )
    assert pacing_group("apollo", "POST", "https://x/api/v1/contacts") == "apollo /api/v1/contacts"
    assert pacing_group("outreach", "GET", "https://x/api/v2/prospects?f=1") == "outreach"
    assert pacing_group("outreach", "POST", "https://x/api/v2/prospects") == "outreach"
    assert DOCUMENTED_RATES["outreach"][0] == pytest.approx(10_000 / 3600)
    assert DOCUMENTED_RATES["apollo"][0] == pytest.approx(200 / 60)


def test_header_window_reads_close_and_outreach_headers() -> None:
    assert header_window({"ratelimit": "limit=100, remaining=0, reset=3"}, T0) == (0.0, 3.0)
    assert header_window({"ratelimit": "limit=100, remaining=4, reset=3"}, T0) == (4.0, 3.0)
    outreach = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(T0 + 40))}
    assert header_window(outreach, T0) == (0.0, 40.0)
    assert header_window({"x-ratelimit-remaining": "9", "x-ratelimit-reset": "1"}, T0) == (9, 1)
    # Apollo's x-*-requests-left name no reset; nothing else is a window either.
    assert header_window({"x-minute-requests-left": "0"}, T0) is None
    assert header_window({"ratelimit": "limit=100"}, T0) is None


async def test_remaining_zero_holds_the_group_until_reset() -> None:
    h = Harness()
    spent = {"RateLimit": "limit=2, remaining=0, reset=3"}
    route(h, "close").mock(return_value=httpx.Response(200, json={}, headers=spent))
    async with h.client() as client:
        await client.deliver(REQUESTS["close"], "close", target_label="live")
        assert h.sleeps == []
        await client.deliver(REQUESTS["close"], "close", target_label="live")
    assert h.sleeps == [3.0]  # waited for the window the header named, then sent


async def test_a_header_block_longer_than_max_wait_defers_without_sending() -> None:
    h = Harness(max_wait=60.0)
    reset = str(int(T0 + 1800))
    spent = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
    r = route(h, "outreach").mock(return_value=httpx.Response(201, json={}, headers=spent))
    async with h.client() as client:
        first = await client.deliver(REQUESTS["outreach"], "outreach", target_label="live")
        second = await client.deliver(REQUESTS["outreach"], "outreach", target_label="live")
    assert first.outcome == "delivered"
    assert second.outcome == "deferred" and second.attempts == []
    assert second.retry_at == "2023-11-14T22:43:20.000Z"  # the reset, T0 + 1800 s
    assert r.call_count == 1 and h.sleeps == []
    assert second.request is not None  # the planned request is still recorded (masked)


def _client(h: Harness, documented: bool, **settings: object) -> DeliveryClient:
    return DeliveryClient(
        DeliverySettings(**settings),  # type: ignore[arg-type]
        CREDS,
        transport=httpx.MockTransport(h.router.async_handler),
        token_store=MemoryTokenStore(),
        documented_pacing=documented,
        sleep=h.sleep,
        clock=lambda: h.mono,
        wall_clock=lambda: h.wall,
        rng=lambda: 0.0,
    )


async def test_documented_budget_paces_a_remote_target_but_not_a_loopback_one() -> None:
    for documented, expect_sleeps in ((True, True), (False, False)):
        h = Harness()
        route(h, "apollo").mock(return_value=httpx.Response(200, json={"contact": {"id": "c1"}}))
        async with _client(h, documented) as client:
            for _ in range(30):
                await client.deliver(REQUESTS["apollo"], "apollo", target_label="x")
        # Apollo: a burst of 20, then 200 a minute (0.3 s apart).
        assert bool(h.sleeps) == expect_sleeps
        if expect_sleeps:
            assert len(h.sleeps) == 10 and h.sleeps[0] == pytest.approx(0.3)


def test_loopback_targets() -> None:
    assert parse_target("mock").is_loopback
    assert parse_target("http://127.0.0.1:8765").is_loopback
    assert parse_target("http://localhost:9").is_loopback
    assert parse_target("http://[::1]:9").is_loopback
    assert not parse_target("https://crm-proxy.example.com").is_loopback
    assert not parse_target("live").is_loopback


async def test_mint_throttle_429_waits_out_the_minute_on_a_paced_target() -> None:
    h = Harness()
    token = {"access_token": "a1", "expires_in": 7200, "refresh_token": "r2"}
    mint = h.router.post(OUTREACH_TOKEN).mock(
        side_effect=[
            httpx.Response(200, json=token),
            httpx.Response(429, text="Retry later"),
            httpx.Response(200, json={**token, "access_token": "a2"}),
        ]
    )
    # The first token is refused, so a second mint follows at once: throttled.
    route(h, "outreach").mock(
        side_effect=[httpx.Response(401), httpx.Response(201, json={"data": {"id": 1}})]
    )
    async with _client(h, True) as client:
        result = await client.deliver(REQUESTS["outreach"], "outreach", target_label="live")
    assert result.outcome == "delivered"
    # Our own pacing spaced the second mint a minute after the first; its 429 "Retry
    # later" then cost another full minute (the throttle's), and the third mint worked.
    assert h.sleeps == [60.0, 60.0]
    assert mint.call_count == 3


async def test_a_normal_run_mints_once() -> None:
    h = Harness()
    token = {"access_token": "a1", "expires_in": 7200, "refresh_token": "r2"}
    mint = h.router.post(OUTREACH_TOKEN).mock(return_value=httpx.Response(200, json=token))
    route(h, "outreach").mock(return_value=httpx.Response(201, json={"data": {"id": 1}}))
    async with _client(h, True) as client:
        for _ in range(25):
            await client.deliver(REQUESTS["outreach"], "outreach", target_label="live")
    assert mint.call_count == 1


async def test_sessions_pace_remote_targets_only(tmp_path) -> None:
    from signaltui.config import load_settings
    from signaltui.service import DeliverySession

    settings = load_settings(db=tmp_path / "p.db", token_file=tmp_path / "t.json")
    paced = {}
    for target in ("mock", "http://127.0.0.1:8765", "https://crm-proxy.example.com", "live"):
        async with DeliverySession(settings, parse_target(target)) as session:
            paced[target] = session._client.pacer.documented
    assert paced == {
        "mock": False,
        "http://127.0.0.1:8765": False,
        "https://crm-proxy.example.com": True,
        "live": True,
    }


class _Clock:
    """A monotonic clock that moves only when slept on."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _pacer(clock: _Clock) -> Pacer:
    return Pacer(documented=False, clock=clock, wall_clock=lambda: T0, sleep=clock.sleep)


def _window(remaining: int, reset: int) -> dict[str, str]:
    return {"ratelimit": f"limit=20, remaining={remaining}, reset={reset}"}


async def test_a_reported_window_less_the_requests_in_flight_is_what_may_still_go() -> None:
    clock = _Clock()
    pacer = _pacer(clock)
    for _ in range(4):
        await pacer.acquire("close", "g")
    # The CRM answered one with 4 left; three others were already on their way.
    pacer.observe("g", _window(4, 2))
    await pacer.acquire("close", "g")  # the one left
    assert clock.slept == [] and pacer.blocked_for("g") == pytest.approx(2.0)
    for _ in range(4):
        pacer.observe("g", None)  # no answer came: still counted out of the flight
    await pacer.acquire("close", "g")  # waits for the reset, then the window is unknown
    assert clock.slept == [pytest.approx(2.0)]
    assert pacer.blocked_for("g") == 0.0
    await pacer.acquire("close", "g")
    assert len(clock.slept) == 1


async def test_a_server_that_counts_nothing_never_holds_the_group() -> None:
    # A mock under --limits off sends the whole window as left on every answer: four
    # deliveries at a time, a hundred in all, are never held.
    clock = _Clock()
    pacer = _pacer(clock)
    for _ in range(4):
        await pacer.acquire("close", "g")
    for _ in range(100):
        pacer.observe("g", _window(20, 1))
        await pacer.acquire("close", "g")
    assert clock.slept == []
    # Other groups, and answers without rate headers, are untouched.
    pacer.observe("h", {"content-type": "application/json"})
    assert pacer.blocked_for("h") == 0.0


async def test_outreach_headers_give_the_window_in_epoch_seconds() -> None:
    clock = _Clock()
    pacer = _pacer(clock)
    await pacer.acquire("outreach", "outreach")
    pacer.observe(
        "outreach", {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(T0 + 30))}
    )
    assert pacer.blocked_for("outreach") == pytest.approx(30.0)


async def test_an_answer_naming_another_window_replaces_the_known_one() -> None:
    # Outreach's hour has thousands left; then a 429 says 0 left until a second from now
    # (a throttle of its own). The group waits that second, not until the hour is over.
    clock = _Clock()
    pacer = _pacer(clock)

    def outreach(remaining: int, reset_in: int) -> dict[str, str]:
        return {"x-ratelimit-remaining": str(remaining), "x-ratelimit-reset": str(T0 + reset_in)}

    for headers in (outreach(9_000, 1_800), outreach(0, 1)):
        await pacer.acquire("outreach", "outreach")
        pacer.observe("outreach", headers)
    assert pacer.blocked_for("outreach") == pytest.approx(1.0)
    await pacer.acquire("outreach", "outreach")
    assert clock.slept == [pytest.approx(1.0)] and pacer.blocked_for("outreach") == 0.0


async def test_an_overtaken_answer_with_a_higher_count_is_set_aside() -> None:
    clock = _Clock()
    pacer = _pacer(clock)
    for _ in range(3):
        await pacer.acquire("close", "g")
    pacer.observe("g", _window(1, 1))  # made later, came first: 1 left, two in flight
    pacer.observe("g", _window(2, 1))  # made earlier: its count is stale
    assert pacer.blocked_for("g") == pytest.approx(1.0)  # 1 left, less the two in flight
    clock.now += 1.0  # the window resets; the next answer's count is taken again
    pacer.observe("g", _window(19, 1))
    assert pacer.blocked_for("g") == 0.0
