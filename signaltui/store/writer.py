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
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from typing import TYPE_CHECKING

from signaltui.store.base import WouldWait
from signaltui.store.sent import SentRows

if TYPE_CHECKING:
    from signaltui.store.store import Store

_Item = tuple[SentRows, asyncio.AbstractEventLoop, "asyncio.Future[tuple[int, int]]"]

#: Most deliveries committed in one transaction (bounds the time a reader waits).
GROUP_LIMIT = 64


class StoreWriter:
    """Writes for ``store``, and its writer thread; :meth:`close` it when done (pending
    writes finish)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
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
            return self.store.write_sent(prepared, wait=False)
        except WouldWait:
            pass
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[int, int]] = loop.create_future()
        self._queue.put((prepared, loop, future))
        return await future

    def close(self) -> None:
        """Write what is queued, then end the thread."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            group = [item]
            stop = False
            while len(group) < GROUP_LIMIT:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                group.append(more)
            self._commit(group)
            if stop:
                return

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
