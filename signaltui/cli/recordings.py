"""``signaltui recordings export``: stored deliveries out as a recording (docs/recordings.md)."""

from __future__ import annotations

from pathlib import Path

import click

from signaltui.cli.common import app_context, run_guarded
from signaltui.cli.har import import_command, open_writer
from signaltui.delivery.outcomes import OUTCOMES

# Moved to signaltui.recordings.from_store (the TUI's History re-sends from them too);
# still importable from here.
from signaltui.recordings.from_store import exchange_from_detail, iter_details
from signaltui.store import Store

__all__ = ["exchange_from_detail", "iter_details", "recordings_group"]


@click.group("recordings")
def recordings_group() -> None:
    """Recorded traffic: export stored deliveries for replay, import HAR captures."""


recordings_group.add_command(import_command)  # `recordings import FILE.har` (cli/har.py)


@recordings_group.command("export")
@click.option(
    "--outcome", type=click.Choice(OUTCOMES), help="Only deliveries that ended so (e.g. failed)."
)
@click.option(
    "--destination", type=click.Choice(["apollo", "outreach", "close"]), help="Only this CRM."
)
@click.option("--email", help="Only this lead email.")
@click.option("--event", "event_name", help="Only this event name.")
@click.option("--since", help="From this ISO date/time on (UTC).")
@click.option("--until", help="Before this ISO date/time (UTC).")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="The recording to write; - writes it to stdout.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "har"]),
    default="jsonl",
    show_default=True,
    help="jsonl: a signaltui recording; har: HAR 1.2 for HTTP tools (docs/reports-and-har.md).",
)
@click.pass_context
def export_command(
    ctx: click.Context,
    outcome: str | None,
    destination: str | None,
    email: str | None,
    event_name: str | None,
    since: str | None,
    until: str | None,
    output: Path,
    fmt: str,
) -> None:
    """Write stored deliveries to OUTPUT as a recording; secrets are always redacted.

    The file is replaced whole when the export finishes, so an interrupted export leaves
    the previous file as it was. With -o - the lines go to stdout as they are read.
    """
    to_stdout = str(output) == "-"

    def run() -> int:
        settings = app_context(ctx).settings()
        count = 0
        secrets = settings.credentials.secret_values()
        out = open_writer(fmt, output, secrets, to_stdout=to_stdout)
        with Store.open(settings.db) as store, out as writer:
            for detail in iter_details(
                store,
                outcome=outcome,
                destination=destination,
                email=email,
                event=event_name,
                since=since,
                until=until,
            ):
                writer.write(exchange_from_detail(detail))
                count += 1
        return count

    count = run_guarded(run)
    click.echo(f"exported {count} exchange(s) to {'stdout' if to_stdout else output}", err=True)
