"""The app's footer, with its keys in the first frame."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class FirstFrameFooter(Footer):
    """A ``Footer`` that lists the key bindings from its first compose.

    Textual's footer composes empty, waits for the screen's first bindings update and
    then recomposes after the next refresh, so the first screen lacked its keys for a
    frame or two (about 0.1 s of start-up in a terminal). This one composes the keys in
    force when it is mounted (the app's and the screen's); it still recomposes on every
    bindings update, as Textual's does. ``_bindings_ready`` is Textual's own flag for
    "the bindings are known" (textual is pinned in pyproject.toml).
    """

    def __init__(self, *children: Any, **options: Any) -> None:
        super().__init__(*children, **options)
        self.set_reactive(Footer._bindings_ready, True)

    def compose(self) -> ComposeResult:
        # A key bound to the footer's ``compact`` starts as FooterKey's default (True,
        # class -compact) and is set to the footer's (False) once mounted: two re-styles
        # of every key, on each compose. Starting it at the footer's value skips both
        # (the command palette's key is not bound and keeps its default).
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget
