"""``replay --html FILE``: one self-contained page a person opens in a browser.

No script, no external stylesheet, font or image: the CSS is inline and a Content
Security Policy forbids every fetch, so the page shows the same offline, from a CI
artifact or an email attachment. Every value from a recording is HTML-escaped (a
recorded body may hold anything, ``<script>`` included) and was redacted before it got
here. Failing exchanges are ``<details>`` blocks: the summary line says which CRM,
event and id; opened, it shows the differences, the recorded request and response, and
what the replay made.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from signaltui import __version__
from signaltui.replay.report import completing, open_beside
from signaltui.replay.report_book import ReportBook, http_text, verdict
from signaltui.replay.results import ExchangeResult, ReplaySummary

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2330;
background:#f6f7f9}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
h3{font-size:13px;margin:14px 0 4px;text-transform:uppercase;color:#5b6475;letter-spacing:.04em}
.verdict{font-size:16px;font-weight:600;padding:8px 12px;border-radius:6px;display:inline-block}
.ok{background:#dff3e4;color:#17612d}.bad{background:#fbe3e1;color:#8a1c12}
.meta{color:#5b6475;margin:6px 0 0}
table{border-collapse:collapse;background:#fff;min-width:520px}
th,td{border:1px solid #d8dce3;padding:5px 9px;text-align:left;vertical-align:top}
th{background:#eef0f4;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.all td{font-weight:600}
details{background:#fff;border:1px solid #d8dce3;border-radius:6px;margin:8px 0;padding:0 12px}
details[open]{padding-bottom:12px}summary{cursor:pointer;padding:9px 0;font-weight:600}
.badge{display:inline-block;min-width:40px;text-align:center;border-radius:4px;padding:0 6px;
margin-right:8px;font-size:12px;color:#fff}.fail{background:#c0392b}.error{background:#7d3c98}
code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#f3f4f7;border:1px solid #e1e4ea;border-radius:4px;padding:8px;overflow:auto;
max-height:360px;white-space:pre-wrap;word-break:break-word}
.old{color:#8a1c12}.new{color:#17612d}.hint{color:#1f5f8b}.cols{display:flex;gap:12px}
.cols>div{flex:1;min-width:0}ul.ignored code{background:#eef0f4;padding:1px 4px}
"""


def e(value: Any) -> str:
    """``value`` as text, HTML-escaped (quotes included: safe inside attributes too)."""
    return html.escape(str(value), quote=True)


class HtmlReport:
    """Collects results as the replay runs; writes the page on :meth:`close`."""

    def __init__(self, path: Path, mode: str, secrets: Iterable[str] = ()) -> None:
        self.path = path
        self.mode = mode
        # The scratch file is made now, so a path that cannot be written fails the run
        # before it starts rather than after it ran.
        self._file = open_beside(path)
        self.book = ReportBook(mode, secrets)

    def add(self, result: ExchangeResult) -> None:
        """Count one exchange (and keep it when it failed)."""
        self.book.add(result)

    def close(self, summary: ReplaySummary) -> None:
        """Write the finished page, replacing ``path`` in one step."""
        try:
            with completing(self._file) as out:
                self._write(out, summary)
        finally:
            self.book.close()

    def discard(self) -> None:
        """Drop an unfinished report; whatever is at ``path`` stays."""
        self._file.discard()
        self.book.close()

    def _write(self, out: IO[str], summary: ReplaySummary) -> None:
        headline = verdict(summary)
        out.write(
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
            '<meta http-equiv="Content-Security-Policy" '
            "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>signaltui replay {e(self.mode)}: {e(headline)}</title>\n"
            f"<style>{_CSS}</style></head><body>\n"
            f"<h1>signaltui replay · {e(self.mode)}</h1>\n"
            f'<div class="verdict {"ok" if summary.ok else "bad"}">{e(headline)}</div>\n'
            f'<p class="meta">signaltui {e(__version__)} · {summary.total} exchange(s)</p>\n'
        )
        self._summary(out, summary)
        self._ignored(out, summary)
        self._failures(out)
        out.write("</body></html>\n")

    def _summary(self, out: IO[str], summary: ReplaySummary) -> None:
        label = "recorded outcomes" if self.mode == "verify" else "outcomes now"
        out.write(
            "<h2>Summary by CRM and outcome</h2>\n<table><tr><th>CRM</th><th>total</th>"
            f"<th>pass</th><th>fail</th><th>error</th><th>skip</th><th>{e(label)}</th></tr>\n"
        )
        for crm in sorted(self.book.statuses):
            counts = self.book.statuses[crm]
            outcomes = ", ".join(f"{k} {v}" for k, v in sorted(self.book.outcomes[crm].items()))
            out.write(f"<tr><td>{e(crm)}</td>" + _counts(counts) + f"<td>{e(outcomes)}</td></tr>\n")
        out.write('<tr class="all"><td>all</td>' + _counts(summary.counts) + "<td></td></tr>\n")
        out.write("</table>\n")
        notes = [
            (summary.no_event, "captured exchange(s) without an event were skipped"),
            (summary.resumed_skips, "already delivered by an interrupted run were not re-sent"),
            (summary.updated, "recorded request(s) rewritten to today's mapping"),
        ]
        for count, text in notes:
            if count:
                out.write(f'<p class="meta">{count} {e(text)}</p>\n')

    def _ignored(self, out: IO[str], summary: ReplaySummary) -> None:
        out.write("<h2>Ignored body fields</h2>\n")
        if not summary.ignored:
            out.write('<p class="meta">none: every body field was compared</p>\n')
            return
        items = "".join(f"<li><code>{e(p)}</code></li>" for p in summary.ignored)
        out.write(f'<ul class="ignored">{items}</ul>\n')

    def _failures(self, out: IO[str]) -> None:
        book = self.book
        out.write(f"<h2>Failing exchanges ({book.failing})</h2>\n")
        if not book.failing:
            out.write('<p class="meta">none</p>\n')
        for number, record in enumerate(book.failures()):
            # The first one opens by itself: it is what a person came to see.
            out.write(_failure(record, self.mode, opened=number == 0))
        if book.hidden:
            out.write(
                f'<p class="meta">{book.hidden} more failing exchange(s) are not shown here; '
                "the --json or --junit report lists every one.</p>\n"
            )


def _counts(counts: Any) -> str:
    total = sum(counts[k] for k in ("pass", "fail", "error", "skip"))
    cells = [total] + [counts[k] for k in ("pass", "fail", "error", "skip")]
    return "".join(f'<td class="n">{n}</td>' for n in cells)


def _failure(record: dict[str, Any], mode: str, *, opened: bool = False) -> str:
    status = record["status"]
    title = f"{record['destination']} · {record['event']} · [{record['id']}]"
    parts = [
        f"<details{' open' if opened else ''}><summary>"
        f'<span class="badge {e(status)}">{e(status)}</span>{e(title)}'
        f" — {e(record.get('message') or '')}</summary>\n",
        f'<p class="meta">{e(record["source"])}</p>\n',
    ]
    if record.get("hint"):
        parts.append(f'<p class="hint">hint: {e(record["hint"])}</p>\n')
    if record["differences"]:
        right = "today" if mode == "verify" else "replayed"
        parts.append(
            f"<h3>Differences</h3><table><tr><th>path</th><th>recorded</th><th>{right}</th></tr>\n"
        )
        for diff in record["differences"]:
            old, new = _side(diff, "old"), _side(diff, "new")
            parts.append(
                f"<tr><td><code>{e(diff['path'])}</code></td>"
                f'<td class="old"><code>{e(old)}</code></td>'
                f'<td class="new"><code>{e(new)}</code></td></tr>\n'
            )
        parts.append("</table>\n")
    recorded = record.get("recorded") or {}
    replayed = record.get("replayed") or {}
    parts.append('<div class="cols"><div>')
    parts.append(_block("Recorded request", http_text(recorded.get("request"))))
    parts.append(_block("Recorded response", http_text(recorded.get("response"), response=True)))
    parts.append("</div><div>")
    if "request" in replayed:
        parts.append(_block("Request now", http_text(replayed.get("request"))))
    if "response" in replayed:
        parts.append(_block("Response now", http_text(replayed.get("response"), response=True)))
    parts.append("</div></div></details>\n")
    return "".join(parts)


def _side(diff: dict[str, Any], key: str) -> str:
    import json

    return json.dumps(diff[key], ensure_ascii=False) if key in diff else "(absent)"


def _block(title: str, text: str) -> str:
    return f"<h3>{e(title)}</h3><pre>{e(text)}</pre>\n"
