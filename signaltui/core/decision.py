"""The result of mapping one event for one destination (contract 2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from signaltui.core.request import OutboundRequest, auth_headers

Action = Literal["deliver", "drop"]

#: Every drop reason the core gives, with the sentence people see for it.
DROP_REASONS: dict[str, str] = {
    "event_not_mapped": "this event is not in the destination's mapped list",
    "identify_only": "identify calls only supply traits to later track events",
    "consent_not_granted": "a gating consent category is not granted",
    "missing_email": "no usable email trait, and this CRM needs one",
}


@dataclass(slots=True)
class TraceEntry:
    """Why one outbound field is there (or, with ``omitted``, why it is not).

    A plain slotted dataclass, not a pydantic model: a dozen are built per planned
    request, and validation would only re-check values the core itself produced.
    """

    field: str
    source: str
    rule: str
    omitted: bool = False

    def to_contract(self) -> dict[str, Any]:
        """The contract 2 trace object; ``omitted`` appears only when true."""
        data: dict[str, Any] = {"field": self.field, "source": self.source, "rule": self.rule}
        if self.omitted:
            data["omitted"] = True
        return data


@dataclass(frozen=True, slots=True)
class Decision:
    """What the core decided for one (event, destination).

    ``request`` is set when ``action`` is ``deliver``. Its auth is a scheme, not a
    secret: :meth:`to_contract` renders the header masked unless a secret is passed.
    """

    destination: str
    event: str
    action: Action
    reason: str | None = None
    detail: str | None = None
    request: OutboundRequest | None = None
    warnings: list[str] = field(default_factory=list)
    trace: list[TraceEntry] = field(default_factory=list)

    def request_contract(self, secret: str | None = None) -> dict[str, Any] | None:
        """The request object of contract 2: auth header masked unless ``secret`` given."""
        if self.request is None:
            return None
        headers = {**auth_headers(self.request.auth, secret), **self.request.headers}
        return {
            "method": self.request.method,
            "url": self.request.url,
            "headers": headers,
            "body": self.request.body,
        }

    def to_contract(self, secret: str | None = None) -> dict[str, Any]:
        """The contract 2 JSON object (plus ``detail``, an extension for people)."""
        return {
            "destination": self.destination,
            "event": self.event,
            "action": self.action,
            "reason": self.reason,
            "detail": self.detail,
            "request": self.request_contract(secret),
            "warnings": list(self.warnings),
            "trace": [entry.to_contract() for entry in self.trace],
        }
