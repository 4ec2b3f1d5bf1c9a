"""The send path's shortcuts do no less than the long way: each is checked against it.

A look-up request is built only when a look-up is made; a result scrubbed by the session
is not scrubbed again by the store unless the store knows more secrets; orjson encodes
what the store and the wire write with the standard library's exact bytes; a write that
did not wait leaves the busy timeout for the next operation that may wait.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from signaltui import fastjson
from signaltui.delivery import attempts as attempts_module
from signaltui.delivery.outcomes import DeliveryResult, RecordedRequest, RecordedResponse
from signaltui.delivery.wire import encode_body, record_response
from signaltui.recordings.redact import scrub_result
from signaltui.replay.results import ExchangeResult
from signaltui.store import Store, sent
from signaltui.store.jsontext import _C_ENCODER, dumps
from signaltui.store.samples import sample_event, sample_result
from tests.unit.test_delivery_client import Harness, route
from tests.unit.test_delivery_lookups import CREATED, FOUND, LOST

SECRET = "sk-live-echoed-0123456789"


def _counting_lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    built: list[str] = []
    real = attempts_module.lookup_request

    def counted(destination, create):  # type: ignore[no-untyped-def]
        built.append(destination)
        return real(destination, create)

    monkeypatch.setattr(attempts_module, "lookup_request", counted)
    return built


@pytest.mark.parametrize("destination", ["close", "outreach", "apollo"])
async def test_a_plain_delivery_builds_no_look_up_request(
    destination: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _counting_lookups(monkeypatch)
    h = Harness()
    route(h, destination).mock(return_value=CREATED[destination])
    result = await h.deliver(destination)
    assert result.outcome == "delivered" and [a.kind for a in result.attempts] == ["send"]
    assert built == []


@pytest.mark.parametrize("destination", ["close", "outreach", "apollo"])
async def test_a_lost_answer_still_builds_the_look_up_once_and_looks(
    destination: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _counting_lookups(monkeypatch)
    h = Harness()
    create = route(h, destination).mock(side_effect=[LOST, CREATED[destination]])
    h.lookups[destination].mock(return_value=httpx.Response(200, json=FOUND[destination]))
    result = await h.deliver(destination)
    assert result.outcome == "delivered" and create.call_count == 1
    assert [a.kind for a in result.attempts] == ["send", "lookup"]
    assert built == [destination]


def _echoing(result: DeliveryResult, secret: str) -> DeliveryResult:
    """``result`` with its answer echoing ``secret`` (a target may do that)."""
    last = result.attempts[-1]
    assert last.response is not None
    response = last.response.model_copy(update={"body": {"echo": secret}})
    attempt = last.model_copy(update={"response": response})
    return result.model_copy(update={"response": response, "attempts": [attempt]})


def test_the_store_scrubs_again_a_secret_the_caller_did_not_scrub(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        store.add_secrets(["caller-secret", SECRET])
        result = _echoing(sample_result("close", "delivered"), SECRET)
        event = sample_event()
        rows = store.prepare_sent(
            event, event, {"action": "deliver"}, result, mode="send",
            scrubbed_of=("caller-secret",),
        )  # fmt: skip
        store.write_sent(rows)
        stored = b"".join(p.read_bytes() for p in tmp_path.glob("s.db*"))
    assert SECRET.encode() not in stored


def test_a_result_scrubbed_of_every_store_secret_is_not_scrubbed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(sent, "scrub_result", lambda result, secrets: calls.append(1) or result)
    with Store.open(tmp_path / "s.db") as store:
        store.add_secrets([SECRET])
        result = scrub_result(_echoing(sample_result("close", "delivered"), SECRET), [SECRET])
        event = sample_event()
        store.prepare_sent(event, event, None, result, mode="send", scrubbed_of=(SECRET, "another"))
        assert calls == []
        store.prepare_sent(event, event, None, result, mode="send")
        assert calls == [1]


def test_scrub_result_finds_a_secret_in_a_final_exchange_of_its_own() -> None:
    # The final request/response are looked at once when they are the last attempt's;
    # when they are not, they are looked at too.
    result = sample_result("close", "delivered")
    echoed = RecordedResponse(status=200, body={"echo": SECRET})
    own = result.model_copy(update={"response": echoed})
    assert SECRET in own.model_dump_json()
    assert SECRET not in scrub_result(own, [SECRET]).model_dump_json()
    shared = _echoing(result, SECRET)
    assert SECRET not in scrub_result(shared, [SECRET]).model_dump_json()


VALUES = [
    {"a": [1, "é", None, True, {"b": '\u2028\x00\x1f"\\/'}]},
    {"big": 2**64, "neg": -(2**63) - 1},  # past orjson's 64 bits
    {"f": 1e-05, "g": [1.5e-07, 0.1]},  # floats: orjson spells them otherwise
    {1: "int key", None: "null key"},
    {"lone": "\ud800"},
    ("tuple", ["nested", ("deeper",)]),
    "😀 text",
]


@pytest.mark.parametrize("value", VALUES)
def test_the_stores_json_is_the_standard_librarys(value: object) -> None:
    assert dumps(value) == "".join(_C_ENCODER(value, 0))


@pytest.mark.parametrize("value", [v for v in VALUES if v != {"lone": "\ud800"}])
def test_the_sent_body_is_the_standard_librarys_bytes(value: object) -> None:
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    assert encode_body(value) == expected


def test_fastjson_defers_to_json_for_what_orjson_spells_otherwise() -> None:
    pytest.importorskip("orjson")
    assert fastjson.encode({"a": ["b", 1, None]}) == b'{"a":["b",1,null]}'
    for value in ({"f": 0.5}, {"i": 2**70}, {2: "x"}):
        assert fastjson.encode(value) is None


def test_the_recorded_answer_headers_are_httpxs_joined_lower_case_ones() -> None:
    raw = [("Content-Type", "application/json"), ("Set-Cookie", "a=1"), ("X-Rep", "1")]
    raw.append(("x-rep", "2"))
    response = httpx.Response(200, headers=raw, content=b'{"id": "x"}')
    given = record_response(response, 1.0, dict(response.headers.items()))
    assert given == record_response(response, 1.0)
    assert given.headers == {**dict(response.headers), "set-cookie": "***"}
    assert given.body == {"id": "x"}


def test_a_write_that_did_not_wait_leaves_the_timeout_for_the_next_that_may(
    tmp_path: Path,
) -> None:
    def timeout(store: Store) -> int:
        return int(store.db.conn.execute("PRAGMA busy_timeout").fetchone()[0])

    with Store.open(tmp_path / "s.db", busy_timeout=2.5) as store:
        event = sample_event()
        rows = store.prepare_sent(event, event, None, sample_result(), mode="send")
        store.write_sent(rows, wait=False)
        assert timeout(store) == 0  # left for the next write that does not wait
        store.write_sent(rows, wait=False)
        assert store.list_events(limit=5)  # a read may wait again
        assert timeout(store) == 2500
        store.write_sent(rows, wait=False)
        store.write_sent(rows)  # so may a write that waits
        assert timeout(store) == 2500
        assert len(store.list_events(limit=10)) == 4


def test_replayed_json_is_built_from_the_send_result_when_asked() -> None:
    result = sample_result("close", "delivered")
    lazy = ExchangeResult("x", "close", "lead", "pass", "f:1", sent=result)
    assert lazy.replayed is None
    request = result.request
    assert isinstance(request, RecordedRequest) and result.response is not None
    expected = {
        "request": request.model_dump(mode="json"),
        "response": result.response.model_dump(mode="json"),
    }
    assert lazy.replayed_json() == expected
    given = ExchangeResult("x", "close", "lead", "pass", "f:1", replayed={"request": None})
    assert given.replayed_json() == {"request": None}


def test_the_cli_collects_garbage_again_after_start_up(tmp_path: Path) -> None:
    # entry() pauses the collector while the command is imported; main() turns it back
    # on with start-up's objects frozen. A CliRunner (no entry()) keeps its own setting.
    code = (
        "import atexit, gc, sys; "
        "atexit.register(lambda: print(gc.isenabled(), gc.get_freeze_count() > 0)); "
        "sys.argv = ['signaltui', 'replay', '--help']; "
        "from signaltui.cli import entry; entry()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "True True"


def test_a_plain_http_target_loads_no_ca_bundle_and_trusts_no_tls_peer() -> None:
    import ssl

    from signaltui.delivery.wire import tls_for

    context = tls_for("http://127.0.0.1:8765")
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0  # nothing trusted: TLS fails closed
    assert tls_for("HTTP://localhost:1") is not True
    assert tls_for("https://api.close.com") is True  # the CA bundle, as before
    assert tls_for(None) is True  # live: each request's own (https) URL
