"""The app's footer, with its keys in the first frame."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class FirstFrameFooter(Footer):
    """A ``Footer`` that lists the key bindings from its first compose.

    Textual's footer composes empty, waits for the screen's first bindings update and
    then recomposes after the next refresh, so the first screen lacked its keys for a
    frame or two (about 0.1 s of start-up in a terminal). This one composes the keys in
    force when it is mounted (the app's and the screen's); it still recomposes on every
    bindings update that changes what it shows (the first ones, just after the first
    screen, usually change nothing: Textual's footer recomposed twice then, ~10 ms each).
    ``_bindings_ready`` is Textual's own flag for "the bindings are known" (textual is
    pinned in pyproject.toml).
    """

    def __init__(self, *children: Any, **options: Any) -> None:
        super().__init__(*children, **options)
        self.set_reactive(Footer._bindings_ready, True)
        self._shown: tuple[Any, ...] | None = None

    def _what_to_show(self) -> tuple[Any, ...]:
        """Everything ``Footer.compose`` reads: the shown bindings, the palette's, flags."""
        active = self.screen.active_bindings
        shown = tuple((b, enabled, tip) for (_, b, enabled, tip) in active.values() if b.show)
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        return (shown, palette and palette[1:], self.compact, self.show_command_palette)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        unchanged = self._shown is not None and self._what_to_show() == self._shown
        if unchanged and screen is self.screen and self.is_attached:
            return  # the keys shown are the keys in force
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        self._shown = self._what_to_show()
        # A key bound to the footer's ``compact`` starts as FooterKey's default (True,
        # class -compact) and is set to the footer's (False) once mounted: two re-styles
        # of every key, on each compose. Starting it at the footer's value skips both
        # (the command palette's key is not bound and keeps its default).
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget
