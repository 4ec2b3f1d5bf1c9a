"""A target answering with bodies that cannot be kept as they are: send stores what arrived.

A real HTTP server on loopback accepts the request, then answers with a lone-surrogate
escape, JSON nested 100,000 levels deep, or 50 MB. The delivery is stored (text when the
JSON is not safe, cut at the documented size), ``send --json`` prints it, ``events show``
reads it back, and nothing raises.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from signaltui.cli import main
from signaltui.delivery.wire import CUT_NOTE
from signaltui.limits import MAX_STORED_BODY_BYTES
from signaltui.store import Store
from tests.helpers import loopback_http, track

BIG = 50 * 1024 * 1024
ANSWERS: dict[str, tuple[str, bytes]] = {
    "surrogate": ("application/json", b'{"id": "lead_1", "name": "\\ud800"}'),
    "deep": ("application/json", b"[" * 100_000 + b"]" * 100_000),
    "big": ("text/plain", b"x" * BIG),
    "big-json": ("application/json", b'{"id":"lead_1","pad":"' + b"y" * BIG + b'"}'),
}


class _Hostile(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        content_type, body = self.server.answer  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hostile() -> Iterator[ThreadingHTTPServer]:
    with loopback_http(_Hostile) as server:
        yield server


def _send(server: ThreadingHTTPServer, kind: str, tmp_path):
    server.answer = ANSWERS[kind]  # type: ignore[attr-defined]
    events = tmp_path / "event.json"
    events.write_text(json.dumps(track()))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    db = tmp_path / "store.db"
    args = ["--db", str(db), "send", str(events), "-d", "close", "-t", url, "--json"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    return result, db


@pytest.mark.parametrize("kind", ["surrogate", "deep"])
def test_unsafe_json_is_stored_as_the_text_that_arrived(hostile, tmp_path, kind):
    result, db = _send(hostile, kind, tmp_path)
    assert result.exit_code == 0, result.output[-2000:]
    printed = json.loads(result.output.splitlines()[0])
    assert printed["outcome"] == "delivered"
    assert printed["response"]["body"] == ANSWERS[kind][1].decode()
    with Store.open(db) as store:
        detail = store.get_delivery(printed["delivery_id"])
    assert detail.outcome == "delivered"
    assert detail.response.body == ANSWERS[kind][1].decode()
    # The answer carries no lead id, so a look-up followed it; the send kept the text.
    sent = [attempt for attempt in detail.attempts if attempt.kind == "send"]
    assert sent[-1].response.body == ANSWERS[kind][1].decode()


@pytest.mark.parametrize("kind", ["big", "big-json"])
def test_a_huge_answer_is_cut_at_the_documented_size(hostile, tmp_path, kind):
    result, db = _send(hostile, kind, tmp_path)
    assert result.exit_code == 0, result.output[-2000:]
    printed = json.loads(result.output.splitlines()[0])
    size = len(ANSWERS[kind][1])
    note = CUT_NOTE.format(kept=MAX_STORED_BODY_BYTES, received=size)
    expected = ANSWERS[kind][1][:MAX_STORED_BODY_BYTES].decode() + note
    assert printed["response"]["body"] == expected
    with Store.open(db) as store:
        detail = store.get_delivery(printed["delivery_id"])
    assert detail.outcome == "delivered" and detail.response.body == expected
    assert db.stat().st_size < 4 * MAX_STORED_BODY_BYTES + 1024 * 1024


def test_events_show_reads_the_stored_hostile_answer(hostile, tmp_path):
    result, db = _send(hostile, "surrogate", tmp_path)
    printed = json.loads(result.output.splitlines()[0])
    shown = CliRunner().invoke(
        main, ["--db", str(db), "events", "show", str(printed["delivery_id"])]
    )
    assert shown.exit_code == 0, shown.output
    assert "\\ud800" in shown.output and "Traceback" not in shown.output
