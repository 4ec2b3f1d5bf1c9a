"""Compose and preview: form, JSON editor, their sync, and the per-CRM preview."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import Checkbox, Input, OptionList, Static, TextArea

from signaltui.config import load_settings
from signaltui.core.events import parse_event
from signaltui.tui.compose_model import PROPERTY_FIELDS, TRAIT_FIELDS
from signaltui.tui.render import decide_all, drop_words
from signaltui.tui.screens.modals import ConfirmScreen, EventPicker, PathDialog
from signaltui.tui.widgets.decision_view import DecisionView
from tests.tui.conftest import APOLLO_FORM, blank_event, expected, type_into, wait_until


def _input_id(key: str) -> str:
    return "#f-" + key.replace(".", "-")


async def test_apollo_spec_example_previews_the_spec_payload(make_app) -> None:
    app = make_app(blank_event())
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, "#f-event", "Demo Requested")
        for key, value in APOLLO_FORM.items():
            await type_into(pilot, _input_id(key), value)
        await pilot.click("#f-consent-marketing")
        await wait_until(pilot, lambda: app.event["context"]["consent"].get("marketing") is True)
        await pilot.press("f3")  # the Preview tab is built when first opened
        view = app.query_one("#decision-apollo", DecisionView)
        await wait_until(
            pilot,
            lambda: (
                view.decision is not None
                and view.decision.request is not None
                and view.decision.request.body == expected("apollo")
            ),
        )
        assert view.decision is not None
        contract = view.decision.request_contract()
        assert contract is not None
        assert contract["url"] == "https://api.apollo.io/api/v1/contacts"
        assert contract["headers"]["X-Api-Key"] == "***"
        # the trace names where each field came from
        trace = {entry.field: entry.source for entry in view.decision.trace}
        assert trace["mobile_phone"] == "traits.phone"
        # the other CRMs are previewed too
        assert app.query_one("#decision-outreach", DecisionView).decision is not None


async def test_form_edits_rewrite_the_json(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await type_into(pilot, "#f-trait-city", "Paris")
        editor = app.query_one("#event-json", TextArea)
        await wait_until(pilot, lambda: json.loads(editor.text)["traits"].get("city") == "Paris")
        assert app.event["traits"]["city"] == "Paris"


async def test_json_edits_update_the_form_and_keep_unknown_keys(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        event = dict(app.event)
        event["traits"] = {"first_name": "Ada", "email": "ada@example.com"}
        event["custom"] = {"kept": True}
        app.query_one("#event-json", TextArea).load_text(json.dumps(event))
        first = app.query_one("#f-trait-firstName", Input)
        await wait_until(pilot, lambda: first.value == "Ada")
        await type_into(pilot, "#f-trait-lastName", "Lovelace")
        await wait_until(pilot, lambda: app.event["traits"].get("lastName") == "Lovelace")
        # the snake_case spelling the JSON used is kept, and so is the unknown key
        assert app.event["traits"]["first_name"] == "Ada"
        assert app.event["custom"] == {"kept": True}


async def test_compose_shows_a_live_verdict_per_crm(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        verdicts = app.query_one("#verdicts", Static)
        await wait_until(pilot, lambda: str(verdicts.content).count("✓ deliver") == 3)
        assert [line.split()[0] for line in str(verdicts.content).splitlines()] == [
            "Apollo", "Outreach", "Close",
        ]  # fmt: skip
        await pilot.click("#f-consent-marketing")  # typing/toggling re-plans (debounced)
        await wait_until(pilot, lambda: "✗ drop" in str(verdicts.content))
        # the words are the core's own, from the same planning the Preview shows
        event = parse_event(app.event, where="test")
        words = {d: drop_words(x) for d, x in decide_all(event, app.settings).items()}
        assert "consent not granted" in words["close"]
        for line in str(verdicts.content).splitlines():
            crm = line.split()[0].lower()
            assert line.endswith(f"✗ drop: {words[crm]}")
        # typing an event name no CRM maps: the reason changes with it
        await type_into(pilot, "#f-event", "Brochure Downloaded")
        await wait_until(
            pilot, lambda: str(verdicts.content).count("'Brochure Downloaded' is not mapped") == 3
        )


async def test_invalid_json_is_shown_on_every_tab_and_refuses_to_send(make_app) -> None:
    app = make_app()
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        before = app.event
        editor = app.query_one("#event-json", TextArea)
        good = editor.text
        editor.load_text('{"type": "track", "event": ')
        banner = app.query_one("#event-error", Static)
        await wait_until(pilot, lambda: banner.display and "invalid JSON" in str(banner.content))
        assert "line 1" in str(banner.content)
        assert app.event == before
        assert app.query_one("#f-trait-firstName", Input).value == "Jane"  # last valid event
        for key in ("f3", "f5", "f8"):
            await pilot.press(key)
            assert banner.region.height >= 2 and banner.region.bottom <= 23  # on screen
        preview_error = app.query_one("#preview-error", Static)
        assert preview_error.display and "last valid event" in str(preview_error.content)
        await pilot.press("ctrl+r")
        status = app.query_one("#send-status", Static)
        await wait_until(pilot, lambda: "Not sent" in str(status.content))
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert copied == []
        assert app.store is not None and app.store.list_deliveries(limit=5) == []
        # fixed: the banner goes and a send goes through
        editor.load_text(good)
        await wait_until(pilot, lambda: not banner.display)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "Sent to mock" in str(status.content))


async def test_consent_toggle_drops_the_event(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        box = app.query_one("#f-consent-marketing", Checkbox)
        assert box.value is True
        await pilot.press("f3")  # the preview, built now, follows later edits too
        await pilot.press("f2")
        await pilot.click("#f-consent-marketing")
        view = app.query_one("#decision-close", DecisionView)
        await wait_until(
            pilot, lambda: view.decision is not None and view.decision.action == "drop"
        )
        assert view.decision is not None
        assert view.decision.reason == "consent_not_granted"
        assert app.event["context"]["consent"]["marketing"] is False


async def test_copy_as_curl_masks_secrets(make_app, settings, monkeypatch) -> None:
    monkeypatch.setenv("SIGNALTUI_APOLLO_API_KEY", "not-this-one")
    # Load the settings again now that the key is set, so the app really holds it.
    keyed = load_settings(db=settings.db)
    assert keyed.credentials.get("apollo_api_key") == "not-this-one"
    app = make_app(settings=keyed)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        # From the JSON editor, which binds ctrl+y to redo itself: the app's key wins.
        app.query_one("#event-json", TextArea).focus()
        await pilot.press("ctrl+y")  # builds the (never opened) Preview tab first
        assert app.query_one(DecisionView).decision is not None
        assert copied and copied[0].startswith("curl -X POST https://api.apollo.io/api/v1/contacts")
        assert "X-Api-Key: ***" in copied[0]
        assert "not-this-one" not in copied[0]


async def test_open_and_save_event_files(make_app, tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[2] / "fixtures/events/apollo-demo-requested.jsonl"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, PathDialog)
        await type_into(pilot, "#path-input", str(source))
        await pilot.press("enter")
        # two events in the file: the picker offers both, the last track highlighted
        await wait_until(pilot, lambda: isinstance(app.screen, EventPicker))
        choices = app.screen.query_one(OptionList)
        assert choices.option_count == 2 and choices.highlighted == 1
        await pilot.press("up", "enter")  # take the identify instead
        first = app.query_one("#f-trait-firstName", Input)
        await wait_until(pilot, lambda: first.value == "Tim")
        assert app.event["type"] == "identify"
        await pilot.press("ctrl+o")
        await type_into(pilot, "#path-input", str(source))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EventPicker))
        await pilot.press("enter")
        # the identify's traits were merged into the loaded track event
        await wait_until(pilot, lambda: app.event.get("event") == "Demo Requested")
        assert app.event["traits"]["firstName"] == "Tim"
        target = tmp_path / "saved.json"
        await pilot.press("ctrl+s")
        await type_into(pilot, "#path-input", str(target))
        await pilot.press("enter")
        await wait_until(pilot, target.exists)
        assert json.loads(target.read_text())["traits"]["firstName"] == "Tim"
        # saving over it asks first; cancel keeps the file as it was
        target.write_text("{}\n")
        for answer in ("escape", "yes"):
            await pilot.press("ctrl+s")
            await type_into(pilot, "#path-input", str(target))
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            if answer == "escape":
                await pilot.press("escape")
                await pilot.pause()
                assert target.read_text() == "{}\n"
            else:
                await pilot.click("#yes")
        await wait_until(pilot, lambda: target.read_text() != "{}\n")
        assert json.loads(target.read_text())["traits"]["firstName"] == "Tim"


async def test_the_open_and_save_buttons_do_what_their_keys_do(make_app, tmp_path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.click("#open-event")
        await wait_until(pilot, lambda: isinstance(app.screen, PathDialog))
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, PathDialog))
        target = tmp_path / "clicked.json"
        await pilot.click("#save-event")
        await wait_until(pilot, lambda: isinstance(app.screen, PathDialog))
        await type_into(pilot, "#path-input", str(target))
        await pilot.press("enter")
        await wait_until(pilot, target.exists)
        assert json.loads(target.read_text()) == app.event


async def test_opening_a_missing_file_notifies_instead_of_crashing(make_app, tmp_path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+o")
        await type_into(pilot, "#path-input", str(tmp_path / "nope.json"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: any(n.severity == "error" for n in app._notifications))
        assert app.query_one("#f-trait-firstName", Input).value == "Jane"


@pytest.mark.parametrize("size", [(80, 50), (120, 40)])  # the narrow and the wide form
async def test_each_label_is_on_its_field_s_row(make_app, size) -> None:
    # Labels of consecutive rows are one widget, a label a line (widgets/event_form.py):
    # each line must stay beside its field, so none of them may wrap in its column.
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        grids = list(app.query("#event-form .form-grid"))
        label_widgets = 0
        for grid, rows in zip(grids, (EVENT_ROWS, TRAIT_ROWS, PROPERTY_ROWS), strict=True):
            labels = [w for w in grid.children if isinstance(w, Static)]
            label_widgets += len(labels)
            for label, field_id in rows:
                y = app.query_one(field_id).region.y
                (cell,) = [w for w in labels if w.region.y <= y < w.region.bottom]
                lines = str(cell.render()).splitlines()
                if cell.has_class("form-labels"):
                    assert lines[y - cell.region.y] == label
                    assert cell.region.height == len(lines)
                    assert cell_len(label) <= cell.region.width
                else:  # a label too long for the narrow column: alone, as before
                    assert lines == [label]
                    assert cell.region.height == 1
    assert label_widgets == 5  # instead of 17


EVENT_ROWS = (("Type", "#f-type"), ("Known event", "#f-event-pick"), ("Event name", "#f-event"))
TRAIT_ROWS = tuple((label, _input_id(f"trait.{name}")) for name, label in TRAIT_FIELDS)
PROPERTY_ROWS = (
    *((label, _input_id(f"prop.{name}")) for name, label, _ in PROPERTY_FIELDS),
    ("Page URL", "#f-page_url"),
)
