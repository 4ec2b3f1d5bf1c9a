"""What F1 says about the focused widget: what it is for and the keys it takes.

Like Posting's help screen, the help names the focused widget, describes it, and lists
the bindings that act while it has the focus (its own and its containers', up to the
screen); the global keys follow in the dialog. Descriptions are keyed by widget id and
looked up from the focused widget outwards, so a field of the form finds the form's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.app import App
from textual.screen import Screen
from textual.widget import Widget

#: What each part of the app is for, by widget id.
WIDGET_HELP: dict[str, str] = {
    "main-tabs": "The tabs: left and right move between them, as do F2 … F9 from anywhere.",
    "event-json": (
        "The event as JSON (one object, as a website sends it). Valid edits update the "
        "form, the verdicts and the Preview; while the JSON is invalid every tab says so "
        "and send, copy and save are refused."
    ),
    "event-form": (
        "The event's well-known fields. Edits are written into the JSON, keeping keys "
        "the form does not show and the spelling the JSON already uses."
    ),
    "preview-tabs": (
        "One tab per CRM: the verdict, the exact request (secrets masked) and where each "
        "field came from, or why it was left out."
    ),
    "target-kind": (
        "Where ctrl+r sends: the in-process mock, a mock server URL, or the live APIs "
        "(each live send asks first)."
    ),
    "target-url-input": "The base URL of a mock server (the Mocks tab starts one).",
    "send-destination": "Which CRM ctrl+r sends to: all three or one.",
    "history-search": "Filters by name, email or company as you type; down moves into the rows.",
    "history-email": "Filters by exact email as you type; down moves into the rows.",
    "history-table": (
        "Stored deliveries, newest first. enter opens one: request beside response, its "
        "attempts, and load into the composer or re-send."
    ),
    "replay-paths": "Recording files or folders to replay, separated by spaces or commas.",
    "replay-mode": (
        "verify compares each recorded request with today's mapping (no network); send "
        "re-delivers them to the Send tab's target."
    ),
    "replay-table": "One row per replayed exchange; the highlighted one's details are beside it.",
    "mock-which": "Which mock the fault profile, Reset and the journal act on.",
    "mock-faults": (
        "The fault profile of the mock chosen on the left (a stopped server starts with it)."
    ),
    "mock-journal": "Every request the chosen mock received; the highlighted one is shown in full.",
    "settings": (
        "This session's mapping options; Apply re-plans the preview (the config file is "
        "not changed)."
    ),
}


@dataclass(frozen=True)
class WidgetHelp:
    """The help for one focused widget."""

    name: str
    description: str
    keys: list[tuple[str, str]] = field(default_factory=list)


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0] if (doc or "").strip() else ""


def widget_help(app: App[Any], widget: Widget | None) -> WidgetHelp | None:
    """Help for ``widget`` (the focused one), or ``None`` when nothing has the focus."""
    if widget is None:
        return None
    description = ""
    #: description -> its keys, in the order found (keys doing one thing share a line)
    keys: dict[str, list[str]] = {}
    seen: set[str] = set()
    node: Widget | None = widget
    searching = True  # for a description; never above the widget's own tab
    while node is not None and not isinstance(node, Screen):
        if searching and node.id in WIDGET_HELP:
            description = WIDGET_HELP[node.id]
            searching = False
        if (node.id or "").startswith("tab-"):
            searching = False  # the tab bar's text would describe every widget inside
        for key, bindings in node._bindings.key_to_bindings.items():
            for binding in bindings:
                if key not in seen and binding.description:
                    seen.add(key)
                    keys.setdefault(binding.description, []).append(app.get_key_display(binding))
        parent = node.parent
        node = parent if isinstance(parent, Widget) else None
    kind = type(widget).__name__
    name = f"{kind} #{widget.id}" if widget.id else kind
    listed = [(" ".join(shown), what) for what, shown in keys.items()]
    return WidgetHelp(name, description or _first_line(type(widget).__doc__), listed)
