"""The terminal app's eight tabs: built on first visit, found by pane class, labelled
for the terminal's width, and shown by key (:class:`TabbedApp`, the base of
:class:`~signaltui.tui.app.SignalApp`)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any, TypeVar

from textual import events
from textual.app import App
from textual.widget import Widget
from textual.widgets import TabbedContent, TabPane

from signaltui.tui.tabs import (
    PANE_TABS,
    SHORT_LABELS_BELOW,
    TAB_FOCUS,
    TABS,
    LazyTabs,
    holder_id,
    pane_class,
    tab_label,
)

P = TypeVar("P", bound=Widget)


class TabbedApp(App[None]):
    """An app whose main ``TabbedContent`` (``#main-tabs``) holds :data:`TABS`, each
    built by :attr:`tabs` (a :class:`LazyTabs` the subclass makes) when first needed."""

    tabs: LazyTabs
    #: Whether the tab labels are the short ones (below :data:`SHORT_LABELS_BELOW`).
    _short_labels = False

    def tab_holders(self) -> Iterator[TabPane]:
        """The tab holders to compose inside ``#main-tabs``, labelled for the
        terminal's width at once rather than relabelled by the first Resize (just
        before the first frame) in a narrow terminal."""
        self._short_labels = self.size.width < SHORT_LABELS_BELOW
        yield from self.tabs.holders(short=self._short_labels)

    async def on_tabbed_content_tab_activated(self, message: TabbedContent.TabActivated) -> None:
        # Opened by a click or the tab bar's arrow keys rather than show_tab: build it
        # now, and hold the app's queue until it is mounted (a quit must not cut a
        # mount in half).
        pane_id = message.pane.id or ""
        if message.tabbed_content.id == "main-tabs" and pane_id.startswith("tab-"):
            await self.tabs.ensure(pane_id.removeprefix("tab-"))

    def built_pane(self, kind: type[P]) -> P | None:
        """The pane of class ``kind`` if its tab is built and mounted, else ``None``.

        A pane mounted later reads the app's state then, so updates can skip it now.
        """
        for pane in self.query(kind):
            if pane.is_mounted:
                return pane
        return None

    def _built(self, name: str) -> Any:
        """:meth:`built_pane` by class name; ``None`` (nothing imported) if never built."""
        if PANE_TABS[name][1] not in sys.modules:  # so no pane of it was ever built
            return None
        return self.built_pane(pane_class(name))

    async def pane(self, kind: type[P]) -> P:
        """The pane of class ``kind``, building its tab first if needed."""
        await self.tabs.ensure(PANE_TABS[kind.__name__][0])
        return self.query_one(kind)

    async def _pane_named(self, name: str) -> Any:
        """:meth:`pane` by class name, so the caller need not import the pane first."""
        return await self.pane(pane_class(name))

    def on_resize(self, event: events.Resize) -> None:
        # All eight tabs fit in 80 columns only without their F-keys in the labels.
        short = event.size.width < SHORT_LABELS_BELOW
        if short == self._short_labels:
            return  # relabelling costs a re-layout of the tab bar; the start has long ones
        self._short_labels = short
        tabbed = self.query_one("#main-tabs", TabbedContent)
        for tab in TABS:
            tabbed.get_tab(holder_id(tab)).label = tab_label(tab, short=short)

    async def action_show_tab(self, tab: str) -> None:
        # Built before it is shown, so a first visit never flashes an empty tab.
        await self.tabs.ensure(tab)
        if tab not in TAB_FOCUS:
            # Focus left in the tab being hidden pulls the tab bar back to that tab
            # (Textual follows focus), so the key would do nothing: rest it on the bar.
            self.query_one("#main-tabs > ContentTabs").focus()
        self.query_one("#main-tabs", TabbedContent).active = holder_id(tab)
        if tab in TAB_FOCUS:
            self.query_one(TAB_FOCUS[tab]).focus()
