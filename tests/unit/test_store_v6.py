"""Schema v6: the full-text index keeps no per-row column sizes; old indexes are rebuilt."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from signaltui.store import LATEST_VERSION, Store, rows
from signaltui.store.samples import sample_event, stamp
from signaltui.store.schema import migrate, schema_version


def _write_v5_store(path: Path) -> None:
    """A v5 file holding one event, indexed the way v5 did (column sizes kept)."""
    db = Database(path)
    assert migrate(db, str(path), target=5) == 5
    event = sample_event("Olga", "Brennan", "olga@acme.com", message_id="m-1")
    values = rows.event_values(1, event, event, stamp(1))
    marks = rows.placeholders(rows.EVENT_COLUMNS)
    db.execute(f"INSERT INTO events ({rows.EVENT_COLUMNS}) VALUES ({marks})", values)
    db.execute("INSERT INTO events_fts (rowid, name, email, company) VALUES (?, ?, ?, ?)",
               [1, values[7], values[6], values[8]])  # fmt: skip
    db.conn.commit()
    assert "columnsize" not in _fts_sql(db)
    db.close()


def _fts_sql(db: Database) -> str:
    return str(db.execute("SELECT sql FROM sqlite_master WHERE name = 'events_fts'").fetchone()[0])


def _integrity_ok(db: Database) -> None:
    # Raises sqlite3.DatabaseError if the index and the events table disagree.
    db.execute("INSERT INTO events_fts (events_fts, rank) VALUES ('integrity-check', 1)")


def test_v5_store_upgrades_with_its_index_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "v5.db"
    _write_v5_store(path)

    with Store.open(path) as store:
        assert schema_version(store.db) == LATEST_VERSION == 7
        assert "columnsize=0" in _fts_sql(store.db)
        assert store.db.execute("SELECT count(*) FROM sqlite_master WHERE name = "
                                "'events_fts_docsize'").fetchone()[0] == 0  # fmt: skip
        _integrity_ok(store.db)
        assert [e.id for e in store.search_events("olga")] == [1]
        new = sample_event("Piet", "Smit", "piet@acme.com", message_id="m-2")
        new_id = store.record_event(new, new, stamp(5))
        assert [e.id for e in store.search_events("piet")] == [new_id]
        assert [e.id for e in store.search_events("acme")] == [new_id, 1]

        # The v2 delete trigger still keeps the rebuilt index in step.
        store.db.execute("DELETE FROM events WHERE id = 1")
        _integrity_ok(store.db)
        assert store.search_events("olga") == []
