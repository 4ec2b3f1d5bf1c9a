"""Store bulk insert and history queries on a large file-backed store.

Inserts 1,000,000 sample deliveries (``--quick``: 100,000) with ``record_many`` into a
temporary SQLite file, batch by batch. Each batch of items is built before the clock
starts, so the rate is the store's own work (row building, SQL, commit). The target is
read as deliveries/s: one delivery is one ``StoreItem`` (an event and its delivery),
which writes one ``events`` row, one ``deliveries`` row and one ``attempts`` row per
try (none for a dropped event), plus its full-text entry. Table rows/s (events +
deliveries + attempts) is printed too, and the CPU seconds, since the machine may be
shared. Then times the history queries the TUI and CLI run, each the median of several
runs.

Run: ``.venv/bin/python benchmarks/bench_store.py [--quick]``
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import machine, median_ms, parse_args, verdict

from signaltui.store import Store
from signaltui.store.samples import sample_item

TARGET_RATE = 20_000  # deliveries/s
TARGET_MS = 50.0
BATCH = 5_000
QUERY_RUNS = 9


def insert(store: Store, count: int) -> tuple[float, float, float]:
    """Seconds in record_many (wall, then CPU), and seconds building the sample items."""
    in_store = cpu = building = 0.0
    for start in range(0, count, BATCH):
        began = time.perf_counter()
        items = [sample_item(n) for n in range(start, min(start + BATCH, count))]
        building += time.perf_counter() - began
        began, began_cpu = time.perf_counter(), time.process_time()
        stored = store.record_many(items, batch_size=BATCH)
        in_store += time.perf_counter() - began
        cpu += time.process_time() - began_cpu
        assert stored == len(items)
    return in_store, cpu, building


def median_cpu_ms(fn: Callable[[], Any], runs: int) -> float:
    """Median CPU milliseconds (this process) of ``runs`` calls, after one warm-up.

    On a busy shared machine a query's wall time counts the time other processes held
    the CPU; its CPU time does not.
    """
    fn()
    times = []
    for _ in range(runs):
        began = time.process_time()
        fn()
        times.append(time.process_time() - began)
    return statistics.median(times) * 1000


def table_rows(store: Store) -> int:
    """Rows in the three tables a delivery writes to."""
    tables = ("events", "deliveries", "attempts")
    return sum(int(store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables)


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    count = 100_000 if args.quick else 1_000_000
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="signaltui-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        with Store.open(path) as store:
            in_store, cpu, building = insert(store, count)
            rate = count / in_store
            rows = table_rows(store)
            size_mib = path.stat().st_size / 2**20
            print(
                f"inserted {count:,} deliveries in {in_store:.1f} s -> {rate:,.0f} deliveries/s, "
                f"{rows / in_store:,.0f} table rows/s ({rows:,} rows); CPU {cpu:.1f} s -> "
                f"{count / cpu:,.0f} deliveries/s (building the sample items took another "
                f"{building:.1f} s; file {size_mib:,.0f} MiB)"
            )
            probe = count // 2 + 1
            queries: dict[str, Callable[[], list[Any]]] = {
                "latest 100 for one email": lambda: store.list_deliveries(
                    email=f"lead{probe}@example{probe % 100}.com", limit=100
                ),
                "latest 100 by outcome": lambda: store.list_deliveries(
                    outcome="rejected", limit=100
                ),
                "full-text, one lead": lambda: store.search(f"Lead{probe}"),
                "full-text, common word": lambda: store.search("acme"),
            }
            # "acme" is every sample lead's company: the search must walk all of them.
            shared = store.db.execute(
                "SELECT count(*) FROM events_fts WHERE events_fts MATCH 'acme'"
            ).fetchone()[0]
            events = store.db.execute("SELECT count(*) FROM events").fetchone()[0]
            print(f"full-text word 'acme' matches {shared:,} of {events:,} events")
            results = {}
            cpu_results = {}
            for label, query in queries.items():
                rows = len(query())
                ms = median_ms(query, QUERY_RUNS)
                cpu_ms = median_cpu_ms(query, QUERY_RUNS)
                results[label], cpu_results[label] = ms, cpu_ms
                print(
                    f"{label:<24} {ms:8.2f} ms median of {QUERY_RUNS} ({rows} rows); "
                    f"CPU {cpu_ms:.2f} ms"
                )
    slowest = max(results, key=lambda label: results[label])
    print(
        f"RESULT insert {rate:,.0f} deliveries/s (target >= {TARGET_RATE:,}: "
        f"{verdict(rate >= TARGET_RATE)}); queries "
        + ", ".join(f"{label} {ms:.1f} ms" for label, ms in results.items())
        + f"; slowest {results[slowest]:.1f} ms (target < {TARGET_MS:.0f} ms: "
        f"{verdict(results[slowest] < TARGET_MS)}; CPU {cpu_results[slowest]:.1f} ms: "
        f"{verdict(cpu_results[slowest] < TARGET_MS)})"
    )


if __name__ == "__main__":
    main()
