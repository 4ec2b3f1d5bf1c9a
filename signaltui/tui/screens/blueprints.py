"""The Blueprints tab: edit a destination's overlay and see the current event re-planned
as you type; errors at their line; Save writes the file; the impact on stored events."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Button, DataTable, Input, Select, Static, TextArea

from signaltui.core.decision import Decision
from signaltui.core.request import DESTINATIONS, Destination
from signaltui.tui.blueprints_model import (
    apply_text,
    decide_event,
    impact_line,
    starter,
    warning_lines,
)
from signaltui.tui.render import request_view, verdict
from signaltui.tui.widgets.editors import highlighted_editor

if TYPE_CHECKING:
    from signaltui.tui.app import SignalApp


class BlueprintsPane(Vertical):
    """One overlay at a time: the destination picked, its file, its text."""

    def __init__(self, *, delay: float = 0.3, id: str | None = None) -> None:
        super().__init__(id=id)
        self.delay = delay
        self._timer: Timer | None = None
        self.error_line: int | None = None
        #: The current event's decision under the overlay as last typed (None: an error).
        self.decision: Decision | None = None

    @property
    def signal_app(self) -> SignalApp:
        return cast("SignalApp", self.app)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="blueprint-bar"):
            yield Select(
                [(d, d) for d in DESTINATIONS],
                value="close",
                allow_blank=False,
                id="bp-destination",
                compact=True,
            )
            yield Input(self._default_path("close"), id="bp-path", compact=True)
            yield Button("Save", id="bp-save", variant="primary", compact=True)
        with Horizontal(classes="blueprint-main"):
            # YAML highlighted (tree-sitter); plain text if the grammar is missing.
            yield highlighted_editor(starter("close"), "yaml", code=True, id="bp-text")
            with VerticalScroll(classes="blueprint-preview"):
                yield Static(id="bp-verdict")
                yield Static(id="bp-request")
                table: DataTable[str] = DataTable(id="bp-trace", cursor_type="row")
                table.add_columns("field", "source", "rule", "at")
                yield table
        yield Static(id="bp-error")
        yield Static(id="bp-warning")
        yield Static(id="bp-impact")

    def _default_path(self, destination: str) -> str:
        for path in self.signal_app.settings.blueprints:
            if path.is_file() and path.stem == destination:
                return str(path)
            if path.is_dir():
                return str(path / f"{destination}.yaml")
        return f"{destination}.yaml"

    def on_mount(self) -> None:
        self.load("close")

    def load(self, destination: str) -> None:
        """Open ``destination``'s overlay file (or a starter) and plan it."""
        path = Path(self._default_path(destination))
        self.query_one("#bp-path", Input).value = str(path)
        text = path.read_text(encoding="utf-8") if path.is_file() else starter(destination)
        self.query_one("#bp-text", TextArea).text = text
        self.refresh_preview()

    @property
    def destination(self) -> Destination:
        return cast(Destination, self.query_one("#bp-destination", Select).value)

    def on_select_changed(self, message: Select.Changed) -> None:
        if message.select.id == "bp-destination":
            self.load(str(message.value))

    def on_text_area_changed(self, message: TextArea.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.delay, self.refresh_preview)

    def refresh_preview(self) -> None:
        """Plan the current event with the overlay as typed; show it, or the error."""
        text = self.query_one("#bp-text", TextArea).text
        name = self.query_one("#bp-path", Input).value or "overlay"
        # Named as the path box names it, so the trace and errors match the command line's.
        planned = apply_text(text, self.destination, self.signal_app.settings, name=name)
        error = self.query_one("#bp-error", Static)
        warning = self.query_one("#bp-warning", Static)
        warning.update(Text(warning_lines(planned.warnings)))
        warning.display = bool(planned.warnings)  # none for a text with an error
        self.error_line = planned.line
        if planned.config is None:
            self.decision = None
            where = f"line {planned.line}: " if planned.line else ""
            error.update(Text(f"✗ {where}{planned.error}"))  # not markup: errors hold [ ]
            error.display = True
            return
        error.update("")
        error.display = False
        try:
            decision = decide_event(self.signal_app.event, self.destination, planned.config)
        except ValueError as exc:
            self.query_one("#bp-verdict", Static).update(
                Text(f"the current event is not valid: {exc}")
            )
            return
        self.decision = decision
        self.query_one("#bp-verdict", Static).update(verdict(decision))
        self.query_one("#bp-request", Static).update(request_view(decision.request_contract()))
        table = self.query_one("#bp-trace", DataTable)
        table.clear()
        for entry in decision.trace:
            rule = f"✗ {entry.rule}" if entry.omitted else entry.rule
            cells = (entry.field, entry.source, rule, entry.at or "")
            table.add_row(*map(Text, cells))  # the user's rule texts, as written
        self.query_one("#bp-impact", Static).update(
            impact_line(
                self.signal_app.store, self.destination, self.signal_app.settings, planned.config
            )
        )

    def on_button_pressed(self, message: Button.Pressed) -> None:
        if message.button.id != "bp-save":
            return
        path = Path(self.query_one("#bp-path", Input).value or f"{self.destination}.yaml")
        if self.error_line is not None or self.query_one("#bp-error", Static).display:
            self.app.notify(
                "Fix the error first: a blueprint with an error is not saved.", severity="error"
            )
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self.query_one("#bp-text", TextArea).text, encoding="utf-8")
        except OSError as exc:
            self.app.notify(f"cannot save {path}: {exc.strerror}", severity="error")
            return
        self.app.notify(f"Saved {path}. Use it with --blueprints {path}.")
