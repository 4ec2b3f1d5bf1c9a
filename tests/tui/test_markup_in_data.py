"""Lead data and recorded values are shown as they are: text that looks like Rich markup
(``[bold]``, ``[/Ltd]``) neither vanishes from the screen nor crashes the app."""

from __future__ import annotations

import json

from textual.widgets import DataTable, Select, Static

from signaltui.core.config import MappingConfig
from signaltui.core.events import Event, resolve_event
from signaltui.core.plan import plan
from signaltui.delivery.outcomes import RecordedRequest
from signaltui.recordings import Exchange, RecordingWriter
from signaltui.tui.samples import BUILTIN_SAMPLE
from tests.tui.conftest import row_text, wait_until

COMPANY = "Acme [/Ltd] [bold]Holdings"


def _event() -> dict:
    return {
        "type": "track",
        "event": "Demo Requested",
        "userId": "u-1",
        "traits": {
            "email": "jane@acme.com",
            "firstName": "Jane",
            "lastName": "Doe",
            "company": COMPANY,
        },
        "context": {"consent": {"marketing": True}},
    }


def _shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_the_curl_command_shows_bracketed_values_literally(make_app):
    app = make_app(_event())
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f3")
        await wait_until(pilot, lambda: bool(app.screen.query(".curl")))
        await pilot.press("ctrl+y")
        await wait_until(pilot, lambda: "curl" in _shown(app, ".curl"))
        assert json.dumps(COMPANY)[1:-1] in _shown(app, ".curl")


async def test_a_replay_difference_shows_bracketed_values_literally(make_app, tmp_path):
    # A recorded body whose title today's mapping changes: the old value has brackets.
    resolved = resolve_event(Event.model_validate(BUILTIN_SAMPLE))
    contract = plan(resolved, "apollo", MappingConfig()).request_contract()
    assert contract is not None
    stale = {**contract, "body": {**contract["body"], "title": COMPANY}}
    recording = tmp_path / "rec.jsonl"
    with RecordingWriter(recording) as writer:
        writer.write(
            Exchange(
                id="ex-1",
                recorded_at="2026-11-22T10:00:00Z",
                destination="apollo",
                target="mock",
                event=resolved.merged_json(),
                decision={"action": "deliver"},
                request=RecordedRequest(**stale),
                outcome="delivered",
                attempts=1,
            )
        )
    app = make_app(recordings=str(recording))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f6")
        await pilot.click("#replay-run")
        table = app.query_one("#replay-table", DataTable)
        await wait_until(pilot, lambda: table.row_count == 1)
        table.focus()
        table.move_cursor(row=0)
        await wait_until(pilot, lambda: "Differences" in _shown(app, "#replay-detail"))
        assert f"request.body.title: {json.dumps(COMPANY)} → " in _shown(app, "#replay-detail")


async def test_history_and_notices_show_bracketed_lead_data_literally(make_app):
    event = {**_event(), "event": "Demo [/x] Requested"}  # not mapped: dropped, stored
    app = make_app(event)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f4")
        await pilot.press("ctrl+r")
        status = "#send-status"
        await wait_until(
            pilot, lambda: bool(app.screen.query(status)) and "Sent" in _shown(app, status)
        )
        await pilot.press("f5")
        table = app.query_one("#history-table", DataTable)
        await wait_until(pilot, lambda: table.row_count > 0)
        assert "Demo [/x] Requested" in row_text(table, 0)
        # A notice names a path or answer as it is: the app's notices are plain text.
        app.notify("could not read [/x]/events.json")
        await pilot.pause()
        (notice,) = [n for n in app._notifications if "[/x]" in n.message]
        assert notice.markup is False


async def test_an_event_name_from_a_blueprint_is_offered_as_written(make_app, settings, tmp_path):
    from signaltui.config import load_settings

    overlay = tmp_path / "close.yaml"
    overlay.write_text(
        "version: 1\ndestination: close\nextends: preset\nevents:\n  Demo [/x] Booked: deliver\n"
    )
    mine = load_settings(db=tmp_path / "t.db", blueprints=[overlay])  # as --blueprints gives
    app = make_app(settings=mine)
    async with app.run_test(size=(160, 48)) as pilot:
        pick = app.query_one("#f-event-pick", Select)
        await wait_until(pilot, lambda: len(pick._options) > 3)
        assert "Demo [/x] Booked" in [str(prompt) for prompt, _ in pick._options]
        pick.value = "Demo [/x] Booked"
        await pilot.pause()
        assert "Demo [/x] Booked" in str(pick.query_one("SelectCurrent #label", Static).render())
