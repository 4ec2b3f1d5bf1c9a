"""``replay --markdown FILE`` and the GitHub Actions job summary (``GITHUB_STEP_SUMMARY``).

GitHub renders the job summary as GitHub-flavoured markdown with a little HTML
(``<details>``), and caps it at 1 MiB per step, so the summary shows a bounded number of
failures; ``--markdown FILE`` shows as many as the HTML report. Values from recordings
never go into markdown syntax raw: table cells and ``<summary>`` lines are HTML-escaped
(with ``|`` escaped too), and bodies sit in code fences longer than any backtick run
inside them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from signaltui.errors import InputError
from signaltui.replay.report import completing, open_beside
from signaltui.replay.report_book import ReportBook, http_text, verdict
from signaltui.replay.results import ExchangeResult, ReplaySummary

#: Failing exchanges shown in a job summary (GitHub cuts a summary at 1 MiB).
STEP_SUMMARY_FAILURES = 25


def cell(value: Any) -> str:
    """Text safe in a markdown table cell or an HTML line: escaped, ``|`` and newlines too."""
    return html.escape(str(value), quote=True).replace("|", "&#124;").replace("\n", " ")


def fenced(text: str, language: str = "") -> str:
    """``text`` in a code fence that nothing inside it can close."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}\n"


class MarkdownReport:
    """Collects results; writes markdown to ``path`` (replaced) or appends it (job summary)."""

    def __init__(
        self,
        path: Path,
        mode: str,
        secrets: Iterable[str] = (),
        *,
        append: bool = False,
        shown: int | None = None,
    ) -> None:
        self.path = path
        self.mode = mode
        self.append = append
        # A file report's scratch file is made now, so an unwritable path fails first.
        self._scratch_file = None if append else open_beside(path)
        self.book = ReportBook(mode, secrets, **({"shown": shown} if shown is not None else {}))

    def add(self, result: ExchangeResult) -> None:
        """Count one exchange (and keep it when it failed)."""
        self.book.add(result)

    def close(self, summary: ReplaySummary) -> None:
        """Write (or append) the report."""
        try:
            if self.append:
                try:
                    with self.path.open("a", encoding="utf-8") as summary_file:
                        self._write(summary_file, summary)
                except OSError as exc:
                    raise InputError(
                        f"cannot append the job summary: {exc.strerror or exc}",
                        where=f"GITHUB_STEP_SUMMARY={self.path}",
                        hint="unset GITHUB_STEP_SUMMARY outside GitHub Actions",
                    ) from exc
                return
            assert self._scratch_file is not None
            with completing(self._scratch_file) as out:
                self._write(out, summary)
        finally:
            self.book.close()

    def discard(self) -> None:
        """Drop an unfinished report; nothing is written."""
        if self._scratch_file is not None:
            self._scratch_file.discard()
        self.book.close()

    def _write(self, out: IO[str], summary: ReplaySummary) -> None:
        mark = "✅" if summary.ok else "❌"
        out.write(f"## {mark} signaltui replay {self.mode}: {cell(verdict(summary))}\n\n")
        out.write("| CRM | total | pass | fail | error | skip | outcomes |\n")
        out.write("|---|---:|---:|---:|---:|---:|---|\n")
        book = self.book
        for crm in sorted(book.statuses):
            c = book.statuses[crm]
            outcomes = ", ".join(f"{k} {v}" for k, v in sorted(book.outcomes[crm].items()))
            out.write(f"| {cell(crm)} | {_row(c)} | {cell(outcomes)} |\n")
        out.write(f"| **all** | {_row(summary.counts)} | |\n\n")
        if summary.no_event:
            out.write(f"{summary.no_event} captured exchange(s) without an event were skipped.\n\n")
        ignored = ", ".join(f"<code>{cell(p)}</code>" for p in summary.ignored) or "none"
        out.write(f"Ignored body fields: {ignored}\n\n")
        if not book.failing:
            return
        out.write(f"### Failing exchanges ({book.failing})\n\n")
        for record in book.failures():
            out.write(_failure(record))
        if book.hidden:
            out.write(
                f"{book.hidden} more failing exchange(s) not shown; "
                "the JUnit, JSON or HTML report has them.\n\n"
            )


def _row(counts: Any) -> str:
    keys = ("pass", "fail", "error", "skip")
    return " | ".join(str(n) for n in [sum(counts[k] for k in keys), *(counts[k] for k in keys)])


def _failure(record: dict[str, Any]) -> str:
    title = f"{record['status']}: {record['destination']} · {record['event']} · [{record['id']}]"
    if record.get("message"):
        title += f" — {record['message']}"
    parts = [f"<details><summary>{cell(title)}</summary>\n\n", f"`{cell(record['source'])}`\n\n"]
    if record.get("hint"):
        parts.append(f"hint: {cell(record['hint'])}\n\n")
    if record["differences"]:
        parts.append(fenced("\n".join(d["text"] for d in record["differences"]), "text"))
    recorded = record.get("recorded") or {}
    parts.append("\nRecorded request:\n\n" + fenced(http_text(recorded.get("request")), "http"))
    response = http_text(recorded.get("response"), response=True)
    parts.append("\nRecorded response:\n\n" + fenced(response, "http"))
    replayed = record.get("replayed") or {}
    if replayed.get("request") is not None:
        parts.append("\nRequest now:\n\n" + fenced(http_text(replayed["request"]), "http"))
    if "response" in replayed:
        now = http_text(replayed["response"], response=True)
        parts.append("\nResponse now:\n\n" + fenced(now, "http"))
    parts.append("\n</details>\n\n")
    return "".join(parts)
