"""Three sends at once share one Outreach token file without spending a refresh token twice.

A real loopback mock rotates refresh tokens strictly (the old one dies at once) and
issues one-second access tokens, so the three processes refresh over and over while
they run. Each refresh must start from the newest stored refresh token: before the file
lock, most deliveries failed with ``invalid_grant``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from signaltui.mock import create_app
from signaltui.mock.server import serve_in_thread
from tests.helpers import track

PROCESSES = 3
EVENTS = 10


def test_concurrent_sends_share_the_rotating_token(tmp_path: Path, monkeypatch) -> None:
    # Paced at 8/s, each send runs over a second: several refreshes of 1 s tokens.
    monkeypatch.setenv("SIGNALTUI_DELIVERY__RATE_LIMIT_PER_SECOND", "8")
    app = create_app(outreach_strict_rotation=True, outreach_token_ttl=1)
    token_file = Path(os.environ["SIGNALTUI_TOKEN_FILE"])
    with serve_in_thread(app) as url:
        children = []
        for process in range(PROCESSES):
            events = tmp_path / f"events-{process}.jsonl"
            lines = []
            for number in range(EVENTS):
                event = track(userId=f"p{process}-{number}")
                event["traits"] = {**event["traits"], "email": f"p{process}n{number}@example.com"}
                lines.append(json.dumps(event))
            events.write_text("\n".join(lines) + "\n")
            db = tmp_path / f"store-{process}.db"
            children.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "signaltui",
                        "--db",
                        str(db),
                        "send",
                        str(events),
                        "-d",
                        "outreach",
                        "-t",
                        url,
                        "--json",
                    ],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        outputs = [child.communicate(timeout=120) for child in children]
    outcomes = [
        json.loads(line)["outcome"] for out, _ in outputs for line in out.splitlines() if line
    ]
    errors = [err for _, err in outputs if err.strip()]
    assert errors == [] and len(outcomes) == PROCESSES * EVENTS
    assert outcomes == ["delivered"] * (PROCESSES * EVENTS)
    assert token_file.exists()
