"""The ``signaltui`` command: a thin front end over the core, delivery, store and replay.

Start-up is paid by every command, so this module imports only click: each subcommand
is imported when it runs (see :mod:`signaltui.cli.lazy`), and Textual only by the bare
``signaltui`` command. Headless commands start fast and run where no terminal UI is
wanted (CI).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from signaltui import __version__, startup_gc
from signaltui.cli import _httpx_cli
from signaltui.cli.lazy import LazyCommand, LazyGroup

_httpx_cli.defer()  # httpx's own CLI (rich, pygments) is not ours to import

if TYPE_CHECKING:
    from signaltui.cli.common import AppContext

#: Every subcommand of ``signaltui``: name -> where its click command lives and its
#: short help (the first sentence of its docstring, shown by ``signaltui --help``).
#: To add a command, add one line here; nothing is imported until the command runs.
#: tests/unit/test_cli_lazy.py checks each entry loads and that its help matches.
COMMANDS: dict[str, LazyCommand] = {
    "preview": LazyCommand(
        "signaltui.cli.preview:preview_command",
        "Show the exact request each CRM would get for the events in FILE, or why not.",
    ),
    "send": LazyCommand(
        "signaltui.cli.send:send_command",
        "Map the events in FILE (- for standard input), send them to TARGET, store and print "
        "every outcome.",
    ),
    "replay": LazyCommand(
        "signaltui.cli.replay:replay_command",
        "Replay recordings (files or folders of *.jsonl).",
    ),
    "bundle": LazyCommand(
        "signaltui.cli.bundle:bundle_command",
        "Write one stored delivery as a repro bundle (a zip), PII hashed, no secrets.",
    ),
    "recordings": LazyCommand(
        "signaltui.cli.recordings:recordings_group",
        "Recorded traffic: export stored deliveries for replay, import HAR captures.",
    ),
    "samples": LazyCommand(
        "signaltui.cli.samples:samples_command",
        "Copy the sample events, config and recordings into FOLDER (default: here).",
    ),
    "blueprints": LazyCommand(
        "signaltui.cli.blueprints:blueprints_group",
        "The mapping as data: list, show, check and diff blueprint files (docs/blueprints.md).",
    ),
    "mock": LazyCommand(
        "signaltui.cli.mock:mock_group",
        "Local mock CRMs (Apollo, Outreach, Close) on one loopback port.",
    ),
    "events": LazyCommand(
        "signaltui.store.cli:events",
        "Browse stored events and deliveries (newest first).",
    ),
}


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
@click.option(
    "--blueprints",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Blueprint overlay for the terminal app: a YAML file or a folder of *.yaml "
    "(repeatable; replaces SIGNALTUI_BLUEPRINTS and the config's blueprints =). "
    "See docs/blueprints.md.",
)
@click.version_option(__version__, prog_name="signaltui")
@click.pass_context
def main(
    ctx: click.Context, db: Path | None, config_path: Path | None, blueprints: tuple[Path, ...]
) -> None:
    """Compose, preview, send and replay CRM lead deliveries (Apollo, Outreach, Close).

    With no command, opens the terminal app.
    """
    if ctx.invoked_subcommand is not None:
        # The subcommand's modules are imported by now (click resolves it first).
        startup_gc.resume()
        _set_context(ctx, db, config_path, blueprints)
        return

    # Paused until the app's first screen (see signaltui/startup_gc.py); on again at the
    # latest when this ends (a bad config, a quit before the first screen).
    with startup_gc.paused():
        from signaltui.cli.common import run_guarded

        _set_context(ctx, db, config_path, blueprints)
        run_guarded(lambda: _open_tui(ctx.obj))


def _set_context(
    ctx: click.Context, db: Path | None, config_path: Path | None, blueprints: tuple[Path, ...]
) -> None:
    from signaltui.cli.common import AppContext

    ctx.obj = AppContext(db=db, config_path=config_path, blueprints=tuple(blueprints))


def _open_tui(app_context: AppContext) -> None:
    from signaltui.tui.launch import launch

    settings = app_context.settings()
    if settings.blueprints:
        # A bad overlay is exit 2 with file:line here, as for every command, not an app
        # stuck on "planning…" (the compiled set is kept for the app's first plan).
        settings.mapping_config  # noqa: B018 - read for its check
    launch(settings, config_path=app_context.config_path)


def entry() -> None:
    """Console-script entry point (kept for ``python -m signaltui``)."""
    # signaltui uses no pydantic plugins; without this pydantic reads the entry points of
    # every installed distribution when the first model is defined (~12 ms of start-up).
    # A value the user set is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    # Paused until the command's modules are imported or the app's first screen (see
    # signaltui/startup_gc.py); only here, where this process is ours: an embedding
    # program (a test's CliRunner) keeps its collector as it is.
    startup_gc.pause(freeze=True)
    main(prog_name="signaltui")


if __name__ == "__main__":  # pragma: no cover
    entry()
