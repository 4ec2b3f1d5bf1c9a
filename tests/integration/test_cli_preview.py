"""``signaltui preview``: preview JSON output, masking, and clear errors with exit code 2."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from signaltui.cli import main
from tests.helpers import FIXTURES

EVENTS = FIXTURES / "events"


@pytest.fixture
def run(tmp_path, monkeypatch):
    for name in ("APOLLO_API_KEY", "CLOSE_API_KEY", "CONFIG", "DEFAULT_REGION"):
        monkeypatch.delenv(f"SIGNALTUI_{name}", raising=False)
    monkeypatch.setenv("SIGNALTUI_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")

    def invoke(*args):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return invoke


def test_json_lines_one_per_event_and_destination(run):
    result = run("preview", str(EVENTS / "outreach-demo-requested.jsonl"), "--json")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [(x["event"], x["destination"]) for x in lines] == [
        ("identify", "apollo"),
        ("identify", "outreach"),
        ("identify", "close"),
        ("Demo Requested", "apollo"),
        ("Demo Requested", "outreach"),
        ("Demo Requested", "close"),
    ]
    outreach = lines[4]
    assert set(outreach) >= {
        "destination",
        "event",
        "action",
        "reason",
        "request",
        "warnings",
        "trace",
    }
    expected = json.loads((FIXTURES / "expected" / "outreach.json").read_text())
    assert outreach["request"]["body"] == expected
    assert outreach["request"]["headers"]["Authorization"] == "Bearer ***"
    assert [x["action"] for x in lines] == ["drop"] * 3 + ["deliver"] * 3
    assert {x["reason"] for x in lines[:3]} == {"identify_only"}


def test_secrets_masked_unless_show_secrets(run, monkeypatch):
    monkeypatch.setenv("SIGNALTUI_APOLLO_API_KEY", "apollo-secret-123")
    fixture = str(EVENTS / "apollo-demo-requested.jsonl")
    masked = run("preview", fixture, "-d", "apollo", "--json")
    assert "apollo-secret-123" not in masked.output
    shown = run("preview", fixture, "-d", "apollo", "--json", "--show-secrets")
    request = json.loads(shown.output.splitlines()[-1])["request"]
    assert request["headers"]["X-Api-Key"] == "apollo-secret-123"


def test_config_file_sets_close_status(run):
    result = run(
        "--config",
        str(FIXTURES / "config" / "close-example.toml"),
        "preview",
        str(EVENTS / "close-lead-submitted.jsonl"),
        "-d",
        "close",
        "--json",
    )
    body = json.loads(result.output.splitlines()[-1])["request"]["body"]
    assert body == json.loads((FIXTURES / "expected" / "close.json").read_text())


def test_human_output_shows_verdict_request_and_trace(run):
    result = run("preview", str(EVENTS / "demo-requested.json"), "-d", "apollo")
    assert result.exit_code == 0
    assert "apollo · Demo Requested · DELIVER" in result.output
    assert "POST https://api.apollo.io/api/v1/contacts" in result.output
    assert "mobile_phone" in result.output and "traits.phone (e164)" in result.output


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        ('{"type": "track", "event": "X"}\n{"type": "track", "event": \n', ":2", "invalid JSON"),
        ('{"type": "track", "event": "X"}\n[1]\n', ":2", "expected a JSON object"),
        ('{"type": "track", "event": "X", "traits": 5}\n', ":1", "'traits'"),
        ('{\n  "type": "track",\n  "event": "X",,\n}\n', ":3", "invalid JSON"),
        ("", "", "empty"),
    ],
)
def test_malformed_input_is_a_clear_error_with_exit_2(run, tmp_path, content, where, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    result = run("preview", str(path))
    assert result.exit_code == 2
    assert f"{path}{where}" in result.output and message in result.output
    assert "Traceback" not in result.output


def test_missing_file_and_unknown_destination_exit_2(run, tmp_path):
    missing = run("preview", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2 and "file not found" in missing.output
    unknown = run("preview", str(EVENTS / "demo-requested.json"), "-d", "hubspot")
    assert unknown.exit_code == 2 and "unknown destination 'hubspot'" in unknown.output


def test_bad_config_value_exits_2(run, monkeypatch):
    monkeypatch.setenv("SIGNALTUI_DEFAULT_REGION", "Great Britain")
    result = run("preview", str(EVENTS / "demo-requested.json"))
    assert result.exit_code == 2 and "default_region" in result.output


def test_console_script_runs_as_subprocess():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "signaltui",
            "preview",
            str(EVENTS / "demo-requested.json"),
            "--json",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3


def test_preview_streams_output_before_a_bad_line_and_exits_2(tmp_path) -> None:
    """Events are planned and printed as they are read: a bad line stops the stream there."""
    from tests.helpers import track

    path = tmp_path / "stream.jsonl"
    path.write_text(json.dumps(track()) + "\n{broken\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["preview", str(path), "--json", "-d", "close"])
    assert result.exit_code == 2
    assert f"{path}:2" in result.stderr
    assert json.loads(result.stdout)["destination"] == "close"
