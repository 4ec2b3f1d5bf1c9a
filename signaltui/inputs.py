"""Reading event files (contract 1): one JSON object, a JSON array, or JSON Lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from signaltui.core.events import Event, parse_event
from signaltui.errors import InputError


def read_events(path: Path) -> list[Event]:
    """Every event in ``path``, in order. Errors name the file and line, never a traceback."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError("file not found", where=str(path), hint="check the path") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read events: {exc}", where=str(path), hint="give a UTF-8 JSON file"
        ) from exc
    return parse_events_text(text, source=str(path))


def parse_events_text(text: str, *, source: str) -> list[Event]:
    """Events from the text of a file (or an editor), ``source`` naming it in errors."""
    if not text.strip():
        raise InputError("no events: the input is empty", where=source, hint="add an event")
    try:
        whole: Any = json.loads(text)
    except json.JSONDecodeError as whole_error:
        return _parse_lines(text, source, whole_error)
    if isinstance(whole, list):
        return [parse_event(item, where=f"{source}[{i}]") for i, item in enumerate(whole)]
    return [parse_event(whole, where=f"{source}:1")]


def _parse_lines(text: str, source: str, whole_error: json.JSONDecodeError) -> list[Event]:
    events: list[Event] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            # A pretty-printed single object fails on its first line; the whole-text
            # error then points at the real spot.
            error = whole_error if not events and line.strip() in ("{", "[") else exc
            where_line = whole_error.lineno if error is whole_error else number
            raise InputError(
                f"invalid JSON: {error.msg} (column {error.colno})",
                where=f"{source}:{where_line}",
                hint="a file holds one JSON event object or one object per line (JSON Lines)",
            ) from exc
        events.append(parse_event(data, where=f"{source}:{number}"))
    return events
