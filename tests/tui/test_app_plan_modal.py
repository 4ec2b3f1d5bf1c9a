"""The send plan dialog before a bulk send run from the Replay tab."""

from __future__ import annotations

from textual.widgets import Button, Select, Static

from signaltui.tui.mocks import journal_rows
from signaltui.tui.screens.plan_modal import PlanScreen
from tests.helpers import ROOT
from tests.tui.conftest import answer_plan, wait_until

CLOSE = ROOT / "recordings" / "close.jsonl"


def two_of_one_close_lead(tmp_path):
    """The shipped Close exchanges plus a repeat of the first (another id, same email)."""
    lines = CLOSE.read_text().splitlines()
    repeat = lines[0].replace('"id": "', '"id": "again-', 1)
    path = tmp_path / "close.jsonl"
    path.write_text("\n".join([*lines, repeat]) + "\n")
    return path


def creates(app) -> int:
    return sum(1 for row in journal_rows(app.mock_app, 1000) if row[2] == "POST")


async def open_plan(app, pilot):
    await pilot.press("f6")
    app.query_one("#replay-mode", Select).value = "send"
    await pilot.click("#replay-run")
    await wait_until(pilot, lambda: isinstance(app.screen, PlanScreen))
    return app.screen


async def test_the_plan_shows_counts_duplicates_and_time_and_cancel_sends_nothing(
    make_app, tmp_path
) -> None:
    app = make_app(recordings=str(two_of_one_close_lead(tmp_path)))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_plan(app, pilot)
        body = str(screen.query_one("#plan-body", Static).content)
        assert "close" in body and "duplicate" in body
        assert "would create 1 duplicate lead in Close" in body
        assert "estimated time" in body
        assert screen.query_one("#plan-skip", Button).label.plain == "Skip 1 duplicate(s)"
        assert app.focused is screen.query_one("#plan-cancel", Button)
        await pilot.click("#plan-cancel")
        await wait_until(pilot, lambda: not isinstance(app.screen, PlanScreen))
        await pilot.pause()
        assert creates(app) == 0
        assert "Pick recordings" in str(app.query_one("#replay-summary", Static).content)


async def test_skip_duplicates_sends_each_lead_once(make_app, tmp_path) -> None:
    app = make_app(recordings=str(two_of_one_close_lead(tmp_path)))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_plan(app, pilot)
        await pilot.click("#plan-skip")
        summary = app.query_one("#replay-summary", Static)
        await wait_until(pilot, lambda: "send: 3 exchange(s)" in str(summary.content))
        assert "2 passed" in str(summary.content) and "1 skipped" in str(summary.content)
        assert creates(app) == 2


async def test_send_sends_all_of_them(make_app, tmp_path) -> None:
    app = make_app(recordings=str(two_of_one_close_lead(tmp_path)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f6")
        app.query_one("#replay-mode", Select).value = "send"
        await pilot.click("#replay-run")
        await answer_plan(pilot)
        summary = app.query_one("#replay-summary", Static)
        await wait_until(pilot, lambda: "send: 3 exchange(s)" in str(summary.content))
        assert creates(app) == 3  # Close makes the duplicate the plan warned about


async def test_ctrl_f_in_history_resends_failed_deliveries_after_the_plan(
    make_app, settings
) -> None:
    from signaltui.store import Store
    from tests.plan_data import _store

    with Store.open(settings.db) as store:
        for email, outcome in (
            ("a@x.com", "dead_lettered"),
            ("a@x.com", "failed"),
            ("b@x.com", "dead_lettered"),
            ("c@x.com", "rejected"),
        ):
            _store(store, "close", email, "mock", outcome)  # fmt: skip
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(app.screen, PlanScreen))
        body = str(app.screen.query_one("#plan-body", Static).content)
        # The rejected one stays out; a@x.com twice is one lead and one duplicate.
        assert "would create 1 duplicate lead in Close" in body
        await pilot.click("#plan-skip")
        summary = app.query_one("#replay-summary", Static)
        await wait_until(pilot, lambda: "send: 3 exchange(s)" in str(summary.content))
        assert "2 passed" in str(summary.content) and "1 skipped" in str(summary.content)
        assert creates(app) == 2
    written = settings.db.parent / "resend-failed.jsonl"
    assert written.stat().st_mode & 0o777 == 0o600  # it holds lead PII
