"""The Blueprints tab through the pilot: live preview as you type, errors at their line,
Save, and the impact on stored events."""

from __future__ import annotations

import os

from textual.widgets import DataTable, Input, Select, Static, TextArea

from signaltui.tui.screens.blueprints import BlueprintsPane
from tests.tui.conftest import row_text, wait_until

OVERLAY = """\
version: 1
destination: close
extends: preset
fields:
  /custom.cf_plan: {value: pro}
"""


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def _open_planned(app, pilot) -> BlueprintsPane:
    """Open the Blueprints tab, replanning quickly, once its starter overlay is planned."""
    await pilot.press("f9")
    await wait_until(pilot, lambda: bool(app.query(BlueprintsPane)))
    pane = app.query_one(BlueprintsPane)
    pane.delay = 0.01
    await wait_until(pilot, lambda: "DELIVER" in _text(app, "#bp-verdict"))
    return pane


async def test_editing_an_overlay_replans_the_current_event_and_saves(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        pane = await _open_planned(app, pilot)
        path = tmp_path / "mine.yaml"
        app.query_one("#bp-path", Input).value = str(path)
        editor = app.query_one("#bp-text", TextArea)
        editor.text = OVERLAY
        table = app.query_one("#bp-trace", DataTable)

        def planned() -> bool:
            decision = pane.decision
            return decision is not None and "custom.cf_plan" in decision.request.body

        await wait_until(pilot, planned)
        rows = [row_text(table, i) for i in range(table.row_count)]
        assert ["custom.cf_plan", "constant", "constant", f"{path}:5"] in [
            [str(c) for c in row] for row in rows
        ]
        assert "Impact:" in _text(app, "#bp-impact")

        editor.text = OVERLAY.replace("{value: pro}", "{from: traits.compnay}")
        await wait_until(pilot, lambda: app.query_one("#bp-error", Static).display)
        assert "line 5: unknown source traits.compnay; did you mean traits.company?" in _text(
            app, "#bp-error"
        )
        await pilot.click("#bp-save")
        await pilot.pause()
        assert not path.exists()  # a blueprint with an error is not saved

        editor.text = OVERLAY + "  /broken: {from: [x\n"  # a YAML error shows, brackets and all
        await wait_until(pilot, lambda: "not valid YAML" in _text(app, "#bp-error"))
        assert "line " in _text(app, "#bp-error")

        editor.text = OVERLAY
        await wait_until(pilot, lambda: not app.query_one("#bp-error", Static).display)
        await pilot.click("#bp-save")
        await wait_until(pilot, path.exists)
        assert path.read_text() == OVERLAY
        assert oct(os.stat(path).st_mode)[-3:] in ("644", "664", "600")


async def test_picking_a_destination_opens_its_overlay(make_app):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f9")
        await wait_until(pilot, lambda: bool(app.query(BlueprintsPane)))
        app.query_one("#bp-destination", Select).value = "outreach"
        await wait_until(
            pilot, lambda: "destination: outreach" in app.query_one("#bp-text", TextArea).text
        )
        await wait_until(
            pilot,
            lambda: (
                "outreach" in _text(app, "#bp-verdict").lower()
                or "DELIVER" in _text(app, "#bp-verdict")
            ),
        )
        assert app.query_one("#bp-path", Input).value == "outreach.yaml"


async def test_warnings_show_under_the_editor_and_do_not_stop_a_save(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_planned(app, pilot)
        warning = app.query_one("#bp-warning", Static)
        assert not warning.display  # the starter overlay is fine
        path = tmp_path / "close.yaml"
        app.query_one("#bp-path", Input).value = str(path)
        legacy = OVERLAY.replace("/custom.cf_plan", "/custom/plan")
        app.query_one("#bp-text", TextArea).text = legacy
        await wait_until(pilot, lambda: warning.display)
        shown = _text(app, "#bp-warning")
        assert shown == (
            "⚠ line 5: /custom/plan: a custom-field form Close has deprecated; "
            "write /custom.cf_<id>"
        )
        assert not app.query_one("#bp-error", Static).display
        await pilot.click("#bp-save")
        await wait_until(pilot, path.exists)
        assert path.read_text() == legacy
        # Without extends, the tab says what the preset no longer gives.
        app.query_one("#bp-text", TextArea).text = OVERLAY.replace("extends: preset\n", "")
        await wait_until(pilot, lambda: "starts from nothing" in _text(app, "#bp-warning"))
        assert "3 events not delivered (Lead Submitted" in _text(app, "#bp-warning")
        # Many warnings: the first two, then a count, so the editor keeps its room.
        many = legacy + "".join(f"  /custom/x{n}: {{value: {n}}}\n" for n in range(3))
        app.query_one("#bp-text", TextArea).text = many
        await wait_until(pilot, lambda: "and 2 more" in _text(app, "#bp-warning"))
        assert len(_text(app, "#bp-warning").splitlines()) == 3
        # A text with an error shows the error alone, not the last text's warnings.
        app.query_one("#bp-text", TextArea).text = many.replace("/custom/x0", "/custom/x0/")
        await wait_until(pilot, lambda: app.query_one("#bp-error", Static).display)
        assert not warning.display
        app.query_one("#bp-text", TextArea).text = OVERLAY
        await wait_until(pilot, lambda: not app.query_one("#bp-error", Static).display)
        assert not warning.display
