"""The composer's event files: the Open and Save dialogs (ctrl+o, ctrl+s)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from signaltui.errors import SignaltuiError
from signaltui.tui.samples import event_choices, save_event_file
from signaltui.tui.screens.modals import ConfirmScreen, EventPicker, PathDialog

if TYPE_CHECKING:
    from signaltui.tui.app import SignalApp


def open_event_dialog(app: SignalApp) -> None:
    """Ask for an event file, then which event of it (if several), and load it."""

    def opened(path: str | None) -> None:
        if not path:
            return
        try:
            choices, default = event_choices(Path(path).expanduser())
        except SignaltuiError as error:
            app.notify(error.render(), title="Cannot open", severity="error")
            return

        def picked(index: int | None) -> None:
            if index is not None:
                app.load_event(choices[index].event)
                app.notify(f"Loaded event {index + 1} of {path}")

        if len(choices) == 1:
            picked(0)
            return
        title = f"{path} holds {len(choices)} events: which one? (identify traits merged)"
        labels = [choice.label for choice in choices]
        app.push_screen(EventPicker(title, labels, default), picked)

    app.push_screen(PathDialog("Open an event file (JSON or JSON Lines)"), opened)


def save_event_dialog(app: SignalApp) -> None:
    """Ask where to save the composed event (confirming an overwrite), and save it."""
    if app.refuse_invalid("saved"):
        return
    event = app.event  # the event as it is now, not when the dialogs are answered

    def save(path: Path) -> None:
        try:
            save_event_file(path, event)
        except SignaltuiError as error:
            app.notify(error.render(), title="Cannot save", severity="error")
        else:
            app.notify(f"Saved {path}")

    def chosen(text: str | None) -> None:
        if not text:
            return
        path = Path(text).expanduser()
        if not path.exists():
            save(path)
            return
        question = f"{path} exists. Overwrite it with the composed event?"
        app.push_screen(
            ConfirmScreen(question, yes="Overwrite"), lambda yes: save(path) if yes else None
        )

    app.push_screen(PathDialog("Save the event as", "event.json"), chosen)
