"""Several processes opening one fresh store at once all get it, migrated exactly once.

Each child waits at a barrier file, then opens the store and records an event. Before
migrations ran under ``BEGIN IMMEDIATE``, the losers failed at once with "locked (waited
5s)" after a few milliseconds.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from signaltui.errors import StoreError
from signaltui.store import Store
from signaltui.store.schema import LATEST_VERSION

CHILD = r"""
import sys, time
from pathlib import Path
from signaltui.store import Store

db, go = Path(sys.argv[1]), Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
with Store.open(db) as store:
    event = {"type": "identify", "userId": sys.argv[3]}
    store.record_event(event, event)
print("ok")
"""

CHILDREN = 4


def test_a_fresh_store_opened_by_many_processes_at_once(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(db), str(go), f"user-{n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(CHILDREN)
    ]
    time.sleep(1.0)  # let every child import and reach the barrier
    go.touch()
    results = [child.communicate(timeout=60) for child in children]
    failures = [err for child, (_, err) in zip(children, results, strict=True) if child.returncode]
    assert failures == []
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == CHILDREN
    conn.close()


def test_a_locked_store_reports_the_time_actually_waited(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    Store.open(db).close()
    holder = sqlite3.connect(db)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Store.open(db, busy_timeout=0.3) as store, pytest.raises(StoreError) as caught:
            store.record_event({"type": "identify"}, {"type": "identify"})
    finally:
        holder.rollback()
        holder.close()
    found = re.search(r"waited (\d+\.\d)s of a 0.3s busy timeout", caught.value.message)
    assert found is not None, caught.value.message
    # SQLite waits the whole timeout before giving up on a plain write lock.
    assert float(found.group(1)) >= 0.3
