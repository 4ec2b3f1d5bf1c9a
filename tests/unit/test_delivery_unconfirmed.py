"""A 2xx whose answer names no record id: the client looks the lead up, never re-sends."""

from __future__ import annotations

import httpx
import pytest

from signaltui.delivery.lookup import created_id
from tests.unit.test_delivery_client import Harness, route
from tests.unit.test_delivery_lookups import CREATED, FOUND, FOUND_ID

NO_ID = {
    "close": httpx.Response(200, json={"name": "Acme", "contacts": []}),
    "outreach": httpx.Response(201, json={"data": {"type": "prospect", "attributes": {}}}),
    "apollo": httpx.Response(200, json={"contact": {"email": "jane@acme.com"}, "labels": []}),
}


def _malformed(status: int) -> httpx.Response:
    return httpx.Response(
        status, content=b'{"contact": {"id": "64f', headers={"content-type": "application/json"}
    )


@pytest.mark.parametrize("destination", ["close", "outreach", "apollo"])
@pytest.mark.parametrize("answer", ["no_id", "malformed"])
async def test_a_2xx_without_id_is_looked_up_and_delivered_as_the_record_found(
    destination: str, answer: str
) -> None:
    h = Harness()
    status = 201 if destination == "outreach" else 200
    reply = NO_ID[destination] if answer == "no_id" else _malformed(status)
    create = route(h, destination).mock(side_effect=[reply, CREATED[destination]])
    h.lookups[destination].mock(return_value=httpx.Response(200, json=FOUND[destination]))
    result = await h.deliver(destination)
    assert result.outcome == "delivered"
    assert create.call_count == 1  # the CRM said it took it: never sent twice
    assert [a.kind for a in result.attempts] == ["send", "lookup"]
    assert result.hint and "carried no record id" in result.hint
    assert FOUND_ID[destination] in result.hint


@pytest.mark.parametrize("destination", ["close", "outreach", "apollo"])
async def test_not_found_stays_delivered_and_is_not_sent_again(destination: str) -> None:
    h = Harness()
    create = route(h, destination).mock(side_effect=[NO_ID[destination], CREATED[destination]])
    result = await h.deliver(destination)  # the harness's look-ups find nothing
    assert result.outcome == "delivered"
    assert result.reason and result.reason.endswith("_without_id")
    assert create.call_count == 1
    assert result.hint and "did not find it" in result.hint
    # The exchange kept is the create and its own answer, not the look-up's.
    assert result.request is not None and result.request.method == "POST"
    assert result.response is not None and result.response.status in (200, 201)


@pytest.mark.parametrize("destination", ["close", "outreach", "apollo"])
async def test_an_answer_with_its_id_needs_no_look_up(destination: str) -> None:
    h = Harness()
    route(h, destination).mock(return_value=CREATED[destination])
    result = await h.deliver(destination)
    assert result.outcome == "delivered" and result.hint is None
    assert [a.kind for a in result.attempts] == ["send"]
    assert h.lookups[destination].call_count == 0


def test_created_id_reads_each_crms_success_shape() -> None:
    assert created_id("apollo", {"contact": {"id": "c1"}}) == "c1"
    assert created_id("outreach", {"data": {"id": 7}}) == "7"
    assert created_id("close", {"id": "lead_1"}) == "lead_1"
    assert created_id("close", '{"id": "lead_1"') is None  # unreadable text
    assert created_id("apollo", {"id": "c1"}) is None  # Apollo's id sits in contact
    assert created_id("outreach", {"data": {"id": True}}) is None
