"""Sample events and event files: where the composer's first event comes from."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from signaltui.core.events import resolve_stream
from signaltui.errors import InputError
from signaltui.inputs import read_events
from signaltui.samples import samples_root

#: Used when no ``fixtures/`` folder is found (an installed package run from anywhere).
BUILTIN_SAMPLE: dict[str, Any] = {
    "type": "track",
    "event": "Demo Requested",
    "userId": "user-123",
    "traits": {
        "firstName": "Jane",
        "lastName": "Doe",
        "email": "jane.doe@acme.com",
        "company": "Acme Inc",
        "title": "Head of Growth",
        "phone": "+44 7700 900123",
    },
    "properties": {"lead_source": "Website demo form"},
    "context": {"page": {"url": "https://example.com/contact"}, "consent": {"marketing": True}},
}

SAMPLE_FILE = Path("events") / "demo-requested.json"


def find_fixtures(cwd: Path | None = None) -> Path | None:
    """The ``fixtures/`` folder of a source checkout, or one under the working directory."""
    candidates = [
        Path(__file__).resolve().parents[2] / "fixtures",
        (cwd or Path.cwd()) / "fixtures",
        Path(str(samples_root() / "fixtures")),  # the shipped samples of an installed package
    ]
    return next((path for path in candidates if (path / "events").is_dir()), None)


@dataclass(frozen=True)
class EventChoice:
    """One event of a file, as the composer would load it (stream traits merged)."""

    label: str
    event: dict[str, Any]


def event_choices(path: Path) -> tuple[list[EventChoice], int]:
    """Every event of a file, and the index of the one to offer first (the last track).

    Each carries the traits earlier identifies gave it, so any one of a JSON Lines
    stream opens as a self-contained event. Raises :class:`InputError` for a bad file.
    """
    resolved = list(resolve_stream(read_events(path)))
    choices = []
    for line, item in enumerate(resolved, start=1):
        event = item.event
        merged = item.merged_json()
        email = merged.get("traits", {}).get("email") or "no email"
        who = event.userId or event.anonymousId or "anonymous"
        name = f" {event.event}" if event.event else ""
        choices.append(EventChoice(f"{line}. {event.type}{name} · {email} · {who}", merged))
    tracks = [number for number, item in enumerate(resolved) if item.event.type == "track"]
    return choices, (tracks or [len(resolved) - 1])[-1]


def load_event_file(path: Path) -> dict[str, Any]:
    """The event a file composes to: its last track event with the stream's traits merged.

    A JSON Lines stream (identify, then track) thus opens as one self-contained event.
    """
    choices, default = event_choices(path)
    return choices[default].event


def sample_event(fixtures: Path | None) -> dict[str, Any]:
    """The first event the composer shows: the fixture sample, else the built-in one."""
    if fixtures is not None and (fixtures / SAMPLE_FILE).is_file():
        try:
            return load_event_file(fixtures / SAMPLE_FILE)
        except InputError:
            pass  # a broken checkout still opens, on the built-in sample
    return copy.deepcopy(BUILTIN_SAMPLE)  # a copy: no caller may change the built-in one


def save_event_file(path: Path, event: dict[str, Any]) -> None:
    """Write ``event`` as pretty JSON; :class:`InputError` when the file cannot be written."""
    try:
        path.expanduser().write_text(json.dumps(event, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise InputError(
            f"cannot write the event: {exc.strerror or exc}",
            where=str(path),
            hint="choose a path in an existing, writable folder",
        ) from exc
