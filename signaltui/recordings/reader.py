"""Read recordings line by line, in constant memory, with errors that name file and line.

:func:`iter_exchanges` never loads a whole file: it reads one line, parses, upgrades and
validates it, and yields it before reading the next, so a recording of any size can be
replayed. Every problem in a line is a :class:`RecordingError` whose ``where`` is
``"<path>:<line>"``.

By default the first bad line raises. Replay reports that want to carry on past bad
lines pass ``errors=[]``: each bad line's error is appended to that list and the line is
skipped. Problems with the file itself (missing, unreadable) always raise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import ValidationError

from signaltui import limits
from signaltui.errors import InputError, RecordingError
from signaltui.limits import (
    json_depth_exceeds,
    line_too_long,
    may_be_too_deep,
    require_regular_file,
    too_deep_message,
)
from signaltui.recordings.model import CURRENT_VERSION, Exchange
from signaltui.recordings.upgrade import detect_version, upgrade
from signaltui.surrogates import (
    has_surrogate_escape,
    unpaired_surrogate_message,
    unusable_json_message,
)

_LINE_HINT = "each line must be one complete JSON object; fix or delete this line"


def iter_exchanges(
    path: Path, *, errors: list[RecordingError] | None = None
) -> Iterator[tuple[int, Exchange]]:
    """Yield ``(line_number, exchange)`` for each non-blank line of ``path`` (1-based).

    Lines of older format versions are upgraded. With ``errors`` given, bad lines are
    recorded there and skipped instead of raising.
    """
    path = Path(path)
    require_regular_file(path, what="a recording", stdin_ok=False)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    with handle:
        number = 0
        for raw in _capped_lines(handle):
            number += 1
            if raw is None:
                raise line_too_long(f"{path}:{number}", "a recording")
            if not raw.strip():
                continue
            try:
                yield number, parse_line(raw, where=f"{path}:{number}", first=number == 1)
            except RecordingError as exc:
                if errors is None:
                    raise
                errors.append(exc)


def parse_line(raw: bytes | str, *, where: str, first: bool = False) -> Exchange:
    """Parse, upgrade and validate one recording line (``where`` names it in errors)."""
    # Fast path for the common case, a well-formed current line: pydantic parses the JSON
    # itself, about twice as fast. Anything else takes the general path below, which
    # upgrades old versions and explains errors. ``format``/``version`` must be explicit:
    # a line without them is version 0, whatever else it holds.
    try:
        fast = Exchange.model_validate_json(raw, strict=True)
    except ValidationError:
        pass
    else:
        if {"format", "version"} <= fast.model_fields_set:
            return _refuse_too_deep(fast, raw, where)
    truncated = not (raw.endswith(b"\n") if isinstance(raw, bytes) else raw.endswith("\n"))
    if isinstance(raw, bytes):
        try:
            # A BOM is tolerated on the first line only (editors on Windows add it).
            text = raw.decode("utf-8-sig" if first else "utf-8")
        except UnicodeDecodeError as exc:
            raise RecordingError(
                f"line is not valid UTF-8 ({exc.reason} at byte {exc.start})",
                where=where,
                hint="recordings are UTF-8 JSON Lines; re-export the file",
            ) from exc
    else:
        text = raw
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        if truncated:
            raise RecordingError(
                f"the last line is truncated (invalid JSON: {exc.msg})",
                where=where,
                hint="the writer was probably interrupted; delete this incomplete last line",
            ) from exc
        raise RecordingError(
            f"invalid JSON: {exc.msg} (column {exc.colno})", where=where, hint=_LINE_HINT
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise RecordingError(unusable_json_message(exc), where=where, hint=_LINE_HINT) from exc
    _refuse_lone_surrogates(data, text, where)
    if not isinstance(data, dict):
        raise RecordingError(
            f"expected a JSON object, got {_json_type(data)}", where=where, hint=_LINE_HINT
        )
    original = detect_version(data, where=where)
    data = upgrade(data, where=where)
    try:
        # Strict: a recording is machine-written, so "1" for an int is corruption.
        exchange = Exchange.model_validate(data, strict=True)
    except ValidationError as exc:
        raise RecordingError(
            f"not a valid exchange{_from(original)}: {_summarise(exc)}",
            where=where,
            hint="compare the line with docs/recordings.md (format version 1)",
        ) from exc
    return _refuse_too_deep(exchange, text, where)


def _refuse_too_deep(exchange: Exchange, raw: bytes | str, where: str) -> Exchange:
    """``exchange``, unless its event nests past the limit the event reader and the store
    share (a send replay would deliver it and then fail to store it)."""
    if may_be_too_deep(raw) and json_depth_exceeds(exchange.event):
        raise RecordingError(too_deep_message("the recorded event"), where=where, hint=_LINE_HINT)
    return exchange


def _refuse_lone_surrogates(data: Any, text: str, where: str) -> None:
    """A ``\\ud800``-style escape without its pair cannot be printed or stored: refuse it."""
    if has_surrogate_escape(text) and (message := unpaired_surrogate_message(data)) is not None:
        raise RecordingError(message, where=where, hint=_LINE_HINT)


def count_lines(paths: Iterable[Path]) -> int:
    """Non-blank lines of the recordings ``paths`` name: an upper bound on the exchanges
    a replay will see (before filters), for progress bars. A cheap streaming pass."""
    total = 0
    for path in iter_paths(paths):
        require_regular_file(path, what="a recording", stdin_ok=False)
        try:
            with path.open("rb") as handle:
                total += sum(1 for line in _capped_lines(handle) if line is None or line.strip())
        except OSError as exc:
            raise _unreadable(path, exc) from exc
    return total


def _capped_lines(handle: BinaryIO) -> Iterator[bytes | None]:
    """The lines of ``handle``; ``None`` for a line past ``MAX_LINE_BYTES`` (then stop).

    A plain ``for line in handle`` would buffer an endless line (``/dev/zero``) whole.
    """
    cap = limits.MAX_LINE_BYTES
    while raw := handle.readline(cap + 1):
        if len(raw) > cap:
            yield None
            return
        yield raw


def _unreadable(path: Path, exc: OSError) -> InputError:
    """The error for a recording file the system will not let us read."""
    return InputError(
        f"cannot open recording: {exc.strerror or exc}",
        where=str(path),
        hint="check the path and its permissions",
    )


def iter_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield the recording files named by ``paths``, in a deterministic order.

    A file is yielded as given (any extension). A folder yields every ``*.jsonl`` below
    it, recursively, sorted by relative path. A file reached twice is yielded once. A
    missing path raises :class:`InputError` before anything after it is yielded.
    """
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = (p for p in path.rglob("*.jsonl") if p.is_file())
            files = sorted(found, key=lambda p: p.relative_to(path).parts)
        elif path.exists():
            files = [path]
        else:
            raise InputError(
                "no such recording file or folder",
                where=str(path),
                hint="pass .jsonl recording files or folders that contain them",
            )
        for file in files:
            resolved = file.resolve()
            if resolved not in seen:
                seen.add(resolved)
                yield file


def _from(version: int) -> str:
    # Field names in the message are version-1 names; say so when the line was older.
    return "" if version == CURRENT_VERSION else f" (after upgrading from version {version})"


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _summarise(exc: ValidationError, limit: int = 3) -> str:
    """The first few pydantic errors as ``field: message`` (people need the field)."""
    parts = []
    for err in exc.errors()[:limit]:
        field = ".".join(str(p) for p in err["loc"]) or "(line)"
        parts.append(f"{field}: {err['msg']}")
    more = exc.error_count() - limit
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)
