"""Committing a send's deliveries: together on the event loop, or in a writer thread.

A commit costs about as much as the rest of a delivery's Python work: every index and
the full-text index the delivery touches is a page appended to the WAL, 20-odd pages
for one delivery. Deliveries finishing close together share most of those pages, so
they are committed together: a delivery that is done waits on the loop, for a few loop
rounds at most, for the others still on their way (:meth:`StoreWriter.expect`), then
the group is committed in one transaction. A lone delivery (the TUI's, ``send``'s, or
the last of a run) is committed at once: nothing else is coming.

Each awaiting caller resumes only once its delivery's transaction has committed, so
nothing is reported stored (or skipped by a resumed run) before it is on disk as far as
a killed process is concerned, and a run never has more deliveries sent but unstored
than it has deliveries in flight (``--concurrency``).

When another thread or process holds the write lock the group goes to one long-lived
writer thread instead, which waits for the lock while the loop carries on. (A thread-
pool call per delivery, the first way, cost more than the commit: two thread switches
and the pool thread fighting the loop for the GIL.) When a group fails, its deliveries
are written again one by one, so each caller gets its own delivery's outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from signaltui.store.base import WouldWait
from signaltui.store.sent import SentRows

if TYPE_CHECKING:
    from signaltui.store.store import Store

_Item = tuple[SentRows, asyncio.AbstractEventLoop, "asyncio.Future[tuple[int, int]]"]

#: Most deliveries committed in one transaction (bounds the time a reader waits).
GROUP_LIMIT = 64
#: Loop rounds a finished delivery waits for others still expected. A round runs
#: whatever is ready (responses already read) and polls the sockets once, so an idle
#: loop passes ten in well under a millisecond.
GATHER_ROUNDS = 10


class StoreWriter:
    """Writes for ``store``; :meth:`close` it when done (pending writes finish)."""

    def __init__(self, store: Store, *, gather_rounds: int = GATHER_ROUNDS) -> None:
        self.store = store
        self.gather_rounds = gather_rounds
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pending: list[_Item] = []
        self._expected = 0
        self._rounds_left = 0
        # The loop a group is being gathered on (None: none is): a loop closed while
        # gathering (an interrupt) must not leave the next loop's writes unscheduled.
        self._gathering_on: asyncio.AbstractEventLoop | None = None

    @contextlib.contextmanager
    def expect(self) -> Iterator[None]:
        """Around one delivery from its send to its :meth:`write`: while it is on its
        way, a group gathered on the loop waits for it (a few rounds at most)."""
        self._expected += 1
        try:
            yield
        finally:
            self._expected -= 1

    async def write(self, prepared: SentRows) -> tuple[int, int]:
        """Store ``prepared`` (see :meth:`Store.write_sent`); returns once committed.

        Committed on the loop with whatever else finishes meanwhile (see the module
        docstring), or by the writer thread when the store is busy elsewhere, so the
        event loop never waits for a lock.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[int, int]] = loop.create_future()
        self._pending.append((prepared, loop, future))
        if self._gathering_on is not loop:
            self._gathering_on = loop
            self._rounds_left = self.gather_rounds
            loop.call_soon(self._gather, loop)
        return await future

    def close(self) -> None:
        """Write what is pending or queued, then end the thread."""
        self._gathering_on = None
        if self._pending:  # the loop ended before its group was committed
            group, self._pending = self._pending, []
            self._commit(group, wait=True)
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def _gather(self, loop: asyncio.AbstractEventLoop) -> None:
        waiting = len(self._pending)
        if waiting < min(self._expected, GROUP_LIMIT) and self._rounds_left > 0:
            self._rounds_left -= 1
            loop.call_soon(self._gather, loop)
            return
        self._gathering_on = None
        group, self._pending = self._pending, []
        if not group:  # close() already committed them
            return
        stored: set[int] = set()
        try:
            self._commit(group, wait=False, stored=stored)
        except WouldWait:
            for item in group:
                self._hand_over(item)
        except (KeyboardInterrupt, SystemExit):
            # What this rolled back was sent, and nobody will be told: keep it for close().
            self._pending[:0] = [item for item in group if id(item) not in stored]
            raise

    def _hand_over(self, item: _Item) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="signaltui-store", daemon=True)
            self._thread.start()
        self._queue.put(item)

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
            self._commit(group, wait=True)  # tells each caller, whatever happens
            if stop:
                return

    def _commit(self, group: list[_Item], *, wait: bool, stored: set[int] | None = None) -> None:
        """Commit ``group`` in one transaction and tell each caller; on failure, one by
        one. Without ``wait``, raises :class:`WouldWait` (nothing written, nobody told)
        when the store is busy elsewhere. ``stored`` collects the ``id()`` of each item
        committed (for an interrupt half-way through the one-by-one writes)."""
        here = threading.current_thread() is not self._thread
        try:
            ids = self.store.write_sent_many([prepared for prepared, _, _ in group], wait=wait)
        except (WouldWait, KeyboardInterrupt, SystemExit):
            raise
        except Exception as error:
            if len(group) == 1:
                _, loop, future = group[0]
                _settle(loop, future, None, error, here=here)
                return
            for item in group:  # the group rolled back whole: one transaction each
                try:
                    self._commit([item], wait=wait, stored=stored)
                except WouldWait:
                    self._hand_over(item)
            return
        if stored is not None:
            stored.update(id(item) for item in group)
        for (_, loop, future), written in zip(group, ids, strict=True):
            _settle(loop, future, written, None, here=here)


def _settle(
    loop: asyncio.AbstractEventLoop,
    future: asyncio.Future[tuple[int, int]],
    result: tuple[int, int] | None,
    error: BaseException | None,
    *,
    here: bool,
) -> None:
    """Tell the caller awaiting ``future``; ``here``: on the loop's own thread."""

    def settle() -> None:
        if future.done():  # the caller was cancelled (an interrupt): nobody waits
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
        if here:
            settle()
        else:
            loop.call_soon_threadsafe(settle)
