"""The signaltui Textual app: wiring only. Each tab's logic lives in its pane module.

Start-up: only what the first screen (the Compose tab) needs is imported with this
module. Each other pane's module is imported when its tab is first built, and the
in-process mock, the mock server and the delivery sessions (starlette, uvicorn,
httpx) when first used, and the store (sqlite) just after the first screen is drawn,
so the first screen does not wait for them.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Header, TabbedContent

from signaltui.config import Settings
from signaltui.core.events import parse_event
from signaltui.errors import SignaltuiError
from signaltui.tui.render import decide_all
from signaltui.tui.samples import load_event_file, sample_event, save_event_file
from signaltui.tui.screens.compose import ComposePane
from signaltui.tui.screens.modals import HelpScreen, PathDialog
from signaltui.tui.tabs import TAB_FOCUS, TABS, LazyTabs, holder_id

if TYPE_CHECKING:  # imported when first needed, after the first screen (see above)
    from starlette.applications import Starlette

    from signaltui.store import Store
    from signaltui.tui.mocks import MockServer
    from signaltui.tui.screens.preview import PreviewPane
    from signaltui.tui.screens.send import SendPane
    from signaltui.tui.sessions import SessionPool

__all__ = ["TABS", "SignalApp"]

P = TypeVar("P", bound=Widget)

#: The tab each pane class (by name) lives on, and the module that defines it.
PANE_TABS: dict[str, tuple[str, str]] = {
    "ComposePane": ("compose", "signaltui.tui.screens.compose"),
    "PreviewPane": ("preview", "signaltui.tui.screens.preview"),
    "SendPane": ("send", "signaltui.tui.screens.send"),
    "HistoryPane": ("history", "signaltui.tui.screens.history"),
    "ReplayPane": ("replay", "signaltui.tui.screens.replay"),
    "MocksPane": ("mocks", "signaltui.tui.screens.mocks"),
    "SettingsPane": ("settings", "signaltui.tui.screens.settings"),
}


#: Seconds after the first screen at which the store is opened (see ``on_ready``).
STORE_DELAY = 0.25


def pane_class(name: str) -> Any:
    """The pane class called ``name``, its module imported on first use."""
    _, module = PANE_TABS[name]
    return getattr(importlib.import_module(module), name)


class SignalApp(App[None]):
    """Compose → preview → send → history → replay, over the one signaltui core."""

    CSS_PATH = "app.tcss"
    TITLE = "signaltui"
    SUB_TITLE = "CRM lead delivery sandbox"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        # Priority: the JSON editor (TextArea) binds F6 and F7 to selections itself.
        *[
            Binding(f"f{n}", f"show_tab('{tab}')", tab.capitalize(), show=False, priority=True)
            for n, tab in enumerate(TABS, start=2)
        ],
        Binding("ctrl+o", "open_event", "Open"),
        Binding("ctrl+s", "save_event", "Save"),
        Binding("ctrl+r", "send", "Send"),
        Binding("ctrl+y", "copy_curl", "Copy curl"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        store: Store | None = None,
        event: dict[str, Any] | None = None,
        fixtures: Path | None = None,
        recordings: str = "recordings/",
        preview_delay: float = 0.25,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.event: dict[str, Any] = event or sample_event(fixtures)
        self.recordings = recordings
        self.preview_delay = preview_delay
        self._store_error: str | None = None
        # Made on first use (the properties below): their imports cost start-up.
        self._store = store
        self._store_tried = store is not None
        self._db = settings.db
        self._credentials = settings.credentials
        self._mock_app: Starlette | None = None
        self._mock_server: MockServer | None = None
        self._sessions: SessionPool | None = None
        self._preview_timer: Timer | None = None
        factories: dict[str, Callable[[], Widget]] = {
            "compose": lambda: ComposePane(self.event, id="compose"),
            "preview": lambda: pane_class("PreviewPane")(id="preview"),
            "send": lambda: pane_class("SendPane")(id="send"),
            "history": lambda: pane_class("HistoryPane")(id="history"),
            "replay": lambda: pane_class("ReplayPane")(self.recordings, id="replay"),
            "mocks": lambda: pane_class("MocksPane")(id="mocks"),
            "settings": lambda: pane_class("SettingsPane")(id="settings"),
        }
        self.tabs = LazyTabs(self, factories)

    @property
    def store(self) -> Store | None:
        """The store at ``settings.db``, opened on first use; ``None`` if it cannot be."""
        if not self._store_tried:
            self._store_tried = True
            from signaltui.store import Store

            try:
                self._store = Store.open(self._db)
            except SignaltuiError as error:
                self._store_error = error.render()
        return self._store

    @property
    def mock_app(self) -> Starlette:
        """The in-process mock CRMs (``--target mock``), kept for the whole session."""
        if self._mock_app is None:
            from signaltui.mock import create_app

            self._mock_app = create_app(self._credentials)
        return self._mock_app

    @property
    def mock_server(self) -> MockServer:
        """The mock server the Mocks tab starts and stops on a loopback port."""
        if self._mock_server is None:
            from signaltui.tui.mocks import MockServer

            self._mock_server = MockServer(self._credentials)
        return self._mock_server

    @property
    def sessions(self) -> SessionPool:
        """The delivery sessions, one per target."""
        if self._sessions is None:
            from signaltui.tui.sessions import SessionPool

            self._sessions = SessionPool(self.settings, self.store, self.mock_app)
        return self._sessions

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="main-tabs"):
            yield from self.tabs.holders()
        yield Footer()

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

    async def pane_named(self, name: str) -> Any:
        """:meth:`pane` by class name, so the caller need not import the pane first."""
        return await self.pane(pane_class(name))

    def on_ready(self) -> None:
        # Opened just after the first screen is drawn (SQLite's imports cost start-up),
        # so a store that cannot be opened is still reported at start, not at the first
        # send. The short wait lets Textual finish the first frames (the footer's keys
        # come a frame or two after Ready) before the imports hold the event loop.
        self.set_timer(STORE_DELAY, self._open_store)

    def _open_store(self) -> None:
        if self.store is None and self._store_error:
            self.notify(
                f"{self._store_error}\nHistory is off for this session.",
                severity="error",
                timeout=15,
            )

    async def on_unmount(self) -> None:
        if self._sessions is not None:
            await self._sessions.reset()
        if self._mock_server is not None:
            self._mock_server.stop()
        if self._store is not None:
            self._store.close()

    # -- the composed event -------------------------------------------------------------

    def on_compose_pane_event_edited(self, message: ComposePane.EventEdited) -> None:
        self.event = message.event
        if self._preview_timer is not None:
            self._preview_timer.stop()
        # Debounced: typing a name should not re-plan three CRMs on every key.
        self._preview_timer = self.set_timer(self.preview_delay, self.refresh_preview)

    def refresh_preview(self) -> None:
        """Re-plan the current event for every CRM and show it (if the tab is built)."""
        preview = self._built("PreviewPane")
        if preview is not None:
            self.show_preview(preview)

    def show_preview(self, preview: PreviewPane) -> None:
        """Plan the current event for every CRM into ``preview``."""
        try:
            event = parse_event(self.event, where="composer")
        except SignaltuiError as error:
            preview.show_error(error.render())
            return
        preview.show(decide_all(event, self.settings))

    def load_event(self, event: dict[str, Any]) -> None:
        """Put ``event`` into the composer (and so into the preview)."""
        self.event = event  # at once: a re-send right after must send this event
        self.query_one(ComposePane).set_event(event)

    async def resend(self, destination: str) -> None:
        """Send the composer's event to one CRM at the Send tab's target."""
        await self.action_show_tab("send")
        (await self.pane_named("SendPane")).start_send([destination])

    def history_changed(self) -> None:
        """New deliveries were stored."""
        if (history := self._built("HistoryPane")) is not None:
            history.refresh_rows()

    def on_send_pane_sent(self, message: SendPane.Sent) -> None:
        self.history_changed()
        if (mocks := self._built("MocksPane")) is not None:
            mocks.refresh_journal()

    def mock_server_started(self, url: str) -> None:
        """Aim the Send tab's URL target at the new server (building the tab if need be)."""

        async def aim() -> None:
            (await self.pane_named("SendPane")).use_url(url)

        self.call_next(aim)

    def apply_settings(self, settings: Settings) -> None:
        """Use ``settings`` from now on: new sessions and a re-planned preview."""
        self.settings = settings
        self.run_worker(self.sessions.reset(settings), group="settings")
        self.refresh_preview()

    # -- actions ------------------------------------------------------------------------

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

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

    def action_open_event(self) -> None:
        def opened(path: str | None) -> None:
            if path:
                try:
                    self.load_event(load_event_file(Path(path).expanduser()))
                except SignaltuiError as error:
                    self.notify(error.render(), title="Cannot open", severity="error")
                else:
                    self.notify(f"Loaded {path}")

        self.push_screen(PathDialog("Open an event file (JSON or JSON Lines)"), opened)

    def action_save_event(self) -> None:
        def chosen(path: str | None) -> None:
            if path:
                try:
                    save_event_file(Path(path), self.event)
                except SignaltuiError as error:
                    self.notify(error.render(), title="Cannot save", severity="error")
                else:
                    self.notify(f"Saved {path}")

        self.push_screen(PathDialog("Save the event as", "event.json"), chosen)

    async def action_copy_curl(self) -> None:
        command = (await self.pane_named("PreviewPane")).active_view().curl()
        if command is None:
            self.notify("Nothing to copy: this CRM drops the event.", severity="warning")
            return
        self.copy_to_clipboard(command)
        await self.action_show_tab("preview")
        self.notify("Copied the request as curl (secrets masked).")

    async def action_send(self) -> None:
        await self.action_show_tab("send")
        (await self.pane_named("SendPane")).start_send()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Send event", "Send the composed event (ctrl+r)", self.action_send)
        yield SystemCommand("Copy as curl", "The previewed request (ctrl+y)", self.action_copy_curl)
        yield SystemCommand("Open event file", "Load an event (ctrl+o)", self.action_open_event)
        yield SystemCommand("Save event file", "Save the event (ctrl+s)", self.action_save_event)
        yield SystemCommand("Help", "Keys and workflow (F1)", self.action_help)
        for tab in TABS:
            yield SystemCommand(
                f"Go to {tab.capitalize()}",
                f"Show the {tab} tab",
                lambda t=tab: self.action_show_tab(t),
            )
