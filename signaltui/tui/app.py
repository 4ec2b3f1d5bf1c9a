"""The signaltui Textual app: wiring only. Each tab's logic lives in its pane module."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Header, Static, TabbedContent

from signaltui.config import Settings
from signaltui.core.decision import Decision
from signaltui.core.events import parse_event
from signaltui.errors import SignaltuiError
from signaltui.mock import create_app
from signaltui.store import Store
from signaltui.tui.help import widget_help
from signaltui.tui.mocks import MockServer
from signaltui.tui.render import decide_all
from signaltui.tui.samples import event_choices, sample_event, save_event_file
from signaltui.tui.screens.blueprints import BlueprintsPane
from signaltui.tui.screens.compose import ComposePane
from signaltui.tui.screens.history import HistoryPane
from signaltui.tui.screens.mocks import MocksPane
from signaltui.tui.screens.modals import ConfirmScreen, EventPicker, HelpScreen, PathDialog
from signaltui.tui.screens.preview import PreviewPane
from signaltui.tui.screens.replay import ReplayPane
from signaltui.tui.screens.send import SendPane
from signaltui.tui.screens.settings import SettingsPane
from signaltui.tui.sessions import SessionPool
from signaltui.tui.settings_model import config_file
from signaltui.tui.tabs import (
    SHORT_LABELS_BELOW,
    TAB_FOCUS,
    TABS,
    LazyTabs,
    holder_id,
    tab_label,
)

__all__ = ["TABS", "SignalApp"]

P = TypeVar("P", bound=Widget)

#: The tab each pane class lives on.
PANE_TABS: dict[type[Widget], str] = {
    ComposePane: "compose",
    PreviewPane: "preview",
    SendPane: "send",
    HistoryPane: "history",
    ReplayPane: "replay",
    MocksPane: "mocks",
    SettingsPane: "settings",
    BlueprintsPane: "blueprints",
}


class SignalApp(App[None]):
    """Compose → preview → send → history → replay, over the one signaltui core."""

    CSS_PATH = "app.tcss"
    #: The screen's class by terminal width: below 110 columns panes stack (app.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
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
        # Priority: the JSON editor binds ctrl+y to redo (it keeps ctrl+shift+z for that).
        Binding("ctrl+y", "copy_curl", "Copy curl", priority=True),
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
        config_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        #: The config file the settings were read from (shown on the Settings tab).
        self.config_path = config_file(config_path)
        self.event: dict[str, Any] = event or sample_event(fixtures)
        #: Why the JSON editor's text is not an event (``None``: it is ``self.event``).
        self.event_error: str | None = None
        self.recordings = recordings
        self.preview_delay = preview_delay
        self._store_error: str | None = None
        if store is None:
            try:
                store = Store.open(settings.db)
            except SignaltuiError as error:
                self._store_error = error.render()
        self.store = store
        self.mock_app = create_app(settings.credentials, limits=settings.mock_limits)
        self.mock_server = MockServer(settings.credentials, limits=settings.mock_limits)
        self.sessions = SessionPool(settings, store, self.mock_app)
        self._preview_timer: Timer | None = None
        factories: dict[str, Callable[[], Widget]] = {
            "compose": lambda: ComposePane(self.event, id="compose"),
            "preview": lambda: PreviewPane(id="preview"),
            "send": lambda: SendPane(id="send"),
            "history": lambda: HistoryPane(id="history"),
            "replay": lambda: ReplayPane(self.recordings, id="replay"),
            "mocks": lambda: MocksPane(id="mocks"),
            "settings": lambda: SettingsPane(id="settings"),
            "blueprints": lambda: BlueprintsPane(id="blueprints"),
        }
        self.tabs = LazyTabs(self, factories)

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="main-tabs"):
            yield from self.tabs.holders()
        # Outside the tabs, so every tab shows it while the JSON editor is invalid.
        yield Static(id="event-error")
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

    async def pane(self, kind: type[P]) -> P:
        """The pane of class ``kind``, building its tab first if needed."""
        await self.tabs.ensure(PANE_TABS[kind])
        return self.query_one(kind)

    def on_resize(self, event: events.Resize) -> None:
        # All eight tabs fit in 80 columns only without their F-keys in the labels.
        short = event.size.width < SHORT_LABELS_BELOW
        tabbed = self.query_one("#main-tabs", TabbedContent)
        for tab in TABS:
            tabbed.get_tab(holder_id(tab)).label = tab_label(tab, short=short)

    def on_mount(self) -> None:
        self.query_one("#event-error").display = False
        if self._store_error:
            self.notify(
                f"{self._store_error}\nHistory is off for this session.",
                severity="error",
                timeout=15,
            )

    async def on_unmount(self) -> None:
        await self.sessions.reset()
        self.mock_server.stop()
        if self.store is not None:
            self.store.close()

    # -- the composed event -------------------------------------------------------------

    def on_compose_pane_event_edited(self, message: ComposePane.EventEdited) -> None:
        self.event = message.event
        self._set_event_error(None)
        self._schedule_refresh()

    def on_compose_pane_event_invalid(self, message: ComposePane.EventInvalid) -> None:
        self._set_event_error(message.error)  # at once: a send right after is refused
        self._schedule_refresh()

    def _schedule_refresh(self) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
        # Debounced: typing a name should not re-plan three CRMs on every key.
        self._preview_timer = self.set_timer(self.preview_delay, self.refresh_preview)

    def _set_event_error(self, error: str | None) -> None:
        self.event_error = error
        banner = self.query_one("#event-error", Static)
        banner.display = error is not None
        if error is not None:
            # The first line (what and where); the hint is in the refusal's notification.
            banner.update(
                f"⚠ {error.splitlines()[0]}\nPreview and verdicts show the last valid "
                "event; send, copy and save are refused until the JSON is fixed."
            )

    def refuse_invalid(self, what: str) -> bool:
        """Notify and return ``True`` when the JSON editor's text is not a valid event."""
        if self.event_error is None:
            return False
        self.notify(self.event_error, title=f"Not {what}: invalid JSON", severity="error")
        return True

    def plan_current(self) -> tuple[dict[str, Decision] | None, str | None]:
        """Every CRM's decision for the current event, or why it cannot be planned."""
        try:
            event = parse_event(self.event, where="composer")
        except SignaltuiError as error:
            return None, error.render()
        return decide_all(event, self.settings), None

    def refresh_preview(self) -> None:
        """Re-plan the current event: Compose's verdicts and the Preview (if built)."""
        compose = self.built_pane(ComposePane)
        preview = self.built_pane(PreviewPane)
        if compose is None and preview is None:
            return
        decisions, error = self.plan_current()
        if compose is not None:
            compose.show_plan(decisions, error, stale=self.event_error is not None)
        if preview is not None:
            self._show_plan(preview, decisions, error)

    def show_preview(self, preview: PreviewPane) -> None:
        """Plan the current event for every CRM into ``preview``."""
        self._show_plan(preview, *self.plan_current())

    def _show_plan(
        self, preview: PreviewPane, decisions: dict[str, Decision] | None, error: str | None
    ) -> None:
        if decisions is None:
            preview.show_error(error or "")
        else:
            preview.show(decisions, stale=self.event_error is not None)

    def load_event(self, event: dict[str, Any]) -> None:
        """Put ``event`` into the composer (and so into the preview)."""
        self.event = event  # at once: a re-send right after must send this event
        self._set_event_error(None)
        self.query_one(ComposePane).set_event(event)

    async def resend(self, destination: str) -> None:
        """Send the composer's event to one CRM at the Send tab's target."""
        await self.action_show_tab("send")
        (await self.pane(SendPane)).start_send([destination])

    def history_changed(self) -> None:
        """New deliveries were stored."""
        if (history := self.built_pane(HistoryPane)) is not None:
            history.refresh_rows()

    def on_send_pane_sent(self, message: SendPane.Sent) -> None:
        self.history_changed()
        if (mocks := self.built_pane(MocksPane)) is not None:
            mocks.refresh_journal()

    def mock_server_started(self, url: str) -> None:
        """Aim the Send tab's URL target at the new server (building the tab if need be)."""

        async def aim() -> None:
            (await self.pane(SendPane)).use_url(url)

        self.call_next(aim)

    def apply_settings(self, settings: Settings) -> None:
        """Use ``settings`` from now on: new sessions and a re-planned preview."""
        self.settings = settings
        self.run_worker(self.sessions.reset(settings), group="settings")
        self.refresh_preview()

    # -- actions ------------------------------------------------------------------------

    def action_help(self) -> None:
        self.push_screen(HelpScreen(widget_help(self, self.focused)))

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
            if not path:
                return
            try:
                choices, default = event_choices(Path(path).expanduser())
            except SignaltuiError as error:
                self.notify(error.render(), title="Cannot open", severity="error")
                return

            def picked(index: int | None) -> None:
                if index is not None:
                    self.load_event(choices[index].event)
                    self.notify(f"Loaded event {index + 1} of {path}")

            if len(choices) == 1:
                picked(0)
                return
            title = f"{path} holds {len(choices)} events: which one? (identify traits merged)"
            labels = [choice.label for choice in choices]
            self.push_screen(EventPicker(title, labels, default), picked)

        self.push_screen(PathDialog("Open an event file (JSON or JSON Lines)"), opened)

    def action_save_event(self) -> None:
        if self.refuse_invalid("saved"):
            return
        event = self.event  # the event as it is now, not when the dialogs are answered

        def save(path: Path) -> None:
            try:
                save_event_file(path, event)
            except SignaltuiError as error:
                self.notify(error.render(), title="Cannot save", severity="error")
            else:
                self.notify(f"Saved {path}")

        def chosen(text: str | None) -> None:
            if not text:
                return
            path = Path(text).expanduser()
            if not path.exists():
                save(path)
                return
            question = f"{path} exists. Overwrite it with the composed event?"
            self.push_screen(
                ConfirmScreen(question, yes="Overwrite"), lambda yes: save(path) if yes else None
            )

        self.push_screen(PathDialog("Save the event as", "event.json"), chosen)

    async def action_copy_curl(self) -> None:
        if self.refuse_invalid("copied"):
            return
        command = (await self.pane(PreviewPane)).active_view().curl()
        if command is None:
            self.notify("Nothing to copy: this CRM drops the event.", severity="warning")
            return
        self.copy_to_clipboard(command)
        await self.action_show_tab("preview")
        self.notify("Copied the request as curl (secrets masked).")

    async def action_send(self) -> None:
        await self.action_show_tab("send")
        (await self.pane(SendPane)).start_send()

    async def action_resend_due(self) -> None:
        await self.action_show_tab("history")
        (await self.pane(HistoryPane)).action_resend_due()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Send event", "Send the composed event (ctrl+r)", self.action_send)
        yield SystemCommand("Copy as curl", "The previewed request (ctrl+y)", self.action_copy_curl)
        yield SystemCommand("Open event file", "Load an event (ctrl+o)", self.action_open_event)
        yield SystemCommand("Save event file", "Save the event (ctrl+s)", self.action_save_event)
        yield SystemCommand("Help", "Keys and workflow (F1)", self.action_help)
        yield SystemCommand(
            "Re-send due deferred deliveries",
            "Deferred deliveries whose due time has passed (History, ctrl+d)",
            self.action_resend_due,
        )
        for tab in TABS:
            yield SystemCommand(
                f"Go to {tab.capitalize()}",
                f"Show the {tab} tab",
                lambda t=tab: self.action_show_tab(t),
            )
