"""Hostile values in every field a report shows: escaped in HTML and markdown, secrets gone."""

import re

from signaltui.recordings import Exchange
from signaltui.replay.diff import Difference
from signaltui.replay.html_report import HtmlReport
from signaltui.replay.markdown_report import MarkdownReport, fenced
from signaltui.replay.results import ExchangeResult, ReplaySummary

EVIL = '<script>alert(1)</script>"|`x`'
SECRET = "tok-7f3a9c2e1b"


def _result():
    exchange = Exchange.model_validate(
        {
            "id": f"id-{EVIL}",
            "recorded_at": "2026-01-01T00:00:00Z",
            "destination": "close",
            "target": "mock",
            "event": {"type": "track", "event": EVIL},
            "decision": {"action": "deliver"},
            "request": {
                "method": "POST",
                "url": f"https://api.close.com/api/v1/lead/?q={SECRET}",
                "headers": {"X-Evil": EVIL},
                "body": {"name": EVIL, "note": f"key {SECRET}", "code": "```"},
            },
            "response": {"status": 400, "headers": {}, "body": {"error": EVIL}},
            "outcome": "rejected",
            "attempts": 1,
        }
    )
    return ExchangeResult(
        exchange.id,
        "close",
        EVIL,
        "fail",
        f"file-{EVIL}.jsonl:1",
        differences=[Difference("request.body.name", EVIL, "Acme")],
        message=EVIL,
        hint=EVIL,
        exchange=exchange,
    )


def _summary(result):
    summary = ReplaySummary(mode="verify", ignored=(f"/{EVIL}",))
    summary.add(result)
    return summary


def test_html_escapes_every_field_and_masks_secrets(tmp_path):
    report = HtmlReport(tmp_path / "r.html", "verify", secrets=[SECRET])
    result = _result()
    report.add(result)
    report.close(_summary(result))
    text = (tmp_path / "r.html").read_text()
    assert "<script" not in text and SECRET not in text
    assert text.count("&lt;script&gt;") >= 8  # event, id, source, message, hint, diff, bodies…


def test_markdown_escapes_outside_code_and_fences_cannot_be_closed(tmp_path):
    report = MarkdownReport(tmp_path / "r.md", "verify", secrets=[SECRET])
    result = _result()
    report.add(result)
    report.close(_summary(result))
    text = (tmp_path / "r.md").read_text()
    assert SECRET not in text
    outside = re.sub(r"(`{3,})[a-z]*\n.*?\n\1\n", "", text, flags=re.S)
    assert "<script" not in outside and "|`x`" not in outside
    assert "&lt;script&gt;" in outside  # the summary line and the ignored pointer


def test_fence_is_longer_than_any_backtick_run():
    assert fenced("a ```` b").startswith("`````\n")
    assert fenced("plain").startswith("```\n")
