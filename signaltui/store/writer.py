"""Committing a send's deliveries: at once when the store is free, else in a writer thread.

A thread-pool call per delivery (the earlier way) cost more than the commit: two thread
switches, and the pool thread fighting the event loop for the GIL. So a delivery is
written on the caller's thread when no other thread or process is writing, which never
waits; otherwise it goes to one long-lived writer thread, which waits for the lock while
the loop carries on, and commits whatever is waiting in one transaction (group commit).
Either way each delivery is stored whole, and its awaiting caller resumes only once that
transaction has committed, so nothing is reported stored (or skipped by a resumed run)
before it is on disk as far as a killed process is concerned. When a group fails, its
deliveries are written again one by one, so each caller gets its own delivery's outcome.

WAL checkpoints run in the writer thread too, on a connection of its own: a checkpoint
copies the WAL into the database file and flushes both to disk, which on the committing
thread stalled the event loop for milliseconds every few dozen deliveries (about 0.2 s of
a 1,000-lead replay's 2.3 s, waiting in ``fdatasync``). SQLite lets go of the GIL while
it checkpoints. Commits are unchanged, so what a killed process leaves is the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from typing import TYPE_CHECKING, Final

from signaltui.store.base import WouldWait
from signaltui.store.sent import SentRows

if TYPE_CHECKING:
    from signaltui.store.store import Store

_Item = tuple[SentRows, asyncio.AbstractEventLoop, "asyncio.Future[tuple[int, int]]"]

#: Most deliveries committed in one transaction (bounds the time a reader waits).
GROUP_LIMIT = 64

#: Deliveries committed between two checkpoints (a send's delivery adds about 25 pages
#: to the WAL, so this is near SQLite's own 1,000-page automatic checkpoint).
CHECKPOINT_EVERY = 32

#: Queued to ask the writer thread for a checkpoint.
_CHECKPOINT: Final = "checkpoint"


class StoreWriter:
    """Writes for ``store``, and its writer thread; :meth:`close` it when done (pending
    writes finish)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._queue: queue.SimpleQueue[_Item | str | None] = queue.SimpleQueue()
        # The store's file, when its checkpoints are this writer's to run; else None.
        self._checkpointed = store.hand_off_checkpoints()
        self._since_checkpoint = 0
        self._thread = threading.Thread(target=self._run, name="signaltui-store", daemon=True)
        self._thread.start()

    async def write(self, prepared: SentRows) -> tuple[int, int]:
        """Store ``prepared`` (see :meth:`Store.write_sent`); returns once committed.

        Written at once, on the caller's thread, when nothing else is writing (the
        usual case: a commit in WAL mode is a few appends to the WAL file, cheaper
        than handing over to a thread and back); otherwise handed to the writer
        thread, so the event loop never waits for a lock.
        """
        try:
            stored = self.store.write_sent(prepared, wait=False)
        except WouldWait:
            pass
        else:
            self._committed(1)
            return stored
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[int, int]] = loop.create_future()
        self._queue.put((prepared, loop, future))
        return await future

    def close(self) -> None:
        """Write what is queued, then end the thread (and give the checkpoints back)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._checkpointed is not None:
            self._checkpointed = None
            self.store.take_back_checkpoints()

    def _committed(self, count: int) -> None:
        """Count ``count`` deliveries committed; every so often, ask for a checkpoint."""
        if self._checkpointed is None:
            return
        self._since_checkpoint += count
        if self._since_checkpoint >= CHECKPOINT_EVERY:
            self._since_checkpoint = 0
            self._queue.put(_CHECKPOINT)

    def _run(self) -> None:
        checkpointer: sqlite3.Connection | None = None
        try:
            while (item := self._queue.get()) is not None:
                if isinstance(item, str):
                    checkpointer = _checkpoint(checkpointer, self._checkpointed)
                    continue
                group = [item]
                stop = checkpoint = False
                while len(group) < GROUP_LIMIT:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        stop = True
                        break
                    if isinstance(more, str):
                        checkpoint = True
                        continue
                    group.append(more)
                self._commit(group)
                if checkpoint:
                    checkpointer = _checkpoint(checkpointer, self._checkpointed)
                if stop:
                    return
        finally:
            if checkpointer is not None:
                checkpointer.close()

    def _commit(self, group: list[_Item]) -> None:
        try:
            ids = self.store.write_sent_many([prepared for prepared, _, _ in group])
        except BaseException as error:  # the caller gets it; this thread must live on
            if len(group) == 1:
                _, loop, future = group[0]
                _settle(loop, future, None, error)
                return
            for item in group:  # the group rolled back whole: one transaction each
                self._commit([item])
            return
        for (_, loop, future), stored in zip(group, ids, strict=True):
            _settle(loop, future, stored, None)
        self._committed(len(group))


def _checkpoint(conn: sqlite3.Connection | None, path: str | None) -> sqlite3.Connection | None:
    """A passive checkpoint of ``path`` (it never blocks a writer or waits for one) on
    ``conn``, opened here on first use; returns the connection. A checkpoint that fails
    leaves the WAL to the next one, as SQLite's automatic ones do."""
    if path is None:
        return conn
    try:
        conn = conn or sqlite3.connect(path, timeout=0)
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    except sqlite3.Error:
        pass
    return conn


def _settle(
    loop: asyncio.AbstractEventLoop,
    future: asyncio.Future[tuple[int, int]],
    result: tuple[int, int] | None,
    error: BaseException | None,
) -> None:
    def settle() -> None:
        if future.done():  # the caller was cancelled (an interrupt): nobody waits
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
        loop.call_soon_threadsafe(settle)
