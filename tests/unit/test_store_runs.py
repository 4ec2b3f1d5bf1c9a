"""Replay runs: an interrupted replay resumes without re-sending what was delivered."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from signaltui.delivery.outcomes import Outcome
from signaltui.store import NotFoundError, Store
from signaltui.store.samples import sample_event, sample_result, stamp


@pytest.fixture
def fresh_db() -> Iterator[Store]:
    with Store.memory() as store:
        yield store


def _replay(store: Store, run_id: int, key: str, outcome: Outcome) -> int:
    event_id = store.record_event(sample_event(), sample_event(), stamp(0))
    return store.record_delivery(
        event_id,
        {"action": "deliver"},
        sample_result("close", outcome),
        mode="replay-send",
        run_id=run_id,
        replay_of=f"rec-{key}",
        exchange_key=key,
    )


def test_run_lifecycle(fresh_db: Store) -> None:
    run_id = fresh_db.start_run(
        "replay-send", {"paths": ["recordings/"]}, resume_key="abc123", started_at=stamp(0)
    )
    run = fresh_db.get_run(run_id)
    assert (run.kind, run.resume_key, run.meta, run.finished_at) == (
        "replay-send", "abc123", {"paths": ["recordings/"]}, None,
    )  # fmt: skip

    fresh_db.finish_run(run_id, {"passed": 3, "failed": 1}, finished_at=stamp(60))
    run = fresh_db.get_run(run_id)
    assert run.summary == {"passed": 3, "failed": 1}
    assert run.finished_at == stamp(60)


def test_resume_skips_only_delivered_exchanges(fresh_db: Store) -> None:
    first = fresh_db.start_run("replay-send", resume_key="suite-A")
    _replay(fresh_db, first, "ex-1", "delivered")
    _replay(fresh_db, first, "ex-2", "dead_lettered")
    _replay(fresh_db, first, "ex-3", "delivered")
    # ...the process dies here: the run is never finished.
    assert fresh_db.get_run(first).finished_at is None

    assert fresh_db.delivered_exchange_keys(first) == {"ex-1", "ex-3"}
    resumed = fresh_db.find_run("suite-A")
    assert resumed is not None and resumed.id == first

    second = fresh_db.start_run("replay-send", resume_key="suite-A")
    _replay(fresh_db, second, "ex-2", "delivered")
    assert fresh_db.delivered_exchange_keys(second) == {"ex-2"}
    # By resume key, every run under it counts.
    assert fresh_db.delivered_exchange_keys("suite-A") == {"ex-1", "ex-2", "ex-3"}
    assert fresh_db.find_run("suite-A").id == second  # type: ignore[union-attr]


def test_keys_do_not_leak_between_resume_keys(fresh_db: Store) -> None:
    a = fresh_db.start_run("replay-send", resume_key="A")
    b = fresh_db.start_run("replay-send", resume_key="B")
    _replay(fresh_db, a, "ex-1", "delivered")
    assert fresh_db.delivered_exchange_keys("B") == set()
    assert fresh_db.delivered_exchange_keys(b) == set()
    assert fresh_db.delivered_exchange_keys("nobody") == set()
    assert fresh_db.find_run("nobody") is None
    assert [r.exchange_key for r in fresh_db.list_deliveries(run_id=a)] == ["ex-1"]


def test_unknown_runs(fresh_db: Store) -> None:
    with pytest.raises(NotFoundError, match="no run with id 9"):
        fresh_db.finish_run(9, {})
    with pytest.raises(NotFoundError):
        fresh_db.get_run(9)
