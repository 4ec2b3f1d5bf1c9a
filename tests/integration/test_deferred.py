"""The deferred outcome end to end: replay --mode send, the store, the TUI's History action."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from signaltui.cli import main
from signaltui.config import load_settings
from signaltui.delivery.outcomes import DeliveryResult
from signaltui.recordings import iter_exchanges
from signaltui.service import DeliverySession, resend_due_deferred
from signaltui.store import Store
from signaltui.targets import parse_target
from tests.helpers import ROOT

PAST = "2020-01-01T00:00:00.000Z"
FUTURE = "2999-01-01T00:00:00.000Z"


def _deferred_recording(tmp_path: Path) -> Path:
    """The shipped Close recording's first two exchanges, re-labelled deferred."""
    lines = (ROOT / "recordings" / "close.jsonl").read_text().splitlines()[:2]
    out = []
    for line, due in zip(lines, (PAST, FUTURE), strict=True):
        exchange = json.loads(line)
        exchange.update(outcome="deferred", retry_at=due)
        out.append(json.dumps(exchange))
    path = tmp_path / "deferred.jsonl"
    path.write_text("\n".join(out) + "\n")
    return path


def test_recordings_keep_retry_at_and_old_lines_stay_as_they_were(tmp_path: Path) -> None:
    path = _deferred_recording(tmp_path)
    exchanges = [e for _, e in iter_exchanges(path)]
    assert [e.retry_at for e in exchanges] == [PAST, FUTURE]
    shipped = [e for _, e in iter_exchanges(ROOT / "recordings" / "close.jsonl")]
    assert all(e.retry_at is None for e in shipped)


def test_replay_send_delivers_due_deferred_and_says_what_is_not_yet_due(
    tmp_path: Path, monkeypatch: Any
) -> None:
    db = tmp_path / "r.db"
    monkeypatch.setenv("SIGNALTUI_DB", str(db))
    path = _deferred_recording(tmp_path)
    report = tmp_path / "r.json"
    run = CliRunner().invoke(
        main, ["replay", str(path), "--mode", "send", "--target", "mock", "--json", str(report)]
    )
    assert run.exit_code == 0, run.output
    assert (
        f"not yet due: 1 deferred exchanges were left for later (the first is due at {FUTURE})"
        in (run.output)
    )
    summary = json.loads(report.read_text())["summary"]
    assert summary["not_yet_due"] == 1 and summary["next_due"] == FUTURE
    assert summary["passed"] == 1 and summary["skipped"] == 1
    with Store.open(db) as store:
        [row] = store.list_deliveries(mode="replay-send")
        detail = store.get_delivery(row.id)
    assert detail.outcome == "delivered"
    # A deferred delivery may have been created before it was deferred: it looks first.
    assert detail.attempts[0].kind == "lookup"
    assert detail.attempts[-1].kind == "send"


def _store_deferred(store: Store, target: str, due: str) -> int:
    lines = (ROOT / "recordings" / "close.jsonl").read_text().splitlines()
    exchange = json.loads(lines[0])
    event_id = store.record_event(exchange["event"], exchange["event"])
    result = DeliveryResult(
        destination="close", target=target, outcome="deferred", retry_at=due, reason="http_429"
    )
    return store.record_delivery(event_id, exchange["decision"], result, mode="send")


async def test_service_resends_due_deferred_once(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("SIGNALTUI_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")
    settings = load_settings(db=tmp_path / "s.db")
    with Store.open(settings.db) as store:
        due = _store_deferred(store, "mock", PAST)
        _store_deferred(store, "mock", FUTURE)
        _store_deferred(store, "live", PAST)
        async with DeliverySession(settings, parse_target("mock"), store=store) as session:
            done = await resend_due_deferred(store, lambda target: session)
            again = await resend_due_deferred(store, lambda target: session)
        assert [s.result.outcome for s in done.sent] == ["delivered"]
        assert (done.not_due, done.next_due, done.skipped_live) == (1, FUTURE, 1)
        assert again.sent == []  # followed up once, not every time
        follow_up = store.get_delivery(done.sent[0].delivery_id or 0)
        assert follow_up.replay_of == f"delivery-{due}"
        assert follow_up.attempts[0].kind == "lookup"


def test_send_and_replay_help_say_how_pacing_and_waits_work() -> None:
    for command in ("send", "replay"):
        text = " ".join(CliRunner().invoke(main, [command, "--help"]).output.split())
        assert (
            "Outreach 10,000/hour per user" in text and "Close per key and endpoint group" in text
        )
        assert "a local mock too, is held only as long as its rate headers" in text
        assert "max_wait (120 s) ends the delivery as deferred" in text


def test_recordings_export_of_deferred_keeps_retry_at(tmp_path: Path, monkeypatch: Any) -> None:
    db = tmp_path / "e.db"
    monkeypatch.setenv("SIGNALTUI_DB", str(db))
    with Store.open(db) as store:
        _store_deferred(store, "mock", FUTURE)
    out = tmp_path / "deferred.jsonl"
    run = CliRunner().invoke(
        main, ["recordings", "export", "--outcome", "deferred", "-o", str(out)]
    )
    assert run.exit_code == 0, run.output
    [exchange] = [e for _, e in iter_exchanges(out)]
    assert (exchange.outcome, exchange.retry_at) == ("deferred", FUTURE)


def test_replaying_again_later_sends_only_what_was_left_for_later(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """The summary says "replay them again then": doing so must not need --again, and
    must not send what the first run delivered (nor leave the deferred one behind)."""
    monkeypatch.setenv("SIGNALTUI_DB", str(tmp_path / "r.db"))
    path = _deferred_recording(tmp_path)
    command = ["replay", str(path), "--mode", "send", "--target", "mock"]
    first = CliRunner().invoke(main, command)
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(main, command)  # no terminal, no --again
    assert again.exit_code == 0, again.output
    assert "already delivered were not re-sent" in again.output or "resumed:" in again.output
    assert "not yet due: 1 deferred" in again.output
    with Store.open(tmp_path / "r.db") as store:
        sent = store.list_deliveries(mode="replay-send")
    assert len(sent) == 1  # the due one, once; the other still waits for its time
