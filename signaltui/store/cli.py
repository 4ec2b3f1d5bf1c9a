"""``signaltui events``: list, show and search what the store holds.

The store path is ``ctx.obj["db"]`` when the top-level command set one (``--db`` /
``SIGNALTUI_DB``), else the configured default from :func:`signaltui.config.load_settings`.
Exit codes follow docs/cli.md: 0 ok, 2 bad input (an unknown id, a bad date, a bad store).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from signaltui.config import load_settings
from signaltui.core.request import DESTINATIONS
from signaltui.delivery.outcomes import OUTCOMES
from signaltui.errors import SignaltuiError
from signaltui.store import render
from signaltui.store.models import DeliveryRow
from signaltui.store.store import Store

F = TypeVar("F", bound=Callable[..., Any])


def _reports_errors(func: F) -> F:
    """Print a :class:`SignaltuiError` as its message and exit with its code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SignaltuiError as exc:
            click.echo(f"error: {exc.render()}", err=True)
            raise click.exceptions.Exit(exc.exit_code) from None

    return cast(F, wrapper)


def _store_path(ctx: click.Context) -> Path:
    """The store the top-level command chose, whatever shape it passed it in."""
    obj = ctx.find_root().obj
    if isinstance(obj, dict):
        db = obj.get("db")
        return Path(db) if db else load_settings().db
    # The top-level group's context object (duck-typed so the store does not import the
    # CLI package): its settings() honours --db, --config and SIGNALTUI_*.
    settings = getattr(obj, "settings", None)
    if callable(settings):
        return Path(settings().db)
    db = getattr(obj, "db", None)
    return Path(db) if db else load_settings().db


def _open(ctx: click.Context) -> Store:
    return Store.open(_store_path(ctx))


def _print_rows(rows: Sequence[DeliveryRow], as_json: bool) -> None:
    if as_json:
        for row in rows:
            click.echo(row.model_dump_json())
    elif rows:
        click.echo(render.table(rows))
    else:
        click.echo("No deliveries match.", err=True)


_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (one per line).")
_limit_option = click.option(
    "--limit", type=click.IntRange(min=1), default=50, show_default=True, help="At most N rows."
)


@click.group("events")
def events() -> None:
    """Browse stored events and deliveries (newest first)."""


@events.command("list")
@click.option("--email", help="Only this lead email (case-insensitive).")
@click.option("--event", "event_name", metavar="NAME", help="Only this event name.")
@click.option("--destination", type=click.Choice(DESTINATIONS), help="Only this CRM.")
@click.option("--outcome", type=click.Choice(OUTCOMES), help="Only this outcome.")
@click.option("--target", help="Only this target (mock, live or a base URL).")
@click.option("--since", metavar="WHEN", help="From this ISO date/time on (inclusive, UTC).")
@click.option("--until", metavar="WHEN", help="Before this ISO date/time (exclusive, UTC).")
@_limit_option
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip the first N rows.")
@_json_option
@click.pass_context
@_reports_errors
def list_command(
    ctx: click.Context,
    email: str | None,
    event_name: str | None,
    destination: str | None,
    outcome: str | None,
    target: str | None,
    since: str | None,
    until: str | None,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """List deliveries matching every given filter."""
    with _open(ctx) as store:
        rows = store.list_deliveries(
            email=email, event=event_name, destination=destination, outcome=outcome,
            since=since, until=until, target=target, limit=limit, offset=offset,
        )  # fmt: skip
    _print_rows(rows, as_json)


class DeliveryId(click.ParamType):
    """A stored delivery's id as signaltui prints it: ``12`` or ``delivery-12``."""

    name = "delivery id"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        text = str(value).strip().lower().removeprefix("delivery-")
        if text.isdecimal():
            return int(text)
        self.fail(f"{value!r} is not a delivery id; use one like 12 or delivery-12", param, ctx)


@events.command("show")
@click.argument("delivery_id", type=DeliveryId(), metavar="ID")
@_json_option
@click.pass_context
@_reports_errors
def show_command(ctx: click.Context, delivery_id: int, as_json: bool) -> None:
    """Show one delivery: event, decision, request, response and every attempt.

    ID is a delivery id as send, replay and events list print it: 12 or delivery-12.
    """
    with _open(ctx) as store:
        detail = store.get_delivery(delivery_id)
    click.echo(detail.model_dump_json() if as_json else render.detail(detail))


@events.command("search")
@click.argument("text")
@_limit_option
@_json_option
@click.pass_context
@_reports_errors
def search_command(ctx: click.Context, text: str, limit: int, as_json: bool) -> None:
    """Find deliveries by the lead's name, email or company (word prefixes)."""
    with _open(ctx) as store:
        rows = store.search(text, limit=limit)
    _print_rows(rows, as_json)
