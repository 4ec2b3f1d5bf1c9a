"""The result of mapping one event for one destination (its preview JSON: docs/cli.md)."""

from __future__ import annotations

from dataclasses import field
from typing import Any, Literal

from signaltui.core.records import readonly
from signaltui.core.request import OutboundRequest, auth_headers

Action = Literal["deliver", "drop"]

#: Every drop reason the core gives, with the sentence people see for it.
DROP_REASONS: dict[str, str] = {
    "event_not_mapped": "this event is not in the destination's mapped list",
    "identify_only": "identify calls only supply traits to later track events",
    "consent_not_granted": "a gating consent category is not granted",
    "missing_email": "no usable email trait, and this CRM needs one",
}


#: One trace entry as the blueprints write it: ``(field, source, rule, omitted, at)``, where
#: ``at`` is the ``file:line`` of the blueprint rule that made the row. A dozen are written
#: per planned request and a plain tuple costs a fifth of a :class:`TraceEntry`, so
#: entries are only made where a trace is read field by field.
TraceRow = tuple[str, str, str, bool, str | None]


def trace_object(row: TraceRow) -> dict[str, Any]:
    """The preview JSON trace object of ``row``; ``omitted`` appears only when true, and
    ``at`` (the blueprint rule's ``file:line``) last, when known."""
    name, source, rule, omitted, at = row
    data: dict[str, Any] = {"field": name, "source": source, "rule": rule}
    if omitted:
        data["omitted"] = True
    if at is not None:
        data["at"] = at
    return data


@readonly
class TraceEntry:
    """Why one outbound field is there (or, with ``omitted``, why it is not).

    The named view of a :data:`TraceRow`, which :attr:`Decision.trace` gives to the
    CLI and TUI renderers.
    """

    field: str
    source: str
    rule: str
    omitted: bool = False
    #: ``file:line`` of the blueprint rule that made this row.
    at: str | None = None


@readonly
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
    #: Why each field is there (or not), as rows; :attr:`trace` reads them as entries.
    trace_rows: list[TraceRow] = field(default_factory=list)

    @property
    def trace(self) -> list[TraceEntry]:
        """The trace, one :class:`TraceEntry` per outbound field considered."""
        return [TraceEntry(*row) for row in self.trace_rows]

    def request_contract(self, secret: str | None = None) -> dict[str, Any] | None:
        """The request object of the preview JSON: auth header masked unless ``secret`` given."""
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
        """The preview JSON object (plus ``detail``, an extension for people)."""
        return {
            "destination": self.destination,
            "event": self.event,
            "action": self.action,
            "reason": self.reason,
            "detail": self.detail,
            "request": self.request_contract(secret),
            "warnings": list(self.warnings),
            # Most rows are kept and name their blueprint line: that object written out
            # here (the same keys in the same order), the others by trace_object.
            "trace": [
                {"field": row[0], "source": row[1], "rule": row[2], "at": row[4]}
                if row[4] is not None and not row[3]
                else trace_object(row)
                for row in self.trace_rows
            ],
        }
