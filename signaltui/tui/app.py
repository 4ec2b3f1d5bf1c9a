"""The signaltui Textual app: wiring only. Each tab's logic lives in its pane module.

Start-up: this module imports only what the first screen (the Compose tab) needs. Each
other tab's pane module is imported when the tab is first built (:data:`PANE_TABS`); the
second part of the stylesheet (the other tabs' and the dialogs' rules,
:mod:`signaltui.tui.styles`) is added when the first other pane or screen is built; and
a thread started just after the first screen is drawn compiles the preset blueprints
(then fills in the event picker and the verdicts) and makes the store, the mocks and the
delivery sessions (sqlite_utils, starlette, uvicorn, httpx; :mod:`signaltui.tui.services`);
a send before they are ready waits for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Header, Static, TabbedContent

from signaltui import startup_gc
from signaltui.config import Settings
from signaltui.core.decision import Decision
from signaltui.core.events import parse_event
from signaltui.errors import SignaltuiError
from signaltui.tui.app_tabs import TabbedApp
from signaltui.tui.compose_model import known_events
from signaltui.tui.palette import app_commands
from signaltui.tui.render import decide_all
from signaltui.tui.samples import sample_event
from signaltui.tui.screens.compose import ComposePane
from signaltui.tui.services import Services
from signaltui.tui.settings_model import config_file
from signaltui.tui.start_screen import StartScreen
from signaltui.tui.styles import add_later_styles
from signaltui.tui.tabs import TABS, LazyTabs, pane_class
from signaltui.tui.widgets.event_form import EventForm
from signaltui.tui.widgets.footer import FirstFrameFooter

if TYPE_CHECKING:  # imported when first needed, after the first screen (see above)
    from signaltui.store import Store
    from signaltui.tui.mocks import MockServer
    from signaltui.tui.screens.history import HistoryPane
    from signaltui.tui.screens.mocks import MocksPane
    from signaltui.tui.screens.preview import PreviewPane
    from signaltui.tui.screens.send import SendPane
    from signaltui.tui.sessions import SessionPool

__all__ = ["TABS", "SignalApp"]

#: Seconds after Textual's Ready at which the start-up thread begins (see ``on_ready``).
START_DELAY = 0.25


class SignalApp(TabbedApp):
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
        start_delay: float = START_DELAY,
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
        self.start_delay = start_delay
        #: Whether the preset blueprints are compiled (just after the first screen);
        #: until then the verdicts wait (they show "planning…").
        self.planning_ready = False
        #: The store, mocks and sessions: started just after the first screen.
        self.services = Services(settings, store)
        self._preview_timer: Timer | None = None
        factories: dict[str, Callable[[], Widget]] = {
            "compose": lambda: ComposePane(self.event, id="compose"),
            "preview": lambda: self._later_pane("PreviewPane", id="preview"),
            "send": lambda: self._later_pane("SendPane", id="send"),
            "history": lambda: self._later_pane("HistoryPane", id="history"),
            "replay": lambda: self._later_pane("ReplayPane", self.recordings, id="replay"),
            "mocks": lambda: self._later_pane("MocksPane", id="mocks"),
            "settings": lambda: self._later_pane("SettingsPane", id="settings"),
            "blueprints": lambda: self._later_pane("BlueprintsPane", id="blueprints"),
        }
        self.tabs = LazyTabs(self, factories)

    @property
    def store(self) -> Store | None:
        """The store at ``settings.db`` (``None``: it could not be opened)."""
        return self.services.store

    @property
    def mock_app(self) -> Any:
        """The in-process mock CRMs (``--target mock``)."""
        return self.services.mock_app

    @property
    def mock_server(self) -> MockServer:
        """The loopback mock server of the Mocks tab."""
        return self.services.mock_server

    @property
    def sessions(self) -> SessionPool:
        """The delivery sessions, one per target."""
        return self.services.sessions

    def _later_pane(self, name: str, *args: Any, id: str) -> Widget:
        """A pane of another tab than the first screen's, with the styles it needs."""
        add_later_styles(self)  # before its widgets are styled (tui/styles.py)
        pane: Widget = pane_class(name)(*args, id=id)
        return pane

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        # Plain text unless asked: messages carry paths, event names and CRM answers,
        # whose brackets Textual would read as markup ("[/x]" raises, "[b]" vanishes).
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        # Every dialog (and Textual's command palette, a ModalScreen) is styled by
        # app_later.tcss, which the first screen did without (tui/styles.py).
        add_later_styles(self)
        return super().push_screen(*args, **kwargs)

    def update_styles(self, node: DOMNode, animate: bool = True) -> None:
        # A widget not yet mounted is styled when it is mounted (App._register), so a
        # class set while it is built (the compact and flat watchers of Input, Select,
        # Button and Checkbox) need not style it now: ~25 such passes at start-up, each
        # on a node alone and thrown away. The rest is Textual's own.
        if node is self or node.is_attached:
            super().update_styles(node, animate)

    def get_default_screen(self) -> Screen[Any]:
        # Styled once before its first frame, at its final layout (start_screen.py).
        return StartScreen(self.size.width, self.HORIZONTAL_BREAKPOINTS)

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="main-tabs"):
            yield from self.tab_holders()
        # Outside the tabs, so every tab shows it while the JSON editor is invalid.
        yield Static(id="event-error")
        yield FirstFrameFooter()

    def on_mount(self) -> None:
        self.query_one("#event-error").display = False

    def on_ready(self) -> None:
        # Started just after the first screen: Textual writes the first frame a little
        # after Ready (0.03-0.1 s here), and the thread's imports and compiling would
        # compete with it for the interpreter.
        self.set_timer(self.start_delay, self._start_up_thread)

    def _start_up_thread(self) -> None:
        startup_gc.resume()  # paused by the CLI until the first screen (startup_gc.py)
        # exit_on_error off: a quit during start-up must not turn into an error.
        self.run_worker(
            self._after_first_screen, thread=True, group="start-up", exit_on_error=False
        )

    def _after_first_screen(self) -> None:
        """The start-up thread: the preset blueprints first (the verdicts and the event
        picker need them), then the services."""
        try:
            known_events(self.settings.mapping_config)  # compiles them, kept for every plan
        except SignaltuiError as error:  # blueprints the command line did not check first
            self.call_from_thread(self._report_planning_error, error.render())
        except Exception as error:  # a bug: said on screen rather than left "planning…"
            self.call_from_thread(self._report_planning_error, f"unexpected error: {error!r}")
        else:
            self.call_from_thread(self._planning_is_ready)
        self.services.start_all()
        if self.services.store_error:  # reported at start, not at the first send
            self.call_from_thread(self._report_store_error)

    def _planning_is_ready(self) -> None:
        self.planning_ready = True
        self.query_one(EventForm).fill_known_events(self.settings.mapping_config)
        self.refresh_preview()

    def _report_planning_error(self, text: str) -> None:
        # Said on screen, not left as "planning…" for good: nothing can be planned.
        self.query_one("#verdicts", Static).update(Text(f"cannot plan: {text}", "red"))
        self.notify(text, title="Blueprints", severity="error", timeout=30)

    def _report_store_error(self) -> None:
        self.notify(
            f"{self.services.store_error}\nHistory is off for this session.",
            severity="error",
            timeout=15,
        )

    async def on_unmount(self) -> None:
        await self.services.close()

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
            return decide_all(event, self.settings), None
        except SignaltuiError as error:  # an invalid event, or blueprints that cannot plan
            return None, error.render()

    def refresh_preview(self) -> None:
        """Re-plan the current event: Compose's verdicts and the Preview (if built).

        Before the presets are compiled (start-up) this waits: the start-up thread
        calls it again once they are.
        """
        if not self.planning_ready:
            return
        compose = self.built_pane(ComposePane)
        preview = self._built("PreviewPane")
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
        (await self._pane_named("SendPane")).start_send([destination])

    def history_changed(self) -> None:
        """New deliveries were stored."""
        history: HistoryPane | None = self._built("HistoryPane")
        if history is not None:
            history.refresh_rows()

    def on_send_pane_sent(self, message: SendPane.Sent) -> None:
        self.history_changed()
        mocks: MocksPane | None = self._built("MocksPane")
        if mocks is not None:
            mocks.refresh_journal()

    def mock_server_started(self, url: str) -> None:
        """Aim the Send tab's URL target at the new server (building the tab if need be)."""

        async def aim() -> None:
            (await self._pane_named("SendPane")).use_url(url)

        self.call_next(aim)

    def apply_settings(self, settings: Settings) -> None:
        """Use ``settings`` from now on: new sessions and a re-planned preview."""
        self.settings = settings
        self.services.settings = settings  # for sessions made from now on
        self.run_worker(self.sessions.reset(settings), group="settings")
        self.refresh_preview()

    # -- actions ------------------------------------------------------------------------

    # The dialogs' modules are imported when first used, not for the first screen.

    def action_help(self) -> None:
        from signaltui.tui.help import widget_help
        from signaltui.tui.screens.modals import HelpScreen

        self.push_screen(HelpScreen(widget_help(self, self.focused)))

    def action_open_event(self) -> None:
        from signaltui.tui.event_files import open_event_dialog

        open_event_dialog(self)

    def action_save_event(self) -> None:
        from signaltui.tui.event_files import save_event_dialog

        save_event_dialog(self)

    async def action_copy_curl(self) -> None:
        if self.refuse_invalid("copied"):
            return
        preview: PreviewPane = await self._pane_named("PreviewPane")
        command = preview.active_view().curl()
        if command is None:
            self.notify("Nothing to copy: this CRM drops the event.", severity="warning")
            return
        self.copy_to_clipboard(command)
        await self.action_show_tab("preview")
        self.notify("Copied the request as curl (secrets masked).")

    async def action_send(self) -> None:
        await self.action_show_tab("send")
        (await self._pane_named("SendPane")).start_send()

    async def action_resend_due(self) -> None:
        await self.action_show_tab("history")
        (await self._pane_named("HistoryPane")).action_resend_due()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from app_commands(self)
