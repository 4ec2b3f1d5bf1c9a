"""Small modal screens: help (F1), yes/no confirmation, a path prompt, an event picker."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static

from signaltui.tui.help import WidgetHelp

HELP_TEXT = """\
[b]signaltui — keys[/b]

  F1       this help                  ctrl+p   command palette
  F2 … F9  Compose, Preview, Send, History, Replay, Mocks,
           Settings, Blueprints
  ctrl+o   open an event file         ctrl+s   save the event to a file
  ctrl+r   send the event (Send tab target)
  ctrl+y   copy the previewed request as curl (secrets masked)
  enter    open the selected delivery (History)
  down     from a History filter into its rows
  tab      next field                 ctrl+q   quit

  F1 on a widget: this help starts with that widget's purpose and keys.

[b]Workflow[/b]
  Compose an event (form or JSON) → Preview what each CRM would receive and why →
  Send it to the in-process mock, a mock server, or (confirmed) the live APIs →
  find it in History, fix and re-send → Replay recordings as a regression check.

Secrets are never shown: headers carry *** in previews, curl commands and history.
"""


def focused_text(focused: WidgetHelp) -> Text:
    """The help section about the focused widget: name, purpose, its keys."""
    text = Text()
    text.append("Focused: ", "bold")
    text.append(focused.name, "bold cyan")
    if focused.description:
        text.append(f"\n{focused.description}")
    for key, description in focused.keys:
        text.append(f"\n  {key:<12}", "bold")
        text.append((" " if len(key) >= 12 else "") + description)
    text.append("\n")
    return text


class HelpScreen(ModalScreen[None]):
    """Help for the focused widget (given), then every global key and the workflow."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]

    def __init__(self, focused: WidgetHelp | None = None) -> None:
        super().__init__()
        self.about = focused

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            with VerticalScroll(classes="help-body"):
                if self.about is not None:
                    yield Static(focused_text(self.about), id="help-focused")
                yield Static(HELP_TEXT, id="help-global")
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
            yield Static(Text(self.question), classes="question")  # may name a path
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
            yield Static(Text(self.title_text), classes="question")
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


class EventPicker(ModalScreen[int | None]):
    """Picks one event of a file; dismisses with its index, or ``None`` when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, labels: list[str], highlighted: int = 0) -> None:
        super().__init__()
        self.title_text = title
        self.labels = labels
        self.highlighted = highlighted

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Static(Text(self.title_text), classes="question")
            yield OptionList(*self.labels, id="event-choices")
            yield Static("enter: load it into the composer · esc: cancel", classes="tip")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = self.highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)
