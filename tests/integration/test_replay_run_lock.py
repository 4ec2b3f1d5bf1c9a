"""Two identical send replays at once: the second sees the first's lock.

Real processes against a real loopback mock. The first replay's first lead is held at a
gate in front of the mock, so it is certainly still running while a second, identical
replay is refused (exit 2, naming the holder) and a third, with ``--wait``, starts
waiting. Then the gate opens: the first finishes, the third sends only what the first
did not deliver, and the mock's own journal holds each lead exactly once.
"""

from __future__ import annotations

import json
import select
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

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from _hardening import Gate

LEADS = 6


@pytest.fixture
def gate() -> Gate:
    return Gate(create_app())


@pytest.fixture
def gated_mock(gate: Gate, monkeypatch) -> Iterator[str]:
    # The held request must not time out and be retried while the gate is shut.
    monkeypatch.setenv("SIGNALTUI_DELIVERY__TIMEOUT", "120")
    with serve_in_thread(gate) as url:
        try:
            yield url
        finally:
            gate.opened.set()


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


def wait_for_line(child: subprocess.Popen[str], text: str, timeout: float = 60) -> str:
    """The first line of ``child``'s stderr containing ``text`` (fails after ``timeout``)."""
    assert child.stderr is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([child.stderr], [], [], 0.1)
        if ready:
            line = child.stderr.readline()
            if text in line:
                return line
            assert line, f"stderr ended before {text!r}"
    raise AssertionError(f"no {text!r} on stderr within {timeout}s")


def test_identical_replays_at_once_deliver_each_lead_once(gate, gated_mock, recording, tmp_path):
    db = tmp_path / "replay.db"
    first = replay(recording, gated_mock, db)
    assert gate.arrived.wait(60), "the first replay never reached the mock"
    refused = replay(recording, gated_mock, db)
    _, refused_err = refused.communicate(timeout=60)
    waiting = replay(recording, gated_mock, db, "--wait")
    waited_line = wait_for_line(waiting, "waiting for process")
    assert first.poll() is None  # still held at the gate: the two really overlapped
    gate.opened.set()
    _, first_err = first.communicate(timeout=120)
    waited_out, waited_err = waiting.communicate(timeout=120)

    assert first.returncode == 0, first_err
    assert refused.returncode == 2, refused_err
    assert "already running in process" in refused_err and "--wait" in refused_err
    assert f"process {first.pid}" in refused_err and f"process {first.pid}" in waited_line
    assert waiting.returncode == 0, waited_err
    assert f"resumed: {LEADS} exchanges already delivered were not re-sent" in waited_out
    leads = created_leads(gated_mock)
    assert len(leads) == LEADS and set(leads.values()) == {1}
