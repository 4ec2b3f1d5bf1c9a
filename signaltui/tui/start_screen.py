"""The app's default screen: styled once before its first frame, not three times.

Textual styles each widget as it is mounted, then, on its default screen, styles every
widget again twice: when the screen is first shown (``ScreenResume``) and when it handles
its first ``Resize`` and takes its breakpoint class (``-narrow`` / ``-wide``, the app's
``HORIZONTAL_BREAKPOINTS``). On the Compose tab's ~100 widgets each pass cost about
50 ms, and at 80 columns the wide layout was drawn first and then redrawn narrow.

:class:`StartScreen` is born with its breakpoint class, so the first ``Resize`` changes
nothing, and it tells Textual not to re-style on the first ``ScreenResume``: every
widget on it was styled when it was mounted, with the classes it has then
(``tests/tui/test_start_screen.py`` checks that such a pass would change nothing).
Later resumes (a dialog closed) keep Textual's own choice.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.screen import Screen


def breakpoint_class(width: int, breakpoints: list[tuple[int, str]]) -> str | None:
    """The class of the widest breakpoint ``width`` reaches, as Textual picks it."""
    reached = [(least, name) for least, name in breakpoints if width >= least]
    return max(reached)[1] if reached else None


class StartScreen(Screen[Any]):
    """The default screen, created with its breakpoint class for ``width`` columns."""

    def __init__(self, width: int, breakpoints: list[tuple[int, str]]) -> None:
        # "_default" is the id Textual gives its own default screen.
        super().__init__(id="_default", classes=breakpoint_class(width, breakpoints))
        self._shown = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Screen's own handler, which reads refresh_styles.
        if not self._shown:
            self._shown = True
            event.refresh_styles = False
