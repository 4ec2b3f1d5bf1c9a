"""TUI start-up: from creating ``SignalApp`` to its first screen being ready.

Each run gets a fresh temporary store, builds the app, enters ``run_test`` (headless)
and waits for one ``pilot.pause()``: by then the app is mounted, the tabs composed and
the first preview requested. Shutting the app down is not timed. The first run (cold:
first CSS parse, first widget classes) is reported on its own; the verdict uses the
median of the warm runs.

Run: ``.venv/bin/python benchmarks/bench_tui_startup.py [--quick]``
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from _common import machine, parse_args, verdict

from signaltui.config import load_settings
from signaltui.tui.app import SignalApp

TARGET_S = 1.0


async def startup_seconds(folder: Path) -> float:
    """Seconds from ``SignalApp(settings)`` to the first screen ready, on a fresh db."""
    settings = load_settings(db=folder / "signaltui.db", token_file=folder / "token.json")
    began = time.perf_counter()
    app = SignalApp(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        ready = time.perf_counter() - began
        if not app.query("#main-tabs"):
            raise SystemExit("the main tabs were not composed; figure unusable")
    return ready


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    runs = 3 if args.quick else 5
    times = []
    with tempfile.TemporaryDirectory(prefix="signaltui-bench-") as tmp:
        for n in range(runs + 1):  # run 0 is the cold one
            folder = Path(tmp) / f"run{n}"
            folder.mkdir()
            times.append(asyncio.run(startup_seconds(folder)))
    cold, warm = times[0], times[1:]
    median = statistics.median(warm)
    print(f"machine: {machine()}")
    print(f"cold first start: {cold * 1000:.0f} ms")
    print("warm starts: " + ", ".join(f"{t * 1000:.0f}" for t in warm) + " ms")
    print(
        f"RESULT TUI first screen ready in {median * 1000:.0f} ms median of {runs} "
        f"(cold {cold * 1000:.0f} ms; target < {TARGET_S * 1000:.0f} ms: "
        f"{verdict(median < TARGET_S)})"
    )


if __name__ == "__main__":
    main()
