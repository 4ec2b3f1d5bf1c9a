"""What a blueprint changes: two compiled sets planned over the same events, compared by
JSON Pointer (``blueprints diff``, the TUI's impact line)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signaltui.core.config import MappingConfig
from signaltui.core.decision import Decision
from signaltui.core.events import Event, ResolvedEvent, resolve_event, resolve_stream
from signaltui.core.plan import plan
from signaltui.core.request import DESTINATIONS, Destination

_ABSENT: Any = object()


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def pointer_changes(old: Any, new: Any, pointer: str = "") -> list[str]:
    """The JSON Pointers at which ``new`` differs from ``old`` (leaves, depth first)."""
    if type(old) is type(new) and old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        found: list[str] = []
        for key in [*old, *(k for k in new if k not in old)]:
            found += pointer_changes(
                old.get(key, _ABSENT), new.get(key, _ABSENT), f"{pointer}/{_escape(str(key))}"
            )
        return found
    if isinstance(old, list) and isinstance(new, list):
        found = []
        for index in range(max(len(old), len(new))):
            left = old[index] if index < len(old) else _ABSENT
            right = new[index] if index < len(new) else _ABSENT
            found += pointer_changes(left, right, f"{pointer}/{index}")
        return found
    return [pointer or "/"]


def rules_behind(before: Decision, after: Decision) -> list[str]:
    """The ``file:line`` of each rule whose trace row ``after`` has and ``before`` lacks
    (a field added, edited or removed): the rules to look at when the body changed.
    Empty for a verdict change (every row differs then, so none would point anywhere)."""
    if before.request is None or after.request is None:
        return []
    had = set(before.trace_rows)
    return list(dict.fromkeys(row[4] for row in after.trace_rows if row not in had and row[4]))


def decision_changes(before: Decision, after: Decision) -> list[str]:
    """How ``after`` differs: ``(deliver -> drop)``-style verdicts, or body pointers."""
    if before.action != after.action or before.reason != after.reason:
        return [f"({before.reason or before.action} -> {after.reason or after.action})"]
    if before.request is None or after.request is None:
        return []
    return pointer_changes(before.request.body, after.request.body)


@dataclass
class Impact:
    """Per destination: requests compared, requests changed, changes per pointer, and
    the blueprint rules (``file:line``) behind them."""

    compared: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    pointers: dict[str, Counter[str]] = field(default_factory=dict)
    rules: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, destination: str, before: Decision, after: Decision) -> None:
        if before.request is None and after.request is None:
            return  # dropped either way: not a request
        self.compared[destination] += 1
        changes = decision_changes(before, after)
        if changes:
            self.changed[destination] += 1
            self.pointers.setdefault(destination, Counter()).update(dict.fromkeys(changes, 1))
            rules = rules_behind(before, after)
            if rules:
                self.rules.setdefault(destination, Counter()).update(dict.fromkeys(rules, 1))

    def lines(self) -> list[str]:
        """``14 of 120 Close requests change: /description 14 (by close.yaml:5)`` per
        destination."""
        out = []
        for destination in DESTINATIONS:
            total = self.compared[destination]
            if not total:
                continue
            changed = self.changed[destination]
            head = f"{changed} of {total} {destination.capitalize()} requests change"
            counts = self.pointers.get(destination, Counter()).most_common()
            detail = ", ".join(f"{pointer} {count}" for pointer, count in counts)
            rules = [rule for rule, _ in self.rules.get(destination, Counter()).most_common()]
            if rules:
                detail += f" (by {', '.join(rules)})"
            out.append(f"{head}: {detail}" if detail else head)
        return out or ["no requests to compare"]


def is_recording(path: Path) -> bool:
    """Whether ``path`` holds recordings (a folder, or a file of recording lines)."""
    if path.is_dir():
        return True
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    data = json.loads(line)
                    return isinstance(data, dict) and data.get("format") == "signaltui.recording"
    except (OSError, ValueError):
        return False
    return False


def planned_pairs(
    stream: Iterable[tuple[ResolvedEvent, Iterable[Destination]]],
) -> Iterator[tuple[ResolvedEvent, Destination]]:
    for resolved, destinations in stream:
        for destination in destinations:
            yield resolved, destination


def events_stream(events: list[Event]) -> Iterator[tuple[ResolvedEvent, tuple[Destination, ...]]]:
    """An event file's stream, each event for every destination."""
    for resolved in resolve_stream(events):
        yield resolved, DESTINATIONS


def exchanges_stream(
    recorded: Iterable[tuple[dict[str, Any], Destination]],
) -> Iterator[tuple[ResolvedEvent, tuple[Destination, ...]]]:
    """Recorded (event, destination) pairs; the events' traits are already merged."""
    for event, destination in recorded:
        yield resolve_event(Event.model_validate(event)), (destination,)


def compare(
    pairs: Iterable[tuple[ResolvedEvent, Destination]],
    before: MappingConfig,
    after: MappingConfig,
) -> Impact:
    """Plan every pair under both configs and count what changes."""
    impact = Impact()
    for resolved, destination in pairs:
        impact.add(
            destination, plan(resolved, destination, before), plan(resolved, destination, after)
        )
    return impact
