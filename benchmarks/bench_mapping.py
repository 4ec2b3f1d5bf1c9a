"""Mapping cost: the blueprint engine against the hand-written mapping it replaced, and
against the bare work any mapper must do, all on the same events in the same run.

Three sides, each timed in a fresh process (``mapping_worker.py``) on one JSON Lines
file of varied events, their runs interleaved so load from elsewhere hits all alike:

- **blueprints**: today's core (``signaltui`` of this working tree);
- **before**: the core as it was before the mapping became data (commit ``BASE``,
  extracted with ``git archive`` into a temporary folder), same API, same events;
- **bare**: a hand-written mapper (``mapping_bare.py``) doing the unavoidable work.

Every side does the same per line: ``json.loads``, the identify merge, normalising the
text traits and the email, one phone parse + check + E.164 format, the gates, and the
three bodies built **and** ``json.dumps``-ed. Figures are CPU seconds (``process_time``)
of one pass after a warm-up pass, best of ``--repeat`` rounds. The blueprint and before
sides must encode byte-identical bodies (their digests are compared).

Run: ``.venv/bin/python benchmarks/bench_mapping.py [--quick] [--repeat N] [--base REV]``
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

from _common import machine, verdict

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: The last commit whose mapping was hand-written Python (before blueprints as data).
BASE = "6b0a2dc"
TARGET_BEFORE = 1.0  # the blueprint engine at or under the hand-written core's cost
TARGET_BARE = 2.0

_NAMES = ("Demo Requested", "Signed Up", "Lead Submitted", "Lead Generated", "Form Submitted")
_PHONES = (
    "+44 7700 900123",
    "(415) 555-0132",
    "415.555.0199",
    "+1 212 555 0100",
    "+49 30 901820",
    "call me",
    None,
)
_FIRST = ("Jane", "Li", "Ana", "Tom", "Zoë", "Omar")


def varied_event(n: int) -> dict[str, Any]:
    """The ``n``-th event of a varied stream: names, phones, spellings, consent, drops."""
    traits: dict[str, Any] = {
        "email": f"  Lead{n}@Example{n % 50}.com " if n % 17 else "not-an-email",
        "lastName": f"Doe{n}",
        "title": "Head of Growth",
    }
    if n % 2:
        traits["first_name"] = _FIRST[n % len(_FIRST)]  # the snake_case alias
    else:
        traits["firstName"] = _FIRST[n % len(_FIRST)]
    traits["company"] = {"name": f"Acme {n % 300}"} if n % 3 == 0 else f"Acme {n % 300} Inc"
    phone = _PHONES[n % len(_PHONES)]
    if phone is not None and phone[-4:].isdigit():
        # A different number per event, so no cache in the core can skip real parsing.
        phone = f"{phone[:-4]}{n % 10_000:04d}"
    if phone is not None:
        traits["phone"] = phone
    if n % 5 == 0:
        traits["address"] = {"city": "London", "country": "GB"}
    event: dict[str, Any] = {
        "type": "identify" if n % 11 == 0 else "track",
        "userId": f"user-{n % 1000}",
        "messageId": f"msg-{n}",
        "timestamp": "2026-11-22T10:00:00Z",
        "traits": traits,
        "properties": {"lead_source": "Website demo form", "lead_type": "Pricing enquiry"},
        "context": {
            "page": {"url": f"https://example.com/p/{n % 40}"},
            "consent": {"marketing": n % 23 != 0},
        },
    }
    if event["type"] == "track":
        event["event"] = _NAMES[n % len(_NAMES)]
    return event


def extract(rev: str, into: Path) -> Path:
    """The ``signaltui`` package as of ``rev``, unpacked under ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "signaltui"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def worker(kind: str, src: Path | str, events: Path) -> dict[str, Any]:
    """One timed pass in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, str(HERE / "mapping_worker.py"), kind, str(src), str(events)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small size, for a fast check")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--base", default=BASE, help="the pre-blueprint commit to compare")
    args = parser.parse_args()
    count = 2_000 if args.quick else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        events = folder / "events.jsonl"
        events.write_text("".join(json.dumps(varied_event(n)) + "\n" for n in range(count)))
        before_src = extract(args.base, folder / "before")
        sides: dict[str, list[dict[str, Any]]] = {"blueprints": [], "before": [], "bare": []}
        for _ in range(args.repeat):
            sides["before"].append(worker("core", before_src, events))
            sides["blueprints"].append(worker("core", ROOT, events))
            sides["bare"].append(worker("bare", "-", events))
    best = {name: min(run["seconds"] for run in runs) for name, runs in sides.items()}
    digests = {run["digest"] for name in ("blueprints", "before") for run in sides[name]}
    requests = sides["blueprints"][0]["requests"]
    assert len(digests) == 1, "the blueprint engine and the old core encoded different bodies"
    assert sides["before"][0]["requests"] == requests
    print(f"machine: {machine()}")
    print(
        f"events: {count:,} varied, {requests:,} requests for 3 CRMs "
        f"(bare mapper: {sides['bare'][0]['requests']:,}); bodies identical to {args.base}"
    )
    for name in ("blueprints", "before", "bare"):
        rate = count / best[name]
        print(
            f"{name:>10}: {best[name] * 1000:8.1f} ms CPU, best of {args.repeat} "
            f"-> {rate:,.0f} events/s"
        )
    to_before = best["blueprints"] / best["before"]
    to_bare = best["blueprints"] / best["bare"]
    print(
        f"RATIO blueprints/before {to_before:.2f}x "
        f"(target <= {TARGET_BEFORE:.1f}x: {verdict(to_before <= TARGET_BEFORE)})"
    )
    print(
        f"RESULT blueprints/bare {to_bare:.2f}x "
        f"(target <= {TARGET_BARE:.1f}x: {verdict(to_bare <= TARGET_BARE)}), "
        f"before/bare {best['before'] / best['bare']:.2f}x"
    )


if __name__ == "__main__":
    main()
