"""What the people's reports (HTML, markdown) need from a replay, gathered as it runs.

Counts per CRM and outcome are kept in memory (a handful of numbers); each failing
exchange is written, already redacted, as one JSON line to an anonymous temporary file,
so a replay with many failures still runs in constant memory. Reports render from it
when the replay ends.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from signaltui.recordings.redact import scrub
from signaltui.replay.results import ExchangeResult, ReplaySummary, model_json

#: Failing exchanges shown in full in one report; the rest are counted, not shown.
SHOWN_FAILURES = 500


class ReportBook:
    """Tallies and redacted failure records for one replay."""

    def __init__(self, mode: str, secrets: Iterable[str] = (), shown: int = SHOWN_FAILURES):
        self.mode = mode
        self.secrets = tuple(secrets)
        self.shown = shown
        #: ``{crm: Counter(outcome)}``: the recorded outcome in verify, the new one in send.
        self.outcomes: dict[str, Counter[str]] = {}
        #: ``{crm: Counter(status)}`` (pass / fail / error / skip).
        self.statuses: dict[str, Counter[str]] = {}
        self.failing = 0
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - close()

    def add(self, result: ExchangeResult) -> None:
        """Count one result; keep it when it failed and there is room to show it."""
        crm = result.destination
        outcome = result.outcome_after or (result.exchange.outcome if result.exchange else "?")
        self.outcomes.setdefault(crm, Counter())[outcome] += 1
        self.statuses.setdefault(crm, Counter())[result.status] += 1
        if result.status not in ("fail", "error"):
            return
        self.failing += 1
        if self.failing <= self.shown:
            self._spool.write(json.dumps(self.record(result), ensure_ascii=False) + "\n")

    def record(self, result: ExchangeResult) -> dict[str, Any]:
        """One failing exchange as the reports show it; every string redacted."""
        exchange = result.exchange
        record: dict[str, Any] = {
            **result.to_json(),
            "differences": [{**d.to_json(), "text": d.describe()} for d in result.differences],
            "recorded": None,
            "replayed": result.replayed_json(),
        }
        if exchange is not None:
            record["recorded"] = {
                "outcome": exchange.outcome,
                "request": model_json(exchange.request),
                "response": model_json(exchange.response),
            }
        redacted: dict[str, Any] = scrub(record, self.secrets)
        return redacted

    def failures(self) -> Iterator[dict[str, Any]]:
        """The kept failure records, in the order they happened."""
        self._spool.flush()
        self._spool.seek(0)
        for line in self._spool:
            yield json.loads(line)

    @property
    def hidden(self) -> int:
        """Failing exchanges counted but not kept (beyond :attr:`shown`)."""
        return max(0, self.failing - self.shown)

    def close(self) -> None:
        """Drop the temporary file."""
        self._spool.close()


def http_text(message: dict[str, Any] | None, *, response: bool = False) -> str:
    """A recorded request or response as people read HTTP: start line, headers, body."""
    if message is None:
        return "(no response: the connection failed or dropped)" if response else "(none)"
    if response:
        head = f"HTTP {message.get('status')}"
    else:
        head = f"{message.get('method')} {message.get('url')}"
    lines = [head] + [f"{k}: {v}" for k, v in (message.get("headers") or {}).items()]
    body = message.get("body")
    if body is not None:
        text = body if isinstance(body, str) else json.dumps(body, indent=2, ensure_ascii=False)
        lines += ["", text]
    return "\n".join(lines)


def verdict(summary: ReplaySummary) -> str:
    """``3 failing of 40`` / ``all 38 checked passed (2 skipped)`` style headline."""
    counts, total = summary.counts, summary.total
    bad = counts["fail"] + counts["error"]
    if bad:
        return f"{bad} failing of {total}"
    if total == 0:
        return "nothing was replayed"
    if not summary.ok:
        return f"nothing was checked: {summary.no_event} exchange(s) without an event"
    return f"all {total - counts['skip']} checked passed ({counts['skip']} skipped)"
