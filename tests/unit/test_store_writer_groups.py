"""Group commits on the event loop: deliveries finishing together share a transaction.

Counted in loop rounds and COMMIT statements, never in seconds: a round is one pass of
the loop, which a ticker task counts by yielding once per pass.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from signaltui.errors import StoreError
from signaltui.store import Store
from signaltui.store.samples import sample_event, sample_result
from signaltui.store.writer import GATHER_ROUNDS, StoreWriter
from tests.unit.test_store_writer import statements_seen


def _prepared(store: Store, n: int, **extra: Any) -> Any:
    event = sample_event(first=f"Lead{n}", email=f"lead{n}@acme.com", message_id=f"m-{n}")
    result = sample_result("close", "delivered", attempts=1, started=n)
    decision: dict[str, Any] = {"action": "deliver", "reason": None, "detail": None, "trace": []}
    return store.prepare_sent(
        event, event, decision, result, mode="replay-send", exchange_key=f"k{n}", **extra
    )


class Ticker:
    """Counts loop rounds while it runs (one increment per pass of the loop)."""

    def __init__(self) -> None:
        self.rounds = 0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            self.rounds += 1
            await asyncio.sleep(0)

    def start(self) -> None:
        self._task = asyncio.create_task(self._tick())

    def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()


def _abandon(task: asyncio.Task[Any]) -> None:
    """``task``'s loop is closed under it, as an interrupt leaves it; tell asyncio not
    to warn about it when it is garbage-collected."""
    task._log_destroy_pending = False  # type: ignore[attr-defined]


async def _expected_write(writer: StoreWriter, prepared: Any, rounds_before: int) -> Any:
    """One delivery as the session makes it: expected from its send, written after
    ``rounds_before`` loop rounds (its answer arriving)."""
    with writer.expect():
        for _ in range(rounds_before):
            await asyncio.sleep(0)
        return await writer.write(prepared)


def test_deliveries_finishing_together_share_one_commit_each_linked_to_its_event(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path / "s.db") as store:
        prepared = [_prepared(store, n) for n in range(4)]
        seen = statements_seen(store)
        writer = StoreWriter(store)

        async def main() -> list[Any]:
            # Each finishes one round after the one before: all within the rounds a
            # finished delivery waits for the others still on their way.
            return await asyncio.gather(
                *(_expected_write(writer, p, n) for n, p in enumerate(prepared))
            )

        try:
            ids = asyncio.run(main())
        finally:
            writer.close()
        store.db.conn.set_trace_callback(None)
        assert seen.count("COMMIT") == 1
        assert writer._thread is None  # committed on the loop, no thread needed
        for n, (event_id, delivery_id) in enumerate(ids):
            detail = store.get_delivery(delivery_id)
            assert detail.event_row.id == event_id
            assert detail.email == f"lead{n}@acme.com" and detail.exchange_key == f"k{n}"
        assert len({delivery for _, delivery in ids}) == 4


def test_a_lone_delivery_is_committed_at_once(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        writer = StoreWriter(store, gather_rounds=1000)
        ticker = Ticker()

        async def main() -> tuple[int, int]:
            ticker.start()
            stored = await _expected_write(writer, _prepared(store, 0), 0)
            ticker.stop()
            return stored

        try:
            event_id, delivery_id = asyncio.run(main())
        finally:
            writer.close()
        assert ticker.rounds <= 3  # nothing else was expected: no rounds spent waiting
        assert store.get_delivery(delivery_id).event_row.id == event_id


def test_a_group_waits_a_few_rounds_at_most_for_a_slow_delivery(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        writer = StoreWriter(store)
        ticker = Ticker()
        answered = asyncio.Event
        done_at: list[int] = []

        async def main() -> None:
            slow_answer = answered()
            ticker.start()

            async def slow() -> Any:
                with writer.expect():
                    await slow_answer.wait()  # a CRM that takes its time
                    return await writer.write(_prepared(store, 1))

            slow_task = asyncio.create_task(slow())
            await _expected_write(writer, _prepared(store, 0), 0)
            done_at.append(ticker.rounds)
            assert not slow_task.done()
            slow_answer.set()
            await slow_task
            ticker.stop()

        try:
            asyncio.run(main())
        finally:
            writer.close()
        assert done_at[0] <= GATHER_ROUNDS + 3  # waited its rounds, then committed alone
        assert store.db.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 2


def test_a_failing_delivery_in_a_loop_group_fails_alone(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        prepared = [_prepared(store, n) for n in range(5)]
        prepared[2] = _prepared(store, 2, event_id=9999)  # no such event: refused
        writer = StoreWriter(store)

        async def main() -> list[Any]:
            writes = (_expected_write(writer, p, 0) for p in prepared)
            return await asyncio.gather(*writes, return_exceptions=True)

        try:
            outcomes = asyncio.run(main())
        finally:
            writer.close()
        assert isinstance(outcomes[2], StoreError)
        for n in (0, 1, 3, 4):
            event_id, delivery_id = outcomes[n]
            detail = store.get_delivery(delivery_id)
            assert detail.event_row.id == event_id and detail.email == f"lead{n}@acme.com"
        assert store.db.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 4


def test_close_commits_a_group_the_loop_left_gathering(tmp_path: Path) -> None:
    """An interrupted run's loop may stop while a group waits for a delivery that will
    never come; those rows were sent, so closing the writer stores them."""
    with Store.open(tmp_path / "s.db") as store:
        writer = StoreWriter(store, gather_rounds=1000)
        loop = asyncio.new_event_loop()
        try:
            with writer.expect():  # another delivery still on its way, forever
                task = loop.create_task(_expected_write(writer, _prepared(store, 0), 0))
                for _ in range(3):
                    loop.run_until_complete(asyncio.sleep(0))
                assert store.db.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 0
                assert not task.done()
                _abandon(task)
        finally:
            loop.close()
        writer.close()
        assert store.db.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 1


def test_an_interrupt_during_the_commit_keeps_the_rows_for_close(tmp_path: Path) -> None:
    """Ctrl+C landing in the loop's commit rolls it back; the rows were sent, so they
    stay pending and closing the writer stores them."""
    with Store.open(tmp_path / "s.db") as store:
        writer = StoreWriter(store)
        original = store.write_sent_many
        interrupted: list[bool] = []

        def interrupt_once(rows: Any, *, wait: bool = True) -> Any:
            if not interrupted:
                interrupted.append(True)
                raise KeyboardInterrupt
            return original(rows, wait=wait)

        store.write_sent_many = interrupt_once  # type: ignore[method-assign,assignment]
        loop = asyncio.new_event_loop()
        try:
            task = loop.create_task(_expected_write(writer, _prepared(store, 0), 0))
            with contextlib.suppress(KeyboardInterrupt):
                loop.run_until_complete(task)
            assert interrupted and not task.done()
        finally:
            task.cancel()
            loop.run_until_complete(asyncio.sleep(0))
            loop.close()
        writer.close()
        assert store.db.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 1


def test_a_loop_closed_while_gathering_does_not_stall_the_next_loop(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        writer = StoreWriter(store, gather_rounds=1000)
        first = asyncio.new_event_loop()
        try:
            with writer.expect():  # a delivery that never comes keeps the group open
                task = first.create_task(_expected_write(writer, _prepared(store, 0), 0))
                first.run_until_complete(asyncio.sleep(0))
                assert not task.done()
                _abandon(task)
        finally:
            first.close()  # interrupted: its group was never committed

        async def next_run() -> tuple[int, int]:
            return await _expected_write(writer, _prepared(store, 1), 0)

        try:
            event_id, delivery_id = asyncio.run(asyncio.wait_for(next_run(), 10))
        finally:
            writer.close()
        assert store.get_delivery(delivery_id).event_row.id == event_id
        assert store.db.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 2


def test_an_interrupt_during_the_one_by_one_writes_keeps_only_the_unwritten(
    tmp_path: Path,
) -> None:
    """A group with a bad row is written again one by one; Ctrl+C half-way through
    keeps what was not yet written for close(), never what already was (no row twice)."""
    with Store.open(tmp_path / "s.db") as store:
        prepared = [_prepared(store, 0), _prepared(store, 1, event_id=9999), _prepared(store, 2)]
        writer = StoreWriter(store)
        original = store.write_sent_many
        calls: list[int] = []

        def interrupt_the_third(rows: Any, *, wait: bool = True) -> Any:
            calls.append(len(rows))
            if len(calls) == 3:  # the group, then row 0 alone, then row 1 alone
                raise KeyboardInterrupt
            return original(rows, wait=wait)

        store.write_sent_many = interrupt_the_third  # type: ignore[method-assign,assignment]
        loop = asyncio.new_event_loop()
        tasks = [loop.create_task(_expected_write(writer, p, 0)) for p in prepared]
        try:
            with contextlib.suppress(KeyboardInterrupt):
                loop.run_until_complete(asyncio.gather(*tasks))
            assert calls == [3, 1, 1]
            for task in tasks:
                task.cancel()
            with contextlib.suppress(BaseException):
                loop.run_until_complete(asyncio.gather(*tasks))
        finally:
            loop.close()
        writer.close()
        count = store.db.execute("SELECT count(*) FROM deliveries").fetchone()[0]
        keys = sorted(r[0] for r in store.db.execute("SELECT exchange_key FROM deliveries"))
        assert (count, keys) == (2, ["k0", "k2"])
