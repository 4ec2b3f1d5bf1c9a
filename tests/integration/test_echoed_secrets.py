"""A target that echoes the credentials back must not get them into the store or output.

A loopback HTTP server answers every request by echoing what it received: Close's
``Authorization: Basic base64(key:)`` in the JSON body and in a response header, and
Apollo's key in a plain-text error, raw and URL-encoded. Afterwards no form of either
key may appear in the SQLite files, in ``send --json`` or in ``events show``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from click.testing import CliRunner

from signaltui.cli import main
from tests.helpers import loopback_http, track

CLOSE_KEY = "api_Echo+Me/Close=1"
APOLLO_KEY = "apollo-echo-key-7Q"


def forms(secret: str) -> set[str]:
    """Every way a credential can be spelled in what a target sends back."""
    return {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        base64.b64encode(f"{secret}:".encode()).decode(),
        base64.b64encode(secret.encode()).decode(),
    }


NEEDLES = forms(CLOSE_KEY) | forms(APOLLO_KEY)


class _Echo(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        auth = self.headers.get("Authorization", "")
        key = self.headers.get("X-Api-Key", "")
        if key:  # Apollo: a text error naming the key, raw and URL-encoded
            body = f"invalid api key {key} (as sent: {quote(key, safe='')})".encode()
            self._answer(401, "text/plain", body, {})
            return
        decoded = base64.b64decode(auth.split(" ", 1)[1]).decode()
        body = json.dumps({"id": "lead_1", "seen": auth, "user": decoded, "q": quote(decoded)})
        self._answer(200, "application/json", body.encode(), {"X-Echo": auth})

    def _answer(self, status: int, kind: str, body: bytes, extra: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo_url() -> Iterator[str]:
    with loopback_http(_Echo) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}"


def hits(text: str) -> list[str]:
    return sorted(needle for needle in NEEDLES if needle in text)


def test_echoed_credentials_reach_neither_store_nor_output(echo_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SIGNALTUI_CLOSE_API_KEY", CLOSE_KEY)
    monkeypatch.setenv("SIGNALTUI_APOLLO_API_KEY", APOLLO_KEY)
    events = tmp_path / "event.json"
    events.write_text(json.dumps(track()))
    db = tmp_path / "store.db"
    runner = CliRunner()
    sent = runner.invoke(
        main,
        ["--db", str(db), "send", str(events), "-d", "close,apollo", "-t", echo_url, "--json"],
        catch_exceptions=False,
    )
    lines = [json.loads(line) for line in sent.output.splitlines()]
    assert [line["outcome"] for line in lines] == ["delivered", "rejected"], sent.output
    # The echo arrived (masked), so the test really exercised the scrubber.
    assert lines[0]["response"]["body"]["seen"] == "Basic ***"
    assert lines[0]["response"]["headers"]["x-echo"] == "Basic ***"
    assert "invalid api key ***" in lines[1]["response"]["body"]
    assert hits(sent.output) == []

    shown = "".join(
        runner.invoke(main, ["--db", str(db), "events", "show", str(line["delivery_id"])]).output
        for line in lines
    )
    assert "***" in shown and hits(shown) == []
    listed = runner.invoke(main, ["--db", str(db), "events", "list", "--json"])
    assert listed.exit_code == 0 and len(listed.output.splitlines()) == 2
    assert hits(listed.output) == []
    stored = b"".join(p.read_bytes() for p in Path(tmp_path).glob("store.db*"))
    assert [n for n in NEEDLES if n.encode() in stored] == []


class _EchoInFieldErrors(_Echo):
    """Close's 400 whose field error quotes the key: the hint read from it is masked."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        decoded = base64.b64decode(self.headers["Authorization"].split(" ", 1)[1]).decode()
        body = json.dumps({"errors": [], "field-errors": {"name": f"not for {decoded}"}})
        self._answer(400, "application/json", body.encode(), {})


def test_a_hint_quoting_an_echoed_key_is_masked(tmp_path, monkeypatch):
    monkeypatch.setenv("SIGNALTUI_CLOSE_API_KEY", CLOSE_KEY)
    events = tmp_path / "event.json"
    events.write_text(json.dumps(track()))
    db = tmp_path / "store.db"
    with loopback_http(_EchoInFieldErrors) as server:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        sent = CliRunner().invoke(
            main, ["--db", str(db), "send", str(events), "-d", "close", "-t", url, "--json"]
        )
    (line,) = [json.loads(text) for text in sent.output.splitlines()]
    assert line["outcome"] == "rejected"
    assert line["hint"].startswith("Close refused the field name: not for ***:. Fix")
    assert hits(sent.output) == []
    stored = b"".join(p.read_bytes() for p in Path(tmp_path).glob("store.db*"))
    assert b"not for ***" in stored and [n for n in NEEDLES if n.encode() in stored] == []
