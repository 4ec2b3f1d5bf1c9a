"""Faithful local stand-ins for the Apollo, Outreach and Close APIs (docs/mock-crms.md).

``create_app`` builds one ASGI app serving all three at their real paths; ``mock_transport``
runs it in process behind httpx; ``serve_in_thread`` / ``run_server`` put it on a loopback
port. ``FAULT_PROFILES`` names the misbehaviours it can put on; ``parse_limits`` reads a
``--limits`` value (``on``, ``off``, ``scale:F``). The mocks enforce each CRM's real rate
limits by default; docs/mock-crms.md describes every path, limit and fault.
"""

from signaltui.mock.app import create_app, get_mock_state
from signaltui.mock.faults import FAULT_PROFILES
from signaltui.mock.limits import parse_limits
from signaltui.mock.state import MockSettings, MockState
from signaltui.mock.transport import mock_transport

__all__ = [
    "FAULT_PROFILES",
    "MockSettings",
    "MockState",
    "create_app",
    "get_mock_state",
    "mock_transport",
    "parse_limits",
]
