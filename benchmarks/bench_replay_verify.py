"""Replay verify throughput and memory: 10k and 100k exchanges, no network.

Recordings are generated in a temporary folder by replicating the shipped exchanges
(``recordings/*.jsonl``) with fresh ids and a distinct phone number per exchange (the
recorded bodies carry its E.164 form, so every exchange still passes): the core keeps
a memo of parsed phones, and with the shipped exchanges' three phone texts it would
always hit (with ``--quick``, 1,000 exchanges hold fewer phones than the memo keeps,
so the repeats of that size hit it again: only sizes past 4,096 phones are fair).
The memo also explains the traced peak of about 1 MiB: it is bounded.
``run_verify`` streams, so its peak memory should not grow with the size
of the recordings.

Baseline, in the same run and on the same file: a bare loop doing the work verify
cannot avoid, by hand: each line parsed with pydantic-core's JSON parser (as the
recording reader does, ``cache_strings='keys'``), the recorded event validated into
an ``Event``, today's ``plan`` for its destination, and the recorded decision and
request (method, URL aimed at the recorded base, non-secret headers, body) compared
with ``==``. The ratio verify/bare is what the replay machinery adds.

Run: ``.venv/bin/python benchmarks/bench_replay_verify.py [--quick]``
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from _common import machine, parse_args, verdict
from pydantic_core import from_json

from signaltui.config import load_settings
from signaltui.core.events import Event, resolve_event
from signaltui.core.plan import plan
from signaltui.core.request import SECRET_HEADER_NAMES
from signaltui.recordings import iter_exchanges, new_exchange_id
from signaltui.replay import ReplayOptions, run_verify
from signaltui.replay.results import ExchangeResult
from signaltui.replay.verify import base_of

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


def _swap(value: Any, old: str, new: str) -> Any:
    """``value`` with every string equal to ``old`` replaced by ``new`` (JSON data)."""
    if isinstance(value, dict):
        return {k: _swap(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, old, new) for v in value]
    return new if value == old else value


def write_varied(path: Path, count: int, seeds: list[dict[str, Any]]) -> None:
    """``count`` recording lines: the seeds in turn, each with a new id and its own phone.

    Where the recorded body carries the seed's phone in E.164, the copy gets a valid UK
    mobile ``+44 74NN NNNNNN`` (distinct for every ``n``) and its E.164 form in the
    body. Where it does not (the CRM's mapping dropped a number it could not use), the
    copy gets another number of the same unusable kind, distinct too.
    """
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            seed = seeds[n % len(seeds)]
            line = json.loads(json.dumps(seed))
            line["id"] = new_exchange_id()
            phone = (line["event"].get("traits") or {}).get("phone")
            if isinstance(phone, str):
                old = "+" + "".join(c for c in phone if c.isdigit())
                body = line["request"]["body"] if line.get("request") else None
                if body is not None and old in json.dumps(body):
                    digits = f"74{n // 10**6 % 100:02d}{n % 10**6:06d}"
                    line["event"]["traits"]["phone"] = f"+44 {digits[:4]} {digits[4:]}"
                    line["request"]["body"] = _swap(body, old, "+44" + digits)
                else:
                    line["event"]["traits"]["phone"] = f"{phone[:-5]}{n % 100_000:05d}"
            handle.write(json.dumps(line) + "\n")


def verify(path: Path, settings: Any) -> int:
    """Exchanges that passed in one run_verify over ``path`` with a no-op on_result."""

    def ignore(result: ExchangeResult) -> None:
        pass

    summary = run_verify([path], settings, ReplayOptions(), ignore)
    return summary.counts.get("pass", 0)


def _public(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items() if k.lower() not in SECRET_HEADER_NAMES}


def bare(path: Path, settings: Any) -> int:
    """The unavoidable work of verify, by hand; returns how many exchanges matched."""
    config = settings.mapping_config
    passed = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            data = from_json(line, cache_strings="keys")
            decision = plan(
                resolve_event(Event.model_validate(data["event"])), data["destination"], config
            )
            recorded, request = data["request"], decision.request
            same = (
                data["decision"]["action"] == decision.action
                and data["decision"]["reason"] == decision.reason
            )
            if recorded is None or request is None:
                same = same and recorded is None and request is None
            else:
                aimed = request.with_base_url(base_of(recorded["url"]))
                same = (
                    same
                    and recorded["method"] == aimed.method
                    and recorded["url"] == aimed.url
                    and _public(recorded["headers"]) == _public(aimed.headers)
                    and recorded["body"] == aimed.body
                )
            passed += same
    return passed


def best_of_pair_cpu(
    first: Any, second: Any, repeat: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """(wall, CPU) seconds of the fastest run of each side, runs interleaved.

    CPU time (``time.process_time``) is the supporting figure on a shared machine: a
    100k run lasts several seconds, so its best wall time rarely falls in a quiet
    moment the way a 10k run's does, and other processes' load inflates it.
    """
    first()
    second()
    runs: list[list[tuple[float, float]]] = [[], []]
    for _ in range(repeat):
        for side, fn in enumerate((first, second)):
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            runs[side].append((time.perf_counter() - wall, time.process_time() - cpu))
    return (
        (min(w for w, _ in runs[0]), min(c for _, c in runs[0])),
        (min(w for w, _ in runs[1]), min(c for _, c in runs[1])),
    )


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
        cpu_rates: dict[int, float] = {}
        ratios: dict[int, float] = {}
        peaks: dict[int, float] = {}
        rss: dict[int, float] = {}
        print(f"machine: {machine()}")
        for size in sizes:
            path = Path(tmp) / f"verify-{size}.jsonl"
            write_varied(path, size, seeds)
            if verify(path, settings) != size or bare(path, settings) != size:
                raise SystemExit(f"not all {size:,} exchanges pass; figures unusable")
            (seconds, cpu), (bare_seconds, bare_cpu) = best_of_pair_cpu(
                lambda p=path: verify(p, settings), lambda p=path: bare(p, settings), args.repeat
            )
            rates[size] = size / seconds
            cpu_rates[size] = size / cpu
            ratios[size] = seconds / bare_seconds
            peaks[size] = peak_mib(path, settings)
            rss[size] = child_maxrss_mib(path)
            print(
                f"{size:>7,} exchanges: {seconds:.2f} s best of {args.repeat} -> "
                f"{rates[size]:,.0f} exchanges/s (by CPU time {cpu_rates[size]:,.0f}/s); "
                f"bare {size / bare_seconds:,.0f}/s (CPU {size / bare_cpu:,.0f}/s), "
                f"verify/bare {ratios[size]:.2f}x (CPU {cpu / bare_cpu:.2f}x); "
                f"peak traced {peaks[size]:.2f} MiB, "
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
        f"{verdict(slowest >= TARGET_RATE)}; by CPU time {cpu_rates[small]:,.0f} / "
        f"{cpu_rates[large]:,.0f}/s); peak RSS {rss[small]:.1f} -> "
        f"{rss[large]:.1f} MiB (+{grown:.1f} MiB for 10x the exchanges; traced peak "
        f"{peaks[small]:.2f} -> {peaks[large]:.2f} MiB), flat: {verdict(flat)}; "
        f"verify/bare {ratios[small]:.2f}x / {ratios[large]:.2f}x"
    )


if __name__ == "__main__":
    main()
