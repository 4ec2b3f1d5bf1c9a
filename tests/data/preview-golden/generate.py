"""Write today's ``signaltui preview --json`` output of every fixture as golden data.

Run from the repository root: ``.venv/bin/python tests/data/preview-golden/generate.py``.
One file per (fixture, destination, config): ``<fixture stem>.<destination>[.<config>].jsonl``,
the exact stdout of the command. The blueprint presets must reproduce these byte for byte
(``tests/unit/test_preview_golden.py``), apart from the ``at`` key each trace row gains.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
EVENTS = ROOT / "fixtures" / "events"
CONFIGS = {"default": None, "close-example": ROOT / "fixtures" / "config" / "close-example.toml"}
#: Edge cases (long strings, bad emails and phones, aliases, consent variants) and 300
#: events of the mapping benchmark's varied stream, with every mapping setting changed.
EDGE = HERE / "edge-events.jsonl"
SETTINGS = HERE / "settings.toml"
DESTINATIONS = ("apollo", "outreach", "close")


def cases() -> list[tuple[str, Path, str, Path | None]]:
    """``(golden file name, fixture, destination, config)`` for every case."""
    found = []
    for fixture in sorted(EVENTS.iterdir()):
        for destination in DESTINATIONS:
            for label, config in CONFIGS.items():
                if label != "default" and destination != "close":
                    continue
                suffix = "" if label == "default" else f".{label}"
                found.append(
                    (f"{fixture.stem}.{destination}{suffix}.jsonl", fixture, destination, config)
                )
    for destination in DESTINATIONS:
        found.append((f"edge.{destination}.jsonl", EDGE, destination, None))
        found.append((f"edge.{destination}.settings.jsonl", EDGE, destination, SETTINGS))
    return found


def preview(fixture: Path, destination: str, config: Path | None) -> str:
    """The stdout of ``signaltui preview --json`` in an environment free of SIGNALTUI_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALTUI_")}
    # An empty config file stands for "no config" so the user's own never leaks in.
    env["SIGNALTUI_CONFIG"] = str(config or HERE / "empty.toml")
    command = [
        sys.executable,
        "-m",
        "signaltui",
        "preview",
        str(fixture),
        "-d",
        destination,
        "--json",
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return done.stdout


def main() -> None:
    for name, fixture, destination, config in cases():
        (HERE / name).write_text(preview(fixture, destination, config), encoding="utf-8")
        print(name)


if __name__ == "__main__":
    main()
