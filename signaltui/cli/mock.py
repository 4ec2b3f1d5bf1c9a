"""``signaltui mock``: the group of mock CRM commands (see :mod:`signaltui.mock.cli`)."""

from __future__ import annotations

import click

from signaltui.cli.mock_check import check_command
from signaltui.mock.cli import command as serve_command


@click.group("mock")
def mock_group() -> None:
    """Local mock CRMs (Apollo, Outreach, Close) on one loopback port."""


# The mock package defines its commands next to the code they drive.
mock_group.add_command(serve_command)
mock_group.add_command(check_command)
