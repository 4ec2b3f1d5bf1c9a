"""The send plan's time estimate: the documented budgets, the CRMs' windows, the mint."""

from __future__ import annotations

import dataclasses

import pytest

from signaltui.delivery.ratelimit import DOCUMENTED_RATES
from signaltui.mock import MockSettings
from signaltui.replay.plan import PlannedExchange
from signaltui.replay.plan_time import (
    CRM_WINDOWS,
    estimate_run,
    human_seconds,
    profile_for,
    simulate,
)


def _sends(crm: str, count: int, group: str = "g") -> list[PlannedExchange]:
    return [
        PlannedExchange(f"{crm}-{n}", crm, "Demo Requested", "x", "create", calls=(group,))
        for n in range(count)
    ]


def test_windows_are_the_ones_the_mocks_enforce():
    mock = MockSettings()
    minute, hour, day = mock.apollo_limits
    assert CRM_WINDOWS["apollo"] == ((minute, 60.0), (hour, 3600.0), (day, 86_400.0))
    assert CRM_WINDOWS["outreach"] == ((mock.outreach_limit_per_hour, 3600.0),)
    assert CRM_WINDOWS["close"] == ((mock.close_limit_per_second, 1.0),)


def test_live_apollo_is_paced_at_200_a_minute_and_the_hourly_window_defers_the_rest():
    profile = profile_for("live", loopback=False, concurrency=4, max_wait=120)
    estimate = simulate(_sends("apollo", 1000), profile)
    rate, burst = DOCUMENTED_RATES["apollo"]
    hourly = CRM_WINDOWS["apollo"][1][0]
    # The bucket lets the burst go at once, then one request every 1/rate seconds; the
    # last admitted one then takes its round trip.
    expected = (hourly - burst) / rate + profile.latency
    assert estimate.requests == hourly
    assert estimate.deferred == 1000 - hourly
    assert estimate.seconds == pytest.approx(expected, abs=0.01)
    assert estimate.deferred_until == pytest.approx(3600.0)


def test_close_on_the_in_process_mock_takes_one_second_window_per_twenty():
    profile = profile_for("mock", loopback=True, concurrency=4, max_wait=120)
    estimate = simulate(_sends("close", 1000), profile)
    windows = 1000 // CRM_WINDOWS["close"][0][0]
    assert estimate.deferred == 0 and estimate.requests == 1000
    # The 50th window starts at 49 s; its 20 requests take five round trips on 4 workers.
    assert windows - 1 < estimate.seconds < windows - 1 + 6 * profile.latency


def test_mock_limits_off_or_scaled_change_the_estimate():
    off = profile_for("mock", loopback=True, concurrency=4, max_wait=120, mock_limits=(False, 1))
    scaled = profile_for("mock", loopback=True, concurrency=4, max_wait=120, mock_limits=(True, 10))
    plan = _sends("close", 200)
    assert simulate(plan, off).seconds == pytest.approx(50 * off.latency)
    assert simulate(plan, scaled).seconds == pytest.approx(0.9 + 5 * scaled.latency, abs=0.01)
    assert "every window 10 times shorter" in " ".join(scaled.assumptions)


def test_a_mock_servers_reported_limits_replace_the_assumed_default():
    def served(limits):
        return profile_for("url", loopback=True, concurrency=4, max_wait=120, served_limits=limits)

    plan = _sends("close", 200)
    assumed, off, scaled = served(None), served((False, 1.0)), served((True, 10.0))
    assert simulate(plan, off).seconds == pytest.approx(50 * off.latency)
    assert simulate(plan, scaled).seconds == pytest.approx(0.9 + 5 * scaled.latency, abs=0.01)
    assert simulate(plan, assumed).seconds > 9  # ten one-second windows of 20
    assert "did not report" in " ".join(assumed.assumptions)
    # The in-process mock goes by its own setting; live targets by the CRMs' windows.
    live = profile_for(
        "live", loopback=False, concurrency=4, max_wait=120, served_limits=(False, 1)
    )
    assert live.windows


def test_outreach_mints_one_token_the_workers_share():
    profile = profile_for("live", loopback=False, concurrency=4, max_wait=120)
    estimate = simulate(_sends("outreach", 8, "outreach"), profile)
    assert estimate.requests == 9  # eight creates and one token mint
    # The mint first, then two rounds of four (the bucket's burst of 10 covers them).
    assert estimate.seconds == pytest.approx(3 * profile.latency)


def test_concurrency_divides_the_round_trips_when_nothing_else_limits():
    base = profile_for("url", loopback=True, concurrency=1, max_wait=120, mock_limits=(False, 1))
    one = dataclasses.replace(base, windows={})
    four = dataclasses.replace(one, concurrency=4)
    plan = _sends("close", 40)
    assert simulate(plan, one).seconds == pytest.approx(40 * one.latency)
    assert simulate(plan, four).seconds == pytest.approx(10 * one.latency)


def test_each_crm_alone_and_the_interleaved_total():
    profile = profile_for("live", loopback=False, concurrency=4, max_wait=120)
    pairs = zip(_sends("apollo", 100), _sends("close", 100), strict=True)
    plan = [x for pair in pairs for x in pair]
    total = estimate_run(plan, profile)
    assert set(total.by_crm) == {"apollo", "close"}
    assert total.seconds >= max(e.seconds for e in total.by_crm.values())
    assert total.requests == sum(e.requests for e in total.by_crm.values())


def test_skipped_and_dropped_exchanges_cost_nothing():
    skipped = [dataclasses.replace(x, outcome="skipped", calls=()) for x in _sends("close", 5)]
    profile = profile_for("live", loopback=False, concurrency=4, max_wait=120)
    assert simulate(skipped, profile).requests == 0


def test_human_seconds():
    assert [human_seconds(s) for s in (0.005, 4.25, 42, 185, 7800)] == [
        "5 ms", "4.2 s", "42 s", "3 min 5 s", "2 h 10 min"
    ]  # fmt: skip


def test_the_plan_text_says_which_crm_the_windows_defer():
    from signaltui.replay.plan import SendPlan
    from signaltui.replay.plan_format import plan_text
    from signaltui.replay.plan_time import estimate_run

    profile = profile_for("live", loopback=False, concurrency=4, max_wait=120)
    plan = SendPlan(target="live", live=True, exchanges=_sends("apollo", 700))
    plan.estimate = estimate_run(plan.exchanges, profile)
    text = plan_text(plan)
    assert "would defer 100 exchange(s) (Apollo: 100)" in text
    assert "due about 1 h after the start" in text
