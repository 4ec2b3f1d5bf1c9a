"""The ``signaltui`` command: a thin front end over the core, delivery, store and replay.

Textual is imported only by the bare ``signaltui`` command, so headless commands start
fast and run where no terminal UI is wanted (CI).
"""

from __future__ import annotations

from pathlib import Path

import click

from signaltui import __version__
from signaltui.cli.blueprints import blueprints_group
from signaltui.cli.common import AppContext, blueprints_option, run_guarded
from signaltui.cli.mock_check import check_command as mock_check_command
from signaltui.cli.preview import preview_command
from signaltui.cli.recordings import recordings_group
from signaltui.cli.replay import replay_command
from signaltui.cli.samples import samples_command
from signaltui.cli.send import send_command
from signaltui.mock.cli import command as serve_command
from signaltui.store.cli import events as events_group


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="SIGNALTUI_DB",
    help="SQLite store (default: the user data dir; env SIGNALTUI_DB).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML config file (default: SIGNALTUI_CONFIG or the user config dir).",
)
@blueprints_option
@click.version_option(__version__, prog_name="signaltui")
@click.pass_context
def main(ctx: click.Context, db: Path | None, config_path: Path | None) -> None:
    """Compose, preview, send and replay CRM lead deliveries (Apollo, Outreach, Close).

    With no command, opens the terminal app.
    """
    blueprints = ctx.obj.blueprints if isinstance(ctx.obj, AppContext) else ()
    ctx.obj = AppContext(db=db, config_path=config_path, blueprints=blueprints)
    if ctx.invoked_subcommand is None:
        run_guarded(lambda: _open_tui(ctx.obj))


def _open_tui(app_context: AppContext) -> None:
    from signaltui.tui.launch import launch

    launch(app_context.settings(), config_path=app_context.config_path)


main.add_command(preview_command)
main.add_command(send_command)
main.add_command(replay_command)
main.add_command(recordings_group)
main.add_command(samples_command)
main.add_command(blueprints_group)


@main.group("mock")
def mock_group() -> None:
    """Local mock CRMs (Apollo, Outreach, Close) on one loopback port."""


# The commands the mock and store packages define next to the code they drive.
mock_group.add_command(serve_command)
mock_group.add_command(mock_check_command)
main.add_command(events_group)


def entry() -> None:
    """Console-script entry point (kept for ``python -m signaltui``)."""
    main(prog_name="signaltui")


if __name__ == "__main__":  # pragma: no cover
    entry()
