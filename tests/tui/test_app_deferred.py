"""History: ctrl+d re-sends the deferred deliveries that are due, through the service."""

from __future__ import annotations

from textual.widgets import DataTable

from signaltui.store import Store
from tests.integration.test_deferred import FUTURE, PAST, _store_deferred
from tests.tui.conftest import wait_until


async def test_ctrl_d_in_history_resends_due_deferred(make_app, settings) -> None:
    with Store.open(settings.db) as store:
        due = _store_deferred(store, "mock", PAST)
        _store_deferred(store, "mock", FUTURE)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        history = app.query_one("#history-table", DataTable)
        await wait_until(pilot, lambda: history.row_count == 2)
        await pilot.press("ctrl+d")
        await wait_until(pilot, lambda: history.row_count == 3)
        messages = [n.message for n in app._notifications]
        assert any(
            "Re-sent 1 due deferred: 1 delivered; 1 not yet due" in m and FUTURE in m
            for m in messages
        )
    with Store.open(settings.db) as store:
        [follow_up] = store.list_deliveries(outcome="delivered")
        assert store.get_delivery(follow_up.id).replay_of == f"delivery-{due}"


def test_delivery_detail_attempts_show_lookups_and_what_they_found() -> None:
    from signaltui.delivery.outcomes import (
        AttemptRecord,
        DeliveryResult,
        RecordedRequest,
        RecordedResponse,
    )
    from signaltui.tui.render import attempts_view, outcome_line

    lookup = AttemptRecord(
        number=2,
        started_at=PAST,
        request=RecordedRequest(method="GET", url="http://127.0.0.1:9/api/v1/lead/?query=q"),
        response=RecordedResponse(status=200),
        kind="lookup",
        note="found lead_abc",
    )
    send = lookup.model_copy(
        update={"number": 1, "kind": "send", "note": None, "response": None, "error": "lost"}
    )
    result = DeliveryResult(
        destination="close", target="mock", outcome="delivered", attempts=[send, lookup]
    )
    text = attempts_view(result).plain
    assert "#1 GET" in text and "→ lost" in text
    assert (
        "#2 look-up GET http://127.0.0.1:9/api/v1/lead/?query=q → HTTP 200 (found lead_abc)" in text
    )
    deferred = result.model_copy(update={"outcome": "deferred", "retry_at": FUTURE})
    assert f"due {FUTURE}" in outcome_line(deferred).plain
