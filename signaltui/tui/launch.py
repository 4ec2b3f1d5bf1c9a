"""``signaltui`` with no command: open the app on the given settings."""

from __future__ import annotations

from pathlib import Path

from signaltui.config import Settings


def launch(settings: Settings, config_path: Path | None = None) -> None:
    """Build and run the TUI: store at ``settings.db``, in-process mock, sample event.

    ``config_path``: the ``--config`` given, shown on the Settings tab.

    Textual is imported here, not at module level, so the CLI stays light.
    """
    from signaltui.tui.app import SignalApp
    from signaltui.tui.samples import find_fixtures

    fixtures = find_fixtures()
    SignalApp(
        settings, fixtures=fixtures, recordings=default_recordings(), config_path=config_path
    ).run()


def default_recordings(cwd: Path | None = None) -> str:
    """The Replay tab's starting path: ``recordings/`` here, else the shipped samples.

    A non-editable install run from any folder thus still has recordings to replay.
    """
    from signaltui.samples import packaged_recordings

    if ((cwd or Path.cwd()) / "recordings").is_dir():
        return "recordings/"
    shipped = packaged_recordings()
    return str(shipped) if shipped is not None else "recordings/"
