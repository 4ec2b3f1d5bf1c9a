"""Mapping throughput: the core (validate, resolve, plan for all three CRMs) per event,
against the bare unavoidable work on the same events in the same run.

The bare work is what any hand-written mapper must do too: parse and format the phone
in E.164 with phonenumbers (once per event) and ``json.dumps`` each request body that
would be sent. The bodies it serialises are the ones the core produced, built before
the clock starts, so the bare side does exactly the output work and nothing more.

Run: ``.venv/bin/python benchmarks/bench_mapping.py [--quick]``
"""

from __future__ import annotations

import json
from typing import Any

import phonenumbers
from _common import best_of_pair, machine, parse_args, verdict

from signaltui.core.config import MappingConfig
from signaltui.core.events import Event, resolve_stream
from signaltui.core.plan import plan
from signaltui.core.request import DESTINATIONS

TARGET_RATIO = 2.0
TARGET_RATE = 15_000

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


def run_core(raw: list[dict[str, Any]], config: MappingConfig) -> int:
    """Validate, resolve and plan every event for every CRM; returns requests planned."""
    events = (Event.model_validate(item) for item in raw)
    delivered = 0
    for resolved in resolve_stream(events):
        for destination in DESTINATIONS:
            decision = plan(resolved, destination, config)
            delivered += decision.action == "deliver"
    return delivered


def bare_inputs(raw: list[dict[str, Any]], config: MappingConfig) -> list[tuple[Any, list[Any]]]:
    """Per event: its phone text and the bodies the core would send (built untimed)."""
    inputs = []
    events = (Event.model_validate(item) for item in raw)
    for resolved in resolve_stream(events):
        bodies = []
        for destination in DESTINATIONS:
            decision = plan(resolved, destination, config)
            if decision.request is not None:
                bodies.append(decision.request.body)
        phone = resolved.trait("phone")
        inputs.append((phone.value if phone is not None else None, bodies))
    return inputs


def run_bare(inputs: list[tuple[Any, list[Any]]], region: str) -> int:
    """Phone parse + E.164 format once per event, and json.dumps of each body."""
    size = 0
    e164 = phonenumbers.PhoneNumberFormat.E164
    for phone, bodies in inputs:
        if phone is not None:
            try:
                parsed = phonenumbers.parse(phone, region)
                phonenumbers.format_number(parsed, e164)
            except phonenumbers.NumberParseException:
                pass
        for body in bodies:
            size += len(json.dumps(body))
    return size


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    count = 2_000 if args.quick else 20_000
    config = MappingConfig()
    raw = [varied_event(n) for n in range(count)]
    inputs = bare_inputs(raw, config)
    requests = sum(len(bodies) for _, bodies in inputs)

    core_s, bare_s = best_of_pair(
        lambda: run_core(raw, config),
        lambda: run_bare(inputs, config.default_region),
        args.repeat,
    )
    core_rate = count / core_s
    bare_rate = count / bare_s
    ratio = core_s / bare_s
    print(f"machine: {machine()}")
    print(f"events: {count:,} varied, {requests:,} requests planned for 3 CRMs")
    print(f"core: {core_s * 1000:.1f} ms best of {args.repeat} -> {core_rate:,.0f} events/s")
    print(f"bare: {bare_s * 1000:.1f} ms best of {args.repeat} -> {bare_rate:,.0f} events/s")
    print(
        f"RESULT core {core_rate:,.0f} events/s, bare {bare_rate:,.0f} events/s, "
        f"core/bare {ratio:.2f}x "
        f"(target <= {TARGET_RATIO:.0f}x: {verdict(ratio <= TARGET_RATIO)}), "
        f">= {TARGET_RATE:,} events/s: {verdict(core_rate >= TARGET_RATE)}"
    )


if __name__ == "__main__":
    main()
