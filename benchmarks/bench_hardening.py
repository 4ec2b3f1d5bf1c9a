"""The hardening run: fuzzed and hostile input, fault profiles, concurrent replays, secrets.

Prints, each figure counted in this run:

- fuzz: generated events tried through the reader, ``preview``, ``send`` (in-process
  mock) and the store, and how many ended in a traceback (target 0);
- hostile files (FIFO, ``/dev/zero``, 100k-deep JSON, lone surrogates, …) tried through
  preview, send and replay, and how many exited cleanly (target: all);
- deliveries under every fault profile the mock offers, at concurrency 1, 4 and 8, with
  dead-letters and duplicates counted from the mock's own stored records;
- two identical send replays started at once as real processes, the first one's lead
  creations held at a gate until the second has met its lock: duplicates (target 0);
- a target echoing the credentials back: hits of any encoding of them in the store
  files, ``send --json`` and ``events show`` (target 0).

Run: ``.venv/bin/python benchmarks/bench_hardening.py [--quick]``. Exits 1 when a
target with a fixed answer (tracebacks, unclean exits, replay duplicates, secret hits)
is missed; fault-profile figures are reported, not judged (some profiles document
losses, e.g. ``lost-response``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import select
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from _echo import echo_scan
from _hardening import Gate, cli, isolated_env, run_fuzz, run_hostile

from signaltui.config import load_settings
from signaltui.mock import create_app, get_mock_state
from signaltui.mock.faults import FAULT_PROFILES
from signaltui.mock.server import serve_in_thread
from signaltui.replay import ReplayOptions, run_send
from signaltui.replay.results import ExchangeResult
from signaltui.service import DeliverySession
from signaltui.targets import Target

CONCURRENCIES = (1, 4, 8)
LEAD_EMAIL = re.compile(r"hz\d+@example\.test")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a fast check")
    parser.add_argument("--seed", type=int, default=11, help="seed of the event generator")
    return parser.parse_args()


def write_recording(workdir: Path, count: int, destinations: str) -> Path:
    """A recording of ``count`` consenting leads (distinct emails), made by ``send``."""
    events = workdir / f"leads-{count}-{destinations}.jsonl"
    lines = []
    for number in range(count):
        traits = {"firstName": "Hana", "lastName": f"Lee{number}",
                  "email": f"hz{number}@example.test", "company": "Acme", "title": "CTO",
                  "phone": "+44 7700 900123"}  # fmt: skip
        event = {"type": "track", "event": "Demo Requested", "userId": f"h{number}",
                 "traits": traits, "context": {"consent": {"marketing": True}}}  # fmt: skip
        lines.append(json.dumps(event))
    events.write_text("\n".join(lines) + "\n")
    recording = workdir / f"recording-{count}-{destinations}.jsonl"
    db = workdir / "recording.db"
    result = cli("--db", str(db), "send", str(events), "-d", destinations, "--record",
                 str(recording))  # fmt: skip
    if result.exit_code != 0:
        raise SystemExit(f"could not make the recording: {result.output[-500:]}")
    return recording


def duplicates_in(records: list[Any]) -> tuple[int, int]:
    """(records, duplicates): records holding an email that an earlier one held."""
    seen: Counter[str] = Counter()
    for record in records:
        found = LEAD_EMAIL.search(json.dumps(record))
        if found:
            seen[found.group(0)] += 1
    return sum(seen.values()), sum(n - 1 for n in seen.values())


async def _no_sleep(seconds: float) -> None:
    await asyncio.sleep(0)  # retry waits are real waits for a CRM; here they only cost time


async def fault_run(recording: Path, profile: str, concurrency: int) -> dict[str, Any]:
    """One send replay of ``recording`` into a fresh in-process mock with ``profile``."""
    # Limits off: the waits are skipped here, so an enforced window (or the Outreach mint
    # throttle) would never reset in time; limits are bench_faults.py's business.
    app = create_app(faults=profile, latency=0.002, seed=concurrency, limits="off")
    outcomes: Counter[str] = Counter()
    others: Counter[str] = Counter()

    def count(result: ExchangeResult) -> None:
        outcomes[result.outcome_after or result.status] += 1
        if result.outcome_after not in ("delivered", "dead_lettered"):
            others[result.outcome_after or result.status] += 1

    settings = load_settings()
    options = ReplayOptions(concurrency=concurrency)
    started = time.perf_counter()
    async with DeliverySession(settings, Target("mock"), mock_app=app,
                               client_options={"sleep": _no_sleep}) as session:  # fmt: skip
        await run_send([recording], session, options, count)
    state = get_mock_state(app)
    records = duplicates = 0
    # Per CRM: the same lead goes to all three, once each.
    for stored in (state.close_leads, state.apollo_contacts, state.outreach_prospects):
        found, extra = duplicates_in(list(stored.values()))
        records, duplicates = records + found, duplicates + extra
    return {"profile": profile, "c": concurrency, "delivered": outcomes["delivered"],
            "dead_lettered": outcomes["dead_lettered"],
            "other": sum(outcomes.values()) - outcomes["delivered"] - outcomes["dead_lettered"],
            "stored": records, "duplicates": duplicates, "others": dict(others),
            "seconds": time.perf_counter() - started}  # fmt: skip


def _until_overlap(children: list[subprocess.Popen[str]], waiting: bool) -> None:
    """Return once the second replay has met the first one's lock: it said it is waiting
    (``--wait``), or it exited (refused)."""
    deadline = time.monotonic() + 120
    streams = [child.stderr for child in children if child.stderr is not None]
    while time.monotonic() < deadline:
        if not waiting and any(child.poll() is not None for child in children):
            return
        ready, _, _ = select.select(streams, [], [], 0.1)
        for stream in ready:
            if "waiting for" in stream.readline():
                return
    raise SystemExit("the two replays never met at the lock")


def concurrent_replays(workdir: Path, recording: Path) -> dict[str, Any]:
    """Two identical replays started together (real processes), with ``--wait`` and
    without; duplicates are counted from the mock's journal."""
    figures: dict[str, Any] = {}
    os.environ["SIGNALTUI_DELIVERY__TIMEOUT"] = "120"  # a request held at the gate waits
    gate = Gate(create_app())
    with serve_in_thread(gate) as url:
        for label, extra in (("wait", ["--wait"]), ("refuse", [])):
            gate.arrived.clear()
            gate.opened.clear()
            httpx.post(f"{url}/__mock/reset").raise_for_status()
            db = workdir / f"replays-{label}.db"
            command = [sys.executable, "-m", "signaltui", "--db", str(db), "replay",
                       str(recording), "--mode", "send", "-t", url, "-c", "2", *extra]  # fmt: skip
            children = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         text=True) for _ in range(2)]  # fmt: skip
            try:
                if not gate.arrived.wait(120):
                    raise SystemExit("no replay reached the mock")
                _until_overlap(children, waiting=bool(extra))
            finally:
                gate.opened.set()
            codes = sorted(child.wait(timeout=300) for child in children)
            for child in children:
                child.communicate()
            # Counted in what the mock holds, not in the journal's POSTs: a POST refused
            # with 429 (Close's 20 a second) is journalled but created nothing.
            close = httpx.get(f"{url}/__mock/state").json()["crms"]["close"]
            figures[label] = {
                "exit_codes": codes,
                "posts": close["records"],
                "duplicates": close["duplicates"],
                "refused_429": close["rate_limited"],
            }
    del os.environ["SIGNALTUI_DELIVERY__TIMEOUT"]
    return figures


def main() -> int:
    args = parse_args()
    fuzz_count = 600 if args.quick else 5000
    fault_leads = 30 if args.quick else 150
    replay_leads = 10 if args.quick else 40
    failed = False
    with tempfile.TemporaryDirectory(prefix="signaltui-hardening-") as tmp:
        workdir = Path(tmp)
        isolated_env(workdir)
        print(f"hardening run ({'quick' if args.quick else 'full'}, seed {args.seed})")

        started = time.perf_counter()
        fuzz = run_fuzz(fuzz_count, workdir, seed=args.seed)
        print(f"fuzz: {fuzz_count} generated events tried, {fuzz.tracebacks} tracebacks "
              f"(target 0); the reader refused {fuzz.refused} ill-typed ones cleanly; the rest "
              f"went through preview and send -d all in {sum(fuzz.exits.values())} CLI runs, "
              f"exit codes {dict(sorted(fuzz.exits.items()))}; "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        failed |= fuzz.tracebacks > 0

        (workdir / "hostile").mkdir()
        hostile = run_hostile(workdir / "hostile")
        clean = sum(hostile.exits.values())
        print(f"hostile files: {hostile.tried} runs (preview, send, replay), {clean} clean "
              f"exits, {hostile.tracebacks} tracebacks; exit codes "
              f"{dict(sorted(hostile.exits.items()))}")  # fmt: skip
        failed |= hostile.tracebacks > 0
        for note in fuzz.notes[:10] + hostile.notes[:10]:
            print(f"  ! {note}")

        recording = write_recording(workdir, fault_leads, "all")
        print(
            f"fault profiles: {fault_leads * 3} deliveries each (apollo, outreach, close), "
            "retry waits skipped"
        )
        print(
            f"  {'profile':<14} {'c':>2} {'delivered':>9} {'dead':>5} {'other':>5} "
            f"{'stored':>6} {'dupes':>5} {'secs':>5}  other outcomes"
        )
        for profile in FAULT_PROFILES:
            for concurrency in CONCURRENCIES:
                row = asyncio.run(fault_run(recording, profile, concurrency))
                print(f"  {row['profile']:<14} {row['c']:>2} {row['delivered']:>9} "
                      f"{row['dead_lettered']:>5} {row['other']:>5} {row['stored']:>6} "
                      f"{row['duplicates']:>5} {row['seconds']:>5.1f}  "
                      f"{row['others'] or ''}")  # fmt: skip

        replays = concurrent_replays(workdir, write_recording(workdir, replay_leads, "close"))
        waited, refused = replays["wait"], replays["refuse"]
        print(f"concurrent identical replays, {replay_leads} leads, 2 processes: with --wait "
              f"{waited['posts']} leads held, {waited['duplicates']} duplicates, "
              f"{waited['refused_429']} creates refused 429 and retried, exits "
              f"{waited['exit_codes']}; without --wait {refused['duplicates']} duplicates, "
              f"exits {refused['exit_codes']} (target 0 duplicates)")  # fmt: skip
        failed |= waited["duplicates"] > 0 or refused["duplicates"] > 0

        hits, places = echo_scan(workdir / "echo.db")
        print(f"echoed-secret scan: {hits} hits in {places} (target 0)")
        failed |= hits > 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
