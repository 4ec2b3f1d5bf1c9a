"""``signaltui mock serve``: all three mock CRMs on one loopback port (docs/mock-crms.md)."""

from __future__ import annotations

import click

from signaltui.errors import InputError
from signaltui.mock.faults import FAULT_PROFILES
from signaltui.mock.limits import LIMITS_HELP, parse_limits
from signaltui.mock.server import run_server

_EPILOG = (
    "\b\nFault profiles:\n"
    + "\n".join(f"  {name:<13} {text}" for name, text in FAULT_PROFILES.items())
    + "\n\n\b\nRate limits (--limits on, the default), as the real APIs count them:\n"
    "  Apollo       200/minute, 600/hour, 2,000/24 hours per endpoint; x-rate-limit-minute,\n"
    "               x-minute-usage, x-minute-requests-left (and -hourly, -24-hour); a 429\n"
    "               says which limit ran out, retry-after = seconds until that window ends\n"
    "  Outreach     10,000/hour per user: X-RateLimit-Limit/-Remaining/-Reset (epoch s);\n"
    "               429 rateLimitExceeded + Retry-After; one token mint per minute per app\n"
    "               (429 'Retry later')\n"
    "  Close        20/second per API key and endpoint group (path + method), 60 per org:\n"
    "               'RateLimit: limit=20, remaining=N, reset=S'; 429 + Retry-After, no body\n"
    "\n\b\nAdmin paths: GET /__mock/requests?since=SEQ&limit=N (journal, newest 10,000 kept),\n"
    "POST /__mock/reset, GET|POST /__mock/faults, GET|POST /__mock/limits, GET /__mock/state.\n"
    "Outreach tokens are signed: a restarted or reset mock still honours earlier ones."
)


def _limits(ctx: click.Context, param: click.Parameter, value: str) -> str:
    try:
        parse_limits(value)
    except InputError as exc:
        raise click.BadParameter(f"{exc.message}; {exc.hint}") from exc
    return value


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
    "--limits",
    default="on",
    show_default=True,
    callback=_limits,
    help="Rate-limit enforcement: " + LIMITS_HELP + ".",
)
@click.option(
    "--allow-remote", is_flag=True, help="Allow a non-loopback --host (the mocks have no TLS)."
)
@click.pass_context
def command(
    ctx: click.Context, host: str, port: int, faults: str, limits: str, allow_remote: bool
) -> None:
    """Serve mock Apollo, Outreach and Close APIs at their real paths on one base URL.

    The mocks accept the credentials configured for signaltui (SIGNALTUI_* variables or
    the config file); a credential left unconfigured accepts any non-empty value.
    """

    def announce(url: str) -> None:
        click.echo(f"Mock CRMs (faults: {faults}, limits: {limits}) listening on {url}")
        click.echo(f"  journal: {url}/__mock/requests   reset: POST {url}/__mock/reset")

    # Imported here: signaltui.cli imports this module while it is being set up.
    from signaltui.cli.common import app_context, run_guarded

    def run() -> None:
        # The run's settings honour --config and --db, so the mocks accept exactly the
        # credentials the other commands send.
        credentials = app_context(ctx).settings().credentials
        run_server(
            host,
            port,
            faults,
            credentials,
            allow_remote=allow_remote,
            announce=announce,
            limits=limits,
        )

    run_guarded(run)
