"""Human-readable text for decisions and deliveries (the non ``--json`` output)."""

from __future__ import annotations

import json
from typing import Any

import click

from signaltui.core.decision import Decision


def _json_block(value: Any, indent: str = "  ") -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return "\n".join(indent + line for line in text.splitlines())


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
