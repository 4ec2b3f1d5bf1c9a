"""The store's connection wrapper: sqlite-utils' commit-as-you-go ``execute``, without it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from signaltui.store.connection import StoreDB, connect_file


def _other_sees(path: Path, sql: str) -> list[tuple[object, ...]]:
    """What a second connection reads: only what the first has committed."""
    other = sqlite3.connect(path)
    try:
        return other.execute(sql).fetchall()
    finally:
        other.close()


@pytest.fixture
def db(tmp_path: Path) -> StoreDB:
    opened = connect_file(tmp_path / "s.db", busy_timeout=1.0)
    opened.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, word TEXT UNIQUE)")
    return opened


def test_a_write_outside_a_transaction_is_committed_at_once(db: StoreDB, tmp_path: Path) -> None:
    db.execute("INSERT INTO t (word) VALUES (?)", ["acme"])
    assert not db.conn.in_transaction
    assert _other_sees(tmp_path / "s.db", "SELECT word FROM t") == [("acme",)]
    db.conn.execute("BEGIN IMMEDIATE")  # the next write transaction can start
    db.conn.execute("ROLLBACK")


def test_a_write_inside_a_transaction_waits_for_its_commit(db: StoreDB, tmp_path: Path) -> None:
    db.execute("BEGIN IMMEDIATE")
    assert db.conn.in_transaction  # an explicit BEGIN is left open
    db.execute("INSERT INTO t (word) VALUES (?)", ["acme"])
    assert db.conn.in_transaction
    assert _other_sees(tmp_path / "s.db", "SELECT word FROM t") == []
    db.execute("COMMIT")
    assert _other_sees(tmp_path / "s.db", "SELECT word FROM t") == [("acme",)]


def test_a_failed_write_leaves_no_transaction_behind(db: StoreDB) -> None:
    db.execute("INSERT INTO t (word) VALUES (?)", ["acme"])
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO t (word) VALUES (?)", ["acme"])
    assert not db.conn.in_transaction


def test_query_gives_rows_as_dicts_in_column_order(db: StoreDB) -> None:
    db.execute("INSERT INTO t (word) VALUES (?)", ["acme"])
    db.execute("INSERT INTO t (word) VALUES (?)", ["globex"])
    rows = list(db.query("SELECT word, id FROM t ORDER BY id"))
    assert rows == [{"word": "acme", "id": 1}, {"word": "globex", "id": 2}]
    assert [list(row) for row in rows] == [["word", "id"], ["word", "id"]]
