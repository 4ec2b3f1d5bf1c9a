"""The store masks known credential values in every delivery it writes, single or bulk."""

from __future__ import annotations

import base64

from signaltui.delivery.outcomes import (
    AttemptRecord,
    DeliveryResult,
    RecordedRequest,
    RecordedResponse,
)
from signaltui.store import Store
from signaltui.store.models import StoreItem
from tests.helpers import track

KEY = "api_store+scrub/key"
BASIC = base64.b64encode(f"{KEY}:".encode()).decode()


def echoed() -> DeliveryResult:
    request = RecordedRequest(method="POST", url="https://api.close.com/api/v1/lead/")
    response = RecordedResponse(
        status=400,
        headers={"x-echo": f"Basic {BASIC}"},
        body={"error": f"bad key {KEY}", "nested": [{"auth": BASIC}]},
    )
    attempt = AttemptRecord(
        number=1, started_at="2026-12-01T10:00:00.000Z", request=request, response=response,
        error=f"echoed {KEY}",
    )  # fmt: skip
    return DeliveryResult(
        destination="close", target="mock", outcome="rejected", hint=f"key {KEY} refused",
        request=request, response=response, attempts=[attempt],
    )  # fmt: skip


def assert_clean(store: Store, delivery_id: int) -> None:
    detail = store.get_delivery(delivery_id)
    text = detail.model_dump_json()
    assert KEY not in text and BASIC not in text
    assert detail.response.body == {"error": "bad key ***", "nested": [{"auth": "***"}]}
    assert detail.response.headers["x-echo"] == "Basic ***"
    assert detail.attempts[0].error == "echoed ***"


def test_a_single_write_is_scrubbed():
    event = track()
    decision = {"action": "deliver", "warnings": [f"odd key {KEY}"]}
    with Store.memory() as store:
        store.add_secrets([KEY])
        event_id = store.record_event(event, event)
        delivery_id = store.record_delivery(event_id, decision, echoed(), mode="send")
        assert_clean(store, delivery_id)
        assert store.get_delivery(delivery_id).decision["warnings"] == ["odd key ***"]


def test_a_bulk_write_is_scrubbed():
    event = track()
    item = StoreItem(event=event, merged=event, received_at="2026-12-01T10:00:00Z",
                     decision={"action": "deliver"}, result=echoed())  # fmt: skip
    with Store.memory() as store:
        store.add_secrets([KEY])
        store.record_many([item])
        assert_clean(store, store.list_deliveries()[0].id)


def test_without_known_secrets_nothing_is_masked():
    event = track()
    with Store.memory() as store:
        event_id = store.record_event(event, event)
        delivery_id = store.record_delivery(event_id, None, echoed(), mode="send")
        assert store.get_delivery(delivery_id).response.body["error"] == f"bad key {KEY}"
