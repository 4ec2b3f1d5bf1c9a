"""One CRM's decision: verdict, warnings, the exact request and the field trace."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from signaltui.core.decision import Decision
from signaltui.tui.curl import to_curl
from signaltui.tui.render import request_view, trace_table, verdict


class DecisionView(Vertical):
    """Shows a :class:`Decision`; :meth:`curl` gives its masked curl command.

    The request and the trace sit side by side, stacked on a narrow screen; the trace
    is a wrapping table, so its "why omitted" column is never cut off.
    """

    def __init__(self, destination: str) -> None:
        super().__init__(id=f"decision-{destination}", classes="decision-view")
        self.destination = destination
        self.decision: Decision | None = None

    def compose(self) -> ComposeResult:
        yield Static(classes="verdict")
        with Horizontal(classes="decision-body"):
            with VerticalScroll(classes="request-pane"):
                yield Static(classes="request")
                yield Static(classes="curl")
            with VerticalScroll(classes="trace-pane"):
                yield Static(classes="trace")

    def show(self, decision: Decision) -> None:
        """Render ``decision``; a shown curl command is cleared as it may be stale."""
        self.decision = decision
        self.query_one(".verdict", Static).update(verdict(decision))
        self.query_one(".request", Static).update(request_view(decision.request_contract()))
        self.query_one(".curl", Static).update("")
        trace = decision.trace
        self.query_one(".trace", Static).update(
            trace_table(trace) if trace else "no field trace: nothing would be sent"
        )

    def curl(self) -> str | None:
        """The masked ``curl`` for the shown request (also displayed), or ``None``."""
        contract = self.decision.request_contract() if self.decision else None
        if contract is None:
            return None
        command = to_curl(contract)
        self.query_one(".curl", Static).update(Text("\n" + command))  # as is, not markup
        return command
