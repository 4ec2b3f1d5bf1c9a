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

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from signaltui import limits
from signaltui.core.events import Event, event_from_json
from signaltui.errors import InputError
from signaltui.inputs import (
    _JSON_HINT,
    STDIN_NAME,
    _event,
    _loads,
    _stdin_bytes,
    parse_events_text,
)
from signaltui.limits import line_too_long, may_be_too_deep, require_regular_file
from signaltui.surrogates import has_surrogate_escape


class EventStream:
    """The events of the file at ``path``, in order, read lazily."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __iter__(self) -> Iterator[Event]:
        if str(self.path) == "-":
            stdin = io.TextIOWrapper(
                io.BufferedReader(_CappedStdin(_stdin_bytes())), encoding="utf-8-sig"
            )
            yield from self._events(_lines(stdin, STDIN_NAME), STDIN_NAME)
            return
        source = str(self.path)
        # Only regular files: a FIFO would hang the stream, a device never end it. The
        # file cap is checked up front, so nothing is printed from a file then refused.
        require_regular_file(self.path, what="events")
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            size = 0  # the open below says so
        except OSError as exc:  # a symlink loop, a path through a file, no permission
            raise _unreadable(exc, source) from exc
        if size > limits.MAX_INPUT_BYTES:
            raise limits.too_large(source, "the event file")
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
            rest = _whole_rest(lines, source, len(line))
            yield from parse_events_text("\n" * blank + line + rest, source=source)
            return
        yield _event(first, f"{source}:{number}", has_surrogate_escape(line), may_be_too_deep(line))
        for number, line in lines:
            escapes, deep = has_surrogate_escape(line), may_be_too_deep(line)
            if not escapes and not deep:
                # The common line: pydantic parses and validates it in one step. It reads
                # JSON as json.loads does (tests/unit/test_event_stream.py); anything it
                # refuses (a blank or bad line, an invalid event) goes the careful way
                # below, for json's and the event model's own error.
                try:
                    yield event_from_json(line)
                    continue
                except ValidationError:
                    pass
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
            yield _event(data, f"{source}:{number}", escapes, deep)


class _CappedStdin(io.RawIOBase):
    """Standard input that refuses to go past :data:`~signaltui.limits.MAX_INPUT_BYTES`."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw, self._read = raw, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        self._read += len(data)
        if self._read > limits.MAX_INPUT_BYTES:
            raise limits.too_large(STDIN_NAME, "standard input")
        buffer[: len(data)] = data
        return len(data)


def _whole_rest(lines: Iterator[tuple[int, str]], source: str, read: int) -> str:
    """The rest of a one-document file, refused past the documented input size."""
    parts: list[str] = []
    for _, text in lines:
        read += len(text)
        if read > limits.MAX_INPUT_BYTES:
            raise limits.too_large(source, "the event file")
        parts.append(text)
    return "".join(parts)


def _lines(handle: IO[str], source: str) -> Iterator[tuple[int, str]]:
    """``(number, line)`` from 1, a decoding or read error as an :class:`InputError`.

    A JSON Lines line longer than :data:`~signaltui.limits.MAX_LINE_BYTES` is refused as
    soon as that much of it has been read (a line from ``/dev/zero`` never ends). The
    first non-blank line may be a whole one-line document, so it may be as long as the
    file cap, as :func:`~signaltui.inputs.read_events` allows.
    """
    number = 0
    cap = limits.MAX_INPUT_BYTES
    while True:
        try:
            line = handle.readline(cap + 1)
        except (OSError, UnicodeDecodeError) as exc:
            raise _unreadable(exc, source) from exc
        if not line:
            return
        number += 1
        if len(line) > cap // 4 and len(line.encode("utf-8", "surrogatepass")) > cap:
            if cap == limits.MAX_INPUT_BYTES:
                raise limits.too_large(source, "the event file")
            raise line_too_long(f"{source}:{number}", "events")
        if line.strip():
            cap = limits.MAX_LINE_BYTES
        yield number, line


def _unreadable(exc: Exception, source: str) -> InputError:
    return InputError(f"cannot read events: {exc}", where=source, hint="give a UTF-8 JSON file")
