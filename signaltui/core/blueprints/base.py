"""What a destination blueprint is: its mapped events, endpoint, auth and body builder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from signaltui.core.fields import FieldBuilder
from signaltui.core.request import AuthScheme, Destination


@dataclass(frozen=True)
class BuiltBody:
    """A body, or the drop reason (and its detail) that stopped it from being built."""

    body: dict[str, Any] | None
    drop_reason: str | None = None
    drop_detail: str | None = None


@dataclass(frozen=True)
class Blueprint:
    """One destination's default mapping, as its spec describes it."""

    destination: Destination
    mapped_events: tuple[str, ...]
    method: str
    path: str
    auth: AuthScheme
    headers: dict[str, str]
    build: Callable[[FieldBuilder], BuiltBody]
    #: Per-event extras (e.g. Outreach's tag), keyed by event name.
    event_options: dict[str, str] = field(default_factory=dict)

    def maps(self, event_name: str) -> bool:
        """Whether ``event_name`` is one this destination delivers."""
        return event_name in self.mapped_events
