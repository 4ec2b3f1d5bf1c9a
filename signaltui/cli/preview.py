"""``signaltui preview FILE``: what each CRM would receive and why (docs/cli.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from signaltui.cli.common import (
    app_context,
    blueprints_option,
    destination_option,
    parse_destinations,
    run_guarded,
)
from signaltui.cli.output import LineWriter
from signaltui.core.events import resolve_stream
from signaltui.core.plan import plan_all
from signaltui.event_stream import EventStream

if TYPE_CHECKING:
    from collections.abc import Callable

    from signaltui.config import Credentials
    from signaltui.core.decision import Decision


def preview_secret(destination: str, credentials: Credentials) -> str | None:
    """The secret a preview may show with ``--show-secrets``.

    Outreach's bearer token only exists once the refresh token is exchanged at send
    time, so its preview stays masked.
    """
    names = {"apollo": "apollo_api_key", "close": "close_api_key"}
    return credentials.get(names[destination]) if destination in names else None


def _text_renderer() -> Callable[[Decision, str | None], str]:
    from signaltui.cli.render import render_decision

    return render_decision


@click.command("preview")
@click.argument("file", type=click.Path(path_type=Path))
@blueprints_option
@destination_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per (event, destination).")
@click.option("--show-secrets", is_flag=True, help="Show configured credentials unmasked.")
@click.pass_context
def preview_command(
    ctx: click.Context, file: Path, destination: str, as_json: bool, show_secrets: bool
) -> None:
    """Show the exact request each CRM would get for the events in FILE, or why not.

    FILE holds one event object or JSON Lines of a stream; identify calls lend their
    traits to later track events of the same userId/anonymousId. Nothing is sent.
    """
    destinations = parse_destinations(destination)

    def run() -> None:
        settings = app_context(ctx).settings()
        credentials = settings.credentials if show_secrets else None
        # A stream end to end: each event is read, planned and printed before the next
        # is read, so memory does not grow with the file (only with the people in it,
        # whose identify traits later events may need).
        events = EventStream(file)
        decisions = plan_all(resolve_stream(events), destinations, settings.mapping_config)
        # The text renderer is imported only when it is used.
        render = None if as_json else _text_renderer()
        with LineWriter() as out:
            for _, decision in decisions:
                secret = None
                if credentials is not None:
                    secret = preview_secret(decision.destination, credentials)
                if render is None:
                    out.contract(decision.to_contract(secret))
                else:
                    out.text(render(decision, secret))

    run_guarded(run)
