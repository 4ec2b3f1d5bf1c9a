"""Hardening: a send replay killed with SIGKILL leaves a consistent, resumable store.

``signaltui replay --mode send`` runs as a real process against a loopback mock server
with the ``slow`` profile; once some deliveries are stored the process is killed
outright (no clean-up code runs). The store must pass SQLite's integrity check, show the
run as unfinished, and a second identical run must resume it: already delivered
exchanges are skipped, and every lead reaches the CRM. Delivery is at-least-once: an
exchange in flight at the kill (the CRM may have created the lead, the store never heard)
is sent again, so at most ``--concurrency`` leads may reach their CRM twice.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest

from signaltui.mock.server import serve_in_thread
from signaltui.replay.runner import resume_key
from signaltui.replay.select import Selection
from signaltui.store import Store
from signaltui.targets import parse_target
from tests.helpers import ROOT
from tests.integration.test_fault_replay import RESOURCE_PATHS, created_email, write_recording

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

COUNT = 300
CONCURRENCY = 4
#: Deliveries stored before the kill: enough to be mid-run, far from the end.
KILL_AFTER = 40
#: Each answer of the ``slow`` mock is held this long, so the first run takes seconds.
LATENCY = 0.05


def _env() -> dict[str, str]:
    """The environment of the child: the test's own, which the autouse
    ``isolated_signaltui_env`` fixture has already stripped of real SIGNALTUI_* settings
    and pointed at a temporary config, store and token cache; and no proxies."""
    env = {name: value for name, value in os.environ.items() if "proxy" not in name.lower()}
    env.update(
        # The client's own pacing would dwarf the mock's latency; the profile sets the pace.
        SIGNALTUI_DELIVERY__RATE_LIMIT_PER_SECOND="0",
        NO_PROXY="127.0.0.1,localhost",
    )
    return env


def _command(db: Path, recording: Path, url: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "signaltui",
        "--db",
        str(db),
        "replay",
        str(recording),
        "--mode",
        "send",
        "--target",
        url,
        "--concurrency",
        str(CONCURRENCY),
        "--quiet",
    ]


def _stored(db: Path) -> int:
    """Delivered rows in the store, read through a read-only connection (0 if not yet)."""
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
            return int(
                conn.execute(
                    "SELECT count(*) FROM deliveries WHERE outcome='delivered'"
                ).fetchone()[0]
            )
    except sqlite3.OperationalError:  # no file or no tables yet
        return 0


def _start_and_kill(command: list[str], db: Path, env: dict[str, str], log: Path) -> None:
    """Start the replay, wait until some deliveries are stored, then SIGKILL it."""
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 60
        while _stored(db) < KILL_AFTER:
            assert process.poll() is None, f"the replay ended before the kill:\n{log.read_text()}"
            assert time.monotonic() < deadline, "no deliveries stored in time"
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()  # no-op after SIGKILL; ends the child if an assertion failed
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _settled_journal(url: str) -> list[dict[str, Any]]:
    """The mock's journal once every request it received has been answered.

    Requests in flight at the kill are still held by the slow profile; the mock finishes
    them (and creates their leads) after the client is gone.
    """
    deadline = time.monotonic() + 10
    while True:
        journal: list[dict[str, Any]] = httpx.get(f"{url}/__mock/requests", timeout=30).json()[
            "requests"
        ]
        if all(e["status"] is not None or e["fault"] == "drop" for e in journal):
            return journal
        assert time.monotonic() < deadline, "the mock never answered its in-flight requests"
        time.sleep(LATENCY)


def _creates(url: str) -> tuple[Counter[str], int]:
    """Leads created at the mock per email, and how many requests it has journaled."""
    journal = _settled_journal(url)
    counts = Counter(
        created_email(e)
        for e in journal
        if e["method"] == "POST" and e["path"] in RESOURCE_PATHS and e["status"] in (200, 201)
    )
    return counts, len(journal)


def test_sigkill_mid_replay_leaves_a_consistent_resumable_store(tmp_path: Path) -> None:
    recording, db = tmp_path / "crash.jsonl", tmp_path / "crash.db"
    emails = write_recording(recording, COUNT)
    env = _env()
    with serve_in_thread({"faults": "slow", "latency": LATENCY}) as url:
        command = _command(db, recording, url)
        _start_and_kill(command, db, env, tmp_path / "first.log")

        # The file is consistent, with every stored delivery whole (attempts included).
        with closing(sqlite3.connect(db)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            partial = conn.execute(
                "SELECT count(*) FROM deliveries d WHERE attempt_count != "
                "(SELECT count(*) FROM attempts a WHERE a.delivery_id = d.id)"
            ).fetchone()[0]
            assert partial == 0
            # An event and its delivery are one transaction: none is stored alone.
            orphans = conn.execute(
                "SELECT count(*) FROM events e WHERE NOT EXISTS "
                "(SELECT 1 FROM deliveries d WHERE d.event_id = e.id)"
            ).fetchone()[0]
            assert orphans == 0
        key = resume_key([recording], parse_target(url), Selection())
        with Store.open(db) as store:
            run = store.find_run(key)
            assert run is not None and run.finished_at is None and run.summary is None
            first = store.list_deliveries(run_id=run.id, limit=COUNT * 2)
        first_keys = {row.exchange_key for row in first}
        assert len(first) == len(first_keys) >= KILL_AFTER
        assert len(first) < COUNT
        assert {row.outcome for row in first} == {"delivered"}
        first_emails = {emails[k] for k in first_keys if k is not None}
        created_before, journaled_before = _creates(url)
        # Everything stored as delivered exists at the CRM; a few more may have been
        # created with the answer lost in the kill (in flight).
        assert first_emails <= set(created_before)
        in_flight = set(created_before) - first_emails
        assert len(in_flight) <= CONCURRENCY

        httpx.post(f"{url}/__mock/faults", json={"profile": "none"}, timeout=10)
        second = subprocess.run(
            command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        created_after, _ = _creates(url)
        journal_after = httpx.get(f"{url}/__mock/requests", timeout=30).json()["requests"]

    with Store.open(db) as store:
        resumed = store.get_run(run.id)
        rows = store.list_deliveries(limit=COUNT * 2)
    # The same run was resumed and finished; it skipped exactly what was delivered.
    assert resumed.finished_at is not None and resumed.summary is not None
    assert resumed.summary["resumed_skips"] == len(first)
    assert {row.run_id for row in rows} == {run.id}
    by_key = Counter(row.exchange_key for row in rows)
    assert set(by_key) == set(emails) and max(by_key.values()) == 1
    # Every delivery, from either run, is linked to its own exchange's event.
    assert all(row.email == emails[row.exchange_key or ""] for row in rows)

    # Not one request of the second run went out for an exchange the first delivered.
    resent = {
        created_email(e)
        for e in journal_after[journaled_before:]
        if e["method"] == "POST" and e["path"] in RESOURCE_PATHS
    }
    assert not resent & first_emails

    # Every lead reached its CRM; only in-flight ones may have gone twice (Apollo and
    # Close accept the copy, Outreach refuses it as a duplicate email).
    assert set(created_after) == set(emails.values())
    twice = {email for email, n in created_after.items() if n > 1}
    refused = {emails[r.exchange_key or ""] for r in rows if r.outcome != "delivered"}
    assert twice | refused <= in_flight
    assert len(twice | refused) <= CONCURRENCY
    assert all(
        r.outcome == "rejected" and r.response_status == 422
        for r in rows
        if r.outcome != "delivered"
    )
    assert second.returncode == (1 if refused else 0), second.stdout + second.stderr
