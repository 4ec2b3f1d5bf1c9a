"""The send path's split write (prepare, then write) and the store's writer thread."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from signaltui.delivery.outcomes import DeliveryResult
from signaltui.errors import StoreError
from signaltui.store import Store
from signaltui.store.samples import sample_event, sample_result, stamp
from signaltui.store.writer import StoreWriter

SECRET = "sk-live-0123456789"


def _clock() -> datetime:
    return datetime(2026, 11, 22, 10, 0, 5, tzinfo=UTC)


def _rows(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    tables = ("events", "deliveries", "attempts", "events_fts")
    return {t: store.db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}


def _leaky(n: int) -> tuple[dict[str, Any], dict[str, Any], DeliveryResult]:
    """An event, a decision and a result that echo ``SECRET`` (as a target may)."""
    event = sample_event(first=f"Lead{n}", email=f"lead{n}@acme.com", message_id=f"m-{n}")
    merged = {**event, "traits": {**event.get("traits", {}), "plan": "pro"}}
    result = sample_result("close", "delivered", attempts=2, started=n)
    last = result.attempts[-1]
    assert last.response is not None
    echoed = last.response.model_copy(update={"body": {"id": f"lead_{n}", "echo": SECRET}})
    result = result.model_copy(
        update={
            "response": echoed,
            "attempts": [*result.attempts[:-1], last.model_copy(update={"response": echoed})],
        }
    )
    decision: dict[str, Any] = {
        "action": "deliver",
        "reason": None,
        "detail": f"key {SECRET}",
        "trace": [],
    }
    return event, merged, {"decision": decision, "result": result}  # type: ignore[return-value]


def test_record_sent_stores_what_the_single_writes_store(tmp_path: Path) -> None:
    with (
        Store.open(tmp_path / "one.db", clock=_clock) as split,
        Store.open(tmp_path / "two.db", clock=_clock) as single,
    ):
        for store in (split, single):
            store.add_secrets([SECRET])
        for n in range(3):
            event, merged, parts = _leaky(n)
            decision, result = parts["decision"], parts["result"]  # type: ignore[index]
            split.record_sent(
                event, merged, decision, result, mode="replay-send", received_at=stamp(n),
                exchange_key=f"k{n}", replay_of=f"k{n}",
            )  # fmt: skip
            event_id = single.record_event(event, merged, stamp(n))
            single.record_delivery(
                event_id, decision, result, mode="replay-send", exchange_key=f"k{n}",
                replay_of=f"k{n}", created_at=stamp(n),
            )  # fmt: skip
        assert _rows(split) == _rows(single)
        stored = repr(_rows(split))
        assert SECRET not in stored and "lead1@acme.com" in stored


def _prepared(store: Store, n: int, **extra: Any) -> Any:
    event, merged, parts = _leaky(n)
    return store.prepare_sent(
        event, merged, parts["decision"], parts["result"], mode="replay-send",  # type: ignore[index]
        exchange_key=f"k{n}", **extra,
    )  # fmt: skip


def statements_seen(store: Store) -> list[str]:
    """Every SQL statement ``store`` runs from now on, upper-cased (to count COMMITs)."""
    seen: list[str] = []
    store.db.conn.set_trace_callback(lambda sql: seen.append(sql.strip().upper()))
    return seen


@contextmanager
def _busy(store: Store) -> Iterator[None]:
    """The store's lock held by another thread meanwhile (as a TUI worker would)."""
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        with store._lock:
            held.set()
            done.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        yield
    finally:
        done.set()
        holder.join()


async def _write_held(store: Store, writer: StoreWriter, prepared: list[Any]) -> list[Any]:
    """Write ``prepared`` concurrently while another thread holds the store's lock, so
    each is handed to the writer thread, which finds them waiting together (a group)."""
    with _busy(store):
        tasks = [asyncio.create_task(writer.write(p)) for p in prepared]
        await asyncio.sleep(0.2)  # every task has queued its rows; the thread waits
        assert not any(task.done() for task in tasks)  # nothing written meanwhile
    return await asyncio.gather(*tasks, return_exceptions=True)


def test_the_writer_commits_waiting_deliveries_together_each_linked_to_its_event(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path / "s.db") as store:
        store.add_secrets([SECRET])
        prepared = [_prepared(store, n) for n in range(8)]
        seen = statements_seen(store)
        writer = StoreWriter(store)
        try:
            ids = asyncio.run(_write_held(store, writer, prepared))
        finally:
            writer.close()
        store.db.conn.set_trace_callback(None)
        assert seen.count("COMMIT") < len(prepared)  # grouped: fewer commits than rows
        for n, (event_id, delivery_id) in enumerate(ids):
            detail = store.get_delivery(delivery_id)
            assert detail.event_row.id == event_id
            assert detail.email == f"lead{n}@acme.com" and detail.exchange_key == f"k{n}"
            assert len(detail.attempts) == 2
        assert len({delivery for _, delivery in ids}) == len(prepared)


def test_a_failing_write_in_a_group_fails_alone(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        prepared = [_prepared(store, n) for n in range(5)]
        prepared[2] = _prepared(store, 2, event_id=9999)  # no such event: refused
        writer = StoreWriter(store)
        try:
            outcomes = asyncio.run(_write_held(store, writer, prepared))
        finally:
            writer.close()
        assert isinstance(outcomes[2], StoreError)
        good = [o for i, o in enumerate(outcomes) if i != 2]
        for n, (event_id, delivery_id) in zip((0, 1, 3, 4), good, strict=True):
            detail = store.get_delivery(delivery_id)
            assert detail.event_row.id == event_id and detail.email == f"lead{n}@acme.com"
        count = store.db.execute("SELECT count(*) FROM deliveries").fetchone()[0]
        assert count == 4


def test_another_process_writing_hands_the_write_to_the_thread(tmp_path: Path) -> None:
    """A write lock held by another connection (another process) does not stall the
    event loop: the write waits in the writer thread and lands once the lock is free."""
    with Store.open(tmp_path / "s.db") as store:
        other = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        writer = StoreWriter(store)
        ticks = 0

        async def main() -> tuple[int, int]:
            nonlocal ticks
            task = asyncio.create_task(writer.write(_prepared(store, 0)))
            for _ in range(10):  # the loop keeps running while the other holds the lock
                await asyncio.sleep(0.01)
                ticks += 1
            assert not task.done()
            other.execute("COMMIT")
            return await task

        try:
            event_id, delivery_id = asyncio.run(main())
        finally:
            writer.close()
            other.close()
        assert ticks == 10
        assert store.get_delivery(delivery_id).event_row.id == event_id


def test_close_writes_what_is_queued(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        writer = StoreWriter(store)

        async def hand_over() -> None:
            with _busy(store):
                pending = [
                    asyncio.ensure_future(writer.write(_prepared(store, n))) for n in range(3)
                ]
                await asyncio.sleep(0.1)
                assert not any(task.done() for task in pending)

        asyncio.run(hand_over())  # the loop ends without awaiting the writes
        writer.close()
        assert store.db.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 3


@pytest.mark.parametrize("secret", ["sk-live-0123456789", "a:b,c"])
def test_scrub_json_encoded_is_scrub_json_then_encode(secret: str) -> None:
    from signaltui.recordings.redact import scrub_json, scrub_json_encoded
    from signaltui.store.jsontext import dumps

    for value in (
        {"detail": f"key {secret}", "password": "x"},
        {"detail": "clean", "password": "x"},
        {"nested": [{"k": secret}], "n": 1},
    ):
        safe, text = scrub_json_encoded(value, [secret], dumps)
        assert safe == scrub_json(value, [secret]) and text == dumps(safe)
        assert secret not in text
