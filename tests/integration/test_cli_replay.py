"""``signaltui replay``: verify the shipped recordings, diffs, --update, reports, shards, send."""

import json
import shutil
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from signaltui.cli import main
from signaltui.recordings import iter_exchanges
from signaltui.store import Store
from tests.helpers import ROOT

RECORDINGS = ROOT / "recordings"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def recordings(tmp_path):
    copy = tmp_path / "recordings"
    shutil.copytree(RECORDINGS, copy)
    return copy


def _edit_close_lead_name(path, new_name):
    lines = path.read_text().splitlines()
    for index, line in enumerate(lines):
        exchange = json.loads(line)
        if exchange["request"] and exchange["request"]["body"].get("name") == "Acme Inc":
            exchange["request"]["body"]["name"] = new_name
            lines[index] = json.dumps(exchange)
    path.write_text("\n".join(lines) + "\n")


def test_shipped_recordings_verify_clean():
    result = invoke("replay", RECORDINGS, "--mode", "verify")
    assert result.exit_code == 0, result.output
    assert "all" in result.output and " 0 " in result.output.splitlines()[-1] + " "


def test_an_edited_body_fails_naming_the_field(recordings, tmp_path):
    _edit_close_lead_name(recordings / "close.jsonl", "Acme Ltd")
    report, junit = tmp_path / "r.json", tmp_path / "j.xml"
    result = invoke("replay", recordings, "--json", report, "--junit", junit)
    assert result.exit_code == 1
    assert 'request.body.name: "Acme Ltd" → "Acme Inc"' in result.output
    data = json.loads(report.read_text())
    failing = [x for x in data["exchanges"] if x["status"] == "fail"]
    assert failing[0]["differences"] == [
        {
            "path": "request.body.name",
            "old": "Acme Ltd",
            "new": "Acme Inc",
            "rule_at": "presets/close.yaml:26",
        }
    ]
    assert data["summary"]["failed"] == 1 and data["summary"]["total"] == 9
    suite = ET.parse(junit).getroot()
    assert (suite.get("tests"), suite.get("failures")) == ("9", "1")
    failures = [case for case in suite.iter("testcase") if case.find("failure") is not None]
    assert "request.body.name" in failures[0].find("failure").text


def test_a_mapping_change_is_caught_then_accepted_with_update(recordings, monkeypatch):
    monkeypatch.setenv("SIGNALTUI_APOLLO_DEDUPE", "false")
    changed = invoke("replay", recordings / "apollo.jsonl")
    assert changed.exit_code == 1
    assert "request.body.run_dedupe: true → (absent)" in changed.output
    updated = invoke("replay", recordings / "apollo.jsonl", "--update")
    # Rewriting is what was asked for: exit 0, naming the file rewritten.
    assert updated.exit_code == 0 and "updated: 2" in updated.output
    assert f"rewrote {recordings / 'apollo.jsonl'} with today's requests" in updated.output
    assert invoke("replay", recordings / "apollo.jsonl").exit_code == 0
    bodies = [e.request.body for _, e in iter_exchanges(recordings / "apollo.jsonl") if e.request]
    assert bodies and all("run_dedupe" not in body for body in bodies)


def test_filters_select_exchanges(tmp_path):
    report = tmp_path / "r.json"
    invoke("replay", RECORDINGS, "-d", "outreach", "-o", "rejected,delivered", "--json", report)
    exchanges = json.loads(report.read_text())["exchanges"]
    assert [(x["destination"], x["event"]) for x in exchanges] == [
        ("outreach", "Demo Requested"),
        ("outreach", "Form Submitted"),
    ]


def test_shards_partition_without_overlap_or_loss(tmp_path):
    seen = []
    for index in (1, 2, 3):
        report = tmp_path / f"shard{index}.json"
        assert (
            invoke("replay", RECORDINGS, "--shard", f"{index}/3", "--json", report).exit_code == 0
        )
        seen.append({x["id"] for x in json.loads(report.read_text())["exchanges"]})
    everything = tmp_path / "all.json"
    invoke("replay", RECORDINGS, "--json", everything)
    all_ids = {x["id"] for x in json.loads(everything.read_text())["exchanges"]}
    assert set().union(*seen) == all_ids and sum(len(s) for s in seen) == len(all_ids) == 9


@pytest.mark.parametrize("shard", ["0/3", "4/3", "a/b", "1/0"])
def test_bad_shard_is_bad_input(shard):
    result = invoke("replay", RECORDINGS, "--shard", shard)
    assert result.exit_code == 2 and "--shard" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"format": "signaltui.recording", "version": 7}\n', "version"),
        ('{"format": "signaltui.recording", "version": 1, "id": "x"', "truncated"),
    ],
)
def test_bad_recordings_exit_2_naming_file_and_line(tmp_path, content, message):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(content)
    result = invoke("replay", bad)
    assert result.exit_code == 2
    assert f"{bad}:1" in result.output and message in result.output
    assert "Traceback" not in result.output


def test_send_mode_redelivers_failures_and_stores_the_change(isolated_signaltui_env, tmp_path):
    report = tmp_path / "send.json"
    result = invoke(
        "replay", RECORDINGS / "close.jsonl", "--mode", "send", "--target", "mock", "--json", report
    )
    assert result.exit_code == 0, result.output
    exchanges = json.loads(report.read_text())["exchanges"]
    changes = sorted((x["outcome_before"], x["outcome_after"]) for x in exchanges)
    assert changes == [("dead_lettered", "delivered"), ("delivered", "delivered")]
    assert "dead_lettered → delivered" in result.output
    with Store.open(isolated_signaltui_env / "store.db") as store:
        rows = store.list_deliveries()
    assert {(r.mode, r.outcome) for r in rows} == {("replay-send", "delivered")}
    assert {r.replay_of for r in rows} == {x["id"] for x in exchanges}


def test_send_mode_reports_rejections_with_exit_1():
    result = invoke("replay", RECORDINGS / "apollo.jsonl", "--mode", "send", "-o", "rejected")
    assert result.exit_code == 1
    assert "rejected → rejected" in result.output and "hint:" in result.output


def test_progress_bar_counts_against_the_total():
    from signaltui.cli.replay import Printer

    printer = Printer(quiet=True)
    printer.count((RECORDINGS,))
    assert printer.total is None  # no live bar: the files are not read twice
    printer.live = True  # as on a terminal
    printer.count((RECORDINGS,))
    assert printer.total == 9
    printer.seen, printer.failed = 3, 1
    assert printer.bar(width=9) == "[###------] 3/9: 3 exchanges, 1 failing"
    printer.count((RECORDINGS / "missing.jsonl",))
    assert printer.total is None  # the replay itself reports the missing file


def test_a_refused_target_leaves_no_report_scratch_file(tmp_path):
    reports = tmp_path / "reports"
    result = invoke(
        "replay", RECORDINGS, "--mode", "send", "--target", "nope://x", "--json", reports / "r.json"
    )
    assert result.exit_code == 2 and "--target" in result.output
    assert not reports.exists() or not list(reports.iterdir())


@pytest.mark.parametrize("earlier_report", [False, True])
def test_a_replay_failing_part_way_leaves_no_half_report_or_scratch_file(
    recordings, tmp_path, earlier_report
):
    lines = (recordings / "close.jsonl").read_text().splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        "\n".join([lines[0], '{"format": "signaltui.recording", "id', *lines[1:]]) + "\n"
    )
    reports = tmp_path / "reports"
    report, junit = reports / "r.json", reports / "j.xml"
    if earlier_report:
        assert invoke("replay", recordings, "--json", report, "--junit", junit).exit_code == 0
    before = {p.name: p.read_bytes() for p in reports.iterdir()} if earlier_report else {}

    result = invoke("replay", bad, "--json", report, "--junit", junit)

    assert result.exit_code == 2
    assert f"{bad}:2" in result.output and "Traceback" not in result.output
    after = {p.name: p.read_bytes() for p in reports.iterdir()} if reports.exists() else {}
    assert after == before
