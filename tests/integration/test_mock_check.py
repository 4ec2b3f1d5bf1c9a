"""``signaltui mock check``: recorded answers against the mocks' answers, by structure."""

import json

import pytest
from click.testing import CliRunner

from signaltui.cli import main
from signaltui.mock import create_app
from signaltui.mock.server import serve_in_thread
from tests.helpers import FIXTURES, ROOT

SESSIONS = {
    "apollo": "apollo-session.jsonl",
    "outreach": "outreach-session.jsonl",
    "close": "close-session.jsonl",
}


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def recording(tmp_path):
    """Real traffic to the in-process mocks, recorded by `send --record` (all three CRMs)."""
    path = tmp_path / "rec.jsonl"
    for destination, name in SESSIONS.items():
        result = invoke("send", FIXTURES / "events" / name, "-d", destination, "--record", path)
        assert result.exit_code in (0, 1), result.output
    return path


def _lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def _write(path, lines):
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))


def test_an_unchanged_recording_has_no_drift(recording, tmp_path):
    report = tmp_path / "check.json"
    result = invoke("mock", "check", recording, "--json", report)
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text())
    assert data["summary"]["compared"] == 6 and data["summary"]["drift"] == 0
    assert data["summary"]["skip"] == 3  # the dropped exchanges sent nothing
    # Outreach's prospect call went through: the checker got a token from the mock.
    assert {x["destination"] for x in data["exchanges"] if x["status"] == "same"} == {
        "apollo",
        "outreach",
        "close",
    }


def test_a_changed_recorded_answer_is_drift(recording, tmp_path):
    lines = _lines(recording)
    close = next(x for x in lines if x["destination"] == "close" and x["response"])
    close["response"]["body"]["leadStatus"] = close["response"]["body"].pop("status_label")
    close["response"]["body"]["name"] = 42
    outreach = next(x for x in lines if x["destination"] == "outreach" and x["response"])
    outreach["response"]["status"] = 200
    outreach["response"]["headers"]["x-new-limit-header"] = "1"
    changed = tmp_path / "changed.jsonl"
    _write(changed, lines)
    report = tmp_path / "check.json"
    result = invoke("mock", "check", changed, "--json", report)
    assert result.exit_code == 1
    out = result.output
    assert "body.leadStatus: in the recorded answer (string), not the mock's" in out
    assert "body.status_label: in the mock's answer (string), not the recorded one" in out
    assert "body.name: recorded number, mock string" in out
    assert "status: recorded 200, mock 201" in out
    assert "header x-new-limit-header: in the recorded answer" in out
    assert "2 drifted" in out
    drifted = [x for x in json.loads(report.read_text())["exchanges"] if x["status"] == "drift"]
    assert sorted(x["destination"] for x in drifted) == ["close", "outreach"]


def test_ignore_leaves_a_body_field_out(recording, tmp_path):
    lines = _lines(recording)
    close = next(x for x in lines if x["destination"] == "close" and x["response"])
    close["response"]["body"]["name"] = 42
    changed = tmp_path / "changed.jsonl"
    _write(changed, lines)
    assert invoke("mock", "check", changed).exit_code == 1
    result = invoke("mock", "check", changed, "--ignore", "/name")
    assert result.exit_code == 0 and "ignored: /name" in result.output


def test_recorded_ids_are_translated_to_the_mocks(recording, tmp_path):
    # A recorded GET of the lead the recorded POST made: the mock's lead has another id.
    lines = _lines(recording)
    post = next(x for x in lines if x["destination"] == "close" and x["response"])
    lead_id = post["response"]["body"]["id"]
    read = {
        **post,
        "id": "read-back",
        "request": {
            **post["request"],
            "method": "GET",
            "body": None,
            "url": post["request"]["url"] + f"{lead_id}/",
        },
    }
    changed = tmp_path / "with-get.jsonl"
    # Renamed ids: the mock's own would otherwise match the recorded ones by chance.
    text = json.dumps(post).replace(lead_id, "lead_RecordedLive01")
    read_text = json.dumps(read).replace(lead_id, "lead_RecordedLive01")
    changed.write_text(text + "\n" + read_text + "\n")
    result = invoke("mock", "check", changed)
    assert result.exit_code == 0, result.output
    assert "GET /api/v1/lead/lead_RecordedLive01/" in result.output


def test_a_running_mock_on_loopback(recording):
    with serve_in_thread(create_app()) as url:
        result = invoke("mock", "check", recording, "--target", url)
    assert result.exit_code == 0, result.output
    assert "6 answer(s) compared, 6 same" in result.output


def test_a_har_capture_is_checked_directly():
    result = invoke("mock", "check", ROOT / "tests" / "data" / "foreign-capture.har")
    # The hand-written capture asks for /v1/contacts/search, which the mocks do not serve.
    assert result.exit_code == 1
    assert "status: recorded 401, mock 404" in result.output
    assert "6 answer(s) compared" in result.output
    assert "apollo-live-K3y" not in result.output


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("live", "mocks only"),
        ("http://10.1.2.3:8765", "mocks only"),
        ("nonsense", "unknown target"),
    ],
)
def test_targets_other_than_a_mock_are_refused(recording, target, message):
    result = invoke("mock", "check", recording, "--target", target)
    assert result.exit_code == 2 and message in result.output


def test_an_unreachable_mock_is_bad_input(recording):
    with serve_in_thread(create_app()) as url:
        pass  # the port is free again once the server stopped
    result = invoke("mock", "check", recording, "--target", url)
    assert result.exit_code == 2 and "cannot reach the mock" in result.output


def test_nothing_to_compare_never_passes(tmp_path):
    dropped = tmp_path / "dropped.jsonl"
    _write(dropped, [x for x in _lines(ROOT / "recordings" / "apollo.jsonl") if not x["request"]])
    result = invoke("mock", "check", dropped)
    assert result.exit_code == 1 and "nothing was compared" in result.output


def test_bad_recording_is_exit_2(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    result = invoke("mock", "check", bad)
    assert result.exit_code == 2 and f"{bad}:1" in result.output
    assert invoke("mock", "check", tmp_path / "missing.jsonl").exit_code == 2
