"""The Compose tab: the event as a form and as JSON, kept in sync, and each CRM's verdict."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static, TextArea

from signaltui.core.decision import Decision
from signaltui.errors import SignaltuiError
from signaltui.tui.compose_model import dump_event, event_to_form, form_to_event, parse_editor_text
from signaltui.tui.render import verdicts_text
from signaltui.tui.widgets.editors import highlighted_editor
from signaltui.tui.widgets.event_form import EventForm


class ComposePane(Vertical):
    """Holds the composed event; posts :class:`ComposePane.EventEdited` on each change.

    Valid JSON edits update the form; invalid ones post :class:`ComposePane.EventInvalid`
    (the app shows the error on every tab and refuses to send) and leave the last valid
    event in the form.
    """

    class EventEdited(Message):
        """The composed event changed (from the form, the editor or a loaded file)."""

        def __init__(self, event: dict[str, Any]) -> None:
            super().__init__()
            self.event = event

    class EventInvalid(Message):
        """The JSON editor's text is not a valid event; ``error`` says why and where."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(self, event: dict[str, Any], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.event = event

    def compose(self) -> ComposeResult:
        with Horizontal(classes="toolbar"):
            # The same actions as the keys (the app's bindings), so a click does what
            # the label says.
            yield Button("Open… ^o", id="open-event", compact=True, action="app.open_event")
            yield Button("Save… ^s", id="save-event", compact=True, action="app.save_event")
            yield Static("Edit the form or the JSON; each updates the other.", classes="tip")
        with Horizontal(id="compose-body"):
            with Vertical(id="verdict-side"):
                yield Static("Verdicts (live)", classes="section")
                yield Static("planning…", id="verdicts")
            yield EventForm(id="event-form")
            with Vertical(id="json-side"):
                yield Static("Event JSON", classes="section")
                yield highlighted_editor("", "json", id="event-json", soft_wrap=False)

    def on_mount(self) -> None:
        self.set_event(self.event)

    def set_event(self, event: dict[str, Any], origin: str | None = None) -> None:
        """Make ``event`` current; refresh the views it did not come from."""
        self.event = event
        if origin != "form":
            self.query_one(EventForm).load(event_to_form(event))
        if origin != "json":
            self.query_one("#event-json", TextArea).load_text(dump_event(event))
        self.post_message(self.EventEdited(event))

    def show_plan(
        self, decisions: dict[str, Decision] | None, error: str | None, *, stale: bool = False
    ) -> None:
        """Each CRM's verdict (``stale``: the last valid event's), or why there is none."""
        box = self.query_one("#verdicts", Static)
        if decisions is None:
            box.update(Text(f"cannot plan: {error}", "red"))
        else:
            box.update(verdicts_text(decisions, stale))

    def on_event_form_changed(self, message: EventForm.Changed) -> None:
        message.stop()
        # The form's current values, not the message's: a load may have come in between.
        event = form_to_event(self.query_one(EventForm).values(), self.event)
        if event != self.event:
            self.set_event(event, origin="form")

    def on_text_area_changed(self, message: TextArea.Changed) -> None:
        message.stop()
        # Read the editor's current text, not the message's: a later load may have
        # replaced it already, and the newest text is what counts.
        text = self.query_one("#event-json", TextArea).text
        try:
            data, _ = parse_editor_text(text)
        except SignaltuiError as error:
            self.post_message(self.EventInvalid(error.render()))
            return
        if data != self.event:
            self.set_event(data, origin="json")
        else:  # back to the current event: valid again, nothing else changed
            self.post_message(self.EventEdited(data))
