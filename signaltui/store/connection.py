"""Opening the SQLite file, and turning every sqlite3 failure into a :class:`StoreError`.

People see these messages (``signaltui events list`` on a bad ``--db``), so each one says
what went wrong, which file, and what to do, and never shows a traceback.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from signaltui.errors import StoreError

#: Seconds a write waits for another process's lock before giving up.
DEFAULT_BUSY_TIMEOUT = 5.0

#: Page cache per connection, in KiB.
CACHE_KIB = 65536

_HINT_OTHER_DB = "point --db / SIGNALTUI_DB at another file"


def translate(
    exc: sqlite3.Error, where: str, busy_timeout: float, waited: float | None = None
) -> StoreError:
    """The :class:`StoreError` a person should see for the sqlite3 error ``exc``.

    ``waited`` is how long the failed operation actually ran, in seconds: SQLite gives
    up before the busy timeout when waiting could never succeed, so the message says
    what really happened.
    """
    text = str(exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        spent = busy_timeout if waited is None else waited
        return StoreError(
            f"the store is locked by another process (waited {spent:.1f}s of a "
            f"{busy_timeout:g}s busy timeout)",
            where=where,
            hint="close the other signaltui (or program) using this file and retry, or "
            + _HINT_OTHER_DB,
        )
    if "not a database" in lowered or "malformed" in lowered:
        return StoreError(
            "this file is not a readable SQLite database (damaged, or another kind of file)",
            where=where,
            hint=_HINT_OTHER_DB + ", or move this file aside to start a new store",
        )
    if "unable to open" in lowered or "readonly" in lowered or "read-only" in lowered:
        return StoreError(
            f"cannot open or write the store file ({text})",
            where=where,
            hint="check that the folder exists and that you may read and write it, or "
            + _HINT_OTHER_DB,
        )
    if "full" in lowered or "i/o" in lowered:
        return StoreError(
            f"the disk refused the write ({text})",
            where=where,
            hint="free some disk space, or " + _HINT_OTHER_DB,
        )
    return StoreError(f"SQLite error: {text}", where=where, hint=_HINT_OTHER_DB)


@contextmanager
def guarded(where: str, busy_timeout: float) -> Iterator[None]:
    """Run a block, re-raising any sqlite3 error as a :class:`StoreError`."""
    started = time.monotonic()
    try:
        yield
    except sqlite3.Error as exc:
        raise translate(exc, where, busy_timeout, time.monotonic() - started) from exc


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists: the store holds lead PII.

    SQLite gives its ``-wal`` and ``-shm`` files the database file's permissions, so
    they are private too.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # an existing store keeps the mode its owner gave it
    os.close(fd)


def connect_file(path: Path, busy_timeout: float) -> Database:
    """A :class:`Database` on ``path`` (created with its folders), WAL, foreign keys on."""
    where = str(path)
    if path.is_dir():
        raise StoreError(
            "the store path is a folder, not a file",
            where=where,
            hint="give a file name, e.g. " + str(path / "signaltui.db"),
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot create the folder for the store ({exc.strerror or exc})",
            where=str(path.parent),
            hint="check the path and your permissions, or " + _HINT_OTHER_DB,
        ) from exc
    try:
        create_private(path)
    except OSError as exc:
        raise StoreError(
            f"cannot create the store file ({exc.strerror or exc})",
            where=where,
            hint="check that you may write in its folder, or " + _HINT_OTHER_DB,
        ) from exc
    conn: sqlite3.Connection | None = None
    started = time.monotonic()
    try:
        # check_same_thread=False: the TUI may call the store from worker threads; the
        # Store serialises access with its own lock.
        conn = sqlite3.connect(str(path), timeout=busy_timeout, check_same_thread=False)
        db = Database(conn, execute_plugins=False)
        db.execute("PRAGMA foreign_keys = ON")
        # WAL lets readers (the TUI list) carry on while a send writes.
        _use_wal(db, busy_timeout, started)
        # In WAL mode NORMAL cannot corrupt the file and loses nothing if the app crashes;
        # only the last commits may be lost on power loss. It skips an fsync per commit.
        db.execute("PRAGMA synchronous = NORMAL")
        # 64 MiB of page cache (default 2 MiB): at a million rows the email and full-text
        # indexes take inserts all over, and re-reading their pages dominated writes.
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        return db
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise translate(exc, where, busy_timeout, time.monotonic() - started) from exc


def _use_wal(db: Database, busy_timeout: float, started: float) -> None:
    """Switch to WAL, waiting out other processes up to ``busy_timeout`` seconds.

    Changing the journal mode needs the file to itself, and SQLite refuses that at once
    ("database is locked", without its busy handler) while another process is opening
    the same new store; so this retries instead of failing on the first refusal.
    """
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() - started >= busy_timeout:
                raise
            time.sleep(0.005)


def connect_memory() -> Database:
    """A private in-memory :class:`Database` with foreign keys on (for tests)."""
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    db = Database(conn, execute_plugins=False)
    db.execute("PRAGMA foreign_keys = ON")
    return db
