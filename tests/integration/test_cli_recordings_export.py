"""``signaltui recordings export``: stored deliveries become recording lines."""

import json
import sqlite3

from click.testing import CliRunner

from signaltui.cli import main
from tests.helpers import FIXTURES


def _send_one(runner: CliRunner) -> None:
    event = FIXTURES / "events" / "demo-requested.json"
    result = runner.invoke(main, ["send", str(event), "-d", "apollo"], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_export_keeps_the_stored_outcome_and_names_the_delivery(tmp_path):
    runner = CliRunner()
    _send_one(runner)
    out = tmp_path / "export.jsonl"
    result = runner.invoke(main, ["recordings", "export", "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(text) for text in out.read_text().splitlines()]
    assert line["id"] == "delivery-1"
    assert (line["destination"], line["outcome"]) == ("apollo", "delivered")


def test_a_row_no_recording_can_hold_is_a_clear_error(isolated_signaltui_env, tmp_path):
    runner = CliRunner()
    _send_one(runner)
    with sqlite3.connect(isolated_signaltui_env / "store.db") as db:
        db.execute("UPDATE deliveries SET outcome = 'lost'")
    out = tmp_path / "export.jsonl"
    result = runner.invoke(main, ["recordings", "export", "-o", str(out)])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)  # run_guarded's exit, not a crash
    assert "stored delivery 1" in result.output and "outcome" in result.output
    assert "hint:" in result.output and "Traceback" not in result.output
    assert not out.exists()
