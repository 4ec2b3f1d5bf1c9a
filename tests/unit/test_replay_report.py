"""Replay reports: a discarded report leaves nothing beside its path; a finished one stays."""

import json

from signaltui.replay.report import JsonReport, JUnitReport
from signaltui.replay.results import ReplaySummary


def test_a_discarded_json_report_removes_its_scratch_file_and_keeps_the_earlier_one(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"earlier": true}\n')
    report = JsonReport(path)
    assert len(list(tmp_path.iterdir())) == 2  # the scratch file beside it
    report.discard()
    report.discard()  # twice is harmless
    assert list(tmp_path.iterdir()) == [path]
    assert json.loads(path.read_text()) == {"earlier": True}


def test_discarding_after_close_keeps_the_finished_reports(tmp_path):
    json_path, junit_path = tmp_path / "r.json", tmp_path / "j.xml"
    reports = [JsonReport(json_path), JUnitReport(junit_path, "verify")]
    for report in reports:
        report.close(ReplaySummary(mode="verify"))
        report.discard()
    assert sorted(tmp_path.iterdir()) == [junit_path, json_path]
    assert json.loads(json_path.read_text())["exchanges"] == []
    assert 'tests="0"' in junit_path.read_text()
