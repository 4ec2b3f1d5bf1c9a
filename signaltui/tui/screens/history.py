"""The History tab: stored deliveries with search and filters; enter opens one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Select, Static

from signaltui.core.request import DESTINATIONS
from signaltui.delivery.outcomes import OUTCOMES
from signaltui.errors import SignaltuiError
from signaltui.recordings.from_store import export_deliveries
from signaltui.service import resend_due_deferred
from signaltui.store import DeliveryRow
from signaltui.tui.screens.detail import DeliveryDetailScreen
from signaltui.tui.screens.replay import ReplayPane

if TYPE_CHECKING:
    from signaltui.tui.app import SignalApp

#: What History's ctrl+f re-sends, and the recording it writes them to (in the data dir).
RESEND_OUTCOMES = ("failed", "dead_lettered")
RESEND_FILE = "resend-failed.jsonl"

#: Outcome and status come early: on a narrow screen the last columns are off to the right.
COLUMNS = ("id", "created (UTC)", "CRM", "outcome", "HTTP", "event", "email", "target")


def history_row(row: DeliveryRow) -> tuple[str, ...]:
    """One table row for a stored delivery."""
    when = row.created_at.replace("T", " ")[:19]
    status = str(row.response_status) if row.response_status is not None else "-"
    return (
        str(row.id),
        when,
        row.destination,
        row.outcome,
        status,
        row.event or "-",
        row.email or "-",
        row.target,
    )


class HistoryPane(Vertical):
    """Lists what the store holds; filters apply as you type."""

    # The filter inputs leave down alone, so it reaches the pane: into the results.
    BINDINGS = [
        Binding("down", "focus_results", "Into the results", show=False),
        Binding("ctrl+d", "resend_due", "Re-send due deferred", show=False),
        Binding("ctrl+f", "resend_failed", "Re-send failed (plan first)", show=False),
        Binding("ctrl+b", "bundle", "Bundle", show=False),
    ]

    async def action_resend_failed(self) -> None:
        """Re-send the failed and dead-lettered deliveries (of the CRM filter, if set) as a
        send replay in the Replay tab, which shows its send plan before anything goes."""
        store = self.signal_app.store
        if store is None:
            return
        settings = self.signal_app.settings
        path = settings.db.parent / RESEND_FILE
        try:
            count = export_deliveries(
                store, path, outcomes=RESEND_OUTCOMES,
                destination=self._filter("#history-destination"),
                secrets=settings.credentials.secret_values(),
            )  # fmt: skip
        except SignaltuiError as error:
            self.app.notify(error.render(), title="Re-send failed", severity="error")
            return
        if not count:
            self.app.notify("No failed or dead-lettered deliveries to re-send.")
            return
        replay = await self.signal_app.pane(ReplayPane)
        replay.query_one("#replay-paths", Input).value = str(path)
        replay.query_one("#replay-mode", Select).value = "send"
        await self.signal_app.action_show_tab("replay")
        await replay.start()

    def action_bundle(self) -> None:
        """Write the selected delivery as a repro bundle, delivery-N.zip in the current
        folder (docs/bundles.md), and say where."""
        from signaltui.bundle import make_bundle

        store = self.signal_app.store
        table = self.query_one("#history-table", DataTable)
        if store is None or table.row_count == 0:
            self.app.notify("Select a delivery to bundle.", title="Bundle", severity="warning")
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        delivery_id = int(str(row_key.value))
        path = Path.cwd() / f"delivery-{delivery_id}.zip"
        try:
            warning = make_bundle(store, delivery_id, self.signal_app.settings, path)
        except SignaltuiError as error:
            self.app.notify(error.render(), title="Bundle", severity="error")
            return
        self.app.notify(f"Wrote {path}" + (f"\n{warning}" if warning else ""), title="Bundle")

    def action_resend_due(self) -> None:
        """Send again the deferred deliveries whose due time has passed (a worker)."""
        self.run_worker(self.resend_due(), group="resend-due", exclusive=True)

    async def resend_due(self) -> None:
        """Re-send due deferred deliveries through the service layer, then say what happened."""
        store = self.signal_app.store
        if store is None:
            return
        try:
            done = await resend_due_deferred(store, self.signal_app.sessions.session)
        except SignaltuiError as error:
            self.app.notify(error.render(), title="Re-send due", severity="error")
            return
        outcomes = [s.result.outcome for s in done.sent]
        message = f"Re-sent {len(outcomes)} due deferred: {outcomes.count('delivered')} delivered"
        if done.not_due:
            message += f"; {done.not_due} not yet due (next at {done.next_due})"
        if done.skipped_live:
            message += f"; {done.skipped_live} live left for `replay --mode send --target live`"
        self.app.notify(message, title="Re-send due")
        self.refresh_rows()

    def compose(self) -> ComposeResult:
        with Horizontal(classes="toolbar filters"):
            yield Input(
                placeholder="search name, email, company", id="history-search", compact=True
            )
            yield Input(placeholder="email", id="history-email", compact=True)
            yield Select(
                [(d, d) for d in DESTINATIONS],
                prompt="any CRM",
                id="history-destination",
                compact=True,
            )
            yield Select(
                [(o, o) for o in OUTCOMES], prompt="any outcome", id="history-outcome", compact=True
            )
            yield Button("Refresh", id="history-refresh", compact=True)
        table: DataTable[str] = DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        table.add_columns(*COLUMNS)
        yield table
        yield Static(
            "enter: open a delivery (request, response, attempts; load or re-send it)",
            id="history-status",
            classes="tip",
        )

    @property
    def signal_app(self) -> SignalApp:
        return cast("SignalApp", self.app)

    def on_mount(self) -> None:
        self.refresh_rows()

    def action_focus_results(self) -> None:
        self.query_one("#history-table", DataTable).focus()

    def _filter(self, widget_id: str) -> str | None:
        value = self.query_one(widget_id, Select).value
        return value if isinstance(value, str) else None

    def refresh_rows(self) -> None:
        """Query the store with the current search and filters."""
        store = self.signal_app.store
        table = self.query_one("#history-table", DataTable)
        table.clear()
        if store is None:
            self.query_one("#history-status", Static).update("No store: history is off.")
            return
        search = self.query_one("#history-search", Input).value.strip()
        email = self.query_one("#history-email", Input).value.strip()
        try:
            rows = store.list_deliveries(
                email=email or None,
                destination=self._filter("#history-destination"),
                outcome=self._filter("#history-outcome"),
                text=search or None,
                limit=500,
            )
        except SignaltuiError as error:
            self.app.notify(error.render(), title="History", severity="error")
            return
        for row in rows:
            table.add_row(*map(Text, history_row(row)), key=str(row.id))  # lead data as is

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.refresh_rows()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.refresh_rows()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "history-refresh":
            self.refresh_rows()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.open_delivery(int(event.row_key.value))

    def open_delivery(self, delivery_id: int) -> None:
        """Show one delivery; the dialog's choice (load / re-send) is carried out here."""
        store = self.signal_app.store
        if store is None:
            return
        try:
            detail = store.get_delivery(delivery_id)
            screen = DeliveryDetailScreen(detail)
        except SignaltuiError as error:
            self.app.notify(error.render(), title="History", severity="error")
            return
        event = detail.event_row.merged or detail.event_row.raw

        async def chosen(action: str | None) -> None:
            if action in ("load", "resend"):
                self.signal_app.load_event(event)
            if action == "load":
                await self.signal_app.action_show_tab("compose")
                self.app.notify(f"Delivery {delivery_id}'s event is in the composer.")
            elif action == "resend":
                await self.signal_app.resend(detail.destination)

        self.app.push_screen(screen, chosen)
