"""The app's own entries in the command palette (ctrl+p), after Textual's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from signaltui.tui.tabs import TABS

if TYPE_CHECKING:
    from signaltui.tui.app import SignalApp


def app_commands(app: SignalApp) -> Iterator[SystemCommand]:
    """Send, copy, open, save, help, re-send due, and one "Go to" per tab."""
    yield SystemCommand("Send event", "Send the composed event (ctrl+r)", app.action_send)
    yield SystemCommand("Copy as curl", "The previewed request (ctrl+y)", app.action_copy_curl)
    yield SystemCommand("Open event file", "Load an event (ctrl+o)", app.action_open_event)
    yield SystemCommand("Save event file", "Save the event (ctrl+s)", app.action_save_event)
    yield SystemCommand("Help", "Keys and workflow (F1)", app.action_help)
    yield SystemCommand(
        "Re-send due deferred deliveries",
        "Deferred deliveries whose due time has passed (History, ctrl+d)",
        app.action_resend_due,
    )
    for tab in TABS:
        yield SystemCommand(
            f"Go to {tab.capitalize()}",
            f"Show the {tab} tab",
            lambda t=tab: app.action_show_tab(t),
        )
