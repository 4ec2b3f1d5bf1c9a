"""``signaltui send FILE``: map, send to a target, store, and print what happened."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from signaltui.cli.common import (
    TARGET_HELP,
    app_context,
    blueprints_option,
    destination_option,
    echo_json,
    parse_destinations,
    run_guarded,
    stdin_is_terminal,
)
from signaltui.cli.render import render_delivery
from signaltui.config import Settings
from signaltui.core.events import Event, ResolvedEvent, resolve_stream
from signaltui.core.plan import plan_all
from signaltui.core.request import CRM_NAMES, DESTINATIONS, Destination
from signaltui.errors import DeliveryError
from signaltui.inputs import read_events
from signaltui.recordings import RecordingWriter, exchange_from_result
from signaltui.service import DeliverySession, SentDelivery
from signaltui.store import Store
from signaltui.targets import Target, parse_target


def live_question(count: int, noun: str, destinations: Iterable[str]) -> str:
    """``Send 3 event(s) to the LIVE Apollo and Close APIs?``: what a yes lets go out."""
    names = [CRM_NAMES.get(d, d) for d in DESTINATIONS if d in set(destinations)]
    crms = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return f"Send {count} {noun}(s) to the LIVE {crms or 'CRM'} APIs?"


def confirm_live(target: Target, yes: bool, question: str = "Send to the LIVE CRM APIs?") -> bool:
    """Whether a live send may go ahead: ``--yes``, or a person said so at a prompt."""
    if not target.is_live or yes:
        return True
    if not stdin_is_terminal():
        raise DeliveryError(
            "live sends need confirmation",
            where="--target live",
            hint="add --yes to send to the real CRMs from a script",
        )
    return click.confirm(question, default=False, err=True)


def delivery_json(sent: SentDelivery) -> dict[str, Any]:
    """One line of ``send --json``: decision, outcome, hint, request, response, ids."""
    result = sent.result
    return {
        "destination": result.destination,
        "event": sent.decision.event,
        "target": result.target,
        "action": sent.decision.action,
        "outcome": result.outcome,
        "reason": result.reason,
        "hint": result.hint,
        "warnings": sent.decision.warnings,
        "request": result.request.model_dump() if result.request else None,
        "response": result.response.model_dump() if result.response else None,
        "attempts": len(result.attempts),
        "event_id": sent.event_id,
        "delivery_id": sent.delivery_id,
    }


async def send_file(
    file: Path,
    destinations: list[Destination],
    settings: Settings,
    target: Target,
    *,
    live_confirmed: bool,
    record: Path | None,
    as_json: bool,
    events: list[Event] | None = None,
) -> bool:
    """Send every event of ``file`` (or ``events``, already read from it); print each
    delivery; True when none failed."""
    events = read_events(file) if events is None else events
    all_ok = True
    writer = (
        RecordingWriter(record, secrets=settings.credentials.secret_values()) if record else None
    )
    with Store.open(settings.db) as store:
        session = DeliverySession(settings, target, store=store, live_confirmed=live_confirmed)
        async with session:
            # One stored event per input event, however many destinations it goes to.
            # plan_all yields an event's decisions one after another, so holding the
            # current event (a strong reference, compared by identity) is enough; keying
            # by id() would reuse the ids of events already freed and mislink deliveries.
            current: ResolvedEvent | None = None
            current_id: int | None = None
            for resolved, decision in plan_all(
                resolve_stream(events), destinations, settings.mapping_config
            ):
                if resolved is not current:
                    current, current_id = resolved, None
                sent = await session.deliver(resolved, decision, event_id=current_id)
                if sent.event_id is not None:
                    current_id = sent.event_id
                all_ok = all_ok and sent.result.ok
                # Identify calls are never deliveries: their traits ride on the track line.
                if writer is not None and decision.reason != "identify_only":
                    with writer:
                        writer.write(
                            exchange_from_result(
                                sent.result, event=resolved.merged_json(), decision=decision
                            )
                        )
                if as_json:
                    echo_json(delivery_json(sent))
                else:
                    click.echo(render_delivery(sent))
    return all_ok


@click.command("send")
@click.argument("file", type=click.Path(path_type=Path))
@blueprints_option
@destination_option
@click.option("--target", "-t", default="mock", show_default=True, help=TARGET_HELP)
@click.option("--yes", is_flag=True, help="Confirm a live send without a prompt.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per delivery.")
@click.option(
    "--record",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also append each exchange to this recording (JSONL, secrets redacted).",
)
@click.pass_context
def send_command(
    ctx: click.Context,
    file: Path,
    destination: str,
    target: str,
    yes: bool,
    as_json: bool,
    record: Path | None,
) -> None:
    """Map the events in FILE (- for standard input), send them to TARGET, store and
    print every outcome.

    Exit 0 when everything was delivered or dropped by design, 1 when any delivery
    failed, 2 for bad input. Live sends are never a default and need --yes or a prompt.

    Pacing follows each CRM's own limits: live sends keep to the documented budgets
    (Apollo 200/min per endpoint, Outreach 10,000/hour per user, Close per key and
    endpoint group); every target, a local mock too, is held only as long as its rate
    headers (RateLimit, X-RateLimit-*, Retry-After) say. A wait longer than
    [delivery] max_wait (120 s) ends the delivery as deferred, due at retry_at
    (replay it later with `replay --mode send`).
    """
    destinations = parse_destinations(destination)

    def run() -> bool:
        settings = app_context(ctx).settings()
        parsed = parse_target(target)
        events = None
        question = "Send to the LIVE CRM APIs?"
        if parsed.is_live and not yes:
            # Read first so the prompt can say what a yes sends.
            events = read_events(file)
            tracks = sum(1 for item in events if item.type == "track")
            question = live_question(tracks, "event", destinations)
        if not confirm_live(parsed, yes, question):
            raise DeliveryError("live send cancelled", hint="nothing was sent")
        return asyncio.run(
            send_file(
                file,
                destinations,
                settings,
                parsed,
                live_confirmed=True,
                record=record,
                as_json=as_json,
                events=events,
            )
        )

    if not run_guarded(run):
        ctx.exit(1)
