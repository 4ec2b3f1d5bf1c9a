"""The Preview tab: one sub-tab per CRM, updated as the composed event changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static, TabbedContent, TabPane

from signaltui.core.decision import Decision
from signaltui.core.request import DESTINATIONS
from signaltui.tui.widgets.decision_view import DecisionView

if TYPE_CHECKING:
    from signaltui.tui.app import SignalApp


class PreviewPane(Vertical):
    """Shows every CRM's decision for the current event (or why there is none)."""

    def compose(self) -> ComposeResult:
        yield Static(id="preview-error")
        with TabbedContent(id="preview-tabs"):
            for destination in DESTINATIONS:
                with TabPane(destination.capitalize(), id=f"preview-{destination}"):
                    yield DecisionView(destination)

    def on_mount(self) -> None:
        # Built after the composer (lazily): plan the event as it stands now.
        cast("SignalApp", self.app).show_preview(self)

    def show(self, decisions: dict[str, Decision], *, stale: bool = False) -> None:
        """Render one decision per CRM; ``stale``: they are the last valid event's."""
        error = self.query_one("#preview-error", Static)
        error.update("This preview is of the last valid event: the JSON editor's is invalid.")
        error.display = stale
        for destination, decision in decisions.items():
            self.query_one(f"#decision-{destination}", DecisionView).show(decision)

    def show_error(self, message: str) -> None:
        """The event cannot be planned (invalid): say why above the last good preview."""
        error = self.query_one("#preview-error", Static)
        error.update(Text(f"Preview shows the last valid event — {message}"))
        error.display = True

    def active_view(self) -> DecisionView:
        """The decision view of the CRM tab in front."""
        active = self.query_one("#preview-tabs", TabbedContent).active or "preview-apollo"
        return self.query_one(f"#decision-{active.removeprefix('preview-')}", DecisionView)
