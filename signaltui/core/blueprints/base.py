"""What a destination blueprint is: its mapped events, endpoint, auth and body builder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from signaltui.core.config import MappingConfig
from signaltui.core.decision import TraceRow
from signaltui.core.fields import EventFacts
from signaltui.core.request import AuthScheme, Destination


class BuiltBody(NamedTuple):
    """A body with its trace and warnings, or the drop reason (and detail) that stopped it.

    A named tuple: one is made per planned request, and it only carries values back.
    """

    body: dict[str, Any] | None
    trace: list[TraceRow]
    warnings: list[str]
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
    build: Callable[[EventFacts, MappingConfig], BuiltBody]
    #: Per-event extras (e.g. Outreach's tag), keyed by event name.
    event_options: dict[str, str] = field(default_factory=dict)

    def maps(self, event_name: str) -> bool:
        """Whether ``event_name`` is one this destination delivers."""
        return event_name in self.mapped_events
