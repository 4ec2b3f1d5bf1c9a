"""TUI start-up: from creating ``SignalApp`` to its first screen being ready.

Each run gets a fresh temporary store, builds the app and runs it headless
(``run_test``). Three moments are timed from ``SignalApp(settings)``:

- first screen: the app receives Textual's ``Ready`` event, posted once the first
  screen is laid out and drawn (the Compose tab, with the tab bar and footer). From
  here on keys are handled. This is the figure the target is about.
- settled: ``run_test`` hands over the pilot and one ``pilot.pause()`` returns.
- tab visits: each other tab opened by its F-key, one after another, twice. Tabs are
  built when first opened, so the first visit is where their cost went. Shown as CPU
  time: the pilot's key press also waits for the tab bar's underline animation
  (about 0.3 s of idle wall time).

CPU seconds of the process up to the first screen are printed beside the wall time:
on a shared machine they move much less than wall time does. Garbage left by earlier
runs is collected (untimed) before each run. The first run (cold:
first CSS parse, first widget classes) is reported on its own; the verdict uses the
median of the warm runs.

Run: ``.venv/bin/python benchmarks/bench_tui_startup.py [--quick]``
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from _common import machine, parse_args, verdict
from textual import events, on

import signaltui.tui.app as app_module
from signaltui.config import load_settings
from signaltui.tui.app import TABS, SignalApp

TARGET_S = 1.0


class Timing(NamedTuple):
    first: float  # wall seconds to the first screen
    first_cpu: float  # process CPU seconds to the first screen
    settled: float
    visits: dict[str, tuple[float, float]]  # CPU seconds: first and second visit


class TimedApp(SignalApp):
    """The real app, noting when its first screen is ready."""

    # Textual resolves CSS_PATH beside the subclass's file; point it at the app's own.
    CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))
    ready_at: tuple[float, float] | None = None

    @on(events.Ready)
    def _note_ready(self) -> None:
        self.ready_at = (time.perf_counter(), time.process_time())


async def startup(folder: Path) -> Timing:
    """Time one start of the app on a fresh database in ``folder``."""
    settings = load_settings(db=folder / "signaltui.db", token_file=folder / "token.json")
    began, began_cpu = time.perf_counter(), time.process_time()
    app = TimedApp(settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        settled = time.perf_counter() - began
        if app.ready_at is None or not app.query("#main-tabs #event-form"):
            raise SystemExit("the first screen never became ready; figure unusable")
        firsts = {}
        for number, tab in enumerate(TABS[1:], start=3):
            start = time.process_time()
            await pilot.press(f"f{number}")  # returns once the key is handled
            firsts[tab] = time.process_time() - start
            if not app.query(f"#{tab}"):
                raise SystemExit(f"f{number} did not build the {tab} tab; figure unusable")
        visits = {}
        for number, tab in enumerate(TABS[1:], start=3):
            start = time.process_time()
            await pilot.press(f"f{number}")
            visits[tab] = (firsts[tab], time.process_time() - start)
    ready, ready_cpu = app.ready_at
    return Timing(ready - began, ready_cpu - began_cpu, settled, visits)


def _ms(values: list[float]) -> str:
    return ", ".join(f"{v * 1000:.0f}" for v in values)


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    runs = 3 if args.quick else 5
    timings = []
    with tempfile.TemporaryDirectory(prefix="signaltui-bench-") as tmp:
        for n in range(runs + 1):  # run 0 is the cold one
            folder = Path(tmp) / f"run{n}"
            folder.mkdir()
            # The runs before left ~300k objects of garbage; a fresh process has none,
            # so collect it untimed rather than let a collection land inside a run.
            gc.collect()
            timings.append(asyncio.run(startup(folder)))
    cold, warm = timings[0], timings[1:]
    median = statistics.median(t.first for t in warm)
    print(f"machine: {machine()}")
    print(f"cold first start: first screen {cold.first * 1000:.0f} ms")
    print(f"warm first screen: {_ms([t.first for t in warm])} ms")
    print(f"warm first screen, CPU: {_ms([t.first_cpu for t in warm])} ms")
    print(f"warm settled (pilot ready + pause): {_ms([t.settled for t in warm])} ms")
    for label, index in (("first", 0), ("second", 1)):
        medians = {tab: statistics.median(t.visits[tab][index] for t in warm) for tab in TABS[1:]}
        print(
            f"warm {label} visit of each tab, CPU median: "
            + ", ".join(f"{tab} {seconds * 1000:.0f}" for tab, seconds in medians.items())
            + " ms"
        )
    print(
        f"RESULT TUI first screen ready in {median * 1000:.0f} ms median of {runs} "
        f"(CPU {statistics.median(t.first_cpu for t in warm) * 1000:.0f} ms, "
        f"cold {cold.first * 1000:.0f} ms; target < {TARGET_S * 1000:.0f} ms: "
        f"{verdict(median < TARGET_S)})"
    )


if __name__ == "__main__":
    main()
