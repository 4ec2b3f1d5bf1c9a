"""Render a replay HTML report in headless Chromium and save a PNG screenshot of it.

Not part of the test suite (CI machines have no browser). It builds a small failing
replay from the shipped recordings (two edited exchanges, one ignored field), writes the
report with ``signaltui replay --html``, and opens it with networking switched off in
Chromium: the report must render completely with nothing fetched.

    apt-get install -y chromium          # Debian; or pass --chromium PATH
    python scripts/screenshot_html_report.py [--out docs/images/replay-report.png]

Prints the report and screenshot paths and their sizes; exits 1 when Chromium fails or
writes no image.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from signaltui.cli import main

ROOT = Path(__file__).resolve().parent.parent
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]


def failing_recordings(folder: Path) -> Path:
    """A copy of the shipped recordings in which two requests no longer match."""
    copy = folder / "recordings"
    shutil.copytree(ROOT / "recordings", copy)
    edits = {
        "close.jsonl": lambda body: body.update(name="Acme Ltd <script>alert(1)</script>"),
        "apollo.jsonl": lambda body: body.update(title="VP Growth", run_dedupe=False),
    }
    for name, edit in edits.items():
        path = copy / name
        lines = [json.loads(line) for line in path.read_text().splitlines()]
        target = next(x for x in lines if x["request"] and x["outcome"] != "rejected")
        edit(target["request"]["body"])
        path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return copy


def main_() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "replay-report.png")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--size", default="1200,900")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        report = work / "report.html"
        result = CliRunner().invoke(
            main,
            ["replay", str(failing_recordings(work)), "--html", str(report), "--ignore", "/url"],
        )
        if result.exit_code != 1 or not report.exists():
            print(f"replay did not fail as planned (exit {result.exit_code}):\n{result.output}")
            return 1
        args.out.parent.mkdir(parents=True, exist_ok=True)
        profile = work / "profile"
        command = [
            args.chromium,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={args.size}",
            f"--screenshot={args.out.resolve()}",
            report.as_uri(),
        ]
        ran = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if ran.returncode != 0 or not args.out.exists():
            print(f"chromium failed ({ran.returncode}):\n{ran.stderr[-2000:]}")
            return 1
        print(
            f"report: {report.stat().st_size} bytes, {report.read_text().count('<details')} "
            "failing exchange(s)"
        )
        print(f"screenshot: {args.out} ({args.out.stat().st_size} bytes, window {args.size})")
    return 0


if __name__ == "__main__":
    sys.exit(main_())
