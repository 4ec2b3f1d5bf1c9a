"""Schema v5: an event merged into nothing new keeps one JSON copy; older files still read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from signaltui.errors import StoreError
from signaltui.store import LATEST_VERSION, Store, StoreItem, rows, schema
from signaltui.store.samples import sample_event, stamp
from signaltui.store.schema import migrate, schema_version


def _old_event_row(db: Database, event_id: int) -> dict[str, Any]:
    """Write an event the way v3/v4 did (merged copy stored in full); return it."""
    event = sample_event("Olga", "Brennan", "olga@acme.com", message_id=f"m-{event_id}")
    values = rows.event_values(event_id, event, event, stamp(event_id))
    full_copy = (*values[:-1], values[-2])
    marks = rows.placeholders(rows.EVENT_COLUMNS)
    db.execute(f"INSERT INTO events ({rows.EVENT_COLUMNS}) VALUES ({marks})", full_copy)
    db.execute("INSERT INTO events_fts (rowid, name, email, company) VALUES (?, ?, ?, ?)",
               [event_id, "Olga Brennan", "olga@acme.com", "Acme Inc"])  # fmt: skip
    db.conn.commit()
    return event


@pytest.mark.parametrize("old_version", [3, 4])
def test_older_store_upgrades_to_v5_and_reads_old_rows(tmp_path: Path, old_version: int) -> None:
    path = tmp_path / f"v{old_version}.db"
    db = Database(path)
    assert migrate(db, str(path), target=old_version) == old_version
    old_event = _old_event_row(db, 1)
    db.close()

    with Store.open(path) as store:
        assert schema_version(store.db) == LATEST_VERSION == 7
        old = store.get_event(1)
        assert old.raw == old.merged == old_event
        assert [e.id for e in store.search_events("olga")] == [1]
        new_event = sample_event("Piet", "Smit", "piet@acme.com", message_id="m-2")
        new_id = store.record_event(new_event, new_event, stamp(5))
        assert store.get_event(new_id).merged == new_event


def test_merged_equal_to_raw_is_stored_once(tmp_path: Path) -> None:
    raw = sample_event(message_id="same")
    equal_copy = sample_event(message_id="same")  # another dict, same content
    changed = {**raw, "traits": {**raw["traits"], "title": "CTO"}}
    with Store.open(tmp_path / "s.db") as store:
        first = store.record_event(raw, raw, stamp(0))
        second = store.record_event(raw, equal_copy, stamp(1))
        third = store.record_event(raw, changed, stamp(2))
        store.record_many([StoreItem(event=raw, merged=raw, received_at=stamp(3))])
        stored = dict(store.db.execute("SELECT id, merged_json FROM events").fetchall())
        assert stored[first] == stored[second] == stored[4] == rows.SAME_AS_RAW
        assert "CTO" in stored[third]
        assert store.get_event(first).merged == store.get_event(second).merged == raw
        assert store.get_event(third).merged == changed
        assert store.get_event(4).merged == raw


def test_v5_file_is_refused_by_code_that_knows_only_v4(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "v5.db"
    db = Database(path)
    assert migrate(db, str(path), target=5) == 5
    monkeypatch.setattr(schema, "LATEST_VERSION", 4)  # as signaltui with schema v4
    with pytest.raises(StoreError, match="schema version 5"):
        schema.migrate(db, str(path), target=4)
    db.close()
