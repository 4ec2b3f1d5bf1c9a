"""The result of mapping one event for one destination (contract 2)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from signaltui.core.request import OutboundRequest, auth_headers

Action = Literal["deliver", "drop"]

#: Every drop reason the core gives, with the sentence people see for it.
DROP_REASONS: dict[str, str] = {
    "event_not_mapped": "this event is not in the destination's mapped list",
    "identify_only": "identify calls only supply traits to later track events",
    "consent_not_granted": "a gating consent category is not granted",
    "missing_email": "no usable email trait, and this CRM needs one",
}


class TraceEntry(BaseModel):
    """Why one outbound field is there (or, with ``omitted``, why it is not)."""

    model_config = ConfigDict(frozen=True)

    field: str
    source: str
    rule: str
    omitted: bool = False


class Decision(BaseModel):
    """What the core decided for one (event, destination).

    ``request`` is set when ``action`` is ``deliver``. Its auth is a scheme, not a
    secret: :meth:`to_contract` renders the header masked unless a secret is passed.
    """

    model_config = ConfigDict(frozen=True)

    destination: str
    event: str
    action: Action
    reason: str | None = None
    detail: str | None = None
    request: OutboundRequest | None = None
    warnings: list[str] = Field(default_factory=list)
    trace: list[TraceEntry] = Field(default_factory=list)

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
            "trace": [entry.model_dump(exclude_defaults=True) for entry in self.trace],
        }
