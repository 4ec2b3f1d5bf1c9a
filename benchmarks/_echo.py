"""A target that echoes the credentials back, and a scan for them afterwards.

Close's ``Authorization: Basic base64(key:)`` comes back in the JSON body and in a
response header; Apollo's ``X-Api-Key`` comes back in a plain-text error, raw and
URL-encoded. The scan looks for every encoding of both keys in the store files,
``send --json`` and ``events show``.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, quote_plus

from _hardening import cli

CLOSE_KEY = "api_Bench+Echo/Close=9"
APOLLO_KEY = "apollo-bench-echo-key"
EVENT = {"type": "track", "event": "Demo Requested", "userId": "echo-1",
         "traits": {"firstName": "Eko", "lastName": "Back", "email": "echo@example.test"},
         "context": {"consent": {"marketing": True}}}  # fmt: skip


def forms(secret: str) -> set[str]:
    """Every spelling of ``secret`` a target can send back."""
    return {secret, quote(secret, safe=""), quote_plus(secret),
            base64.b64encode(f"{secret}:".encode()).decode(),
            base64.b64encode(secret.encode()).decode()}  # fmt: skip


class _Echo(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        key = self.headers.get("X-Api-Key", "")
        if key:
            body = f"invalid api key {key} ({quote(key, safe='')})".encode()
            self._answer(401, "text/plain", body, {})
            return
        auth = self.headers.get("Authorization", "")
        decoded = base64.b64decode(auth.split(" ", 1)[-1] or "").decode(errors="replace")
        body = json.dumps({"id": "lead_echo", "seen": auth, "user": decoded}).encode()
        self._answer(200, "application/json", body, {"X-Echo": auth})

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


@contextmanager
def echo_server() -> Iterator[str]:
    """The echo target on a free loopback port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def echo_scan(db: Path) -> tuple[int, str]:
    """Send one lead to Close and Apollo on the echo target; count leaked key spellings."""
    needles = forms(CLOSE_KEY) | forms(APOLLO_KEY)
    events = db.with_suffix(".events.json")
    events.write_text(json.dumps(EVENT))
    previous = {name: os.environ.get(name) for name in ("SIGNALTUI_CLOSE_API_KEY",
                                                        "SIGNALTUI_APOLLO_API_KEY")}  # fmt: skip
    os.environ["SIGNALTUI_CLOSE_API_KEY"] = CLOSE_KEY
    os.environ["SIGNALTUI_APOLLO_API_KEY"] = APOLLO_KEY
    try:
        with echo_server() as url:
            sent = cli("--db", str(db), "send", str(events), "-d", "close,apollo", "-t", url,
                       "--json")  # fmt: skip
        ids = [json.loads(line)["delivery_id"] for line in sent.output.splitlines()
               if line.startswith("{")]  # fmt: skip
        shown = "".join(cli("--db", str(db), "events", "show", str(i)).output for i in ids)
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    stored = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    hits = sum(n in sent.output for n in needles) + sum(n in shown for n in needles)
    hits += sum(n.encode() in stored for n in needles)
    if len(ids) != 2:
        raise SystemExit(f"the echo send did not run: {sent.output[-500:]}")
    return hits, f"{len(ids)} deliveries' store files, send --json and events show"
