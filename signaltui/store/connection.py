"""Opening the SQLite file, and turning every sqlite3 failure into a :class:`StoreError`.

People see these messages (``signaltui events list`` on a bad ``--db``), so each one says
what went wrong, which file, and what to do, and never shows a traceback.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from signaltui.errors import StoreError

#: Seconds a write waits for another process's lock before giving up.
DEFAULT_BUSY_TIMEOUT = 5.0

#: Page cache per connection, in KiB.
CACHE_KIB = 65536

_HINT_OTHER_DB = "point --db / SIGNALTUI_DB at another file"


class StoreDB:
    """The store's SQLite connection and the few helpers its queries use.

    sqlite-utils builds the schema, but importing it costs a command about 30 ms, so it
    is loaded only when a store is created or upgraded (:func:`signaltui.store.schema.
    migrate`); reads and writes go straight through :mod:`sqlite3`.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run one statement; its cursor. A write outside a transaction is committed at
        once (sqlite3 would leave the transaction it opens for it pending, and the next
        ``BEGIN IMMEDIATE`` would fail), as sqlite-utils' ``Database.execute`` does."""
        conn = self.conn
        was_in_transaction = conn.in_transaction
        try:
            cursor = conn.execute(sql, parameters)
        except Exception:
            if not was_in_transaction and conn.in_transaction:
                conn.execute("ROLLBACK")  # the failed write's implicit transaction
            raise
        if (
            not was_in_transaction
            and conn.in_transaction
            and cursor.description is None
            and not _opens_transaction(sql)
        ):
            conn.execute("COMMIT")
        return cursor

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        """The rows of ``sql`` as dicts keyed by column name."""
        cursor = self.conn.execute(sql, parameters)
        keys = [column[0] for column in cursor.description]
        for row in cursor:
            yield dict(zip(keys, row, strict=True))

    def table_names(self) -> list[str]:
        """Every table in the file, full-text shadow tables included."""
        return table_names(self.conn)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def table_names(conn: sqlite3.Connection) -> list[str]:
    """Every table in ``conn``'s file, full-text shadow tables included."""
    return [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


def _opens_transaction(sql: str) -> bool:
    """Whether ``sql`` is an explicit ``BEGIN`` or ``SAVEPOINT`` (left open on purpose)."""
    keyword = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return keyword in ("BEGIN", "SAVEPOINT")


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


def connect_file(path: Path, busy_timeout: float) -> StoreDB:
    """A :class:`StoreDB` on ``path`` (created with its folders), WAL, foreign keys on."""
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
        db = StoreDB(conn)
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


def _use_wal(db: StoreDB, busy_timeout: float, started: float) -> None:
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


def connect_memory() -> StoreDB:
    """A private in-memory :class:`StoreDB` with foreign keys on (for tests)."""
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    db = StoreDB(conn)
    db.execute("PRAGMA foreign_keys = ON")
    return db
