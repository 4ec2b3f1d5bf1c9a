"""Rich renderables for decisions, requests, responses and outcomes (no widgets here).

The first screen (the Compose tab's verdicts) needs only :func:`decide_all` and
:func:`verdicts_text`: ``rich.syntax`` (with Pygments, ~15-45 ms to import) and the
delivery records are imported when a request or an outcome is first shown.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from signaltui.config import Settings
from signaltui.core.decision import DROP_REASONS, Decision, TraceEntry
from signaltui.core.events import Event, resolve_event
from signaltui.core.plan import plan
from signaltui.core.request import CRM_NAMES, DESTINATIONS, redact_headers

if TYPE_CHECKING:
    from rich.syntax import Syntax

    from signaltui.delivery.outcomes import DeliveryResult, RecordedRequest, RecordedResponse

OUTCOME_STYLES = {
    "delivered": "bold green",
    "dropped": "bold yellow",
    "rejected": "bold red",
    "failed": "bold red",
    "dead_lettered": "bold magenta",
    "deferred": "bold blue",
}


def decide_all(event: Event, settings: Settings) -> dict[str, Decision]:
    """The decision of every CRM for one composed event."""
    resolved = resolve_event(event)
    config = settings.mapping_config
    return {destination: plan(resolved, destination, config) for destination in DESTINATIONS}


def drop_words(decision: Decision) -> str:
    """Why ``decision`` drops the event, in words: its detail, else the reason's meaning."""
    reason = decision.reason or ""
    return decision.detail or DROP_REASONS.get(reason) or reason.replace("_", " ")


def verdicts_text(decisions: dict[str, Decision], stale: bool = False) -> Text:
    """One line per CRM: ``Apollo   ✓ deliver`` or ``✗ drop: <why, in words>``.

    ``stale``: the editor holds invalid JSON, so these are the last valid event's.
    """
    text = Text()
    if stale:
        text.append("last valid event (the JSON is invalid)\n", "italic yellow")
    for number, (destination, decision) in enumerate(decisions.items()):
        if number:
            text.append("\n")
        text.append(f"{CRM_NAMES.get(destination, destination):<9} ", "bold")
        if decision.action == "deliver":
            text.append("✓ deliver", "bold green")
            if decision.warnings:
                text.append(f" ({len(decision.warnings)} warning(s))", "yellow")
        else:
            text.append("✗ drop", "bold yellow")
            text.append(f": {drop_words(decision)}")
    return text


def trace_table(trace: list[TraceEntry]) -> Table:
    """The field trace as a table whose cells wrap, so every column fits any width."""
    table = Table(expand=True, box=None, pad_edge=False, header_style="bold")
    table.add_column("field", ratio=2, overflow="fold")
    table.add_column("source", ratio=3, overflow="fold")
    table.add_column("rule / why omitted", ratio=3, overflow="fold")
    for entry in trace:
        omitted = entry.omitted
        rule = Text(f"✗ omitted: {entry.rule}", "yellow") if omitted else Text(entry.rule)
        # Text, not str: a rule or source from the user's blueprint is shown as written.
        table.add_row(Text(entry.field), Text(entry.source), rule)
    return table


def json_block(value: Any) -> Syntax:
    """``value`` as highlighted, wrapped JSON."""
    from rich.syntax import Syntax

    text = json.dumps(value, indent=2, ensure_ascii=False)
    return Syntax(text, "json", theme="ansi_dark", word_wrap=True, background_color="default")


def verdict(decision: Decision) -> Text:
    """``DELIVER`` or ``DROP reason`` with the detail and warnings underneath."""
    text = Text()
    if decision.action == "deliver":
        text.append("DELIVER", "bold green")
        text.append(f"  {decision.event} → {decision.destination}")
    else:
        text.append(f"DROP {decision.reason}", "bold yellow")
        reason = DROP_REASONS.get(decision.reason or "", "")
        text.append(f"  {decision.detail or reason}")
    for warning in decision.warnings:
        text.append(f"\n! {warning}", "yellow")
    return text


def _append_headers(head: Text, headers: dict[str, str]) -> None:
    # Masked here too, though records and preview contracts arrive redacted: the screen
    # is the last place a secret could leak, so it does not rely on its callers.
    for name, value in redact_headers(headers).items():
        head.append(f"\n{name}: ", "bold cyan")
        head.append(value)


def request_view(request: dict[str, Any] | RecordedRequest | None) -> RenderableType:
    """Method, URL, headers (secrets masked) and the highlighted JSON body."""
    from signaltui.delivery.outcomes import RecordedRequest

    if request is None:
        return Text("no request: nothing would be sent", "dim")
    data = request.model_dump() if isinstance(request, RecordedRequest) else request
    head = Text()
    head.append(f"{data['method']} ", "bold")
    head.append(str(data["url"]), "underline")
    _append_headers(head, dict(data.get("headers") or {}))
    return Group(head, json_block(data.get("body")))


def response_view(response: RecordedResponse | None, error: str | None = None) -> RenderableType:
    """Status, headers and body of a response (or the transport error instead)."""
    if response is None:
        return Text(error or "no response", "red" if error else "dim")
    head = Text()
    style = "bold green" if response.status < 400 else "bold red"
    head.append(f"HTTP {response.status}", style)
    head.append(f"  {response.latency_ms:.0f} ms", "dim")
    _append_headers(head, response.headers)
    return Group(head, json_block(response.body))


def exchange_views(result: DeliveryResult) -> tuple[RenderableType, RenderableType]:
    """The request and the response of ``result``, to show side by side.

    Without a response the last attempt's transport error (timeout, dropped connection)
    takes its place, so the person sees why nothing came back.
    """
    last = result.attempts[-1] if result.attempts else None
    error = last.error if last else None
    return request_view(result.request), response_view(result.response, error)


def outcome_line(result: DeliveryResult) -> Text:
    """``apollo · delivered (2 attempts)`` and the troubleshooting hint, if any."""
    text = Text()
    text.append(f"{result.destination} · ", "bold")
    text.append(result.outcome, OUTCOME_STYLES.get(result.outcome, "bold"))
    if result.reason:
        text.append(f" · {result.reason}")
    if result.attempts:
        count = len(result.attempts)
        text.append(f"  ({count} attempt{'s' if count != 1 else ''}, target {result.target})")
    if result.retry_at:
        text.append(f"  due {result.retry_at}")
    if result.hint:
        text.append(f"\nhint: {result.hint}", "italic yellow")
    return text


def attempts_view(result: DeliveryResult) -> Text:
    """One line per attempt: number, status or error, and the wait that followed."""
    text = Text()
    for attempt in result.attempts:
        status = f"HTTP {attempt.response.status}" if attempt.response else attempt.error
        wait = f", waited {attempt.wait_seconds:.1f}s" if attempt.wait_seconds else ""
        kind = "look-up " if attempt.kind == "lookup" else ""
        note = f" ({attempt.note})" if attempt.note else ""
        text.append(f"#{attempt.number} {kind}{attempt.request.method} {attempt.request.url} → ")
        text.append(f"{status}{note}{wait}\n")
    return text
