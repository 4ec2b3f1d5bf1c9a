"""The store's lifecycle and plumbing: opening, locking, transactions, errors.

:class:`signaltui.store.Store` builds on this with the reads and writes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from signaltui.errors import StoreError
from signaltui.store import rows, times
from signaltui.store.connection import (
    DEFAULT_BUSY_TIMEOUT,
    StoreDB,
    connect_file,
    connect_memory,
    guarded,
)
from signaltui.store.schema import index_events, migrate

S = TypeVar("S", bound="StoreBase")


class NotFoundError(StoreError):
    """A delivery, event or run id that the store does not hold."""


class WouldWait(Exception):
    """A write asked not to wait found the store busy; nothing was written."""


class StoreBase:
    """An open SQLite store with its schema up to date; see :class:`signaltui.store.Store`."""

    def __init__(
        self,
        db: StoreDB,
        where: str,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        clock: times.Clock = times.system_clock,
    ) -> None:
        self.db = db
        self.where = where
        self.busy_timeout = busy_timeout
        self.clock = clock
        self._lock = threading.RLock()
        #: Credential values masked in every delivery stored (see :meth:`add_secrets`).
        self.secrets: tuple[str, ...] = ()
        self._write_depth = 0  # nested _write() blocks of the thread holding the lock
        # The connection's busy timeout is 0 (set for a write asked not to wait) until
        # the next operation that may wait sets it back: a send's writes follow one
        # another, and two PRAGMAs around each cost about as much as its inserts.
        self._no_wait = False
        try:
            with self._guard():
                migrate(db, where)
        except BaseException:
            db.close()
            raise

    @classmethod
    def open(
        cls: type[S],
        path: Path | str,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        clock: times.Clock = times.system_clock,
    ) -> S:
        """Open (or create) the store at ``path``, upgrading its schema if it is older.

        ``busy_timeout`` is how many seconds to wait for another process's lock.
        """
        path = Path(path).expanduser()
        db = connect_file(path, busy_timeout)
        return cls(db, str(path), busy_timeout=busy_timeout, clock=clock)

    @classmethod
    def memory(cls: type[S], *, clock: times.Clock = times.system_clock) -> S:
        """A fresh private in-memory store."""
        return cls(connect_memory(), ":memory:", clock=clock)

    def add_secrets(self, values: Iterable[str]) -> None:
        """Also mask ``values`` (credentials in use), in every encoding, in what is stored.

        A target may echo a credential back (Close's ``Basic`` header in a body, an API
        key in an error text); the delivery layer masks only the headers it sent.
        """
        with self._lock:
            self.secrets = tuple(dict.fromkeys((*self.secrets, *(v for v in values if v))))

    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""
        with self._lock:
            self.db.close()

    def __enter__(self: S) -> S:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------------------

    @contextmanager
    def _guard(self, *, wait: bool = True) -> Iterator[None]:
        """The store's lock held, sqlite3 errors translated; ``wait``: SQLite waits out
        another process's lock up to the busy timeout (a write asked not to wait
        switches that off itself)."""
        with self._lock, guarded(self.where, self.busy_timeout):
            if wait and self._no_wait:
                self.db.conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
                self._no_wait = False
            yield

    @contextmanager
    def _write(self, *, wait: bool = True) -> Iterator[None]:
        """One IMMEDIATE transaction: take the write lock up front, commit or roll back.

        A ``_write`` inside another (same thread: the lock is held) joins the outer
        transaction, so several writes can be stored whole or not at all. With
        ``wait=False`` it raises :class:`WouldWait`, having written nothing, instead of
        waiting for another thread's or process's write to end.
        """
        if not wait and not self._lock.acquire(blocking=False):
            raise WouldWait
        try:
            with self._guard(wait=wait), self._transaction(wait):
                yield
        finally:
            if not wait:
                self._lock.release()

    def _begin_now(self, conn: Any) -> bool:
        """``BEGIN IMMEDIATE`` unless another connection holds the write lock (no wait).

        Leaves the busy timeout at 0: the next :meth:`_guard` that may wait restores it.
        """
        if not self._no_wait:
            conn.execute("PRAGMA busy_timeout = 0")
            self._no_wait = True
        try:
            conn.execute("BEGIN IMMEDIATE")
            return True
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return False
            raise

    @contextmanager
    def _transaction(self, wait: bool) -> Iterator[None]:
        """The transaction of :meth:`_write` (the lock already held)."""
        if self._write_depth:
            self._write_depth += 1
            try:
                yield
            finally:
                self._write_depth -= 1
            return
        conn = self.db.conn
        if wait:
            conn.execute("BEGIN IMMEDIATE")
        elif not self._begin_now(conn):
            raise WouldWait
        self._write_depth = 1
        try:
            yield
        except BaseException:
            conn.rollback()
            raise
        finally:
            self._write_depth = 0
        conn.execute("COMMIT")

    def _now(self) -> str:
        return times.format_utc(self.clock())

    def _next_id(self, table: str) -> int:
        # Safe only inside _write(): the IMMEDIATE lock keeps other writers out.
        return int(self.db.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0])

    def _insert(self, table: str, columns: str, values: list[tuple[Any, ...]]) -> None:
        sql = f"INSERT INTO {table} ({columns}) VALUES ({rows.placeholders(columns)})"
        self.db.conn.executemany(sql, values)

    def _insert_events(self, values: list[tuple[Any, ...]]) -> None:
        """Insert event rows (ids first, ascending) and add them to the full-text index.

        The only way events are written: since v4 no trigger indexes them, so the two
        steps live together here rather than at every caller.
        """
        if not values:
            return
        self._insert("events", rows.EVENT_COLUMNS, values)
        index_events(self.db.conn, values[0][0], values[-1][0])

    def _missing(self, kind: str, item_id: int | str) -> NotFoundError:
        return NotFoundError(
            f"there is no {kind} with id {item_id}",
            where=self.where,
            hint="list the ids with `signaltui events list`",
        )
