"""Fault suite: deliveries across the three CRMs under lost answers, mixed faults, enforced
(scaled) rate limits and dying Outreach tokens with the one-mint-a-minute throttle.

Each phase replays its share of the deliveries (``run_send``, concurrency 8, a real
SQLite store) to its own mock server on loopback, then counts, from the mock's own state
and the store:

- duplicates: records of one CRM sharing an email (the mock's ``/__mock/state`` count);
- lost: deliveries with no stored outcome, a delivered lead the CRM lacks, or a lead
  that never reached its CRM (every profile here lets each request through in the end,
  so after the deferred pass each lead must be delivered);
- wrongly classified: an outcome that disagrees with the CRM (``delivered`` but absent,
  anything else but present), or any ``rejected``/``failed``.

A second pass sends again whatever ended deferred, once due, as ``replay --mode send``
does. The figures are printed per phase; the last line is the verdict.
Run: ``.venv/bin/python benchmarks/bench_faults.py [--quick]`` (1,000 / 120 deliveries).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: (profile, mock settings) per phase. The limits phase shrinks every window 600 times
#: (an hour lasts 6 s) and lowers the hourly counts to a tenth of the phase (at least 3),
#: so each CRM's window runs out a few times whatever the size; the
#: token phase shrinks the mint interval to 1 s (scale 60), so mints are throttled.
PHASES: dict[str, dict[str, Any]] = {
    "lost-response": {"faults": "lost-response", "limits": "off"},
    "mixed": {"faults": "mixed", "limits": "off", "latency": 0.005},
    "limits": {"faults": "none", "limits": "scale:600", "close_limit_per_second": 2},
    "token-expiry": {"faults": "token-expiry", "limits": "scale:60"},
}
DELIVERY = {
    "max_attempts": 6,
    "backoff_base": 0.005,
    "backoff_max": 0.05,
    "timeout": 5.0,
    "max_wait": 120.0,
}


@dataclass
class PhaseFigures:
    """What one phase did and how it was judged."""

    name: str
    deliveries: int
    seconds: float
    outcomes: Counter[str]
    duplicates: int
    lost: int
    wrong: int
    lookups: int
    recovered: int
    rate_limited: dict[str, int]
    mints: int
    mints_throttled: int
    #: Faults the mock put on (its journal's ``fault`` field), by kind.
    faults: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


def write_recording(path: Path, start: int, count: int) -> dict[str, str]:
    """``count`` deliverable exchanges cycling Apollo, Outreach, Close; id -> email."""
    from signaltui.recordings import iter_exchanges

    templates = []
    for name in ("apollo", "outreach", "close"):
        for _, exchange in iter_exchanges(ROOT / "recordings" / f"{name}.jsonl"):
            if exchange.decision.action == "deliver" and exchange.outcome == "delivered":
                templates.append(exchange)
                break
    emails: dict[str, str] = {}
    with path.open("w") as handle:
        for index in range(start, start + count):
            template = templates[index % len(templates)]
            email = f"lead-{index:05d}@suite{index % 5}.example.com"
            event = {**template.event, "messageId": f"suite-{index}"}
            event["traits"] = {**event.get("traits", {}), "email": email}
            exchange = template.model_copy(update={"id": f"suite-{index:05d}", "event": event})
            handle.write(exchange.model_dump_json() + "\n")
            emails[exchange.id] = email
    return emails


def _held_by_crm(state: Any) -> dict[str, dict[str, int]]:
    """email -> number of records per CRM, from the mock's own indexes."""
    return {
        "apollo": {e: len(ids) for e, ids in state.apollo_by_email.items()},
        "outreach": {e: 1 for e in state.outreach_by_email},
        "close": {e: len(ids) for e, ids in state.close_by_email.items()},
    }


async def _send(recording: Path, settings: Any, url: str, only: set[str] | None) -> None:
    from signaltui.replay import ReplayOptions, run_send
    from signaltui.replay.select import Selection
    from signaltui.service import DeliverySession
    from signaltui.store import Store
    from signaltui.targets import parse_target

    with Store.open(settings.db) as store:
        async with DeliverySession(settings, parse_target(url), store=store) as session:
            selection = Selection(outcomes=frozenset(only) if only else None)
            options = ReplayOptions(selection=selection, concurrency=8, fresh=True)
            await run_send([recording], session, options, lambda result: None)


def run_phase(name: str, count: int, start: int, workdir: Path) -> PhaseFigures:
    """One phase against its own mock server; figures from the mock's state and the store."""
    from signaltui.config import load_settings
    from signaltui.mock import create_app, get_mock_state
    from signaltui.mock.server import serve_in_thread
    from signaltui.mock.summary import state_summary
    from signaltui.store import Store

    recording = workdir / f"{name}.jsonl"
    emails = write_recording(recording, start, count)
    settings = load_settings(db=workdir / f"{name}.db", delivery=DELIVERY)
    options = dict(PHASES[name])
    if name == "limits":
        hourly = max(3, count // 10)
        options.update(apollo_limits=(2, hourly, 100_000), outreach_limit_per_hour=hourly)
    app = create_app(faults=options.pop("faults"), seed=20261201, **options)
    began = time.perf_counter()
    with serve_in_thread(app) as url:
        asyncio.run(_send(recording, settings, url, None))
        with Store.open(settings.db) as store:
            deferred = store.deferred_open()
        if deferred:  # the second pass of replay --mode send, once they are due
            due = max(row.retry_at or "" for row in deferred)
            while time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) < due[:19]:
                time.sleep(0.2)
            time.sleep(1.0)
            _export_deferred(settings.db, workdir / f"{name}-deferred.jsonl", recording)
            asyncio.run(_send(workdir / f"{name}-deferred.jsonl", settings, url, {"deferred"}))
    seconds = time.perf_counter() - began
    state = get_mock_state(app)
    return judge(name, emails, settings.db, state, state_summary(state), seconds)


def _export_deferred(db: Path, out: Path, recording: Path) -> None:
    """The deferred exchanges of ``recording`` with their stored retry_at (as an export)."""
    from signaltui.recordings import iter_exchanges
    from signaltui.store import Store

    with Store.open(db) as store:
        due = {r.exchange_key: r.retry_at for r in store.deferred_open()}
    with out.open("w") as handle:
        for _, exchange in iter_exchanges(recording):
            if exchange.id in due:
                again = exchange.model_copy(
                    update={"outcome": "deferred", "retry_at": due[exchange.id]}
                )
                handle.write(again.model_dump_json() + "\n")


def judge(
    name: str,
    emails: dict[str, str],
    db: Path,
    state: Any,
    summary: dict[str, Any],
    seconds: float,
) -> PhaseFigures:
    """Compare every delivery's final stored outcome with what the CRM holds."""
    from signaltui.store import Store

    with Store.open(db) as store:
        rows = store.list_deliveries(limit=len(emails) * 3)
        final: dict[str, Any] = {}
        for row in sorted(rows, key=lambda r: r.id):
            final[row.exchange_key or ""] = row  # the newest delivery of each exchange wins
        details = [store.get_delivery(row.id) for row in final.values()]
    held = _held_by_crm(state)
    problems: list[str] = []
    outcomes: Counter[str] = Counter()
    wrong = lost = lookups = recovered = 0
    by_key = {d.exchange_key: d for d in details}
    for key, email in emails.items():
        detail = by_key.get(key)
        if detail is None:
            lost += 1
            problems.append(f"{key}: no stored outcome")
            continue
        outcomes[detail.outcome] += 1
        lookups += sum(1 for a in detail.attempts if a.kind == "lookup")
        recovered += bool(detail.hint and detail.hint.startswith("recovered"))
        present = held[detail.destination].get(email, 0) > 0
        if detail.outcome == "delivered" and not present:
            lost += 1
            problems.append(f"{key}: delivered, but {detail.destination} has no {email}")
        elif detail.outcome != "delivered" and present:
            wrong += 1
            problems.append(f"{key}: {detail.outcome} ({detail.reason}), but the CRM has it")
        elif detail.outcome != "delivered":
            lost += 1
            problems.append(f"{key}: {detail.outcome} ({detail.reason}), never reached it")
        elif detail.outcome in ("rejected", "failed"):
            wrong += 1
            problems.append(f"{key}: {detail.outcome} ({detail.reason}): {detail.hint}")
    crms = summary["crms"]
    duplicates = sum(c["duplicates"] for c in crms.values())
    return PhaseFigures(
        name=name,
        deliveries=len(emails),
        seconds=seconds,
        outcomes=outcomes,
        duplicates=duplicates,
        lost=lost,
        wrong=wrong,
        lookups=lookups,
        recovered=recovered,
        rate_limited={crm: c["rate_limited"] for crm, c in crms.items()},
        mints=summary["outreach_tokens"]["mints"],
        mints_throttled=summary["outreach_tokens"]["mints_throttled"],
        faults=Counter(
            str(e.get("fault"))
            for e in state.journal.entries()
            if e.get("fault") not in (None, "ok")
        ),
        problems=problems,
    )


def run_suite(total: int, workdir: Path) -> list[PhaseFigures]:
    """``total`` deliveries split evenly over the phases (each with its own mock)."""
    share = total // len(PHASES)
    return [run_phase(name, share, index * share, workdir) for index, name in enumerate(PHASES)]


def describe(figures: PhaseFigures) -> str:
    """One phase as a line for people."""
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(figures.outcomes.items()))
    limited = ", ".join(f"{k} {v}" for k, v in figures.rate_limited.items() if v) or "none"
    return (
        f"{figures.name:<14} {figures.deliveries:>5} deliveries in {figures.seconds:6.1f}s: "
        f"{outcomes}; duplicates {figures.duplicates}, lost {figures.lost}, wrongly "
        f"classified {figures.wrong}; look-ups {figures.lookups}, recovered "
        f"{figures.recovered}; 429s {limited}; mints {figures.mints} "
        f"({figures.mints_throttled} throttled); faults put on: "
        + (", ".join(f"{k} {v}" for k, v in sorted(figures.faults.items())) or "none")
    )


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _common import parse_args

    args = parse_args("Fault suite: duplicates, lost and misclassified deliveries")
    total = 120 if args.quick else 1000
    with tempfile.TemporaryDirectory() as tmp:
        phases = run_suite(total, Path(tmp))
    for figures in phases:
        print(describe(figures))
        for problem in figures.problems[:5]:
            print(f"    {problem}")
    duplicates = sum(f.duplicates for f in phases)
    lost = sum(f.lost for f in phases)
    wrong = sum(f.wrong for f in phases)
    count = sum(f.deliveries for f in phases)
    ok = duplicates == lost == wrong == 0
    print(
        f"RESULT {'PASS' if ok else 'FAIL'}: {count} deliveries, {duplicates} duplicates, "
        f"{lost} lost, {wrong} wrongly classified"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
