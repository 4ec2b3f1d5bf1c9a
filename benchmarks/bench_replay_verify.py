"""Replay verify throughput and memory: 10k and 100k exchanges, no network.

Recordings are generated in a temporary folder by replicating the shipped exchanges
(``recordings/*.jsonl``) with fresh ids. ``run_verify`` streams, so its peak memory
should not grow with the size of the recordings.

Run: ``.venv/bin/python benchmarks/bench_replay_verify.py [--quick]``
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

from _common import best_of, machine, parse_args, verdict, write_copies

from signaltui.config import load_settings
from signaltui.recordings import iter_exchanges
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


def verify(path: Path, settings: Any) -> int:
    """Exchanges seen by one run_verify over ``path`` with a no-op on_result."""

    def ignore(result: ExchangeResult) -> None:
        pass

    summary = run_verify([path], settings, ReplayOptions(), ignore)
    return sum(summary.counts.values())


def peak_mib(path: Path, settings: Any) -> float:
    """Peak traced Python allocation (MiB) during one verify run of ``path``."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    verify(path, settings)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (peak - base) / 2**20


def child_maxrss_mib(path: Path) -> float:
    """Peak RSS (MiB) of a fresh process that runs one verify over ``path``."""
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(output.split()[-1])


def child(path: Path) -> None:
    """Child mode: verify ``path`` once, print this process's peak RSS in MiB."""
    with tempfile.TemporaryDirectory(prefix="signaltui-bench-") as tmp:
        verify(path, load_settings(db=Path(tmp) / "unused.db"))
    # ru_maxrss is in KiB on Linux.
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]))
        return
    args = parse_args(__doc__.splitlines()[0])
    sizes = (1_000, 10_000) if args.quick else (10_000, 100_000)
    seeds = shipped_exchanges()
    with tempfile.TemporaryDirectory(prefix="signaltui-bench-") as tmp:
        settings = load_settings(db=Path(tmp) / "unused.db")
        rates: dict[int, float] = {}
        peaks: dict[int, float] = {}
        rss: dict[int, float] = {}
        print(f"machine: {machine()}")
        for size in sizes:
            path = Path(tmp) / f"verify-{size}.jsonl"
            write_copies(path, size, seeds)
            if verify(path, settings) != size:  # also warms the page cache
                raise SystemExit(f"verify did not see all {size:,} exchanges")
            seconds = best_of(lambda p=path: verify(p, settings), args.repeat, warmup=False)
            rates[size] = size / seconds
            peaks[size] = peak_mib(path, settings)
            rss[size] = child_maxrss_mib(path)
            print(
                f"{size:>7,} exchanges: {seconds:.2f} s best of {args.repeat} -> "
                f"{rates[size]:,.0f} exchanges/s; peak traced {peaks[size]:.2f} MiB, "
                f"peak RSS of a fresh process {rss[size]:.1f} MiB"
            )
    small, large = sizes
    slowest = min(rates.values())
    # Flat: ten times the exchanges may add at most 5 MiB to the process's peak RSS.
    # (The traced peak includes pydantic-core's JSON string cache, which is bounded at
    # 16,384 entries, ~1.3 MiB, and fills over the first few tens of thousands of lines.)
    grown = rss[large] - rss[small]
    flat = grown <= 5.0
    print(
        f"RESULT verify {rates[small]:,.0f} / {rates[large]:,.0f} exchanges/s "
        f"({small:,} / {large:,}; target >= {TARGET_RATE:,}/s: "
        f"{verdict(slowest >= TARGET_RATE)}); peak RSS {rss[small]:.1f} -> "
        f"{rss[large]:.1f} MiB (+{grown:.1f} MiB for 10x the exchanges; traced peak "
        f"{peaks[small]:.2f} -> {peaks[large]:.2f} MiB), flat: {verdict(flat)}"
    )


if __name__ == "__main__":
    main()
