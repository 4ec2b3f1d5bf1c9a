"""Writing events and deliveries and reading them back unchanged."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from signaltui.delivery.outcomes import AttemptRecord
from signaltui.errors import StoreError
from signaltui.store import NotFoundError, Store, StoreItem
from signaltui.store.samples import sample_event, sample_item, sample_result, stamp


@pytest.fixture
def fresh_db() -> Iterator[Store]:
    with Store.memory(clock=lambda: datetime(2026, 11, 22, 12, 0, tzinfo=UTC)) as store:
        yield store


def test_event_round_trip_keeps_both_forms_and_identity(fresh_db: Store) -> None:
    raw = sample_event(email="  Jane.Doe@ACME.com ", company={"name": "Acme Inc"})
    merged = {**raw, "traits": {**raw["traits"], "title": "Head of Growth"}}

    event_id = fresh_db.record_event(raw, merged, "2026-11-22T10:00:00Z")
    row = fresh_db.get_event(event_id)

    assert row.raw == raw
    assert row.merged == merged
    assert (row.type, row.event, row.message_id) == ("track", "Demo Requested", "msg-1")
    assert (row.user_id, row.anonymous_id) == ("user-msg-1", "anon-msg-1")
    assert row.email == "jane.doe@acme.com"
    assert (row.name, row.company) == ("Jane Doe", "Acme Inc")
    assert row.received_at == "2026-11-22T10:00:00.000Z"


def test_identity_from_snake_case_and_context_traits(fresh_db: Store) -> None:
    event = {"type": "identify", "context": {"traits": {"first_name": "Ana", "email": "a@b.io"}}}
    row = fresh_db.get_event(fresh_db.record_event(event, event, "2026-11-22T10:00:00Z"))
    assert (row.name, row.email, row.company) == ("Ana", "a@b.io", None)


def test_received_at_defaults_to_the_injected_clock(fresh_db: Store) -> None:
    event_id = fresh_db.record_event({"type": "identify"}, {"type": "identify"})
    assert fresh_db.get_event(event_id).received_at == "2026-11-22T12:00:00.000Z"


def test_delivery_round_trip_with_retries(fresh_db: Store) -> None:
    event = sample_event()
    event_id = fresh_db.record_event(event, event, stamp(0))
    result = sample_result("close", "delivered", attempts=3, started=1)
    decision = {"action": "deliver", "reason": None, "warnings": ["phone dropped"], "trace": []}

    delivery_id = fresh_db.record_delivery(
        event_id, decision, result, mode="send", finished_at=stamp(9)
    )
    got = fresh_db.get_delivery(delivery_id)

    assert got.attempts == result.attempts
    assert got.request == result.request
    assert got.response == result.response
    assert got.decision == decision
    assert got.event_row.raw == event
    assert (got.outcome, got.action, got.mode, got.destination, got.target) == (
        "delivered",
        "deliver",
        "send",
        "close",
        "mock",
    )
    assert got.attempt_count == 3
    assert got.response_status == 200
    assert got.created_at == stamp(1)  # the first attempt's start
    assert got.finished_at == stamp(9)
    assert [a.wait_seconds for a in got.attempts] == [0.5, 0.5, None]


def test_dropped_delivery_has_no_attempts(fresh_db: Store) -> None:
    event_id = fresh_db.record_event(sample_event(), sample_event(), stamp(0))
    result = sample_result("apollo", "dropped", reason="consent_not_granted")
    delivery_id = fresh_db.record_delivery(
        event_id, {"action": "drop", "reason": "consent_not_granted"}, result, mode="send"
    )
    got = fresh_db.get_delivery(delivery_id)
    assert (got.outcome, got.action, got.reason) == ("dropped", "drop", "consent_not_granted")
    assert got.attempts == [] and got.request is None and got.response is None
    assert got.created_at == "2026-11-22T12:00:00.000Z"


def test_transport_error_attempt_round_trips_without_response(fresh_db: Store) -> None:
    event_id = fresh_db.record_event(sample_event(), sample_event(), stamp(0))
    result = sample_result("outreach", "dead_lettered", attempts=1)
    broken = AttemptRecord(
        number=2, started_at=stamp(5), request=result.attempts[0].request, error="ConnectError"
    )
    result = result.model_copy(update={"attempts": [*result.attempts, broken], "response": None})
    got = fresh_db.get_delivery(fresh_db.record_delivery(event_id, {}, result, mode="send"))
    assert got.attempts[1] == broken
    assert got.response is None and got.response_status is None


def test_half_a_delivery_is_never_stored(fresh_db: Store) -> None:
    event_id = fresh_db.record_event(sample_event(), sample_event(), stamp(0))
    result = sample_result(attempts=2)
    # Two attempts with the same number break the unique index on the second insert.
    clash = [result.attempts[0], result.attempts[0]]
    with pytest.raises(StoreError):
        fresh_db.record_delivery(
            event_id, {}, result.model_copy(update={"attempts": clash}), mode="send"
        )
    assert fresh_db.list_deliveries() == []
    assert fresh_db.db.execute("SELECT count(*) FROM attempts").fetchone() == (0,)
    # The store is still usable after the rollback.
    assert fresh_db.record_delivery(event_id, {}, result, mode="send") == 1


def test_delivery_for_unknown_event_is_refused(fresh_db: Store) -> None:
    with pytest.raises(StoreError, match="FOREIGN KEY"):
        fresh_db.record_delivery(999, {}, sample_result(), mode="send")


def test_unknown_ids_raise_not_found(fresh_db: Store) -> None:
    with pytest.raises(NotFoundError, match="no delivery with id 7"):
        fresh_db.get_delivery(7)
    with pytest.raises(NotFoundError, match="no event with id 3"):
        fresh_db.get_event(3)


def test_record_many_stores_events_and_deliveries_in_batches(fresh_db: Store) -> None:
    items = [sample_item(n) for n in range(25)]
    items.append(StoreItem(event={"type": "identify"}, merged={"type": "identify"},
                           received_at=stamp(100)))  # fmt: skip
    assert fresh_db.record_many(items, batch_size=7) == 26

    assert fresh_db.db.execute("SELECT count(*) FROM events").fetchone() == (26,)
    assert fresh_db.db.execute("SELECT count(*) FROM deliveries").fetchone() == (25,)
    newest = fresh_db.list_deliveries(limit=1)[0]
    assert newest.email == "lead24@example24.com"
    detail = fresh_db.get_delivery(newest.id)
    assert detail.attempts == items[24].result.attempts  # type: ignore[union-attr]
    assert detail.event_row.raw == items[24].event


def test_file_store_is_wal_with_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "signaltui.db"
    with Store.open(path) as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        store.record_event(sample_event(), sample_event(), stamp(0))
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT email FROM events").fetchall() == [("jane.doe@acme.com",)]
