"""Event files read as a stream: one JSON Lines event at a time, in constant memory.

:func:`signaltui.inputs.read_events` returns the whole file as a list, which is what
the TUI and ``send`` want. ``preview`` may be handed hundreds of thousands of events,
so :class:`EventStream` reads the file line by line and yields each event as soon as
it is parsed. The file formats and the error messages are the same as ``read_events``:
a file whose first non-blank line is not a complete JSON object (a pretty-printed
object, or an array) is one document, and is read whole exactly as ``read_events``
reads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from signaltui.core.events import Event
from signaltui.errors import InputError
from signaltui.inputs import _JSON_HINT, _event, _loads, parse_events_text
from signaltui.surrogates import has_surrogate_escape


class EventStream:
    """The events of the file at ``path``, in order, read lazily."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self) -> Iterator[Event]:
        source = str(self.path)
        try:
            # utf-8-sig: editors on Windows start files with a BOM, which json refuses.
            handle = self.path.open(encoding="utf-8-sig")
        except FileNotFoundError as exc:
            raise InputError("file not found", where=source, hint="check the path") from exc
        except OSError as exc:
            raise _unreadable(exc, source) from exc
        with handle:
            yield from self._events(_lines(handle, source), source)

    def _events(self, lines: Iterator[tuple[int, str]], source: str) -> Iterator[Event]:
        blank = 0
        for _, line in lines:
            if line.strip():
                break
            blank += 1
        else:
            raise InputError("no events: the input is empty", where=source, hint="add an event")
        number = blank + 1
        try:
            first = _loads(line, where=f"{source}:{number}")
        except json.JSONDecodeError:
            first = None
        if not isinstance(first, dict):
            # One document over several lines, an array, or bad JSON: read_events' rules.
            # Blank lines stand in for the skipped ones, so error line numbers still hold.
            rest = "".join(text for _, text in lines)
            yield from parse_events_text("\n" * blank + line + rest, source=source)
            return
        yield _event(first, f"{source}:{number}", has_surrogate_escape(line))
        for number, line in lines:
            if not line.strip():
                continue
            try:
                data = _loads(line, where=f"{source}:{number}")
            except json.JSONDecodeError as exc:
                raise InputError(
                    f"invalid JSON: {exc.msg} (column {exc.colno})",
                    where=f"{source}:{number}",
                    hint=_JSON_HINT,
                ) from exc
            yield _event(data, f"{source}:{number}", has_surrogate_escape(line))


def _lines(handle: IO[str], source: str) -> Iterator[tuple[int, str]]:
    """``(number, line)`` from 1, a decoding or read error as an :class:`InputError`."""
    number = 0
    while True:
        try:
            line = handle.readline()
        except (OSError, UnicodeDecodeError) as exc:
            raise _unreadable(exc, source) from exc
        if not line:
            return
        number += 1
        yield number, line


def _unreadable(exc: Exception, source: str) -> InputError:
    return InputError(f"cannot read events: {exc}", where=source, hint="give a UTF-8 JSON file")
