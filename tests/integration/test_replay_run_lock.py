"""Two identical send replays at once: the second sees the first's lock.

Real processes against a real loopback mock: the first replay delivers slowly (the
mock's ``slow`` profile, one at a time); a second, identical one started meanwhile is
refused with exit 2 naming the holder, or with ``--wait`` waits and sends only what the
first did not deliver. The mock's own journal then holds each lead exactly once.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from signaltui.cli import main
from signaltui.mock import create_app
from signaltui.mock.server import serve_in_thread
from tests.helpers import track

LEADS = 10


@pytest.fixture
def slow_mock() -> Iterator[str]:
    with serve_in_thread(create_app(faults="slow", latency=0.4)) as url:
        yield url


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    events = tmp_path / "events.jsonl"
    lines = []
    for number in range(LEADS):
        event = track(userId=f"u{number}")
        event["traits"] = {**event["traits"], "email": f"lead{number}@example.com"}
        lines.append(json.dumps(event))
    events.write_text("\n".join(lines) + "\n")
    path = tmp_path / "close.jsonl"
    args = ["--db", str(tmp_path / "rec.db"), "send", str(events), "-d", "close"]
    result = CliRunner().invoke(main, [*args, "--record", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


def replay(recording: Path, url: str, db: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "signaltui", "--db", str(db), "replay", str(recording),
         "--mode", "send", "-t", url, "-c", "1", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def created_leads(url: str) -> Counter[str]:
    journal = httpx.get(f"{url}/__mock/requests").json()["requests"]
    posts = [r for r in journal if r["method"] == "POST" and r["path"] == "/api/v1/lead/"]
    return Counter(json.dumps(r["body"], sort_keys=True) for r in posts)


def wait_for_first_post(url: str, first: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while not created_leads(url) and time.monotonic() < deadline:
        assert first.poll() is None, first.communicate()
        time.sleep(0.05)


def test_identical_replays_at_once_deliver_each_lead_once(slow_mock, recording, tmp_path):
    db = tmp_path / "replay.db"
    first = replay(recording, slow_mock, db)
    wait_for_first_post(slow_mock, first)
    refused = replay(recording, slow_mock, db)
    waiting = replay(recording, slow_mock, db, "--wait")
    _, refused_err = refused.communicate(timeout=60)
    assert first.poll() is None, "the first replay ended before the second was refused"
    _, first_err = first.communicate(timeout=120)
    waited_out, waited_err = waiting.communicate(timeout=120)

    assert first.returncode == 0, first_err
    assert refused.returncode == 2, refused_err
    assert "already running in process" in refused_err and "--wait" in refused_err
    assert waiting.returncode == 0, waited_err
    assert f"resumed: {LEADS} exchanges already delivered were not re-sent" in waited_out
    leads = created_leads(slow_mock)
    assert len(leads) == LEADS and set(leads.values()) == {1}
