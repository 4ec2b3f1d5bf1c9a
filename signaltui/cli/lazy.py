"""A click group whose subcommands are imported only when they run.

``signaltui --help`` and every command would otherwise pay for importing the whole
program (httpx, sqlite_utils, starlette, uvicorn, pydantic-settings…) before doing
anything. :class:`LazyGroup` keeps a table of name → (``"module:attr"``, short help):
listing the commands reads the table, and only the command being run is imported.
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

import click


class LazyCommand(NamedTuple):
    """Where a subcommand lives, and its one-line help for the parent's ``--help``.

    ``short_help`` must be the first sentence of the command's docstring (what click
    would show); a test compares the two, so they cannot drift apart.
    """

    target: str  # "package.module:attribute", the click command object
    short_help: str


class LazyGroup(click.Group):
    """A :class:`click.Group` that imports a subcommand's module on first use."""

    def __init__(self, *args: Any, lazy_commands: dict[str, LazyCommand], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in self.lazy_commands:
            command = load_command(self.lazy_commands[cmd_name].target)
            self.add_command(command, cmd_name)  # imported once per process
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The ``Commands:`` section, from the table: listing imports nothing."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in self.commands:
                command = self.commands[name]
                if command.hidden:
                    continue
                text = command.get_short_help_str(limit)
            else:
                # A stand-in command, so click cuts the text exactly as it would.
                stand_in = click.Command(name, help=self.lazy_commands[name].short_help)
                text = stand_in.get_short_help_str(limit)
            rows.append((name, text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def load_command(target: str) -> click.Command:
    """The click command at ``"module:attribute"``."""
    module_name, _, attribute = target.partition(":")
    command = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(command, click.Command):  # a wrong table entry, a bug
        raise TypeError(f"{target} is not a click command")
    return command
