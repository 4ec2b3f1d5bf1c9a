"""Send plans: exact duplicate counts over a generated set, per-CRM rules, skips, JSON."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

import pytest

from signaltui.config import load_settings
from signaltui.replay.plan import OUTCOMES
from signaltui.replay.plan_build import make_plan
from signaltui.replay.plan_format import plan_json, plan_text
from signaltui.replay.select import Selection
from signaltui.store import Store
from signaltui.targets import parse_target
from tests.helpers import ROOT
from tests.plan_data import generate

TARGET = "http://127.0.0.1:18999"


def _plan(path, store, *, target=TARGET, apollo_dedupe=True, skip=False):
    settings = load_settings(apollo_dedupe=apollo_dedupe)
    return asyncio.run(
        make_plan(
            [path], settings, parse_target(target), Selection(), store=store, skip_duplicates=skip
        )
    )


def _counts(plan):
    return {crm: Counter({k: v for k, v in c.items() if v}) for crm, c in plan.counts().items()}


@pytest.mark.parametrize("apollo_dedupe", [True, False])
def test_generated_thousand_exchanges_plan_counts_are_exact(tmp_path, apollo_dedupe):
    with Store.open(tmp_path / "s.db") as store:
        data = generate(tmp_path, store, TARGET, apollo_dedupe=apollo_dedupe)
        plan = _plan(data.path, store, apollo_dedupe=apollo_dedupe)
    assert len(plan.exchanges) == 1000
    assert _counts(plan) == data.expected
    duplicates = {crm: c["duplicate"] for crm, c in data.expected.items() if c["duplicate"]}
    assert plan.tally("duplicate") == duplicates
    assert ("apollo" in duplicates) is (not apollo_dedupe)
    # The set really has all three kinds, or the test would prove little.
    assert data.expected["close"]["duplicate"] > 50 and data.expected["outreach"]["refused"] > 50
    assert sum(c["create"] for c in data.expected.values()) > 50


def test_skip_duplicates_leaves_out_exactly_the_exchanges_whose_lead_exists(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        data = generate(tmp_path, store, TARGET, count=300, seed=5)
        plan = _plan(data.path, store, skip=True)
    skipped = plan.skipped_duplicates()
    assert sorted(skipped) == sorted(data.meets_existing)
    assert all("already exists" in reason for reason in skipped.values())
    assert not any(item.calls for item in plan.exchanges if item.exchange_id in skipped)


def test_in_process_mock_counts_only_duplicates_within_the_run(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        data = generate(tmp_path, store, "mock", count=200, seed=3)
        plan = _plan(data.path, store, target="mock")
    assert not any(item.exists_in == "store" for item in plan.exchanges)
    assert {item.exists_in for item in plan.exchanges} <= {None, "run"}
    assert "the in-process mock starts empty" in plan_text(plan)


def test_shipped_recordings_plan(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        plan = _plan(ROOT / "recordings", store)
    counts = _counts(plan)
    # The shipped Outreach recording sends the same prospect twice (its second create
    # was refused in the recording too); everything else is a new lead or a drop.
    assert counts["outreach"] == Counter(create=1, refused=1, dropped=1)
    assert counts["close"] == Counter(create=2)
    assert counts["apollo"] == Counter(create=2, dropped=2)
    assert plan.reasons("dropped")["apollo"] == Counter(consent_not_granted=1, event_not_mapped=1)


def test_an_exchange_delivered_before_to_close_is_a_duplicate_and_said_so(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        first = _plan(ROOT / "recordings" / "close.jsonl", store)
        # The recorded exchanges were delivered: store them as a send would have.
        from tests.plan_data import _store

        for item in first.exchanges:
            assert item.email
            _store(store, "close", item.email, TARGET, "delivered")
        again = _plan(ROOT / "recordings" / "close.jsonl", store)
    assert [item.outcome for item in again.exchanges] == ["duplicate", "duplicate"]
    assert "would create 2 duplicate leads in Close" in plan_text(again)


def test_deferred_not_due_and_resumed_exchanges_are_skipped_like_the_runner(tmp_path):
    from signaltui.recordings import iter_exchanges
    from signaltui.replay.plan import survey

    settings = load_settings()
    path = ROOT / "recordings" / "close.jsonl"
    exchanges = [(f"{path}:{n}", e) for n, e in iter_exchanges(path)]
    later = exchanges[1][1].model_copy(
        update={"outcome": "deferred", "retry_at": "2099-01-01T00:00:00Z"}
    )
    due = exchanges[1][1].model_copy(
        update={"outcome": "deferred", "retry_at": "2000-01-01T00:00:00Z"}
    )
    now = datetime(2026, 12, 1, tzinfo=UTC)
    planned = survey(
        [exchanges[0], ("x:2", later)], settings.mapping_config, done={exchanges[0][1].id}, now=now
    )
    assert [(p.outcome, p.reason) for p in planned] == [
        ("skipped", "already_delivered"),
        ("skipped", "not_yet_due"),
    ]
    (looked,) = survey([("x:3", due)], settings.mapping_config, now=now)
    assert looked.looks_first and len(looked.calls) == 2  # a look-up, then the create


def test_plan_json_shape_is_stable(tmp_path):
    with Store.open(tmp_path / "s.db") as store:
        data = generate(tmp_path, store, TARGET, count=60, seed=9)
        document = plan_json(_plan(data.path, store))
    assert document["format"] == "signaltui.send-plan" and document["version"] == 1
    assert set(document) == {
        "format", "version", "target", "live", "sends", "total", "store_counts",
        "skip_duplicates", "crms", "duplicates", "check_target", "estimate", "notes",
        "exchanges",
    }  # fmt: skip
    assert document["sends"] is False and document["total"] == 60
    for crm, entry in document["crms"].items():
        assert set(entry) == {
            "exchanges", "outcomes", "dropped", "skipped", "duplicates", "dedupe", "estimate"
        }  # fmt: skip
        assert list(entry["outcomes"]) == list(OUTCOMES)
        assert sum(entry["outcomes"].values()) == entry["exchanges"]
        assert set(entry["estimate"]) == {
            "seconds", "requests", "deferred_by_limits", "deferred_until_seconds"
        }  # fmt: skip
        assert crm in ("apollo", "outreach", "close")
    assert set(document["estimate"]) >= {"seconds", "requests", "assumptions"}
    line = document["exchanges"][0]
    assert set(line) >= {"id", "destination", "event", "source", "outcome", "reason"}
    assert "@" not in str(document["exchanges"])  # no emails in a shared plan
