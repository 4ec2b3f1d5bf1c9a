"""The send plan in ``signaltui replay --mode send``: ``--plan``, the live question, and
what ``--skip-duplicates`` leaves out. The plan itself is :mod:`signaltui.replay.plan`."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from signaltui.cli.common import stdin_is_terminal
from signaltui.config import Settings
from signaltui.errors import InputError
from signaltui.replay.select import Selection
from signaltui.targets import Target

if TYPE_CHECKING:  # a send without a plan to show (the usual one) loads neither module
    from signaltui.replay.plan import SendPlan


@dataclass(frozen=True)
class PlanRequest:
    """What the plan is of, from the command line."""

    paths: tuple[Path, ...]
    selection: Selection
    concurrency: int = 4
    fresh: bool = False
    skip_duplicates: bool = False
    check_target: bool = False
    check_limit: int = 1000


def build_plan(settings: Settings, target: Target, asked: PlanRequest) -> SendPlan:
    """The plan of this send replay; with ``check_target`` the target is read, never written."""
    from signaltui.replay.plan_build import make_plan
    from signaltui.service import DeliverySession
    from signaltui.store import Store

    async def plan(store: Store | None) -> SendPlan:
        async def made(check: DeliverySession | None) -> SendPlan:
            return await make_plan(
                list(asked.paths), settings, target, asked.selection, store=store,
                concurrency=asked.concurrency, fresh=asked.fresh,
                skip_duplicates=asked.skip_duplicates, check=check,
                check_limit=asked.check_limit,
            )  # fmt: skip

        if not asked.check_target:
            return await made(None)
        # A session that never stores and never sends: only look-ups go through it.
        async with DeliverySession(settings, target, store=None) as session:
            return await made(session)

    if not settings.db.exists():
        return asyncio.run(plan(None))  # no store yet: nothing delivered, none created
    with Store.open(settings.db) as store:
        return asyncio.run(plan(store))


def show_plan(settings: Settings, target: str, asked: PlanRequest, json_path: Path | None) -> int:
    """``--plan``: build and print the plan; returns how many exchanges it holds."""
    from signaltui.targets import parse_target

    plan = build_plan(settings, parse_target(target), asked)
    print_plan(plan, json_path)
    return len(plan.exchanges)


def print_plan(plan: SendPlan, json_path: Path | None) -> None:
    """``--plan``: the plan for people, or with ``--json F`` (``-``: standard output) as
    the JSON document."""
    from signaltui.replay.plan_format import plan_json, plan_text

    if json_path is None:
        click.echo(plan_text(plan, header=_header(plan)))
        return
    text = json.dumps(plan_json(plan), indent=2, sort_keys=False)
    if str(json_path) == "-":
        click.echo(text)
        return
    try:
        json_path.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot write the plan: {exc.strerror}", where=str(json_path), hint="check the path"
        ) from exc
    click.echo(f"wrote the send plan to {json_path}", err=True)


def _header(plan: SendPlan) -> str:
    where = "the LIVE CRM APIs" if plan.live else plan.target
    return f"Send plan: {len(plan.exchanges)} exchange(s) to {where} (nothing sent)"


def confirm_live_plan(plan: SendPlan, yes: bool) -> None:
    """Show a live send replay's plan and ask before it starts (``--yes``: no question).

    Without a terminal and without ``--yes`` this is bad input (exit 2): a script must
    say it means it, or ask for the plan only.
    """
    from signaltui.replay.plan_format import plan_text

    sending = len(plan.sends())
    click.echo(plan_text(plan, header=f"Send plan: {sending} exchange(s) would go LIVE"), err=True)
    if yes:
        return
    if not stdin_is_terminal():
        raise InputError(
            "a send replay to the LIVE CRMs needs confirmation",
            where="replay --mode send --target live",
            hint="pass --yes to send, or --plan to see the plan only (nothing is sent)",
        )
    from signaltui.cli.send import live_question

    question = live_question(sending, "recorded exchange", [x.destination for x in plan.sends()])
    try:
        answer = click.confirm(question, default=False, err=True)
    except click.Abort:
        answer = False
    if not answer:
        raise InputError("live replay cancelled", hint="nothing was sent")
