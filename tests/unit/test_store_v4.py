"""Schema v4 and the faster write and search paths: same answers as before, data kept."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from signaltui.delivery.outcomes import DeliveryResult, RecordedResponse
from signaltui.store import LATEST_VERSION, Store, StoreItem, jsontext, rows, search
from signaltui.store.redact import body_needs_redaction
from signaltui.store.samples import sample_event, sample_result, stamp
from signaltui.store.schema import migrate, schema_version


def _insert(db: Database, table: str, columns: str, values: tuple[Any, ...]) -> None:
    db.execute(f"INSERT INTO {table} ({columns}) VALUES ({rows.placeholders(columns)})", values)


def _v3_rows(db: Database) -> DeliveryResult:
    """Write one event and a retried delivery the way v3 stored them (full copies)."""
    event = sample_event("Olga", "Brennan", "olga@acme.com", "Acme Inc", message_id="m-old")
    values = rows.event_values(1, event, event, stamp(0))
    _insert(db, "events", rows.EVENT_COLUMNS, (*values[:-1], values[-2]))  # before v5: 2 copies
    result = sample_result("close", "delivered", attempts=2, started=1)
    delivery, attempts = rows.delivery_rows(
        1, 1, {"action": "deliver"}, result, mode="replay-send", run_id=None,
        replay_of=None, exchange_key="k-1", created_at=stamp(1), finished_at=stamp(3),
    )  # fmt: skip
    last = attempts[-1]
    v3 = (*delivery[:11], last[3], last[4], last[5], last[6], *delivery[15:-1])
    # Columns added by v7 (retry_at; attempt kind and note) did not exist yet.
    _insert(db, "deliveries", rows.DELIVERY_COLUMNS.removesuffix(", retry_at"), v3)
    for attempt in attempts:
        _insert(db, "attempts", rows.ATTEMPT_COLUMNS.removesuffix(", kind, note"), attempt[:-2])
    db.conn.commit()
    return result


def test_v3_store_upgrades_to_v4_keeping_data(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    db = Database(path)
    assert migrate(db, str(path), target=3) == 3
    old_result = _v3_rows(db)
    db.close()

    with Store.open(path) as store:
        assert schema_version(store.db) == LATEST_VERSION == 7
        names = {row[0]: row[1] for row in store.db.execute("SELECT name, sql FROM sqlite_master")}
        assert "idx_deliveries_outcome" not in names and "idx_deliveries_destination" not in names
        assert "WHERE run_id IS NOT NULL" in names["idx_deliveries_run_id_exchange_key"]
        assert "events_ai" not in names and {"events_au", "events_ad"} <= set(names)

        old = store.get_delivery(1)  # a v3 row, with its own copy of the final exchange
        assert old.request == old_result.request and old.response == old_result.response
        assert [a.number for a in old.attempts] == [1, 2]
        assert [r.id for r in store.search("olga")] == [1]

        event_id = store.record_event(sample_event(), sample_event(), stamp(10))
        store.record_delivery(event_id, {}, sample_result(), mode="send", created_at=stamp(11))
        store.record_many([_item(n) for n in range(20, 23)])
        assert [r.email for r in store.search("acme")][-2:] == [
            "jane.doe@acme.com",
            "olga@acme.com",
        ]
        assert len(store.search("acme")) == 5
        assert store.list_deliveries(outcome="delivered", limit=1)[0].id == 5
        run = store.start_run("replay-send")
        store.record_delivery(event_id, {}, sample_result(), mode="replay-send", run_id=run,
                              exchange_key="k-9")  # fmt: skip
        assert store.delivered_exchange_keys(run) == {"k-9"}


def test_final_exchange_is_stored_once_and_read_back(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        event_id = store.record_event(sample_event(), sample_event(), stamp(0))
        same = sample_result("outreach", "delivered", attempts=2)
        same_id = store.record_delivery(event_id, {}, same, mode="send")
        # A final exchange that is not the last attempt's keeps its own copy.
        other = same.model_copy(
            update={
                "request": same.request.model_copy(update={"body": {"final": True}}),  # type: ignore[union-attr]
                "response": RecordedResponse(status=201, headers={"X": "1"}, body=[1]),
            }
        )
        other_id = store.record_delivery(event_id, {}, other, mode="send")
        raw = {
            r[0]: r[1:]
            for r in store.db.execute(
                "SELECT id, request_json, response_headers_json, response_status FROM deliveries"
            )
        }
        got_same, got_other = store.get_delivery(same_id), store.get_delivery(other_id)

    assert raw[same_id] == (None, None, 200)  # not stored twice...
    assert got_same.request == same.request and got_same.response == same.response  # ...read back
    assert got_same.response_status == 200
    assert raw[other_id][0] is not None and json.loads(raw[other_id][0])["body"] == {"final": True}
    assert got_other.request == other.request and got_other.response == other.response
    assert got_other.attempts[-1].response == same.response


def _item(n: int, created: float | None = None, company: str = "Acme Inc") -> StoreItem:
    event = sample_event(f"Lead{n}", "Doe", f"lead{n}@x.io", company, message_id=f"m{n}")
    outcome = ("delivered", "rejected")[n % 2]
    result = sample_result("close", outcome, started=n)  # type: ignore[arg-type]
    when = stamp(created if created is not None else n)
    return StoreItem(event, event, stamp(n), {}, result, created_at=when)


@pytest.fixture
def small_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    # Make the newest-first walk kick in at test sizes, in small chunks.
    monkeypatch.setattr(search, "FEW_MATCHES", 3)
    monkeypatch.setattr(search, "_FIRST_CHUNK", 2)
    monkeypatch.setattr(search, "_MAX_CHUNK", 4)


def _newest(store: Store, **filters: Any) -> list[int]:
    """Delivery ids newest first, by a plain full sort (the answer paging must match)."""
    query = "SELECT id, created_at, outcome FROM deliveries"
    kept = [r for r in store.db.execute(query) if filters.get("outcome") in (None, r[2])]
    return [r[0] for r in sorted(kept, key=lambda r: (r[1], r[0]), reverse=True)]


@pytest.mark.usefixtures("small_walk")
def test_common_word_search_pages_like_a_full_sort() -> None:
    with Store.memory() as store:
        store.record_many([_item(n) for n in range(40)])
        everyone = _newest(store)
        for limit, offset in [(5, 0), (3, 7), (10, 30), (10, 35), (1, 39), (5, 40)]:
            got = [r.id for r in store.list_deliveries(text="acme", limit=limit, offset=offset)]
            assert got == everyone[offset : offset + limit]
        rejected = [r.id for r in store.list_deliveries(text="acme", outcome="rejected", limit=6)]
        assert rejected == _newest(store, outcome="rejected")[:6]
        assert [e.id for e in store.search_events("lead", limit=4)] == [40, 39, 38, 37]


@pytest.mark.usefixtures("small_walk")
def test_search_stays_exact_when_times_do_not_follow_insertion() -> None:
    with Store.memory() as store:
        # The second event stored has the newest delivery: a walk from the newest event
        # would miss it, so the check must send the search to the exact query.
        store.record_many([_item(n) for n in range(30)])
        store.record_many([_item(100, created=10_000)])
        store.record_many([_item(n) for n in range(30, 40)])
        expected = _newest(store)
        assert expected[0] == 31
        assert [r.id for r in store.search("acme", limit=5)] == expected[:5]
        # Few matches take the direct route and are still newest first.
        store.record_many([_item(200, company="Zeta"), _item(201, company="Zeta")])
        assert [r.id for r in store.search("zeta")] == [43, 42]


def test_dumps_matches_the_json_module() -> None:
    values: list[Any] = [
        {"a": [1, 2.5, None, True], "é": '北京 "q" \n', "n": {"x": {}}},
        [],
        "plain",
        {"when": datetime(2026, 1, 2, tzinfo=UTC), "d": Decimal("1.50"), 3: "int key"},
    ]
    for value in values:
        expected = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
        assert rows.dumps(value) == expected


def test_header_memo_never_keeps_a_secret() -> None:
    leaky = {"Authorization": "Bearer memo-secret-1", "Accept": "application/json"}
    for _ in range(2):
        assert json.loads(rows.headers_json(leaky))["Authorization"] == "Bearer ***"
    assert "memo-secret-1" not in repr(list(jsontext._MEMO))
    plain = {"Accept": "text/plain"}
    assert rows.headers_json(plain) == '{"Accept":"text/plain"}'
    assert ("h", ("Accept", "text/plain")) in jsontext._MEMO


def test_body_redaction_precheck_is_case_insensitive() -> None:
    assert body_needs_redaction('{"API_KEY":"x"}')
    assert body_needs_redaction('{"a":{"Refresh_Token":"x"}}')
    assert not body_needs_redaction('{"apikeys":"x","token":"y"}')


def test_event_written_outside_the_store_is_still_in_the_index(tmp_path: Path) -> None:
    # v4 feeds the index from the store; edits made by other tools keep the triggers.
    path = tmp_path / "s.db"
    with Store.open(path) as store:
        store.record_event(sample_event(), sample_event(), stamp(0))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE events SET company = 'Renamed Ltd' WHERE id = 1")
    with Store.open(path) as store:
        assert [e.id for e in store.search_events("renamed")] == [1]
        assert store.search_events("inc") == []  # the old company name is gone
