"""A generated send replay with known duplicates, for the send-plan tests.

:func:`generate` writes recorded exchanges (seeded RNG) and remembers, from how it made
them, what the CRMs already hold and what each exchange must come out as. The expected
figures are worked out here from the generation itself, never by calling the plan code.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signaltui.delivery.outcomes import DeliveryResult
from signaltui.store import Store
from tests.helpers import track

CRMS = ("apollo", "outreach", "close")


@dataclass
class Generated:
    """The recording written, the leads put in the store, and the expected counts."""

    path: Path
    #: (crm, email) delivered earlier to the target (put in the store).
    existing: set[tuple[str, str]] = field(default_factory=set)
    #: CRM -> outcome -> exchanges, as the plan must count them.
    expected: dict[str, Counter[str]] = field(default_factory=dict)
    #: Exchange ids whose lead exists when they come (store or earlier in the run).
    meets_existing: list[str] = field(default_factory=list)


def _line(index: int, crm: str, email: str, consent: bool) -> dict[str, Any]:
    event = track("Demo Requested", messageId=f"gen-{index}", userId=f"user-{index}")
    event["traits"] = {**event["traits"], "email": email}
    event["context"] = {**event["context"], "consent": {"marketing": consent}}
    return {
        "format": "signaltui.recording",
        "version": 1,
        "id": f"gen-{index:04d}",
        "recorded_at": "2026-11-30T10:00:00.000Z",
        "destination": crm,
        "target": "mock",
        "event": event,
        "decision": {"action": "deliver", "reason": None},
        "request": None,
        "response": None,
        "outcome": "dead_lettered",
        "attempts": 3,
    }


def _variant(rng: random.Random, email: str) -> str:
    """The same address as people type it: other case, stray spaces."""
    choice = rng.randrange(3)
    if choice == 0:
        return email
    if choice == 1:
        return email.upper()
    return f"  {email.title()} "


def generate(
    folder: Path,
    store: Store,
    target: str,
    *,
    count: int = 1000,
    seed: int = 17,
    apollo_dedupe: bool = True,
) -> Generated:
    """``count`` exchanges over the three CRMs, drawing emails from a small pool so that
    many repeat; a third of the pool was delivered to ``target`` before (in ``store``)."""
    rng = random.Random(seed)
    pool = [f"person{n}@example{n % 7}.com" for n in range(count // 3)]
    generated = Generated(folder / "generated.jsonl")
    for crm in CRMS:
        generated.expected[crm] = Counter()
        for email in rng.sample(pool, len(pool) // 3):
            generated.existing.add((crm, email))
            _store(store, crm, _variant(rng, email), target, "delivered")
        # Noise that must not count: other outcomes here, deliveries to another target.
        for email in rng.sample(pool, len(pool) // 4):
            _store(store, crm, email, target, "rejected")
            _store(store, crm, email, "http://127.0.0.1:1", "delivered")
    seen: set[tuple[str, str]] = set()
    lines = []
    for index in range(count):
        crm = rng.choice(CRMS)
        email = rng.choice(pool)
        consent = rng.random() > 0.1
        lines.append(_line(index, crm, _variant(rng, email), consent))
        if not consent:
            generated.expected[crm]["dropped"] += 1
            continue
        key = (crm, email)
        if key in generated.existing or key in seen:
            generated.meets_existing.append(f"gen-{index:04d}")
            if crm == "close":
                generated.expected[crm]["duplicate"] += 1
            elif crm == "apollo":
                generated.expected[crm]["update" if apollo_dedupe else "duplicate"] += 1
            else:
                generated.expected[crm]["refused"] += 1
        else:
            generated.expected[crm]["create"] += 1
        seen.add(key)
    generated.path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return generated


def _store(store: Store, crm: str, email: str, target: str, outcome: str) -> None:
    """One stored delivery of ``email`` to ``crm`` at ``target``, as a send stores it."""
    event = track(messageId=f"earlier-{crm}-{email.strip()}")
    event["traits"] = {**event["traits"], "email": email}
    result = DeliveryResult(destination=crm, target=target, outcome=outcome)  # type: ignore[arg-type]
    store.record_sent(event, event, {"action": "deliver", "reason": None}, result, mode="send")
