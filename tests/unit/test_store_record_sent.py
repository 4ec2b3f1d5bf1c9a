"""The send path's write: event and delivery in one transaction, off the event loop."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest

from signaltui.config import load_settings
from signaltui.core.events import resolve_event
from signaltui.core.plan import plan
from signaltui.errors import InputError
from signaltui.inputs import parse_events_text
from signaltui.service import DeliverySession
from signaltui.store import Store
from signaltui.store.samples import sample_event, sample_result, stamp
from signaltui.targets import Target
from tests.helpers import track


def _count(store: Store, table: str) -> int:
    return int(store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_record_sent_stores_event_delivery_and_attempts_in_one_commit(tmp_path: Path) -> None:
    commits: list[str] = []
    with Store.open(tmp_path / "s.db") as store:
        store.db.conn.set_trace_callback(
            lambda sql: commits.append(sql) if sql.strip().upper() == "COMMIT" else None
        )
        event = sample_event()
        result = sample_result("close", "delivered", attempts=2, started=1)
        event_id, delivery_id = store.record_sent(
            event, event, {"action": "deliver"}, result, mode="send", received_at=stamp(0)
        )
        store.db.conn.set_trace_callback(None)
        assert len(commits) == 1
        detail = store.get_delivery(delivery_id)
        assert detail.event_row.id == event_id and len(detail.attempts) == 2
        assert store.get_event(event_id).raw == event


def test_a_failed_delivery_write_leaves_no_event_behind(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        event = sample_event()
        with pytest.raises(InputError, match="needs a mode"):
            store.record_sent(event, event, None, sample_result("close", "delivered"), mode="")
        assert (_count(store, "events"), _count(store, "deliveries")) == (0, 0)
        # The store is usable afterwards (the nested transaction was unwound).
        store.record_sent(event, event, None, sample_result("close", "delivered"), mode="send")
        assert (_count(store, "events"), _count(store, "deliveries")) == (1, 1)


def test_record_sent_with_a_stored_event_adds_only_the_delivery(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        event = sample_event()
        first, _ = store.record_sent(
            event, event, None, sample_result("apollo", "dropped"), mode="send"
        )
        again, _ = store.record_sent(
            event, event, None, sample_result("close", "delivered"), mode="send", event_id=first
        )
        assert again == first
        assert (_count(store, "events"), _count(store, "deliveries")) == (1, 2)


def test_deliver_stores_the_delivery_before_returning(tmp_path: Path) -> None:
    """The delivery is committed when ``deliver`` returns (what a run reports done is
    stored); where it is written (the loop or the writer thread) is the writer's
    business, see tests/unit/test_store_writer.py."""
    settings = load_settings(db=tmp_path / "s.db", token_file=tmp_path / "t.json")
    resolved = resolve_event(parse_events_text(json.dumps(track()), source="t")[0])
    decision = plan(resolved, "close", settings.mapping_config)

    async def main() -> None:
        with Store.open(settings.db) as store:
            async with DeliverySession(settings, Target("mock"), store=store) as session:
                sent = await session.deliver(resolved, decision)
                assert sent.result.outcome == "delivered" and sent.delivery_id is not None
                with sqlite3.connect(settings.db) as conn:  # another connection sees it
                    count = conn.execute("SELECT count(*) FROM deliveries").fetchone()[0]
                assert count == 1

    asyncio.run(main())
    with sqlite3.connect(settings.db) as conn:
        assert conn.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 1
