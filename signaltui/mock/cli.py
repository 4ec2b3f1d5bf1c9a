"""``signaltui mock serve``: all three mock CRMs on one loopback port (docs/mock-crms.md)."""

from __future__ import annotations

import click

from signaltui.mock.faults import FAULT_PROFILES
from signaltui.mock.server import run_server

_EPILOG = "\b\nFault profiles:\n" + "\n".join(
    f"  {name:<13} {text}" for name, text in FAULT_PROFILES.items()
)


@click.command("serve", epilog=_EPILOG)
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address.")
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="0 picks a free port.",
)
@click.option(
    "--faults",
    type=click.Choice(list(FAULT_PROFILES)),
    default="none",
    show_default=True,
    help="Misbehaviour to put on (profiles listed below).",
)
@click.option(
    "--allow-remote", is_flag=True, help="Allow a non-loopback --host (the mocks have no TLS)."
)
@click.pass_context
def command(ctx: click.Context, host: str, port: int, faults: str, allow_remote: bool) -> None:
    """Serve mock Apollo, Outreach and Close APIs at their real paths on one base URL.

    The mocks accept the credentials configured for signaltui (SIGNALTUI_* variables or
    the config file); a credential left unconfigured accepts any non-empty value.
    """

    def announce(url: str) -> None:
        click.echo(f"Mock CRMs (faults: {faults}) listening on {url}")
        click.echo(f"  journal: {url}/__mock/requests   reset: POST {url}/__mock/reset")

    # Imported here: signaltui.cli imports this module while it is being set up.
    from signaltui.cli.common import app_context, run_guarded

    def run() -> None:
        # The run's settings honour --config and --db, so the mocks accept exactly the
        # credentials the other commands send.
        credentials = app_context(ctx).settings().credentials
        run_server(host, port, faults, credentials, allow_remote=allow_remote, announce=announce)

    run_guarded(run)
