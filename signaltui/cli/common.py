"""What every command shares: settings loading and turning SignaltuiError into exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from signaltui.config import Settings, load_settings
from signaltui.core.request import DESTINATIONS, Destination
from signaltui.errors import SignaltuiError

T = TypeVar("T")

#: What ``--target`` takes, for ``send`` and ``replay``.
TARGET_HELP = (
    "mock (in-process mock CRMs), live (the real APIs), or a base URL like http://127.0.0.1:8765."
)


@dataclass
class AppContext:
    """Global options, resolved lazily into :class:`Settings` once per run."""

    db: Path | None = None
    config_path: Path | None = None
    #: ``--blueprints`` paths; when given they replace the ``blueprints`` setting.
    blueprints: tuple[Path, ...] = ()
    _settings: Settings | None = field(default=None, repr=False)

    def settings(self) -> Settings:
        """The run's settings; a bad config raises :class:`ConfigError`."""
        if self._settings is None:
            blueprints = list(self.blueprints) or None
            self._settings = load_settings(self.config_path, db=self.db, blueprints=blueprints)
        return self._settings


def app_context(ctx: click.Context) -> AppContext:
    """The :class:`AppContext` of the top-level group (a default one in isolated tests)."""
    root = ctx.find_root()
    if not isinstance(root.obj, AppContext):
        root.obj = AppContext()
    return root.obj


def fail(error: SignaltuiError) -> NoReturn:
    """Print ``error`` for a person on stderr and exit with its code."""
    click.echo(f"error: {error.render()}", err=True)
    raise SystemExit(error.exit_code)


def run_guarded(action: Callable[[], T], *, interrupted: Callable[[], str] | None = None) -> T:
    """Run ``action``; a :class:`SignaltuiError` becomes a message and an exit code.

    Ctrl+C ends it with exit 130 and the message ``interrupted()`` gives (how to carry on).
    """
    try:
        return action()
    except SignaltuiError as error:
        fail(error)
    except KeyboardInterrupt:
        exit_interrupted(interrupted() if interrupted else "interrupted")


def exit_interrupted(message: str = "interrupted") -> NoReturn:
    """Ctrl+C: say so (and how to carry on) on stderr and exit 130, the shell's code for
    SIGINT, instead of click's "Aborted!" with exit 1 (which reads as a failed check)."""
    click.echo(message, err=True)
    raise SystemExit(130)


def stdin_is_terminal() -> bool:
    """Whether a person can answer a prompt (tests replace this where it is used)."""
    return sys.stdin.isatty()


def parse_destinations(value: str) -> list[Destination]:
    """``apollo``, ``outreach``, ``close``, a comma list of them, or ``all`` (any case)."""
    if value.strip().lower() == "all":
        return list(DESTINATIONS)
    chosen: list[Destination] = []
    for name in (part.strip().lower() for part in value.split(",")):
        if name not in DESTINATIONS:
            raise click.BadParameter(
                f"unknown destination {name!r}; use apollo, outreach, close or all",
                param_hint="--destination",
            )
        chosen.append(name)
    return chosen


def echo_json(data: Any) -> None:
    """One compact JSON object per line (JSON Lines), keys in insertion order."""
    click.echo(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


#: ``--destination/-d`` as preview and send take it (parsed by :func:`parse_destinations`).
destination_option = click.option(
    "--destination",
    "-d",
    default="all",
    show_default=True,
    help="apollo, outreach, close, a comma list, or all.",
)


def _remember_blueprints(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if value:
        context = app_context(ctx)
        context.blueprints = (*context.blueprints, *value)


#: ``--blueprints PATH`` (repeatable), shared by preview, send, replay and the TUI: the
#: overlays go on the app context, so a command's own signature does not change.
blueprints_option = click.option(
    "--blueprints",
    multiple=True,
    type=click.Path(path_type=Path),
    expose_value=False,
    callback=_remember_blueprints,
    help="Blueprint overlay: a YAML file or a folder of *.yaml (repeatable; replaces "
    "SIGNALTUI_BLUEPRINTS and the config's blueprints =). See docs/blueprints.md.",
)
