"""Reading event files (docs/events.md): one JSON object, a JSON array, or JSON Lines."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any, BinaryIO, cast

from signaltui import limits
from signaltui.core.events import Event, parse_event
from signaltui.errors import InputError
from signaltui.limits import (
    json_depth_exceeds,
    line_too_long,
    may_be_too_deep,
    read_capped,
    require_regular_file,
    too_deep_message,
)
from signaltui.surrogates import (
    has_surrogate_escape,
    unpaired_surrogate_message,
    unusable_json_message,
)

_JSON_HINT = "a file holds one JSON event object or one object per line (JSON Lines)"
_DEPTH_HINT = "flatten the event; properties and traits rarely need more than a few levels"

#: How standard input is named in errors (``-`` on the command line).
STDIN_NAME = "<stdin>"


def read_events(path: Path) -> list[Event]:
    """Every event in ``path`` (``-`` for standard input), in order.

    Errors name the file and line, never a traceback. Only regular files are read (a
    FIFO would hang, a device never end), and no more than :data:`MAX_INPUT_BYTES`.
    """
    source = STDIN_NAME if str(path) == "-" else str(path)
    try:
        if source == STDIN_NAME:
            data = read_capped(_stdin_bytes(), where=source, what="standard input")
        else:
            require_regular_file(path, what="events")
            with path.open("rb") as handle:
                data = read_capped(handle, where=source, what="the event file")
        # utf-8-sig: editors on Windows start files with a BOM, which json.loads refuses.
        text = data.decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError("file not found", where=source, hint="check the path") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read events: {exc}", where=source, hint="give a UTF-8 JSON file"
        ) from exc
    return parse_events_text(text, source=source)


def _stdin_bytes() -> BinaryIO:
    # A test runner may swap sys.stdin for a text stream without a binary buffer.
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return cast(BinaryIO, buffer)
    return io.BytesIO(sys.stdin.read().encode("utf-8"))


def parse_events_text(text: str, *, source: str) -> list[Event]:
    """Events from the text of a file (or an editor), ``source`` naming it in errors."""
    if not text.strip():
        raise InputError("no events: the input is empty", where=source, hint="add an event")
    try:
        whole: Any = _loads(text, where=source)
    except json.JSONDecodeError as whole_error:
        return _parse_lines(text, source, whole_error)
    escapes = has_surrogate_escape(text)
    deep = may_be_too_deep(text)
    if isinstance(whole, list):
        return [_event(item, f"{source}[{i}]", escapes, deep) for i, item in enumerate(whole)]
    return [_event(whole, f"{source}:1", escapes, deep)]


def parse_event_document(text: str, *, source: str) -> tuple[Any, Event]:
    """One event object typed by a person (the TUI's JSON editor): its data and model.

    Unlike :func:`parse_events_text` this takes exactly one JSON document; syntax errors
    name the line and column, and other unusable values get the same clear errors.
    """
    try:
        data = _loads(text, where=source)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg}",
            where=f"{source} line {exc.lineno}, column {exc.colno}",
            hint="fix the JSON; the form keeps the last valid event",
        ) from exc
    return data, _event(data, source, has_surrogate_escape(text), may_be_too_deep(text))


def _loads(text: str, *, where: str) -> Any:
    """``json.loads`` whose other failures (not syntax) are an :class:`InputError` too."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as exc:
        raise InputError(unusable_json_message(exc), where=where, hint=_JSON_HINT) from exc


def _event(data: Any, where: str, escapes: bool, deep: bool) -> Event:
    """``parse_event``, after refusing lone surrogates (they cannot be printed or stored)
    and nesting past :data:`~signaltui.limits.MAX_JSON_DEPTH` (the store could not keep it).

    ``escapes`` says whether the source text had any surrogate escape at all, and
    ``deep`` whether it had enough brackets to be too deep, so the checks cost nothing
    for ordinary input.
    """
    if deep and json_depth_exceeds(data):
        raise InputError(too_deep_message("the event"), where=where, hint=_DEPTH_HINT)
    if escapes and (message := unpaired_surrogate_message(data)) is not None:
        raise InputError(
            message,
            where=where,
            hint="escapes \\ud800-\\udfff must come in valid pairs; fix or remove it",
        )
    return parse_event(data, where=where)


def _parse_lines(text: str, source: str, whole_error: json.JSONDecodeError) -> list[Event]:
    events: list[Event] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cap = limits.MAX_LINE_BYTES
        if len(line) > cap // 4 and len(line.encode("utf-8")) > cap:
            raise line_too_long(f"{source}:{number}", "events")
        try:
            data = _loads(line, where=f"{source}:{number}")
        except json.JSONDecodeError as exc:
            # A pretty-printed single object fails on its first line; the whole-text
            # error then points at the real spot.
            error = whole_error if not events and line.strip() in ("{", "[") else exc
            where_line = whole_error.lineno if error is whole_error else number
            raise InputError(
                f"invalid JSON: {error.msg} (column {error.colno})",
                where=f"{source}:{where_line}",
                hint=_JSON_HINT,
            ) from exc
        escapes = has_surrogate_escape(line)
        events.append(_event(data, f"{source}:{number}", escapes, may_be_too_deep(line)))
    return events
