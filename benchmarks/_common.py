"""Shared helpers for the benchmark scripts: argument parsing, timing, printing.

Timings use ``time.perf_counter``; every figure comes from a measured run (a warm-up
first, then the best or the median of several), never from a constant.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from signaltui.recordings import new_exchange_id


def parse_args(description: str) -> argparse.Namespace:
    """``--quick`` (a small size for a fast check) and ``--repeat`` (runs per figure)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="small size, for a fast check")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per figure")
    return parser.parse_args()


def timed(fn: Callable[[], Any]) -> float:
    """Seconds one call of ``fn`` takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def best_of(fn: Callable[[], Any], repeat: int = 5, *, warmup: bool = True) -> float:
    """The fastest of ``repeat`` timed calls (after one untimed warm-up call).

    The minimum is the figure least disturbed by other work on a shared machine.
    """
    if warmup:
        fn()
    return min(timed(fn) for _ in range(repeat))


def best_of_pair(
    first: Callable[[], Any], second: Callable[[], Any], repeat: int = 5
) -> tuple[float, float]:
    """The fastest timed call of each of two functions, their runs interleaved.

    Alternating the two means a burst of load from elsewhere on a shared machine hits
    both sides alike, so their ratio stays meaningful. One warm-up call each first.
    """
    first()
    second()
    times_first, times_second = [], []
    for _ in range(repeat):
        times_first.append(timed(first))
        times_second.append(timed(second))
    return min(times_first), min(times_second)


def median_ms(fn: Callable[[], Any], runs: int = 7) -> float:
    """Median milliseconds of ``runs`` calls, after one warm-up call."""
    fn()
    return statistics.median(timed(fn) for _ in range(runs)) * 1000


def write_copies(path: Path, count: int, seeds: list[dict[str, Any]]) -> None:
    """Write ``count`` recording lines to ``path``: the seeds in turn, each with a new id."""
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            line = dict(seeds[n % len(seeds)])
            line["id"] = new_exchange_id()
            handle.write(json.dumps(line) + "\n")


def machine() -> str:
    """A one-line description of this machine and interpreter."""
    import os

    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )


def verdict(ok: bool) -> str:
    """``PASS`` or ``MISS`` for a target."""
    return "PASS" if ok else "MISS"
