"""The main tabs, built lazily: the first screen holds only the Compose tab's widgets.

Composing and mounting all seven panes up front was most of the start-up time (about
80 widgets and 1,000 DOM nodes, nearly all of it inside Textual). So every tab starts
as an empty ``TabPane``; its pane is mounted when the tab is first opened (F-key,
click, command palette) or when the app first needs one of its widgets (a send needs
the Send tab's target, copy as curl the Preview). Until then nothing of it exists:
code that updates a pane skips an unbuilt one, as a pane reads the app's state when
it is mounted.

Why not build the hidden tabs in the background after the first screen (what
Textual's ``Lazy`` does)? Quitting while a pane is half mounted makes Textual's own
widgets fail (``Select`` looks for children that were never composed), and the cost is
paid even by a session that only composes and previews. A tab costs ~0.1 s the first
time it is opened.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from textual.app import App
from textual.css.query import NoMatches
from textual.widget import AwaitMount, Widget
from textual.widgets import TabPane

TABS = ("compose", "preview", "send", "history", "replay", "mocks", "settings", "blueprints")
#: Each pane class by name: the tab it lives on and the module defining it (imported
#: when the tab is first built).
PANE_TABS: dict[str, tuple[str, str]] = {
    "ComposePane": ("compose", "signaltui.tui.screens.compose"),
    "PreviewPane": ("preview", "signaltui.tui.screens.preview"),
    "SendPane": ("send", "signaltui.tui.screens.send"),
    "HistoryPane": ("history", "signaltui.tui.screens.history"),
    "ReplayPane": ("replay", "signaltui.tui.screens.replay"),
    "MocksPane": ("mocks", "signaltui.tui.screens.mocks"),
    "SettingsPane": ("settings", "signaltui.tui.screens.settings"),
    "BlueprintsPane": ("blueprints", "signaltui.tui.screens.blueprints"),
}


def pane_class(name: str) -> Any:
    """The pane class called ``name``, its module imported on first use."""
    return getattr(importlib.import_module(PANE_TABS[name][1]), name)


#: Where the focus lands when a tab is opened by its key, so arrows work at once.
TAB_FOCUS = {
    "preview": "#preview-tabs Tabs",
    "send": "#target-kind",
    "history": "#history-table",
    "replay": "#replay-paths",
}


#: Narrower than this, the tab bar names tabs without their F-keys: all eight fit in 80
#: columns that way, and F1 and the command palette still list the keys.
SHORT_LABELS_BELOW = 100


def tab_label(tab: str, *, short: bool = False) -> str:
    """The tab bar's label of ``tab``: ``F2 Compose``, or ``Compose`` when ``short``."""
    name = tab.capitalize()
    return name if short else f"F{TABS.index(tab) + 2} {name}"


def holder_id(tab: str) -> str:
    """The id of the ``TabPane`` that holds ``tab``'s pane."""
    return f"tab-{tab}"


class LazyTabs:
    """Creates each tab's pane on first need and mounts it into its waiting ``TabPane``.

    ``factories`` maps every name in :data:`TABS` to a function making that tab's pane.
    """

    def __init__(self, app: App[Any], factories: Mapping[str, Callable[[], Widget]]) -> None:
        self._app = app
        self._factories = factories
        self._mounting: dict[str, AwaitMount | None] = {}

    def holders(self, first: str = TABS[0], *, short: bool = False) -> list[TabPane]:
        """The ``TabPane``s for ``compose``; only ``first`` has its pane inside.

        ``short``: labelled without their F-keys (:func:`tab_label`).
        """
        panes = []
        for tab in TABS:
            inside = [self._factories[tab]()] if tab == first else []
            panes.append(TabPane(tab_label(tab, short=short), *inside, id=holder_id(tab)))
            if inside:
                self._mounting[tab] = None  # mounted with the screen
        return panes

    def build(self, tab: str) -> None:
        """Start mounting ``tab``'s pane unless that was done already."""
        if tab in self._mounting:
            return
        try:
            holder = self._app.query_one(f"#{holder_id(tab)}", TabPane)
        except NoMatches:
            return  # the app is shutting down: its screen is gone
        self._mounting[tab] = holder.mount(self._factories[tab]())

    async def ensure(self, tab: str) -> None:
        """Build ``tab`` if needed and return once its widgets can be queried."""
        self.build(tab)
        mounting = self._mounting.get(tab)
        if mounting is not None:
            await mounting
