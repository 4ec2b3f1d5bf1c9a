"""Small builders shared by the tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from signaltui.core.config import MappingConfig
from signaltui.core.decision import Decision
from signaltui.core.events import Event, resolve_stream
from signaltui.core.plan import plan
from signaltui.core.request import Destination
from signaltui.inputs import read_events

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def track(name: str = "Demo Requested", **overrides: Any) -> dict[str, Any]:
    """A consenting track event with a full set of traits, fields overridable."""
    event: dict[str, Any] = {
        "type": "track",
        "event": name,
        "userId": "user-1",
        "traits": {
            "firstName": "Jane",
            "lastName": "Doe",
            "email": "jane.doe@acme.com",
            "company": "Acme Inc",
            "title": "Head of Growth",
            "phone": "+44 7700 900123",
        },
        "properties": {},
        "context": {"consent": {"marketing": True}, "page": {"url": "https://example.com/c"}},
    }
    event.update(overrides)
    return event


def decide(
    event: dict[str, Any], destination: Destination, config: MappingConfig | None = None
) -> Decision:
    """Plan one event dict for one destination."""
    resolved = next(resolve_stream([Event.model_validate(event)]))
    return plan(resolved, destination, config or MappingConfig())


def decide_stream(
    events: list[dict[str, Any]], destination: Destination, config: MappingConfig | None = None
) -> list[Decision]:
    """Plan a whole stream of event dicts for one destination."""
    parsed = [Event.model_validate(e) for e in events]
    return [plan(r, destination, config or MappingConfig()) for r in resolve_stream(parsed)]


def fixture_decisions(
    name: str, destination: Destination, config: MappingConfig | None = None
) -> list[Decision]:
    """Plan a fixture file of events for one destination."""
    events = read_events(FIXTURES / "events" / name)
    return [plan(r, destination, config or MappingConfig()) for r in resolve_stream(events)]


@contextmanager
def loopback_http(handler: type[BaseHTTPRequestHandler]) -> Iterator[ThreadingHTTPServer]:
    """A plain ``http.server`` with ``handler`` on a free 127.0.0.1 port, in a thread.

    For targets no CRM mock would be: answers that echo credentials, hostile bodies.
    ``server.server_address[1]`` is the port.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
