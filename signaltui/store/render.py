"""Plain-text views of stored deliveries for ``signaltui events`` (people, not machines).

Machine output is ``--json``; these layouts may change between versions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from signaltui.store.models import DeliveryDetail, DeliveryRow

_COLUMNS = ("ID", "CREATED", "DESTINATION", "TARGET", "OUTCOME", "HTTP", "TRIES", "EVENT", "EMAIL")


def _short_time(stamp: str | None) -> str:
    # Seconds are enough for a list; `show` prints the full timestamp.
    return stamp[:19].replace("T", " ") if stamp else "-"


def _cell(value: Any, width: int = 32) -> str:
    text = "-" if value is None or value == "" else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _outcome_cell(r: DeliveryRow) -> str:
    # A deferred delivery says when it is due rather than why (its reason is long).
    if r.outcome == "deferred" and r.retry_at:
        return f"deferred (due {r.retry_at})"
    return r.outcome + (f" ({r.reason})" if r.reason else "")


def table(rows: Sequence[DeliveryRow]) -> str:
    """An aligned table, one delivery per line, newest first as given."""
    lines = [
        (
            str(r.id),
            _short_time(r.created_at),
            r.destination,
            _cell(r.target, 24),
            _outcome_cell(r),
            _cell(r.response_status),
            str(r.attempt_count),
            _cell(r.event),
            _cell(r.email),
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [_COLUMNS, *lines]) for i in range(len(_COLUMNS))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in [_COLUMNS, *lines]
    )


def _json_block(value: Any, indent: str = "    ") -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return "\n".join(indent + line for line in text.splitlines())


def _who(d: DeliveryDetail) -> str:
    parts = [p for p in (d.name, f"<{d.email}>" if d.email else None) if p]
    who = " ".join(parts) or "(no name or email)"
    return f"{who}, {d.company}" if d.company else who


def detail(d: DeliveryDetail) -> str:
    """Everything stored about one delivery, as indented sections."""
    status = f"HTTP {d.response_status}" if d.response_status is not None else "no response"
    tries = f"{d.attempt_count} attempt" + ("" if d.attempt_count == 1 else "s")
    out = [
        f"Delivery {d.id}: {d.destination} -> {d.target} ({d.mode})",
        f"  outcome    {d.outcome} ({status}, {tries})",
        f"  action     {d.action}" + (f", reason: {d.reason}" if d.reason else ""),
    ]
    if d.retry_at:
        out.append(f"  due        {d.retry_at}")
    if d.hint:
        out.append(f"  hint       {d.hint}")
    out.append(f"  created    {d.created_at}   finished {d.finished_at or '-'}")
    if d.run_id is not None or d.replay_of or d.exchange_key:
        replay = f"  replay     run {d.run_id or '-'}, of {d.replay_of or '-'}"
        out.append(replay + f", key {d.exchange_key or '-'}")
    out.append(f"  event      #{d.event_id} {d.event_row.type or '?'} {d.event or ''}".rstrip())
    out.append(f"  lead       {_who(d)}")
    for warning in d.decision.get("warnings") or []:
        out.append(f"  warning    {warning}")
    if d.request is not None:
        out.append(f"  request    {d.request.method} {d.request.url}")
        out.append(_json_block({"headers": d.request.headers, "body": d.request.body}))
    if d.response is not None:
        out.append(f"  response   {d.response.status} ({d.response.latency_ms:.1f} ms)")
        out.append(_json_block({"headers": d.response.headers, "body": d.response.body}))
    if d.attempts:
        out.append("  attempts")
    for a in d.attempts:
        got = str(a.response.status) if a.response else (a.error or "no response")
        wait = f", then waited {a.wait_seconds:g}s" if a.wait_seconds else ""
        kind = f"look-up {a.request.method} {a.request.url}  " if a.kind == "lookup" else ""
        note = f" ({a.note})" if a.note else ""
        out.append(f"    {a.number}. {a.started_at}  {kind}{got}{note}{wait}")
    return "\n".join(out)
