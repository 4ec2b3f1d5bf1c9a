"""The Mocks tab: the in-process mock and a loopback mock server, faults and journal."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Select, Static

from signaltui.errors import SignaltuiError
from signaltui.mock import FAULT_PROFILES
from signaltui.tui.mocks import (
    fault_profile,
    journal_entry,
    journal_rows,
    reset_mock,
    switch_faults,
)

if TYPE_CHECKING:
    from signaltui.tui.app import SignalApp

REFRESH_SECONDS = 1.0


class MocksPane(Vertical):
    """Start/stop the server, switch fault profiles, and watch what the mocks received."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: The journal rows the table shows, to tell a real change from a quiet second.
        self._shown: list[tuple[str, ...]] = []

    def compose(self) -> ComposeResult:
        with Horizontal(classes="toolbar mock-row"):
            yield Static("Mock", classes="label")
            yield Select(
                [("in-process mock", "inproc"), ("mock server", "server")],
                value="inproc",
                allow_blank=False,
                id="mock-which",
                compact=True,
            )
            yield Static("Faults", classes="label")
            yield Select(
                [(name, name) for name in FAULT_PROFILES],
                value="none",
                allow_blank=False,
                id="mock-faults",
                compact=True,
            )
        with Horizontal(classes="toolbar mock-row"):
            yield Button("Start server", id="mock-server-toggle", variant="success", compact=True)
            yield Button("Reset", id="mock-reset", compact=True)
        yield Static(id="mock-status")
        with Horizontal(classes="mock-body"):
            table: DataTable[str] = DataTable(id="mock-journal", cursor_type="row")
            table.add_columns("#", "CRM", "method", "path", "status", "fault")
            yield table
            with VerticalScroll(id="mock-entry-box"):
                yield Static("Select a request to see it as received.", id="mock-entry")

    @property
    def signal_app(self) -> SignalApp:
        return cast("SignalApp", self.app)

    def on_mount(self) -> None:
        self.show_status()
        self.refresh_journal()  # built lazily: requests may have arrived already
        self.set_interval(REFRESH_SECONDS, self.refresh_journal)

    def server_chosen(self) -> bool:
        """Whether the controls act on the mock server (else the in-process mock)."""
        return self.query_one("#mock-which", Select).value == "server"

    def chosen_app(self) -> Any:
        """The mock app the controls act on (``None``: the server is not running)."""
        if self.server_chosen():
            return self.signal_app.mock_server.app if self.signal_app.mock_server.running else None
        return self.signal_app.mock_app

    def show_status(self) -> None:
        """Both mocks' state and fault profile, the chosen profile's meaning, the button."""
        server = self.signal_app.mock_server
        text = Text()
        text.append("in-process mock ", "bold")
        text.append(f"faults {fault_profile(self.signal_app.mock_app)}    ")
        text.append("mock server ", "bold")
        if server.running and server.url:
            text.append(f"running at {server.url}, faults {server.profile}", "green")
        else:
            text.append(f"stopped (starts with faults {server.profile})", "dim")
        profile = str(self.query_one("#mock-faults", Select).value)
        text.append(f"\n{profile}: {FAULT_PROFILES.get(profile, '')}", "italic")
        self.query_one("#mock-status", Static).update(text)
        button = self.query_one("#mock-server-toggle", Button)
        button.label = "Stop server" if server.running else "Start server"
        button.variant = "error" if server.running else "success"

    def refresh_journal(self) -> None:
        """Reload the journal of the chosen mock (runs every second)."""
        app = self.chosen_app()
        rows = journal_rows(app) if app is not None else []
        # Rows, not their number: past the row limit the count stays the same, and a
        # pending request's row changes when it is answered.
        if rows == self._shown:
            return  # nothing new; keep the cursor where the person left it
        self._shown = rows
        table = self.query_one("#mock-journal", DataTable)
        table.clear()
        for row in rows:
            table.add_row(*(Text(str(cell)) for cell in row), key=row[0])  # paths as sent
        if rows:
            table.move_cursor(row=len(rows) - 1)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        server = self.signal_app.mock_server
        if event.select.id == "mock-which":
            self._clear_journal()
            profile = server.profile if self.server_chosen() else self._inproc_profile()
            self.query_one("#mock-faults", Select).value = profile
        elif event.select.id == "mock-faults":
            # The mock the "Mock" select names, running or not: never the other one.
            try:
                if self.server_chosen():
                    server.set_profile(str(event.value))
                else:
                    switch_faults(self.signal_app.mock_app, str(event.value))
            except SignaltuiError as error:
                self.app.notify(error.render(), title="Mocks", severity="error")
        self.show_status()
        self.refresh_journal()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "mock-server-toggle":
            self._toggle_server()
        elif event.button.id == "mock-reset" and (app := self.chosen_app()) is not None:
            reset_mock(app)
            self._clear_journal()
            self.app.notify("Mock journal and records cleared.")

    def _inproc_profile(self) -> str:
        return fault_profile(self.signal_app.mock_app)

    def _clear_journal(self) -> None:
        self._shown = []
        self.query_one("#mock-journal", DataTable).clear()

    @work(thread=True, exclusive=True, group="mock-server", exit_on_error=False)
    def _toggle_server(self) -> None:
        server = self.signal_app.mock_server
        try:
            if server.running:
                server.stop()
                message = "Mock server stopped."
            else:
                url = server.start()  # with the server's own profile
                self.app.call_from_thread(self.signal_app.mock_server_started, url)
                message = f"Mock server running at {url} (the Send tab's URL target)."
        except (SignaltuiError, OSError, RuntimeError) as error:
            self.app.call_from_thread(
                self.app.notify, f"Mock server: {error}", title="Mocks", severity="error"
            )
            return
        self.app.call_from_thread(self.show_status)
        self.app.call_from_thread(self.app.notify, message)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        app = self.chosen_app()
        if app is None or event.row_key.value is None:
            return
        secrets = self.signal_app.settings.credentials.secret_values()
        entry = journal_entry(app, int(event.row_key.value), secrets)
        text = json.dumps(entry, indent=2, ensure_ascii=False) if entry else ""
        self.query_one("#mock-entry", Static).update(Text(text))
