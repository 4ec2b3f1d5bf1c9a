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
    recordings = "recordings/"
    # Run from elsewhere, the checkout's own recordings are the useful default.
    if not Path(recordings).is_dir() and fixtures and (fixtures.parent / "recordings").is_dir():
        recordings = str(fixtures.parent / "recordings")
    SignalApp(settings, fixtures=fixtures, recordings=recordings, config_path=config_path).run()
