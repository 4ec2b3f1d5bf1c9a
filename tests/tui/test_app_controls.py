"""Replay Run/Stop, the Mocks tab's fault profiles, Settings paths, F1 and filter keys."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, DataTable, Select, Static

from signaltui.core.config import MappingConfig
from signaltui.core.events import Event, resolve_event
from signaltui.core.plan import plan
from signaltui.delivery.outcomes import RecordedRequest
from signaltui.recordings import Exchange, RecordingWriter
from signaltui.tui.app import TABS, SignalApp
from signaltui.tui.mocks import fault_profile, journal_rows
from signaltui.tui.samples import BUILTIN_SAMPLE
from signaltui.tui.screens import replay as replay_screen
from signaltui.tui.screens.modals import HELP_TEXT, HelpScreen
from signaltui.tui.screens.replay import ReplayPane
from tests.tui.conftest import answer_plan, wait_until


def write_many(path: Path, count: int) -> None:
    """``count`` Apollo exchanges as today's mapping makes them (each verifies)."""
    resolved = resolve_event(Event.model_validate(BUILTIN_SAMPLE))
    contract = plan(resolved, "apollo", MappingConfig()).request_contract()
    assert contract is not None
    with RecordingWriter(path) as writer:
        for number in range(count):
            writer.write(
                Exchange(
                    id=f"ex-{number}",
                    recorded_at="2026-11-22T10:00:00Z",
                    destination="apollo",
                    target="mock",
                    event=resolved.merged_json(),
                    decision={"action": "deliver"},
                    request=RecordedRequest(**contract),
                    outcome="delivered",
                    attempts=1,
                )
            )


def hold_verify_until_released(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Make the Replay tab's verify wait after each result until the returned event is set.

    A verify of a few hundred exchanges can finish before a click on Stop lands; holding
    the real run between results makes the Stop test deterministic on any machine.
    """
    release = threading.Event()
    real = replay_screen.run_verify

    def held(paths: Any, settings: Any, options: Any, on_result: Any) -> Any:
        def each(result: Any) -> None:
            on_result(result)  # raises ReplayStopped once Stop was pressed
            release.wait(10)

        return real(paths, settings, options, each)

    monkeypatch.setattr(replay_screen, "run_verify", held)
    return release


async def test_replay_run_is_disabled_while_running_and_stop_ends_it(
    make_app, tmp_path, monkeypatch
) -> None:
    recording = tmp_path / "many.jsonl"
    write_many(recording, 400)
    release = hold_verify_until_released(monkeypatch)
    app = make_app(recordings=str(recording))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        run = app.query_one("#replay-run", Button)
        stop = app.query_one("#replay-stop", Button)
        summary = app.query_one("#replay-summary", Static)
        assert stop.disabled and not run.disabled
        await pilot.click("#replay-run")
        assert run.disabled and not stop.disabled  # one run at a time
        assert str(summary.content).startswith("Running verify over 400")
        await pilot.click("#replay-stop")
        release.set()
        await wait_until(pilot, lambda: "stopped after" in str(summary.content))
        await app.workers.wait_for_complete()
        shown = app.query_one("#replay-table", DataTable).row_count
        assert 0 < shown < 400
        assert f"stopped after {shown} of 400" in str(summary.content)
        assert not run.disabled and stop.disabled
        # a new run clears the last summary at once, then runs to the end
        await pilot.pause(0.3)  # a Button ignores presses during its press effect
        await pilot.click("#replay-run")
        assert "stopped" not in str(summary.content)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "400 exchange(s) — 400 passed" in str(summary.content)
        assert not run.disabled and stop.disabled


async def test_stopping_a_send_replay_leaves_nothing_sent_unstored(make_app, tmp_path) -> None:
    recording = tmp_path / "many.jsonl"
    write_many(recording, 20)
    app = make_app(recordings=str(recording))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        app.query_one("#replay-mode", Select).value = "send"
        pane = app.query_one(ReplayPane)
        shown = pane.add_result

        def stop_at_the_third(result: Any) -> None:
            shown(result)
            if len(pane.results) == 3:
                pane.stop()  # what the Stop button does, at a known point of the run

        pane.add_result = stop_at_the_third  # type: ignore[method-assign]
        await pilot.click("#replay-run")
        await answer_plan(pilot)
        summary = app.query_one("#replay-summary", Static)
        await app.workers.wait_for_complete()
        await wait_until(pilot, lambda: "stopped after" in str(summary.content))
        sent = app.query_one("#replay-table", DataTable).row_count
        assert sent == 3
        assert app.store is not None
        stored = app.store.list_deliveries(limit=500)
        # exactly what was shown was sent and stored: nothing cut off in flight
        assert len(stored) == sent and {row.outcome for row in stored} == {"delivered"}
        received = [row for row in journal_rows(app.mock_app, 1000) if row[2] == "POST"]
        assert len(received) == sent  # and nothing reached the CRM unstored
        assert "resumes" in str(summary.content)


async def test_a_fault_profile_goes_to_the_mock_its_label_names(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7")
        faults = app.query_one("#mock-faults", Select)
        faults.value = "rate-limited"  # "Mock: in-process mock" is chosen
        await wait_until(pilot, lambda: fault_profile(app.mock_app) == "rate-limited")
        await pilot.click("#mock-server-toggle")
        await wait_until(pilot, lambda: app.mock_server.running)
        # the server was not the one labelled: it starts without faults
        assert fault_profile(app.mock_server.app) == "none"
        app.query_one("#mock-which", Select).value = "server"
        await wait_until(pilot, lambda: faults.value == "none")  # shows the server's own
        faults.value = "flaky"
        await wait_until(pilot, lambda: fault_profile(app.mock_server.app) == "flaky")
        assert fault_profile(app.mock_app) == "rate-limited"
        status = str(app.query_one("#mock-status", Static).content)
        assert "in-process mock faults rate-limited" in status and "faults flaky" in status
        app.mock_server.stop()


async def test_a_stopped_server_starts_with_the_profile_picked_for_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7")
        app.query_one("#mock-which", Select).value = "server"
        await pilot.pause()
        app.query_one("#mock-faults", Select).value = "slow"
        status = app.query_one("#mock-status", Static)
        await wait_until(pilot, lambda: "starts with faults slow" in str(status.content))
        assert fault_profile(app.mock_app) == "none"
        await pilot.click("#mock-server-toggle")
        await wait_until(pilot, lambda: app.mock_server.running)
        assert fault_profile(app.mock_server.app) == "slow"
        app.mock_server.stop()


async def test_settings_show_the_store_and_config_paths(make_app, settings) -> None:
    import os

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f8")
        text = str(app.query_one("#settings-paths", Static).content)
        assert str(settings.db) in text
        assert os.environ["SIGNALTUI_CONFIG"] in text


async def test_f1_describes_the_focused_widget_and_its_keys(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one("#event-json").focus()
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        focused = str(app.screen.query_one("#help-focused", Static).content)
        assert "TextArea #event-json" in focused
        assert "The event as JSON" in focused
        assert "Undo" in focused  # one of the editor's own bindings
        assert "ctrl+r" in str(app.screen.query_one("#help-global", Static).content)
        close = app.screen.query_one("#close-help", Button)
        assert close.region.bottom <= 24  # the dialog fits 80x24
        await pilot.press("escape")
        await pilot.press("f5")
        await pilot.press("f1")
        focused = str(app.screen.query_one("#help-focused", Static).content)
        assert "#history-table" in focused and "enter opens one" in focused


async def test_down_from_a_history_filter_moves_into_the_results(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        for box in ("#history-search", "#history-email"):
            app.query_one(box).focus()
            await pilot.press("down")
            assert app.focused is app.query_one("#history-table")


def test_the_help_names_every_tab_and_its_f_keys() -> None:
    # The F-keys are the app's bindings (F2 upward, one per tab): the help must say so.
    tab_keys = {b.key: b.action for b in SignalApp.BINDINGS if "show_tab" in b.action}
    assert list(tab_keys) == [f"f{n}" for n in range(2, 2 + len(TABS))]
    words = " ".join(HELP_TEXT.split())
    assert f"F2 … F{1 + len(TABS)}" in words
    assert ", ".join(tab.capitalize() for tab in TABS) in words
