"""The app's stylesheet in two files: the first screen's, and the rest when first needed.

``app.tcss`` (the app's ``CSS_PATH``) holds the app-wide rules and the Compose tab's:
all the first screen uses. ``app_later.tcss`` holds the other tabs' and the dialogs'
rules; Textual would parse them at start-up and try each on every widget of the first
screen, for nothing (about 17 ms of the first screen's CPU, by instruction counts). So
:func:`add_later_styles` adds them just before the first pane or screen other than the
first one is built (:class:`~signaltui.tui.app.SignalApp` calls it).

The cascade is the same as with one file: Textual keeps its sources in the order they
were added, user rules above every widget's ``DEFAULT_CSS``, and between user rules of
equal specificity the later one wins; ``app_later.tcss`` comes after ``app.tcss``, as it
did in the single file. Its rules match no widget of the first screen
(``tests/tui/test_styles.py``), so the widgets styled before it arrives keep the styles
they would have had with it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from textual.app import App

#: The second part of the stylesheet (package data, beside ``app.tcss``).
LATER_CSS = Path(__file__).with_name("app_later.tcss")


def add_later_styles(app: App[Any]) -> None:
    """Add ``app_later.tcss`` to ``app``'s stylesheet, once; parsed at the next styling."""
    # Keyed as Stylesheet.read keys a CSS_PATH file: a theme change re-parses it too.
    where = os.path.abspath(LATER_CSS)
    if not app.stylesheet.has_source(where):
        app.stylesheet.add_source(LATER_CSS.read_text(encoding="utf-8"), read_from=(where, ""))
