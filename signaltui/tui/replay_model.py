"""Helpers of the Replay tab that need no UI: path parsing, result rows and details."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from signaltui.errors import InputError
from signaltui.replay import ExchangeResult

STATUS_MARKS = {"pass": "✓ pass", "fail": "✗ fail", "skip": "- skip", "error": "! error"}


def parse_paths(text: str) -> list[Path]:
    """Space- or comma-separated recording files or folders; InputError when none exist."""
    paths = [Path(part).expanduser() for part in text.replace(",", " ").split()]
    if not paths:
        raise InputError("no recording path given", where="Replay", hint="e.g. recordings/")
    for path in paths:
        if not path.exists():
            raise InputError("path not found", where=str(path), hint="give a file or a folder")
    return paths


def source_folders(paths: Sequence[Path]) -> list[Path]:
    """The folders the replayed ``paths`` name (a file's own folder), for :func:`result_row`."""
    return [path if path.is_dir() else path.parent for path in paths]


def short_source(source: str, folders: Sequence[Path]) -> str:
    """``source`` (``file:line``) relative to the first of ``folders`` holding the file.

    The table is narrow and the shipped recordings sit deep in the installed package:
    ``apollo.jsonl:1`` says which line, where the whole path would be cut off before it.
    The detail pane keeps the full path.
    """
    path_text, colon, line = source.rpartition(":")
    if not colon:
        return source
    for folder in folders:
        try:
            relative = Path(path_text).relative_to(folder)
        except ValueError:
            continue
        return f"{relative}:{line}"
    return source


def result_row(result: ExchangeResult, folders: Sequence[Path] = ()) -> tuple[str, ...]:
    """A table row: status, CRM, event, outcome change (send) or differences (verify),
    and the source (relative to ``folders``, see :func:`short_source`)."""
    if result.outcome_after is not None:
        what = result.change
    elif result.differences:
        what = f"{len(result.differences)} difference(s)"
    else:
        what = result.message or ""
    return (
        STATUS_MARKS.get(result.status, result.status),
        result.destination,
        result.event,
        what,
        short_source(result.source, folders),
    )


def result_detail(result: ExchangeResult) -> str:
    """Everything known about one result, differences first."""
    lines = [
        f"{result.exchange_id} · {result.destination} · {result.event} · {result.status}",
        f"from {result.source}",
    ]
    if result.differences:
        lines.append("")
        lines.append("Differences (recorded → today):")
        lines += [f"  {difference.describe()}" for difference in result.differences]
    if result.outcome_after is not None:
        lines.append(f"outcome: {result.change}")
    if result.message:
        lines.append(f"message: {result.message}")
    if result.hint:
        lines.append(f"hint: {result.hint}")
    return "\n".join(lines)
