"""Human-readable text for decisions and deliveries (the non ``--json`` output)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from signaltui.core.decision import Decision

if TYPE_CHECKING:  # at run time only send needs it; preview must not import httpx
    from signaltui.service import SentDelivery


def _json_block(value: Any, indent: str = "  ") -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return "\n".join(indent + line for line in text.splitlines())


def _compact(value: Any, limit: int = 600) -> str:
    """One-line JSON, cut at ``limit`` characters (CRM answers echo dozens of nulls)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters; --json shows all)"


def render_request(request: dict[str, Any], indent: str = "  ") -> str:
    """Method, URL, headers and the JSON body, as a person would read it."""
    lines = [f"{indent}{request['method']} {request['url']}"]
    lines += [f"{indent}{name}: {value}" for name, value in request.get("headers", {}).items()]
    lines.append(_json_block(request.get("body"), indent))
    return "\n".join(lines)


def render_decision(decision: Decision, secret: str | None = None) -> str:
    """A decision for people: verdict line, request, warnings and the field trace."""
    if decision.action == "deliver":
        verdict = click.style("DELIVER", fg="green", bold=True)
    else:
        verdict = click.style(f"DROP {decision.reason}", fg="yellow", bold=True)
    lines = [f"── {decision.destination} · {decision.event} · {verdict}"]
    if decision.detail:
        lines.append(f"  {decision.detail}")
    contract = decision.request_contract(secret)
    if contract is not None:
        lines.append(render_request(contract))
    for warning in decision.warnings:
        lines.append(click.style(f"  ! {warning}", fg="yellow"))
    if decision.trace:
        lines.append("  trace:")
        width = max(len(entry.field) for entry in decision.trace)
        for entry in decision.trace:
            mark = "✗" if entry.omitted else "←"
            text = f"    {entry.field:<{width}} {mark} {entry.source} ({entry.rule})"
            lines.append(click.style(text, dim=True) if entry.omitted else text)
    return "\n".join(lines)


def render_delivery(sent: SentDelivery) -> str:
    """A sent (or dropped) delivery: verdict, request, response, outcome and hint."""
    result = sent.result
    colour = {"delivered": "green", "dropped": "yellow"}.get(result.outcome, "red")
    status = f" {result.response.status}" if result.response else ""
    attempts = f", {len(result.attempts)} attempt(s)" if result.attempts else ""
    verdict = click.style(f"{result.outcome.upper()}{status}", fg=colour, bold=True)
    lines = [
        f"── {result.destination} · {sent.decision.event} → {result.target} · {verdict}{attempts}"
    ]
    if result.request is not None:
        lines.append(render_request(result.request.model_dump()))
    if result.response is not None:
        lines.append(f"  ← {result.response.status} ({result.response.latency_ms:.0f} ms)")
        lines.append("    " + _compact(result.response.body))
    elif result.attempts and result.attempts[-1].error:
        lines.append(f"  ← {result.attempts[-1].error}")
    if result.reason:
        lines.append(f"  reason: {result.reason}")
    if result.hint:
        lines.append(click.style(f"  hint: {result.hint}", fg="cyan"))
    for warning in sent.decision.warnings:
        lines.append(click.style(f"  ! {warning}", fg="yellow"))
    if sent.delivery_id is not None:
        stored = f"delivery-{sent.delivery_id}"
        text = f"  stored as {stored} (signaltui events show {stored})"
        lines.append(click.style(text, dim=True))
    return "\n".join(lines)
