"""Replay, Mocks, Settings and Help tabs driven through the pilot."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Checkbox, DataTable, Input, ProgressBar, Select, Static

from signaltui.core.config import MappingConfig
from signaltui.core.events import Event, resolve_event
from signaltui.core.plan import plan
from signaltui.delivery.outcomes import RecordedRequest
from signaltui.recordings import Exchange, RecordingWriter
from signaltui.tui.app import TABS
from signaltui.tui.samples import BUILTIN_SAMPLE
from signaltui.tui.screens.modals import HelpScreen
from signaltui.tui.widgets.decision_view import DecisionView
from tests.tui.conftest import answer_plan, row_text, type_into, wait_until


def write_recording(path: Path) -> None:
    """Two Apollo exchanges: one as today's mapping makes it, one with an old body."""
    resolved = resolve_event(Event.model_validate(BUILTIN_SAMPLE))
    decision = plan(resolved, "apollo", MappingConfig())
    contract = decision.request_contract()
    assert contract is not None
    stale = {**contract, "body": {**contract["body"], "title": "Old Title"}}
    with RecordingWriter(path) as writer:
        for number, request in enumerate((contract, stale), start=1):
            writer.write(
                Exchange(
                    id=f"ex-{number}",
                    recorded_at="2026-11-22T10:00:00Z",
                    destination="apollo",
                    target="mock",
                    event=resolved.merged_json(),
                    decision={"action": "deliver"},
                    request=RecordedRequest(**request),
                    outcome="delivered",
                    attempts=1,
                )
            )


async def test_replay_verify_shows_progress_and_differences(make_app, tmp_path) -> None:
    recording = tmp_path / "rec.jsonl"
    write_recording(recording)
    app = make_app(recordings=str(recording))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f6")
        await pilot.click("#replay-run")
        table = app.query_one("#replay-table", DataTable)
        await wait_until(pilot, lambda: table.row_count == 2)
        summary = app.query_one("#replay-summary", Static)
        await wait_until(pilot, lambda: "2 exchange(s)" in str(summary.content))
        assert "1 passed, 1 failed" in str(summary.content)
        assert app.query_one("#replay-progress", ProgressBar).percentage == 1.0
        # The table names the line within the replayed folder; the detail, the full path.
        assert [row_text(table, row)[-1] for row in range(2)] == ["rec.jsonl:1", "rec.jsonl:2"]
        table.focus()
        table.move_cursor(row=1)
        detail = app.query_one("#replay-detail", Static)
        await wait_until(pilot, lambda: "Differences" in str(detail.content))
        assert "Old Title" in str(detail.content)
        assert f"from {recording}:2" in str(detail.content)


async def test_replay_send_resends_through_the_mock(make_app, tmp_path, settings) -> None:
    recording = tmp_path / "rec.jsonl"
    write_recording(recording)
    app = make_app(recordings=str(recording))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f6")
        app.query_one("#replay-mode", Select).value = "send"
        await pilot.click("#replay-run")
        await answer_plan(pilot)
        summary = app.query_one("#replay-summary", Static)
        await wait_until(pilot, lambda: "send: 2 exchange(s)" in str(summary.content))
        assert "2 passed" in str(summary.content)
        await pilot.press("f5")
        history = app.query_one("#history-table", DataTable)
        await wait_until(pilot, lambda: history.row_count == 2)


async def test_replay_of_a_missing_path_is_a_notification(make_app, tmp_path) -> None:
    app = make_app(recordings=str(tmp_path / "absent"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f6")
        await pilot.click("#replay-run")
        await wait_until(pilot, lambda: any(n.severity == "error" for n in app._notifications))


async def test_mocks_server_faults_and_journal(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        # the in-process mock's journal fills as events are sent
        await pilot.press("ctrl+r")
        await wait_until(
            pilot, lambda: "Sent to mock" in str(app.query_one("#send-status").content)
        )
        await pilot.press("f7")  # built now: it shows what arrived before it existed
        journal = app.query_one("#mock-journal", DataTable)
        await wait_until(pilot, lambda: journal.row_count == 4)
        assert row_text(journal, 0)[1:4] == ["apollo", "POST", "/api/v1/contacts"]

        # switch the in-process mock to rate-limited
        app.query_one("#mock-faults", Select).value = "rate-limited"
        await wait_until(
            pilot,
            lambda: "faults rate-limited" in str(app.query_one("#mock-status", Static).content),
        )

        # a loopback server starts, aims the Send tab at it, and stops again
        await pilot.click("#mock-server-toggle")
        url_input = app.query_one("#target-url-input", Input)
        await wait_until(pilot, lambda: url_input.value.startswith("http://127.0.0.1:"))
        assert app.mock_server.running
        button = app.query_one("#mock-server-toggle", Button)
        await wait_until(pilot, lambda: str(button.label) == "Stop server")
        await pilot.pause(0.3)  # a Button ignores presses during its 0.2 s press effect
        await pilot.click("#mock-server-toggle")
        await wait_until(pilot, lambda: not app.mock_server.running)


async def test_mocks_journal_follows_past_its_row_limit_and_late_answers(make_app) -> None:
    from signaltui.mock import get_mock_state
    from signaltui.tui.screens.mocks import MocksPane

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7")
        pane = app.query_one(MocksPane)
        journal = get_mock_state(app.mock_app).journal
        table = app.query_one("#mock-journal", DataTable)

        def arrive() -> dict:
            return journal.add(
                crm="close", method="POST", path="/api/v1/lead/", query="", headers={},
                body=None, now=0.0,
            )  # fmt: skip

        for _ in range(201):
            journal.answer(arrive(), 200, None)
        pane.refresh_journal()
        assert table.row_count == 200 and row_text(table, 199)[0] == "201"
        # The table is full: a new request must still show up, not be taken for "no change"
        pending = arrive()
        pane.refresh_journal()
        assert row_text(table, 199)[0:5] == ["202", "close", "POST", "/api/v1/lead/", "…"]
        # ... and so must the answer to a request that was shown while still pending
        journal.answer(pending, 429, "rate_limit")
        pane.refresh_journal()
        assert row_text(table, 199)[4:] == ["429", "rate_limit"]


async def test_settings_apply_changes_the_preview(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f8")
        status = str(app.query_one("#credential-status", Static).content)
        assert "apollo   not configured" in status
        app.query_one("#set-dedupe", Checkbox).value = False
        await type_into(pilot, "#set-consent-apollo", "marketing, sales")
        await pilot.click("#settings-apply")
        await pilot.press("f3")
        view = app.query_one("#decision-apollo", DecisionView)
        await wait_until(
            pilot, lambda: view.decision is not None and view.decision.action == "drop"
        )
        assert view.decision is not None
        assert view.decision.reason == "consent_not_granted"
        # an invalid region is refused with a notification, the settings stay
        await pilot.press("f8")
        await type_into(pilot, "#set-region", "Narnia")
        await pilot.click("#settings-apply")
        await wait_until(pilot, lambda: any(n.severity == "error" for n in app._notifications))
        assert app.settings.mapping_config.default_region == "US"


async def test_settings_never_show_secrets(make_app, monkeypatch) -> None:
    monkeypatch.setenv("SIGNALTUI_CLOSE_API_KEY", "api_super_secret")
    from signaltui.config import load_settings

    app = make_app()
    app.settings = load_settings(db=app.settings.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f8")
        text = str(app.query_one("#credential-status", Static).content)
        assert "close    configured" in text
        assert "api_super_secret" not in text


async def test_f1_opens_help_and_escape_closes_it(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_every_tab_key_works_wherever_the_focus_is(make_app) -> None:
    # Keys used to be lost: the JSON editor binds F6/F7 itself, and focus left in a
    # hidden tab's input pulled the tab bar back to that tab.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tabs = app.query_one("#main-tabs")
        for key, tab in (("f6", "replay"), ("f7", "mocks")):
            await pilot.press("f2")
            app.query_one("#event-json").focus()
            await pilot.press(key)
            assert tabs.active == f"tab-{tab}"  # type: ignore[attr-defined]
        for key in ("f3", "f4", "f5", "f6", "f7", "f8", "f2"):
            await pilot.press("f6", key)  # from the Replay tab, its path input focused
            assert tabs.active == f"tab-{TABS[int(key[1:]) - 2]}"  # type: ignore[attr-defined]
            assert app.query(f"#{TABS[int(key[1:]) - 2]} *")  # built and composed
