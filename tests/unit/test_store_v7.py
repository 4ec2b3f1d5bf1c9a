"""Schema v7: attempts say whether they were a send or a look-up; deferred keeps its due time."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlite_utils import Database

from signaltui.delivery.outcomes import AttemptRecord, RecordedRequest, RecordedResponse
from signaltui.store import LATEST_VERSION, Store
from signaltui.store.cli import events
from signaltui.store.samples import sample_event, sample_result, stamp
from signaltui.store.schema import migrate, schema_version

DUE = "2026-11-22T11:00:00.000Z"


def _recovered() -> object:
    result = sample_result("close", "delivered", attempts=1)
    lookup = AttemptRecord(
        number=2,
        started_at=stamp(5),
        request=RecordedRequest(method="GET", url="http://127.0.0.1:1/api/v1/lead/?query=x"),
        response=RecordedResponse(status=200, body={"data": [{"id": "lead_8f2k"}]}),
        kind="lookup",
        note="found lead_8f2k",
    )
    lost = result.attempts[0].model_copy(update={"response": None, "error": "dropped"})
    return result.model_copy(
        update={"attempts": [lost, lookup], "hint": "recovered after a lost response"}
    )


def test_lookup_attempts_and_deferred_due_time_round_trip(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        assert schema_version(store.db) == LATEST_VERSION == 7
        event_id = store.record_event(sample_event(), sample_event(), stamp(0))
        recovered = store.record_delivery(event_id, {}, _recovered(), mode="send")  # type: ignore[arg-type]
        deferred = sample_result("apollo", "deferred").model_copy(update={"retry_at": DUE})
        later = store.record_delivery(event_id, {}, deferred, mode="send")
        detail = store.get_delivery(recovered)
        assert [a.kind for a in detail.attempts] == ["send", "lookup"]
        assert detail.attempts[1].note == "found lead_8f2k"
        assert detail.retry_at is None
        assert store.get_delivery(later).retry_at == DUE
        listed = store.list_deliveries(outcome="deferred")
        assert [(r.id, r.retry_at) for r in listed] == [(later, DUE)]


def test_events_list_outcome_deferred_shows_when_each_is_due(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        event_id = store.record_event(sample_event(), sample_event(), stamp(0))
        deferred = sample_result("apollo", "deferred").model_copy(update={"retry_at": DUE})
        store.record_delivery(event_id, {}, deferred, mode="send")
        store.record_delivery(event_id, {}, _recovered(), mode="send")  # type: ignore[arg-type]
    run = CliRunner().invoke(events, ["list", "--outcome", "deferred"], obj={"db": str(path)})
    assert run.exit_code == 0, run.output
    lines = run.stdout.splitlines()
    assert len(lines) == 2 and f"deferred (due {DUE})" in lines[1]
    shown = CliRunner().invoke(events, ["show", "2"], obj={"db": str(path)})
    assert "look-up GET http://127.0.0.1:1/api/v1/lead/?query=x  200 (found lead_8f2k)" in (
        shown.stdout
    )


def test_a_v6_store_upgrades_and_old_attempts_read_as_sends(tmp_path: Path) -> None:
    path = tmp_path / "v6.db"
    db = Database(path)
    migrate(db, str(path), target=6)
    db.execute(
        "INSERT INTO events (id, received_at, raw_json, merged_json) VALUES (1, ?, '{}', '')",
        [stamp(0)],
    )
    db.execute(
        "INSERT INTO deliveries (id, event_id, destination, target, mode, action, outcome, "
        "created_at, attempt_count) VALUES (1, 1, 'close', 'mock', 'send', 'deliver', "
        "'delivered', ?, 1)",
        [stamp(0)],
    )
    db.execute(
        "INSERT INTO attempts (delivery_id, number, started_at, request_json, response_status) "
        """VALUES (1, 1, ?, '{"method":"POST","url":"http://x/api/v1/lead/"}', 200)""",
        [stamp(0)],
    )
    db.conn.commit()
    db.close()
    with Store.open(path) as store:
        detail = store.get_delivery(1)
    assert [(a.kind, a.note) for a in detail.attempts] == [("send", None)]
    assert detail.retry_at is None
