"""What the Blueprints tab computes (tui/blueprints_model.py), without the widgets."""

from __future__ import annotations

import json

from signaltui.config import load_settings
from signaltui.store import Store
from signaltui.tui.blueprints_model import SHOWN_WARNINGS, apply_text, impact_line, warning_lines
from tests.helpers import FIXTURES

OVERLAY = "version: 1\ndestination: close\nextends: preset\nfields:\n  /description: {value: x}\n"


def test_impact_counts_the_stored_requests_that_would_change(tmp_path):
    settings = load_settings(db=tmp_path / "s.db", token_file=tmp_path / "t.json")
    planned = apply_text(OVERLAY, "close", settings)
    assert planned.config is not None and planned.warnings == ()
    with Store.open(tmp_path / "s.db") as store:
        empty = impact_line(store, "close", settings, planned.config)
        assert empty == "Impact: the store holds no events yet (send some to see what would change)"
        event = json.loads((FIXTURES / "events" / "demo-requested.json").read_text())
        store.record_event(event, event)
        line = impact_line(store, "close", settings, planned.config)
    assert line == "Impact: 1 of 1 stored close requests would change (/description 1)"
    assert impact_line(None, "close", settings, planned.config).endswith("no store in this session")


def test_warnings_come_briefly_and_are_counted_past_the_first_few(tmp_path):
    settings = load_settings(db=tmp_path / "s.db", token_file=tmp_path / "t.json")
    legacy = OVERLAY + "".join(f"  /custom/f{n}: {{value: {n}}}\n" for n in range(4))
    planned = apply_text(legacy, "close", settings, name="mine.yaml")
    assert len(planned.warnings) == 4
    assert planned.warnings[0] == (
        "line 6: /custom/f0: a custom-field form Close has deprecated; write /custom.cf_<id>"
    )
    shown = warning_lines(planned.warnings).splitlines()
    assert len(shown) == SHOWN_WARNINGS + 1
    assert shown[-1] == "⚠ and 2 more: signaltui blueprints check FILE lists them all"
    assert warning_lines(()) == ""
