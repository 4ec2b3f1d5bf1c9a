"""Replay verify throughput and memory: 10k and 100k exchanges, no network.

Recordings are generated in a temporary folder by replicating the shipped exchanges
(``recordings/*.jsonl``) with fresh ids. ``run_verify`` streams, so its peak memory
should not grow with the size of the recordings.

Run: ``.venv/bin/python benchmarks/bench_replay_verify.py [--quick]``
"""

from __future__ import annotations

import json
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from _common import machine, parse_args, verdict

from signaltui.config import load_settings
from signaltui.recordings import iter_exchanges, new_exchange_id
from signaltui.replay import ReplayOptions, run_verify
from signaltui.replay.results import ExchangeResult

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATE = 10_000


def shipped_exchanges() -> list[dict[str, Any]]:
    """Every exchange of the shipped recordings, as JSON-ready dicts."""
    found = []
    for path in sorted((ROOT / "recordings").glob("*.jsonl")):
        found += [ex.model_dump(mode="json") for _, ex in iter_exchanges(path)]
    if not found:
        raise SystemExit("no shipped recordings found under recordings/")
    return found


def generate(path: Path, count: int, seeds: list[dict[str, Any]]) -> None:
    """Write ``count`` exchanges to ``path``: the seeds in turn, each with a new id."""
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            line = dict(seeds[n % len(seeds)])
            line["id"] = new_exchange_id()
            handle.write(json.dumps(line) + "\n")


def verify(path: Path, settings: Any) -> tuple[float, int]:
    """Seconds and exchanges for one run_verify over ``path`` with a no-op on_result."""

    def ignore(result: ExchangeResult) -> None:
        pass

    start = time.perf_counter()
    summary = run_verify([path], settings, ReplayOptions(), ignore)
    elapsed = time.perf_counter() - start
    return elapsed, sum(summary.counts.values())


def peak_mib(path: Path, settings: Any) -> float:
    """Peak traced Python allocation (MiB) during one verify run of ``path``."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    verify(path, settings)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (peak - base) / 2**20


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    sizes = (1_000, 10_000) if args.quick else (10_000, 100_000)
    seeds = shipped_exchanges()
    with tempfile.TemporaryDirectory(prefix="signaltui-bench-") as tmp:
        settings = load_settings(db=Path(tmp) / "unused.db")
        rates: dict[int, float] = {}
        peaks: dict[int, float] = {}
        print(f"machine: {machine()}")
        for size in sizes:
            path = Path(tmp) / f"verify-{size}.jsonl"
            generate(path, size, seeds)
            verify(path, settings)  # warm-up (also warms the page cache)
            runs = [verify(path, settings) for _ in range(args.repeat)]
            seconds = min(elapsed for elapsed, _ in runs)
            rates[size] = runs[0][1] / seconds
            peaks[size] = peak_mib(path, settings)
            print(
                f"{size:>7,} exchanges: {seconds:.2f} s best of {args.repeat} -> "
                f"{rates[size]:,.0f} exchanges/s, peak traced memory {peaks[size]:.2f} MiB"
            )
    small, large = sizes
    growth = peaks[large] / peaks[small] if peaks[small] else float("inf")
    slowest = min(rates.values())
    # "Flat": ten times the exchanges may cost at most 1.5x the peak memory (or under
    # 1 MiB more: the peaks are tiny, so a ratio alone would magnify noise).
    flat = growth <= 1.5 or peaks[large] - peaks[small] < 1.0
    print(
        f"RESULT verify {rates[small]:,.0f} / {rates[large]:,.0f} exchanges/s "
        f"({small:,} / {large:,}; target >= {TARGET_RATE:,}/s: "
        f"{verdict(slowest >= TARGET_RATE)}), peak memory {peaks[small]:.2f} -> "
        f"{peaks[large]:.2f} MiB ({growth:.2f}x for 10x the exchanges, flat: {verdict(flat)})"
    )


if __name__ == "__main__":
    main()
