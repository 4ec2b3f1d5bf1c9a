"""Snapshots of each main tab at 120x40 (regenerate with ``--snapshot-update``).

Kept deterministic: a temp store seeded with fixed timestamps, the built-in sample
event, no running server (its port is random), nothing time- or path-dependent shown.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import RadioButton

from signaltui.core.events import Event, resolve_event
from signaltui.core.plan import plan
from signaltui.delivery.outcomes import (
    AttemptRecord,
    DeliveryResult,
    RecordedRequest,
    RecordedResponse,
)
from signaltui.store import Store
from signaltui.tui.samples import BUILTIN_SAMPLE

SIZE = (120, 40)


def seed_store(store: Store, settings: Any) -> None:
    """One delivered and one rejected Apollo delivery at fixed times."""
    resolved = resolve_event(Event.model_validate(BUILTIN_SAMPLE))
    decision = plan(resolved, "apollo", settings.mapping_config)
    contract = decision.request_contract()
    assert contract is not None
    request = RecordedRequest(**contract)
    for number, (status, outcome) in enumerate(((200, "delivered"), (422, "rejected")), 1):
        when = f"2026-11-22T10:0{number}:00.000Z"
        event_id = store.record_event(resolved.event.to_json(), resolved.merged_json(), when)
        response = RecordedResponse(status=status, body={"ok": status == 200}, latency_ms=12)
        result = DeliveryResult(
            destination="apollo",
            target="mock",
            outcome=outcome,  # type: ignore[arg-type]
            request=request,
            response=response,
            attempts=[AttemptRecord(number=1, started_at=when, request=request, response=response)],
        )
        store.record_delivery(
            event_id, decision.to_contract(), result, mode="send", created_at=when, finished_at=when
        )


@pytest.fixture
def app(make_app, settings):
    store = Store.open(settings.db)
    seed_store(store, settings)
    return make_app(store=store)


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.pause(0.2)
    await pilot.app.workers.wait_for_complete()
    # A blinking cursor is captured at a random phase; a steady one is the same every run.
    for widget in pilot.app.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause()


def test_compose(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=_settle)


@pytest.mark.parametrize("key", ["f3", "f5", "f6", "f7", "f8", "f1"])
def test_tab(snap_compare, app, key: str) -> None:
    async def show(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        await pilot.press(key)
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=show)


def test_send_live_banner(snap_compare, app) -> None:
    async def live(pilot: Pilot[Any]) -> None:
        await pilot.press("f4")
        pilot.app.query_one("#target-live", RadioButton).value = True
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=live)
