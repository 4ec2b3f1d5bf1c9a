"""Replay reports: the people's summary, ``--json`` and ``--junit``, written as they go.

JSON and JUnit reports stream to disk so a replay of any size runs in constant memory.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from signaltui.errors import InputError
from signaltui.replacement import Replacement
from signaltui.replay.ignore import extra_summary_lines, junit_properties
from signaltui.replay.results import ExchangeResult, ReplaySummary


class JsonReport:
    """``{"summary": {...}, "exchanges": [...]}`` written one exchange at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = open_beside(path)
        self._handle = self._file.handle
        self._handle.write('{"exchanges": [\n')
        self._first = True
        self._done = False

    def add(self, result: ExchangeResult) -> None:
        """Append one exchange."""
        self._handle.write(("" if self._first else ",\n") + json.dumps(result.to_json()))
        self._first = False

    def close(self, summary: ReplaySummary) -> None:
        """Write the summary and move the finished file into place."""
        try:
            self._handle.write('\n], "summary": ' + json.dumps(summary.to_json()) + "}\n")
            finish(self._file)
        except BaseException:
            self.discard()
            raise
        self._done = True

    def discard(self) -> None:
        """Drop an unfinished report: its scratch file goes, whatever is at ``path`` stays.

        Does nothing once :meth:`close` has moved the report into place.
        """
        if not self._done:
            self._done = True
            self._file.discard()


class JUnitReport:
    """One ``<testcase>`` per exchange; failures carry the differences or the hint."""

    def __init__(self, path: Path, mode: str) -> None:
        self.path = path
        self.mode = mode
        # Cases go to a scratch file first: the <testsuite> header needs the final counts.
        self._cases = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def add(self, result: ExchangeResult) -> None:
        """Append one test case."""
        # Here, not at the top: xml.sax.saxutils loads urllib.request, which a replay
        # without --junit (the verify gate loads no httpx) should not pay for.
        from xml.sax.saxutils import escape, quoteattr

        # The name alone tells which CRM, event and exchange (CI UIs often hide classname).
        name = quoteattr(f"{result.destination}: {result.event} [{result.exchange_id}]")
        classname = quoteattr(f"signaltui.replay.{self.mode}.{result.destination}")
        self._cases.write(f"  <testcase classname={classname} name={name}>\n")
        if result.status == "skip":
            self._cases.write(f"    <skipped message={quoteattr(result.message or '')}/>\n")
        elif result.status in ("fail", "error"):
            tag = "failure" if result.status == "fail" else "error"
            message = result.message or result.change
            body = "\n".join(d.describe() for d in result.differences) or (result.hint or "")
            self._cases.write(f"    <{tag} message={quoteattr(message)}>{escape(body)}</{tag}>\n")
        self._cases.write(f"    <system-out>{escape(result.source)}</system-out>\n")
        self._cases.write("  </testcase>\n")

    def close(self, summary: ReplaySummary) -> None:
        """Write the suite with its counts around the cases."""
        try:
            with completing(open_beside(self.path)) as handle:
                handle.write('<?xml version="1.0" encoding="UTF-8"?>\n')
                handle.write(
                    f'<testsuite name="signaltui replay {self.mode}" tests="{summary.total}" '
                    f'failures="{summary.counts["fail"]}" errors="{summary.counts["error"]}" '
                    f'skipped="{summary.counts["skip"]}">\n'
                )
                handle.write(junit_properties(summary))
                self._cases.seek(0)
                for line in self._cases:
                    handle.write(line)
                handle.write("</testsuite>\n")
        finally:
            self._cases.close()

    def discard(self) -> None:
        """Drop an unfinished report; whatever is at ``path`` stays.

        The cases wait in an anonymous temporary file, so there is no file beside ``path``
        to remove until :meth:`close`, which cleans up after itself.
        """
        self._cases.close()


def open_beside(path: Path) -> Replacement:
    """A scratch file next to ``path``, so the finished report is renamed into place."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return Replacement(path)
    except OSError as exc:
        raise _unwritable(path, exc) from exc


@contextmanager
def completing(file: Replacement) -> Iterator[IO[str]]:
    """``file``'s handle for the rest of a report: put in place (:func:`finish`) when the
    block ends normally, discarded when it raises."""
    try:
        yield file.handle
    except BaseException:
        file.discard()
        raise
    finish(file)


def finish(file: Replacement) -> None:
    """Put the finished report in place (an ``OSError`` says why it could not be)."""
    try:
        file.commit()
    except OSError as exc:  # e.g. a folder of that name is in the way
        raise _unwritable(file.path, exc) from exc


def _unwritable(path: Path, exc: OSError) -> InputError:
    blocked = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    reason = f"{blocked} is a file, not a folder" if blocked else exc.strerror or str(exc)
    return InputError(
        f"cannot write the report ({reason})",
        where=str(path),
        hint="give --json / --junit a file path in a folder you can write to",
    )


def summary_table(summary: ReplaySummary) -> str:
    """The per-destination table people read at the end of a replay."""
    rows: list[tuple[Any, ...]] = [("destination", "total", "pass", "fail", "error", "skip")]
    for destination, counts in sorted(summary.by_destination.items()):
        total = sum(counts.values())
        rows.append(
            (destination, total, counts["pass"], counts["fail"], counts["error"], counts["skip"])
        )
    c = summary.counts
    rows.append(("all", summary.total, c["pass"], c["fail"], c["error"], c["skip"]))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    if summary.changes:
        lines.append(
            "outcome changes: " + ", ".join(f"{k} x{v}" for k, v in sorted(summary.changes.items()))
        )
    if summary.resumed_skips:
        lines.append(
            f"resumed: {summary.resumed_skips} exchanges already delivered were not re-sent"
        )
    if summary.duplicate_skips:
        lines.append(
            f"duplicates: {summary.duplicate_skips} exchanges whose lead already exists were "
            "skipped (--skip-duplicates)"
        )
    if summary.updated:
        lines.append(f"updated: {summary.updated} recorded requests rewritten to today's mapping")
    lines += extra_summary_lines(summary)
    if summary.not_due:
        lines.append(
            f"not yet due: {summary.not_due} deferred exchanges were left for later "
            f"(the first is due at {summary.next_due}); replay them again then"
        )
    return "\n".join(lines)
