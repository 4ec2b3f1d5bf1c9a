"""Opening stores: schema migrations, and clear errors for files that cannot be used."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from signaltui.errors import StoreError
from signaltui.store import LATEST_VERSION, Store
from signaltui.store.samples import sample_event, sample_result, stamp
from signaltui.store.schema import MIGRATIONS, migrate, schema_version


def _v1_store(path: Path) -> None:
    """A store made by the version-1 step alone, holding one event and delivery."""
    db = Database(path)
    assert migrate(db, str(path), target=1) == 1
    db.execute(
        "INSERT INTO events (id, type, event, email, name, company, received_at, raw_json,"
        " merged_json) VALUES (1, 'track', 'Demo Requested', 'olga@obrien.ie', ?, 'OBrien Ltd',"
        " ?, '{}', '{}')",
        ["Olga O'Brien", stamp(0)],
    )
    db.execute(
        "INSERT INTO deliveries (id, event_id, destination, target, mode, action, outcome,"
        " created_at) VALUES (1, 1, 'close', 'mock', 'send', 'deliver', 'delivered', ?)",
        [stamp(1)],
    )
    db.close()


def test_fresh_store_is_at_latest_version(tmp_path: Path) -> None:
    with Store.open(tmp_path / "new.db") as store:
        assert schema_version(store.db) == LATEST_VERSION == len(MIGRATIONS) >= 2
        assert "events_fts" in store.db.table_names()


def test_v1_store_is_upgraded_in_place_keeping_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _v1_store(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert "events_fts" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}

    with Store.open(path) as store:
        assert schema_version(store.db) == LATEST_VERSION
        indexes = {i.name for i in Database(store.db.conn).table("deliveries").indexes}
        assert {"idx_deliveries_outcome_created_at", "idx_deliveries_created_at"} <= indexes
        assert "idx_deliveries_outcome" not in indexes  # v4: a prefix of the one above
        # Rows written before the FTS step are searchable after the upgrade.
        assert [r.id for r in store.search("O'Brien")] == [1]
        assert store.list_deliveries(outcome="delivered")[0].email == "olga@obrien.ie"
        # And new rows are indexed as they are written.
        new_id = store.record_event(sample_event(), sample_event(), stamp(2))
        store.record_delivery(new_id, {}, sample_result(), mode="send")
        assert [r.event_id for r in store.search("acme")] == [new_id]


def test_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    with pytest.raises(StoreError, match="knows only up to version") as info:
        Store.open(path)
    assert info.value.where == str(path)
    assert info.value.hint and "upgrade signaltui" in info.value.hint


def test_someone_elses_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(StoreError, match="not a signaltui store"):
        Store.open(path)


def test_not_a_database_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 200)
    with pytest.raises(StoreError, match="not a readable SQLite database") as info:
        Store.open(path)
    assert info.value.where == str(path)
    assert "Traceback" not in info.value.render()


def test_folder_path_and_unmakeable_parent(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder"):
        Store.open(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the folder"):
        Store.open(blocker / "sub" / "s.db")


def test_write_while_another_process_holds_the_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    Store.open(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    other.execute("INSERT INTO runs (kind, started_at) VALUES ('x', 'y')")
    try:
        with Store.open(path, busy_timeout=0.05) as store:
            # WAL readers carry on while the other process writes...
            assert store.list_deliveries() == []
            # ...but a write gives up after the busy timeout with a clear message.
            with pytest.raises(StoreError, match="locked by another process") as info:
                store.record_event(sample_event(), sample_event(), stamp(0))
            assert "0.05s" in info.value.message
    finally:
        other.execute("ROLLBACK")
        other.close()
    with Store.open(path) as store:  # usable again once the lock is gone
        assert store.record_event(sample_event(), sample_event(), stamp(0)) == 1


def test_open_while_a_rollback_journal_db_is_exclusively_locked(tmp_path: Path) -> None:
    path = tmp_path / "legacy.db"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE t (x)")  # not WAL: an exclusive lock blocks readers too
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked"):
            Store.open(path, busy_timeout=0.05)
    finally:
        other.execute("ROLLBACK")
        other.close()
