"""``python -m signaltui`` runs the CLI."""

from signaltui.cli import entry

entry()
