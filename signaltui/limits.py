"""The documented limits on what signaltui reads, stores and keeps (docs/limits-and-safety.md).

One module, so the event reader, the recordings reader, the store and the response
decoder agree on the same numbers: an event the reader accepts is one the store can
keep, and an answer the store keeps is one every reader can load again.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any, BinaryIO

from signaltui.errors import InputError

#: Deepest nesting of JSON objects and arrays accepted in an event (the event object
#: itself is level 1) and kept as JSON from a CRM answer. pydantic refuses to serialise
#: past 255 levels, and an event is stored and recorded inside other objects, so the
#: limit sits well below that.
MAX_JSON_DEPTH = 128

#: Longest line of an event file (JSON Lines) or of a recording, in bytes.
MAX_LINE_BYTES = 4 * 1024 * 1024

#: Largest event file (or standard input) read, in bytes. Event files are read whole.
MAX_INPUT_BYTES = 128 * 1024 * 1024

#: Largest CRM answer body kept in the store, recordings and ``send --json``, in bytes
#: (UTF-8). A longer answer is kept as its first this-many bytes, as text, with a note.
MAX_STORED_BODY_BYTES = 256 * 1024

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def json_depth_exceeds(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``value`` nests objects/arrays more than ``limit`` levels deep.

    Iterative, so a value deep enough to exhaust the stack is measured safely.
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def may_be_too_deep(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """A cheap pre-check: JSON text with at most ``limit`` brackets cannot be too deep."""
    if isinstance(text, bytes):
        return text.count(b"{") + text.count(b"[") > limit
    return text.count("{") + text.count("[") > limit


def too_deep_message(what: str) -> str:
    """The error message for ``what`` nested past :data:`MAX_JSON_DEPTH`."""
    return f"{what} is nested more than {MAX_JSON_DEPTH} levels deep"


def require_regular_file(path: Path, *, what: str, stdin_ok: bool = True) -> None:
    """Refuse a path that is not a regular file (a FIFO would hang, a device never end).

    ``stdin_ok`` says whether the command reads ``-`` (standard input) instead, for the
    hint. Missing paths are left to the caller's own "not found" error.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise InputError(
        f"cannot read {what} from {kind}",
        where=str(path),
        hint="give a regular file; to read a pipe, use `-` and redirect it to standard input"
        if stdin_ok
        else "give a regular file (save the stream to a file first)",
    )


def read_capped(handle: BinaryIO, *, where: str, what: str) -> bytes:
    """All of ``handle``, refusing more than :data:`MAX_INPUT_BYTES`."""
    data = handle.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise too_large(where, what)
    return data


def too_large(where: str, what: str) -> InputError:
    """The error for ``what`` (a file, standard input) past :data:`MAX_INPUT_BYTES`."""
    return InputError(
        f"{what} is larger than {_size(MAX_INPUT_BYTES)}",
        where=where,
        hint="split it into smaller files",
    )


def line_too_long(where: str, what: str) -> InputError:
    """The error for a line of ``what`` longer than :data:`MAX_LINE_BYTES`."""
    return InputError(
        f"a line of {what} is longer than {_size(MAX_LINE_BYTES)}",
        where=where,
        hint="each line holds one JSON object; check that this is the right file",
    )


def _size(count: int) -> str:
    """``count`` bytes as people read it: MiB, KiB or bytes."""
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} bytes"
