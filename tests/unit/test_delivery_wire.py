"""What goes on the wire and into records: auth headers, body, rebasing, redaction."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

import httpx
import pytest

from signaltui.config import Credentials
from tests.unit.test_delivery_client import APOLLO_KEY, CLOSE_KEY, REQUESTS, SECRETS, Harness, route


async def test_apollo_and_close_headers_on_the_wire() -> None:
    h = Harness()
    apollo = route(h, "apollo").mock(return_value=httpx.Response(200, json={}))
    close = route(h, "close").mock(return_value=httpx.Response(200, json={}))
    assert (await h.deliver("apollo")).ok
    assert (await h.deliver("close")).ok
    assert apollo.calls.last.request.headers["x-api-key"] == APOLLO_KEY
    expected = base64.b64encode(f"{CLOSE_KEY}:".encode()).decode()
    assert close.calls.last.request.headers["authorization"] == f"Basic {expected}"
    assert json.loads(close.calls.last.request.content) == REQUESTS["close"].body


async def test_missing_key_fails_without_sending() -> None:
    h = Harness()
    r = route(h).mock(return_value=httpx.Response(200))
    result = await h.deliver(credentials=Credentials())
    assert result.outcome == "failed"
    assert result.reason == "missing_credentials"
    assert "SIGNALTUI_APOLLO_API_KEY" in (result.hint or "")
    assert not r.called
    assert result.request is not None and result.request.headers["X-Api-Key"] == "***"


async def test_outreach_415_hint_names_the_content_type() -> None:
    h = Harness()
    route(h, "outreach").mock(return_value=httpx.Response(415, json={"errors": []}))
    result = await h.deliver("outreach")
    assert result.outcome == "rejected"
    assert "application/vnd.api+json" in (result.hint or "")


async def test_redirect_is_failed_not_followed() -> None:
    h = Harness()
    route(h).mock(return_value=httpx.Response(301, headers={"Location": "https://x.test/"}))
    result = await h.deliver()
    assert result.outcome == "failed" and result.reason == "http_301"


async def test_text_body_kept_as_text() -> None:
    h = Harness()
    text = "Invalid API key. See the docs."
    route(h).mock(return_value=httpx.Response(401, text=text))
    result = await h.deliver()
    assert result.response is not None and result.response.body == text


@pytest.mark.parametrize("destination", ["apollo", "outreach", "close"])
async def test_no_secret_in_any_record(destination: str) -> None:
    h = Harness()
    route(h, destination).mock(
        side_effect=[httpx.Response(500), httpx.Response(200, json={"ok": True})]
    )
    result = await h.deliver(destination)
    assert result.outcome == "delivered"
    dumped = result.model_dump_json()
    for secret in SECRETS:
        assert secret not in dumped
    headers = result.attempts[0].request.headers
    assert "***" in (headers.get("X-Api-Key") or headers.get("Authorization") or "")


async def test_body_and_content_type_on_the_wire() -> None:
    h = Harness()
    r = route(h, "outreach").mock(return_value=httpx.Response(201, json={}))
    await h.deliver("outreach")
    sent = r.calls.last.request
    assert sent.headers["content-type"] == "application/vnd.api+json"
    assert sent.content == b'{"data":{"type":"prospect","attributes":{"emails":["jane@acme.com"]}}}'


async def test_base_url_rebases_the_request() -> None:
    h = Harness()
    r = h.router.post("http://127.0.0.1:8765/api/v1/lead/").mock(
        return_value=httpx.Response(200, json={"id": "lead_1"})
    )
    result = await h.deliver("close", base_url="http://127.0.0.1:8765/")
    assert r.called
    assert result.request is not None
    assert result.request.url == "http://127.0.0.1:8765/api/v1/lead/"


async def test_unsendable_url_fails_cleanly() -> None:
    h = Harness()
    h.router.route(scheme="ftp").mock(side_effect=httpx.UnsupportedProtocol("no ftp"))
    async with h.client() as client:
        bad = replace(REQUESTS["apollo"], url="ftp://example.invalid/x")
        result = await client.deliver(bad, "apollo", target_label="live")
    assert result.outcome == "failed"
    assert result.reason == "transport_error"
    assert len(result.attempts) == 1 and result.attempts[0].error
