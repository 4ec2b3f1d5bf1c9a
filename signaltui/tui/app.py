"""The signaltui Textual app: wiring only. Each tab's logic lives in its pane module."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, TabbedContent, TabPane

from signaltui.config import Settings
from signaltui.core.events import parse_event
from signaltui.errors import SignaltuiError
from signaltui.mock import create_app
from signaltui.store import Store
from signaltui.tui.mocks import MockServer
from signaltui.tui.render import decide_all
from signaltui.tui.samples import load_event_file, sample_event, save_event_file
from signaltui.tui.screens.compose import ComposePane
from signaltui.tui.screens.history import HistoryPane
from signaltui.tui.screens.mocks import MocksPane
from signaltui.tui.screens.modals import HelpScreen, PathDialog
from signaltui.tui.screens.preview import PreviewPane
from signaltui.tui.screens.replay import ReplayPane
from signaltui.tui.screens.send import SendPane
from signaltui.tui.screens.settings import SettingsPane
from signaltui.tui.sessions import SessionPool

TABS = ("compose", "preview", "send", "history", "replay", "mocks", "settings")
#: Where the focus lands when a tab is opened by its key, so arrows work at once.
TAB_FOCUS = {
    "preview": "#preview-tabs Tabs",
    "send": "#target-kind",
    "history": "#history-table",
    "replay": "#replay-paths",
}


class SignalApp(App[None]):
    """Compose → preview → send → history → replay, over the one signaltui core."""

    CSS_PATH = "app.tcss"
    TITLE = "signaltui"
    SUB_TITLE = "CRM lead delivery sandbox"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        *[
            Binding(f"f{n}", f"show_tab('{tab}')", tab.capitalize(), show=False)
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
        if store is None:
            try:
                store = Store.open(settings.db)
            except SignaltuiError as error:
                self._store_error = error.render()
        self.store = store
        self.mock_app = create_app(settings.credentials)
        self.mock_server = MockServer(settings.credentials)
        self.sessions = SessionPool(settings, store, self.mock_app)
        self._preview_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="main-tabs"):
            panes = (
                ComposePane(self.event, id="compose"),
                PreviewPane(id="preview"),
                SendPane(id="send"),
                HistoryPane(id="history"),
                ReplayPane(self.recordings, id="replay"),
                MocksPane(id="mocks"),
                SettingsPane(id="settings"),
            )
            for n, (tab, pane) in enumerate(zip(TABS, panes, strict=True), start=2):
                with TabPane(f"F{n} {tab.capitalize()}", id=f"tab-{tab}"):
                    yield pane
        yield Footer()

    def on_mount(self) -> None:
        if self._store_error:
            self.notify(
                f"{self._store_error}\nHistory is off for this session.",
                severity="error",
                timeout=15,
            )
        self.refresh_preview()

    async def on_unmount(self) -> None:
        await self.sessions.reset()
        self.mock_server.stop()
        if self.store is not None:
            self.store.close()

    # -- the composed event -------------------------------------------------------------

    def on_compose_pane_event_edited(self, message: ComposePane.EventEdited) -> None:
        self.event = message.event
        if self._preview_timer is not None:
            self._preview_timer.stop()
        # Debounced: typing a name should not re-plan three CRMs on every key.
        self._preview_timer = self.set_timer(self.preview_delay, self.refresh_preview)

    def refresh_preview(self) -> None:
        """Re-plan the current event for every CRM and show it."""
        preview = self.query_one(PreviewPane)
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

    def resend(self, destination: str) -> None:
        """Send the composer's event to one CRM at the Send tab's target."""
        self.action_show_tab("send")
        self.query_one(SendPane).start_send([destination])

    def history_changed(self) -> None:
        """New deliveries were stored."""
        self.query_one(HistoryPane).refresh_rows()

    def on_send_pane_sent(self, message: SendPane.Sent) -> None:
        self.history_changed()
        self.query_one(MocksPane).refresh_journal()

    def mock_server_started(self, url: str) -> None:
        """Aim the Send tab's URL target at the new server."""
        self.query_one(SendPane).use_url(url)

    def apply_settings(self, settings: Settings) -> None:
        """Use ``settings`` from now on: new sessions and a re-planned preview."""
        self.settings = settings
        self.run_worker(self.sessions.reset(settings), group="settings")
        self.refresh_preview()

    # -- actions ------------------------------------------------------------------------

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_show_tab(self, tab: str) -> None:
        self.query_one("#main-tabs", TabbedContent).active = f"tab-{tab}"
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

    def action_copy_curl(self) -> None:
        command = self.query_one(PreviewPane).active_view().curl()
        if command is None:
            self.notify("Nothing to copy: this CRM drops the event.", severity="warning")
            return
        self.copy_to_clipboard(command)
        self.action_show_tab("preview")
        self.notify("Copied the request as curl (secrets masked).")

    def action_send(self) -> None:
        self.action_show_tab("send")
        self.query_one(SendPane).start_send()

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
