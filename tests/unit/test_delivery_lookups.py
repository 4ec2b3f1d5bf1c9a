"""Safe retries: after an ambiguous failure the client looks before it sends again."""

from __future__ import annotations

import httpx
import pytest

from signaltui.delivery.outcomes import RECOVERED_NOTE
from tests.unit.test_delivery_client import REQUESTS, Harness, route, sends

LOST = httpx.RemoteProtocolError("Server disconnected without sending a response.")
EMAIL = "jane@acme.com"

FOUND = {
    "close": {"data": [{"id": "lead_abc", "contacts": [{"emails": [{"email": EMAIL}]}]}]},
    "outreach": {"data": [{"type": "prospect", "id": 42, "attributes": {"emails": [EMAIL]}}]},
    "apollo": {"contacts": [{"id": "64f0c0ffee0000000000abcd", "email": EMAIL}]},
}
FOUND_ID = {"close": "lead_abc", "outreach": "42", "apollo": "64f0c0ffee0000000000abcd"}
CREATED = {
    "close": httpx.Response(200, json={"id": "lead_new"}),
    "outreach": httpx.Response(201, json={"data": {"id": 7}}),
    "apollo": httpx.Response(200, json={"contact": {"id": "c1"}}),
}
DUPLICATE = {
    "errors": [
        {
            "id": "validationError",
            "source": {"pointer": "/data"},
            "title": "Validation Error",
            "detail": "Contacts email hash has already been taken.",
        }
    ]
}


@pytest.mark.parametrize("destination", ["close", "outreach", "apollo"])
@pytest.mark.parametrize(
    "failure", [LOST, httpx.ReadTimeout("timed out"), httpx.Response(504), httpx.Response(502)]
)
async def test_found_after_a_lost_answer_is_delivered_without_a_second_create(
    destination: str, failure: object
) -> None:
    h = Harness()
    create = route(h, destination).mock(side_effect=[failure, CREATED[destination]])
    h.lookups[destination].mock(return_value=httpx.Response(200, json=FOUND[destination]))
    result = await h.deliver(destination)
    assert result.outcome == "delivered"
    assert create.call_count == 1  # never sent twice
    assert [a.kind for a in result.attempts] == ["send", "lookup"]
    assert result.attempts[1].note == f"found {FOUND_ID[destination]}"
    assert result.hint and result.hint.startswith(RECOVERED_NOTE)
    assert FOUND_ID[destination] in result.hint
    # The exchange kept is the create that was planned; the answer is the look-up's.
    assert result.request is not None and result.request.method == "POST"
    assert result.request.url == REQUESTS[destination].url


@pytest.mark.parametrize("destination", ["close", "outreach", "apollo"])
async def test_not_found_is_sent_again(destination: str) -> None:
    h = Harness()
    create = route(h, destination).mock(side_effect=[LOST, CREATED[destination]])
    result = await h.deliver(destination)
    assert result.outcome == "delivered" and result.hint is None
    assert create.call_count == 2
    assert [a.kind for a in result.attempts] == ["send", "lookup", "send"]
    assert result.attempts[1].note == f"no record for {EMAIL}: sending again"


async def test_a_search_hit_with_another_email_is_not_found() -> None:
    h = Harness()
    route(h, "close").mock(side_effect=[LOST, CREATED["close"]])
    other = {"data": [{"id": "lead_x", "contacts": [{"emails": [{"email": "jane@acme.co"}]}]}]}
    h.lookups["close"].mock(return_value=httpx.Response(200, json=other))
    result = await h.deliver("close")
    assert result.hint is None and len(sends(result)) == 2


async def test_the_lookup_query_names_the_email() -> None:
    h = Harness()
    route(h, "outreach").mock(side_effect=[LOST, CREATED["outreach"]])
    route(h, "close").mock(side_effect=[LOST, CREATED["close"]])
    route(h, "apollo").mock(side_effect=[LOST, CREATED["apollo"]])
    for destination in ("outreach", "close", "apollo"):
        await h.deliver(destination)
    outreach = h.lookups["outreach"].calls.last.request
    assert outreach.url.params["filter[emails]"] == EMAIL
    assert outreach.headers["content-type"] == "application/vnd.api+json"
    close = h.lookups["close"].calls.last.request
    assert close.url.params["query"] == f'email:"{EMAIL}"'
    apollo = h.lookups["apollo"].calls.last.request
    assert apollo.method == "POST" and b'"q_keywords":"jane@acme.com"' in apollo.content


async def test_a_failed_lookup_is_retried_instead_of_a_blind_resend() -> None:
    h = Harness(max_attempts=4)
    create = route(h, "apollo").mock(side_effect=[LOST, CREATED["apollo"]])
    h.lookups["apollo"].mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=FOUND["apollo"])]
    )
    result = await h.deliver("apollo")
    assert result.outcome == "delivered" and create.call_count == 1
    assert [a.kind for a in result.attempts] == ["send", "lookup", "lookup"]


async def test_one_more_look_before_dead_lettering_finds_what_was_created() -> None:
    h = Harness(max_attempts=2)
    create = route(h, "close").mock(side_effect=[LOST, LOST])
    h.lookups["close"].mock(
        side_effect=[
            httpx.Response(200, json={"data": []}),
            httpx.Response(200, json=FOUND["close"]),
        ]
    )
    result = await h.deliver("close")
    assert create.call_count == 2
    assert result.outcome == "delivered" and RECOVERED_NOTE in (result.hint or "")
    assert [a.kind for a in result.attempts] == ["send", "lookup", "send", "lookup"]


async def test_outreach_duplicate_422_on_our_own_retry_is_delivered() -> None:
    h = Harness()
    route(h, "outreach").mock(side_effect=[LOST, httpx.Response(422, json=DUPLICATE)])
    # The look-up cannot answer (an old server without the read endpoint).
    h.lookups["outreach"].mock(return_value=httpx.Response(404, json={"errors": []}))
    result = await h.deliver("outreach")
    assert result.outcome == "delivered"
    assert result.hint and result.hint.startswith(RECOVERED_NOTE)
    assert result.attempts[-1].note == "duplicate of our own earlier try, whose answer was lost"
    assert result.attempts[1].note == "look-up not possible (HTTP 404): sending again"


async def test_outreach_duplicate_422_on_a_first_attempt_stays_rejected() -> None:
    h = Harness()
    route(h, "outreach").mock(return_value=httpx.Response(422, json=DUPLICATE))
    result = await h.deliver("outreach")
    assert result.outcome == "rejected" and result.reason == "http_422"


async def test_outreach_duplicate_after_a_refused_connection_stays_rejected() -> None:
    # A refused connection never reached Outreach: the 422 is somebody else's prospect.
    h = Harness()
    refused = httpx.ConnectError("connection refused")
    route(h, "outreach").mock(side_effect=[refused, httpx.Response(422, json=DUPLICATE)])
    result = await h.deliver("outreach")
    assert result.outcome == "rejected"
    assert [a.kind for a in result.attempts] == ["send", "send"]


async def test_look_first_finds_without_sending() -> None:
    h = Harness()
    create = route(h, "close").mock(return_value=CREATED["close"])
    h.lookups["close"].mock(return_value=httpx.Response(200, json=FOUND["close"]))
    async with h.client() as client:
        result = await client.deliver(
            REQUESTS["close"], "close", target_label="live", look_first=True
        )
    assert result.outcome == "delivered" and create.call_count == 0
    assert [a.kind for a in result.attempts] == ["lookup"]


async def test_lookup_401_refreshes_the_outreach_token_and_looks_again() -> None:
    h = Harness()
    route(h, "outreach").mock(side_effect=[LOST, CREATED["outreach"]])
    h.lookups["outreach"].mock(
        side_effect=[httpx.Response(401), httpx.Response(200, json=FOUND["outreach"])]
    )
    result = await h.deliver("outreach")
    assert result.outcome == "delivered"
    assert [a.kind for a in result.attempts] == ["send", "lookup", "lookup"]
