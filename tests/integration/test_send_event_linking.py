"""``signaltui send`` links every delivery to its own event row (issue: ``id()`` reuse).

A thousand distinct events go to the in-process mock through the real CLI and a real
SQLite file; the store must then hold one event row per input event, and every
delivery's request must carry the email of the event it hangs off.
"""

from __future__ import annotations

import json
import sqlite3

from click.testing import CliRunner

from signaltui.cli import main
from tests.helpers import track

COUNT = 1000


def test_a_thousand_events_each_get_one_row_and_their_own_delivery(tmp_path, monkeypatch):
    # This is about linking, not pacing: with Close's real 20 requests a second per key
    # the run would spend most of a minute waiting out the mock's rate windows.
    monkeypatch.setenv("SIGNALTUI_MOCK_LIMITS", "off")
    events = tmp_path / "events.jsonl"
    lines = []
    for number in range(COUNT):
        event = track(userId=f"user-{number}", messageId=f"msg-{number}")
        event["traits"] = {**event["traits"], "email": f"lead{number}@example.com"}
        lines.append(json.dumps(event))
    events.write_text("\n".join(lines) + "\n")
    db = tmp_path / "store.db"

    result = CliRunner().invoke(
        main,
        ["--db", str(db), "send", str(events), "-d", "close", "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output[-2000:]

    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT id, message_id, email FROM events").fetchall()
    assert len(rows) == COUNT
    assert sorted(r[1] for r in rows) == sorted(f"msg-{n}" for n in range(COUNT))
    deliveries = conn.execute(
        "SELECT d.id, e.email, coalesce(d.request_json, a.request_json) FROM deliveries d "
        "JOIN events e ON e.id = d.event_id "
        "JOIN attempts a ON a.delivery_id = d.id AND a.number = d.attempt_count"
    ).fetchall()
    conn.close()
    assert len(deliveries) == COUNT
    mismatched = [
        (delivery_id, email)
        for delivery_id, email, request_json in deliveries
        if json.loads(request_json)["body"]["contacts"][0]["emails"][0]["email"] != email
    ]
    assert mismatched == []
