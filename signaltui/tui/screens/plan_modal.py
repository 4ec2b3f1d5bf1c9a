"""The send plan before a bulk run: counts per CRM, duplicates, time; Send / Skip / Cancel."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from signaltui.replay.plan import SendPlan
from signaltui.replay.plan_format import plan_digest

#: What each button dismisses the dialog with (Cancel and escape: ``None``).
CHOICES = {"plan-send": "send", "plan-skip": "skip"}


def plan_title(plan: SendPlan) -> str:
    """The dialog's question: how many exchanges would go, and where."""
    where = "the LIVE CRM APIs" if plan.live else plan.target
    return f"Send plan: {len(plan.sends())} of {len(plan.exchanges)} exchange(s) to {where}"


class PlanScreen(ModalScreen[str | None]):
    """Shows a :class:`SendPlan`; dismisses with ``"send"``, ``"skip"`` (leave out the
    exchanges whose lead exists) or ``None``."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, plan: SendPlan) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        live = self.plan.live
        existing = len(self.plan.skipped_duplicates())
        with Vertical(classes="dialog wide danger" if live else "dialog wide"):
            yield Static(Text(plan_title(self.plan)), classes="question")  # a URL, as is
            with VerticalScroll():
                yield Static(Text(plan_digest(self.plan)), id="plan-body")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="plan-cancel", variant="primary")
                yield Button(
                    f"Skip {existing} duplicate(s)",
                    id="plan-skip",
                    variant="warning",
                    disabled=not existing,
                )
                yield Button(
                    "Send live" if live else "Send",
                    id="plan-send",
                    variant="error" if live else "success",
                )

    def on_mount(self) -> None:
        # Cancel has the focus: a stray enter must never start a bulk (or live) send.
        self.query_one("#plan-cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(CHOICES.get(event.button.id or ""))

    def action_cancel(self) -> None:
        self.dismiss(None)
