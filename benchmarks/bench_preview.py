"""``signaltui preview FILE --json`` on a large stream: events/s and peak memory.

The whole command runs as a user runs it (a fresh process, output to /dev/null) on
generated JSON Lines streams of 20,000 and 200,000 events. Figures:

- events/s: the best of ``--repeat`` runs at 20,000 events, for this checkout and for
  the base commit's code (extracted with ``git archive``), runs interleaved; the ratio
  is the speed-up (target >= 2x).
- peak RSS (``wait4``'s ``ru_maxrss``) at 20,000 and 200,000 events: memory must stay
  flat (target: grows < 20 MiB). The base commit's 200,000 run is timed once too
  (skipped with ``--quick``, which also uses 2,000 / 20,000 events).

The events come from the shipped fixtures' templates (identify, then track, with
traits on either), each with its own email, phone and message id; they belong to a
pool of 2,000 people, since the identify→track merge remembers each person's traits
(that memory grows with the people in a stream, not with its events).

Run: ``.venv/bin/python benchmarks/bench_preview.py [--quick] [--repeat N]``
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import BASE_COMMIT, extract_tree, machine, parse_args, signaltui_argv, tree_env

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 2_000
TARGET_SPEEDUP = 2.0
TARGET_GROWTH_MIB = 20.0

EVENT_NAMES = ("Demo Requested", "Signed Up", "Lead Submitted", "Trial Started", "Page Viewed")


def templates() -> list[dict[str, Any]]:
    """Every event of the shipped fixtures (JSON Lines files)."""
    found = []
    for path in sorted((ROOT / "fixtures" / "events").glob("*.jsonl")):
        found += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return found


def write_stream(path: Path, count: int) -> None:
    """``count`` events: the templates in turn, each a new lead of one of PEOPLE people."""
    seeds = templates()
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            event = json.loads(json.dumps(seeds[n % len(seeds)]))
            person = n % PEOPLE
            event["userId"] = f"user-{person}"
            event["messageId"] = f"msg-{n}"
            if event.get("type") == "track":
                event["event"] = EVENT_NAMES[n % len(EVENT_NAMES)]
            traits = event.get("traits")
            if isinstance(traits, dict) and traits:
                traits["email"] = f"lead{n}@example{person % 97}.com"
                traits["phone"] = f"+44 7700 9{n % 100_000:05d}"
                traits["firstName"] = f"Zoë{n % 1000}"
            handle.write(json.dumps(event, ensure_ascii=False) + "\n")


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds (user + system) of one process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[3:]} failed; figures unusable")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # KiB on Linux


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    small, large = (2_000, 20_000) if args.quick else (20_000, 200_000)
    with tempfile.TemporaryDirectory(prefix="signaltui-bench-") as tmp:
        folder = Path(tmp)
        base = extract_tree(BASE_COMMIT, folder / "base")
        env = tree_env()
        (folder / "empty.toml").write_text("")
        env["SIGNALTUI_CONFIG"] = str(folder / "empty.toml")
        env["SIGNALTUI_DB"] = str(folder / "unused.db")
        files = {size: folder / f"events-{size}.jsonl" for size in (small, large)}
        for size, path in files.items():
            write_stream(path, size)

        def argv(tree: Path, size: int) -> list[str]:
            return signaltui_argv(tree, "preview", str(files[size]), "--json")

        best = {"now": float("inf"), "base": float("inf")}
        best_cpu = {"now": float("inf"), "base": float("inf")}
        rss_small = {"now": 0.0, "base": 0.0}
        trees = {"now": ROOT, "base": base}
        for tree in trees.values():  # warm-up (page cache, .pyc files)
            run(argv(tree, small), env)
        for _ in range(args.repeat):
            for name, tree in trees.items():
                wall, rss, cpu = run(argv(tree, small), env)
                best[name] = min(best[name], wall)
                best_cpu[name] = min(best_cpu[name], cpu)
                rss_small[name] = max(rss_small[name], rss)
        large_now = run(argv(ROOT, large), env)
        large_base = None if args.quick else run(argv(base, large), env)
    rate = {name: small / seconds for name, seconds in best.items()}
    speedup = rate["now"] / rate["base"]
    growth = large_now[1] - rss_small["now"]
    print(f"machine: {machine()}; base {BASE_COMMIT}; output to /dev/null")
    print(
        f"{small:,} events: {rate['now']:,.0f} events/s ({best['now']:.2f} s) vs base "
        f"{rate['base']:,.0f} events/s ({best['base']:.2f} s), best of {args.repeat}, "
        "interleaved, start-up included"
    )
    print(
        f"{small:,} events by CPU time: {best_cpu['now']:.2f} s vs base {best_cpu['base']:.2f} s "
        f"({best_cpu['base'] / best_cpu['now']:.2f}x; best of {args.repeat})"
    )
    print(
        f"{large:,} events: {large / large_now[0]:,.0f} events/s ({large_now[0]:.1f} s); "
        f"peak RSS {rss_small['now']:.1f} MiB at {small:,} -> {large_now[1]:.1f} MiB at "
        f"{large:,}"
    )
    if large_base is not None:
        print(
            f"base at {large:,} events: {large / large_base[0]:,.0f} events/s "
            f"({large_base[0]:.1f} s); peak RSS {rss_small['base']:.1f} -> "
            f"{large_base[1]:.1f} MiB"
        )
    print(
        f"RESULT preview {speedup:.2f}x the base commit's events/s (target >= "
        f"{TARGET_SPEEDUP}x: {'PASS' if speedup >= TARGET_SPEEDUP else 'MISS'}); peak RSS "
        f"+{growth:.1f} MiB from {small:,} to {large:,} events (target < "
        f"{TARGET_GROWTH_MIB:.0f} MiB: {'PASS' if growth < TARGET_GROWTH_MIB else 'MISS'})"
    )


if __name__ == "__main__":
    main()
