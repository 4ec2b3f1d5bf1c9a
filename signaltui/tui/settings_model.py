"""Settings edits the TUI applies to its session, and the credential status it shows."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import ValidationError

from signaltui.config import Settings, default_config_path
from signaltui.core.config import MappingConfig
from signaltui.core.request import DESTINATIONS
from signaltui.errors import ConfigError, first_error


def credential_status(settings: Settings) -> list[tuple[str, bool]]:
    """``(destination, configured)`` per CRM — never the secret itself."""
    credentials = settings.credentials
    return [(d, credentials.configured_for(d)) for d in DESTINATIONS]


def config_file(explicit: Path | None, environ: dict[str, str] | None = None) -> Path:
    """The config file this run reads: ``--config``, else ``SIGNALTUI_CONFIG``, else the default.

    The same order :func:`signaltui.config.load_settings` follows.
    """
    env = (os.environ if environ is None else environ).get("SIGNALTUI_CONFIG")
    return explicit or (Path(env) if env else default_config_path())


def shown_path(path: Path, home: Path | None = None) -> str:
    """``path`` made absolute, with the home folder written ``~`` (shorter on screen)."""
    absolute = path.expanduser().absolute()
    home = home or Path.home()
    try:
        return "~/" + str(absolute.relative_to(home))
    except ValueError:
        return str(absolute)


def path_lines(settings: Settings, config: Path) -> list[tuple[str, str, str]]:
    """``(label, path, state)`` for the store and the config file the session uses."""
    db = settings.db
    return [
        ("store (SQLite)", shown_path(db), "" if db.exists() else "not created yet"),
        ("config file", shown_path(config), "" if config.exists() else "none: defaults in use"),
    ]


def parse_categories(text: str) -> list[str]:
    """``marketing, sales`` → ``["marketing", "sales"]`` (blank entries dropped)."""
    return [part.strip() for part in text.split(",") if part.strip()]


def apply_edits(
    settings: Settings,
    *,
    default_region: str,
    apollo_dedupe: bool,
    close_lead_status_id: str,
    consent: dict[str, str],
) -> Settings:
    """``settings`` with the edited mapping options, for this session only.

    Raises :class:`ConfigError` naming the field when a value is invalid.
    """
    mapping = settings.mapping.model_dump()
    mapping["consent"] = {d: parse_categories(consent.get(d, "")) for d in DESTINATIONS}
    mapping["default_region"] = default_region.strip() or "US"
    mapping["apollo_dedupe"] = apollo_dedupe
    mapping["close_lead_status_id"] = close_lead_status_id.strip() or None
    try:
        validated = MappingConfig.model_validate(mapping)
    except ValidationError as exc:
        field, problem = first_error(exc)
        raise ConfigError(
            f"invalid {field}: {problem}", where="Settings tab", hint="fix the value"
        ) from exc
    # The flat shortcuts would override the edited mapping, so they are cleared.
    return settings.model_copy(
        update={
            "mapping": validated,
            "default_region": None,
            "apollo_dedupe": None,
            "close_lead_status_id": None,
        }
    )
