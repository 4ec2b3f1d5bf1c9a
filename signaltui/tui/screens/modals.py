"""Small modal screens: help (F1), yes/no confirmation, and a path prompt."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

HELP_TEXT = """\
[b]signaltui — keys[/b]

  F1         this help                     ctrl+p   command palette
  F2 … F8    Compose, Preview, Send, History, Replay, Mocks, Settings
  ctrl+o     open an event file            ctrl+s   save the event to a file
  ctrl+r     send the event (Send tab target)
  ctrl+y     copy the previewed request as curl (secrets masked)
  enter      open the selected delivery (History)
  tab        next field                    ctrl+q   quit

[b]Workflow[/b]
  Compose an event (form or JSON) → Preview what each CRM would receive and why →
  Send it to the in-process mock, a mock server, or (confirmed) the live APIs →
  find it in History, fix and re-send → Replay recordings as a regression check.

Secrets are never shown: headers carry *** in previews, curl commands and history.
"""


class HelpScreen(ModalScreen[None]):
    """Every key binding and the intended workflow."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Static(HELP_TEXT)
            yield Button("Close (esc)", id="close-help", variant="primary")

    def on_button_pressed(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """Asks a yes/no question; dismisses with ``True`` only for an explicit yes."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, *, yes: str = "Yes", danger: bool = False) -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog danger" if self.danger else "dialog"):
            yield Static(self.question, classes="question")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="no", variant="primary")
                yield Button(self.yes, id="yes", variant="error" if self.danger else "success")

    def on_mount(self) -> None:
        # Cancel has the focus: a stray enter must never confirm a live send.
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_cancel(self) -> None:
        self.dismiss(False)


class PathDialog(ModalScreen[str | None]):
    """Asks for a file path; dismisses with the text, or ``None`` when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="question")
            yield Input(self.value, id="path-input", placeholder="path/to/event.json")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("OK", id="ok", variant="primary")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        value = self.query_one("#path-input", Input).value.strip()
        self.dismiss(value or None if event.button.id == "ok" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
