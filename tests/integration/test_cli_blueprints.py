"""``signaltui blueprints ...`` and ``--blueprints`` on preview, send and replay (runner)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from signaltui.cli import main
from tests.helpers import FIXTURES, ROOT

RECORDINGS = ROOT / "recordings"
OVERLAY = """\
version: 1
destination: close
extends: preset
events:
  Trial Started: deliver
fields:
  /custom.cf_lead_type: {from: properties.lead_type, transform: [trim]}
"""
BAD = "version: 1\ndestination: close\nextends: preset\nfields:\n  /x: {from: traits.compnay}\n"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def overlay(tmp_path) -> Path:
    path = tmp_path / "close.yaml"
    path.write_text(OVERLAY)
    return path


@pytest.fixture
def bad(tmp_path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    return path


def test_list_names_the_files_in_force(overlay):
    plain = run("blueprints", "list")
    assert plain.exit_code == 0
    assert "close: presets/close.yaml + config\n" in plain.output
    assert "events: Lead Submitted, Demo Requested, Signed Up; others: drop" in plain.output
    mine = run("--blueprints", str(overlay), "blueprints", "list")
    assert f"close: presets/close.yaml + config + {overlay}\n" in mine.output
    assert "Signed Up, Trial Started; others: drop" in mine.output


@pytest.mark.parametrize("destination", ["apollo", "outreach", "close"])
def test_show_prints_a_complete_blueprint_that_plans_the_same(destination, tmp_path):
    shown = run("blueprints", "show", destination)
    assert shown.exit_code == 0 and "extends" not in shown.output
    copy = tmp_path / f"{destination}.yaml"
    copy.write_text(shown.output)
    fixture = str(FIXTURES / "events" / "demo-requested.json")
    session = str(FIXTURES / "events" / f"{destination}-session.jsonl")
    for events in (fixture, session):
        before = run("preview", events, "-d", destination, "--json").output
        after = run("preview", events, "-d", destination, "--json", "--blueprints", str(copy))
        strip = [_without_at(line) for line in before.splitlines()]
        assert [_without_at(line) for line in after.output.splitlines()] == strip


def _without_at(line: str) -> dict:
    data = json.loads(line)
    for row in data["trace"]:
        row.pop("at", None)
    return data


def test_check_exits_0_for_a_good_file_and_2_for_a_bad_one(overlay, bad):
    good = run("blueprints", "check", str(overlay))
    assert good.exit_code == 0 and good.output.startswith(f"ok: {overlay} (close:")
    wrong = run("blueprints", "check", str(bad))
    assert wrong.exit_code == 2
    assert run("blueprints", "check", "--strict", str(bad)).exit_code == 2
    assert f"{bad}:5: unknown source traits.compnay; did you mean traits.company?" in wrong.output


def test_check_warns_when_a_file_without_extends_drops_what_was_in_force(overlay, tmp_path):
    short = tmp_path / "short.yaml"
    short.write_text(OVERLAY.replace("extends: preset\n", ""))
    result = run("blueprints", "check", str(short))
    assert result.exit_code == 0 and result.stdout.startswith(f"ok: {short} (close:")
    # Only the preset's events it does not name again, and only fields that send a value
    # (the preset's /status_id is a null placeholder).
    assert result.stderr.startswith(
        f"warning: {short}: no 'extends: preset', so close starts from nothing: 3 events "
        "no longer delivered (Lead Submitted, Demo Requested, Signed Up) and 7 fields no "
        "longer sent (/name, /url, /description, /contacts/0/name, ...)\n"
    )
    assert "hint: add 'extends: preset'" in result.stderr
    planned = run("--blueprints", str(short), "preview", str(FIXTURES / "events" /
                  "close-lead-submitted.jsonl"), "-d", "close", "--json")  # fmt: skip
    details = [json.loads(line)["detail"] for line in planned.stdout.splitlines()]
    assert "'Lead Submitted' is not mapped for close (Trial Started)" in details
    # Building on the preset, or a complete copy of what is in force, loses nothing.
    assert run("blueprints", "check", str(overlay)).stderr == ""
    complete = tmp_path / "complete.yaml"
    complete.write_text(run("blueprints", "show", "close").stdout)
    assert run("blueprints", "check", str(complete)).stderr == ""
    # A complete copy of the preset set after an overlay leaves out the overlay's field.
    behind = run("--blueprints", str(overlay), "blueprints", "check", str(complete))
    assert "1 field no longer sent (/custom.cf_lead_type)" in behind.stderr
    assert "Trial Started" in behind.stderr


def test_check_warns_of_close_custom_fields_in_a_deprecated_form(tmp_path):
    legacy = tmp_path / "close.yaml"
    legacy.write_text(OVERLAY + "  /custom/score: {from: traits.score}\n")
    result = run("blueprints", "check", str(legacy))
    assert result.exit_code == 0
    assert result.stderr.startswith(
        f"warning: {legacy}:8: /custom/score writes a 'custom' object, which Close has "
        "deprecated: it takes a custom field as the top-level key 'custom.cf_<field id>'"
    )
    assert "/custom.cf_lead_type" not in result.stderr  # the current form is fine
    # --strict makes a warning fail the check, for a CI gate; a clean file still passes.
    assert run("blueprints", "check", "--strict", str(legacy)).exit_code == 1
    clean = tmp_path / "clean.yaml"
    clean.write_text(OVERLAY)
    assert run("blueprints", "check", "--strict", str(clean)).exit_code == 0


def test_an_event_is_dropped_saying_when_nothing_is_mapped(tmp_path):
    empty = tmp_path / "close.yaml"
    empty.write_text("version: 1\ndestination: close\n")
    planned = run("--blueprints", str(empty), "preview", str(FIXTURES / "events" /
                  "close-lead-submitted.jsonl"), "-d", "close", "--json")  # fmt: skip
    details = [json.loads(line)["detail"] for line in planned.stdout.splitlines()]
    assert "'Lead Submitted' is not mapped for close (it maps no event)" in details


def test_diff_counts_changes_per_pointer(overlay, tmp_path):
    against = run("blueprints", "diff", str(overlay), "--against", str(RECORDINGS))
    assert against.exit_code == 0
    assert f"1 of 2 Close requests change: /custom.cf_lead_type 1 (by {overlay}:7)\n" in (
        against.output
    )  # the overlay's rule, not the preset's, and only it
    assert "0 of 2 Apollo requests change\n" in against.output  # 2 of 4 are drops
    events = tmp_path / "events.jsonl"
    events.write_text(
        json.dumps(
            {
                "type": "track",
                "event": "Trial Started",
                "traits": {"email": "a@b.co"},
                "context": {"consent": {"marketing": True}},
            }
        )
        + "\n"
    )
    new_event = run("blueprints", "diff", str(overlay), "--against", str(events))
    assert "1 of 1 Close requests change: (event_not_mapped -> deliver) 1\n" in new_event.output


def test_bad_blueprint_stops_preview_send_and_replay_before_planning(bad, tmp_path):
    events = str(FIXTURES / "events" / "close-session.jsonl")
    for args in (
        ["preview", events],
        ["send", events, "-d", "close", "--target", "mock"],
        ["replay", str(RECORDINGS)],
    ):
        result = run(*args, "--blueprints", str(bad))
        assert result.exit_code == 2, (args, result.output)
        assert f"{bad}:5: unknown source traits.compnay" in result.output
        assert "DELIVER" not in result.output and "✓" not in result.output


def test_replay_verify_is_the_ci_gate_and_update_accepts(overlay, tmp_path):
    gate = run("replay", str(RECORDINGS), "--mode", "verify", "--blueprints", str(overlay))
    assert gate.exit_code == 1
    assert f'(absent) → "Pricing enquiry" (/custom.cf_lead_type, rule {overlay}:7)' in gate.output
    assert run("replay", str(RECORDINGS), "--mode", "verify").exit_code == 0
    copy = tmp_path / "recordings"
    shutil.copytree(RECORDINGS, copy)
    run("replay", str(copy), "--mode", "verify", "--blueprints", str(overlay), "--update")
    again = run("replay", str(copy), "--mode", "verify", "--blueprints", str(overlay))
    assert again.exit_code == 0, again.output
    updated = [json.loads(x) for x in (copy / "close.jsonl").read_text().splitlines()]
    assert updated[0]["request"]["body"]["custom.cf_lead_type"] == "Pricing enquiry"


def test_send_delivers_the_overlay_to_the_mock(overlay, tmp_path):
    events = tmp_path / "trial.jsonl"
    events.write_text(
        json.dumps(
            {
                "type": "track",
                "event": "Trial Started",
                "userId": "u1",
                "traits": {"email": "Ann@Example.com", "company": "Ex Inc"},
                "properties": {"lead_type": " Trial "},
                "context": {"consent": {"marketing": True}},
            }
        )
        + "\n"
    )
    result = run(
        "send",
        str(events),
        "-d",
        "close",
        "--target",
        "mock",
        "--json",
        "--blueprints",
        str(overlay),
    )
    assert result.exit_code == 0, result.output
    sent = json.loads(result.output.splitlines()[0])
    assert sent["outcome"] == "delivered"
    assert sent["request"]["body"]["custom.cf_lead_type"] == "Trial"


def test_check_names_a_device_or_a_missing_path_for_what_it_is(tmp_path):
    device = run("blueprints", "check", "/dev/null")
    assert device.exit_code == 2
    assert "/dev/null: not a regular file (a device, pipe or socket)" in device.output
    missing = run("blueprints", "check", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2 and "blueprint file not found" in missing.output


def test_the_terminal_app_refuses_a_bad_blueprint_before_it_opens(bad, tmp_path):
    # It used to open on "planning…" for good, and crash on the first tab switch.
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALTUI_")}
    env.update(SIGNALTUI_DB=str(tmp_path / "s.db"), SIGNALTUI_CONFIG=str(tmp_path / "no.toml"))
    (tmp_path / "no.toml").write_text("")
    done = subprocess.run(
        [sys.executable, "-m", "signaltui", "--blueprints", str(bad)],
        capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    assert f"error: {bad}:5: unknown source traits.compnay" in done.stderr
    assert "Traceback" not in done.stderr
