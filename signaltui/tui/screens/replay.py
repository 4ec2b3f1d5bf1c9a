"""The Replay tab: verify or re-send recording files with live progress and results."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Input, ProgressBar, Select, Static

from signaltui.errors import SignaltuiError
from signaltui.recordings import count_lines
from signaltui.replay import (
    ExchangeResult,
    ReplayOptions,
    ReplaySummary,
    Selection,
    run_send,
    run_verify,
)
from signaltui.targets import Target
from signaltui.tui.replay_model import parse_paths, result_detail, result_row, source_folders
from signaltui.tui.screens.plan_modal import PlanScreen
from signaltui.tui.screens.send import SendPane

if TYPE_CHECKING:
    from signaltui.tui.app import SignalApp


class ReplayStopped(Exception):
    """Raised from the result callback to end a run the person stopped."""


class ReplayPane(Vertical):
    """Runs :func:`run_verify` (in a thread) or :func:`run_send` (async) over recordings.

    One run at a time: Run is disabled while one goes, and Stop ends it after the
    exchange in flight (a stopped send run is resumed by the next one, as on the CLI).
    """

    def __init__(self, default_paths: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.default_paths = default_paths
        self.results: dict[str, ExchangeResult] = {}
        #: The folders of the paths being replayed: the table's sources are relative to them.
        self.folders: list[Path] = []
        self.total = 0
        #: Set by Stop; the result callback checks it after each exchange.
        self._stop = threading.Event()

    def compose(self) -> ComposeResult:
        with Horizontal(classes="toolbar"):
            yield Input(
                self.default_paths,
                placeholder="recordings/ or files",
                id="replay-paths",
                compact=True,
            )
            yield Select(
                [("verify (no network)", "verify"), ("send (Send tab target)", "send")],
                value="verify",
                allow_blank=False,
                id="replay-mode",
                compact=True,
            )
            yield Button("Run", id="replay-run", variant="primary", compact=True)
            yield Button("Stop", id="replay-stop", variant="error", compact=True, disabled=True)
        yield ProgressBar(total=1, id="replay-progress", show_eta=False)  # 0% until a run
        yield Static("Pick recordings and a mode, then Run.", id="replay-summary")
        with Horizontal(classes="replay-body"):
            table: DataTable[str] = DataTable(id="replay-table", cursor_type="row")
            table.add_columns("status", "CRM", "event", "result", "source")
            yield table
            with VerticalScroll(id="replay-detail-box"):
                yield Static("Select a result to see its differences.", id="replay-detail")

    @property
    def signal_app(self) -> SignalApp:
        return cast("SignalApp", self.app)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "replay-run":
            await self.start()
        elif event.button.id == "replay-stop":
            self.stop()

    @property
    def running(self) -> bool:
        """Whether a run is going (Run is disabled meanwhile)."""
        return self.query_one("#replay-run", Button).disabled

    def stop(self) -> None:
        """Ask the run to end after the exchange in flight."""
        if self.running:
            self._stop.set()
            self.query_one("#replay-stop", Button).disabled = True
            self.query_one("#replay-summary", Static).update("Stopping after this exchange…")

    def _set_running(self, running: bool) -> None:
        self.query_one("#replay-run", Button).disabled = running
        self.query_one("#replay-stop", Button).disabled = not running

    def _begin(self, mode: str) -> None:
        """A run starts: the last one's summary and detail go, Run is disabled."""
        self._stop.clear()
        self._set_running(True)
        self.query_one("#replay-summary", Static).update(
            f"Running {mode} over {self.total} exchange(s)…"
        )
        self.query_one("#replay-detail", Static).update("")

    async def start(self) -> None:
        """Validate the inputs, then run the chosen mode in a worker."""
        if self.running:
            return  # the button is disabled; a key binding or a stray call must not restart
        try:
            paths = parse_paths(self.query_one("#replay-paths", Input).value)
            total = count_lines(paths)
        except SignaltuiError as error:
            self.app.notify(error.render(), title="Replay", severity="error")
            return
        self.results.clear()
        self.folders = source_folders(paths)
        self.query_one("#replay-table", DataTable).clear()
        self.query_one("#replay-progress", ProgressBar).update(total=total, progress=0)
        self.total = total
        if self.query_one("#replay-mode", Select).value == "verify":
            self._begin("verify")
            self._verify(paths)
            return
        send_pane = await self.signal_app.pane(SendPane)  # its target, even if never opened
        try:
            target = send_pane.target()
        except SignaltuiError as error:
            self.app.notify(error.render(), title="Replay", severity="error")
            return
        from signaltui.replay.plan_build import make_plan  # only when a send is asked for

        try:
            # The plan first (reads only): what would go, duplicates, time; then ask.
            plan = await make_plan(
                paths, self.signal_app.settings, target, Selection(),
                store=self.signal_app.store, concurrency=1,
            )  # fmt: skip
        except SignaltuiError as error:
            self.app.notify(error.render(), title="Replay", severity="error")
            return

        def chosen(choice: str | None) -> None:
            if choice is not None:
                self._begin("send")
                skip = plan.skipped_duplicates() if choice == "skip" else {}
                self._send(paths, target, target.is_live, skip)

        self.app.push_screen(PlanScreen(plan), chosen)

    def add_result(self, result: ExchangeResult) -> None:
        """One finished exchange: a table row and a progress step."""
        key = f"{len(self.results)}"
        self.results[key] = result
        cells = result_row(result, self.folders)  # event names and paths: shown as written
        self.query_one("#replay-table", DataTable).add_row(*map(Text, cells), key=key)
        self.query_one("#replay-progress", ProgressBar).advance(1)

    def finish(self, summary: ReplaySummary) -> None:
        self._set_running(False)
        data = summary.to_json()
        verdict = "all passed" if summary.ok else "FAILURES"
        self.query_one("#replay-summary", Static).update(
            f"{summary.mode}: {data['total']} exchange(s) — {data['passed']} passed, "
            f"{data['failed']} failed, {data['errors']} errors, {data['skipped']} skipped "
            f"({verdict})"
        )

    def _stopped(self, mode: str) -> None:
        self._set_running(False)
        after = " The next send run resumes where this one stopped." if mode == "send" else ""
        self.query_one("#replay-summary", Static).update(
            f"{mode}: stopped after {len(self.results)} of {self.total} exchange(s).{after}"
        )

    def _failed(self, error: Exception) -> None:
        self._set_running(False)
        text = error.render() if isinstance(error, SignaltuiError) else repr(error)
        self.query_one("#replay-summary", Static).update(Text(f"Replay stopped: {text}"))
        self.app.notify(text, title="Replay", severity="error", timeout=10)

    @work(thread=True, exclusive=True, group="replay", exit_on_error=False)
    def _verify(self, paths: list[Path]) -> None:
        settings = self.signal_app.settings

        def on_result(result: ExchangeResult) -> None:
            self.app.call_from_thread(self.add_result, result)
            if self._stop.is_set():
                raise ReplayStopped

        try:
            summary = run_verify(paths, settings, ReplayOptions(), on_result)
        except ReplayStopped:
            self.app.call_from_thread(self._stopped, "verify")
            return
        except Exception as error:  # SignaltuiError mostly; never let a thread kill the app
            self.app.call_from_thread(self._failed, error)
            return
        self.app.call_from_thread(self.finish, summary)

    @work(exclusive=True, group="replay", exit_on_error=False)
    async def _send(
        self, paths: list[Path], target: Target, live: bool, skip: dict[str, str]
    ) -> None:
        session = self.signal_app.sessions.session(target, live_confirmed=live)

        def on_result(result: ExchangeResult) -> None:
            self.add_result(result)
            if self._stop.is_set():
                raise ReplayStopped  # after the store has the delivery: resumable

        # One exchange at a time: when Stop ends the run nothing else is in flight, so
        # every exchange sent is stored and the next run resumes exactly after it.
        options = ReplayOptions(concurrency=1, skip=skip)
        try:
            summary = await run_send(paths, session, options, on_result)
        except ReplayStopped:
            self._stopped("send")
            self.signal_app.history_changed()
            return
        except Exception as error:
            self._failed(error)
            return
        finally:
            if live:
                await session.aclose()
        self.finish(summary)
        self.signal_app.history_changed()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        result = self.results.get(str(event.row_key.value))
        if result is not None:
            # Recorded values and CRM answers, shown as written (never read as markup).
            self.query_one("#replay-detail", Static).update(Text(result_detail(result)))
