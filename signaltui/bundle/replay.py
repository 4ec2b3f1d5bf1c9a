"""Turn a bundle back into what the replay runner takes: a recording and settings.

A bundle is replayed with the mapping options and blueprint overlays that were in force
when it was made (on today's signaltui), with the user's own credentials (a bundle has
none; the mocks take their placeholders when none are configured) and against a
scratch store, so a replay leaves the user's store as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from signaltui.bundle import layout
from signaltui.bundle.read import Bundle
from signaltui.config import Settings
from signaltui.config_sections import DeliverySettings, ReplaySettings
from signaltui.core.config import MappingConfig
from signaltui.errors import InputError, first_error
from signaltui.recordings import RecordingWriter

_OPTIONS = ("default_region", "apollo_dedupe", "close_lead_status_id", "mock_limits")


def unpack(bundle: Bundle, base: Settings, workdir: Path) -> tuple[Path, Settings]:
    """Write the bundle's recording and overlays under ``workdir``; return the recording
    and the settings to replay it with (``base`` with the bundle's config and a scratch
    store in ``workdir``)."""
    recording = workdir / layout.RECORDING
    with RecordingWriter(recording, atomic=True) as writer:
        writer.write(bundle.exchange)
    overlays = workdir / "blueprints"
    overlays.mkdir(exist_ok=True)
    paths = []
    for name, text in sorted(bundle.blueprints.items()):
        target = overlays / Path(name).name  # names from a zip: never a path outside
        target.write_text(text, encoding="utf-8")
        paths.append(target)
    return recording, settings_for(bundle, base, paths, workdir / "replay.db")


def settings_for(bundle: Bundle, base: Settings, overlays: list[Path], db: Path) -> Settings:
    """``base`` with the bundle's mapping, delivery and replay settings and overlays."""
    config = bundle.config
    try:
        update: dict[str, Any] = {
            "mapping": MappingConfig.model_validate(config.get("mapping") or {}),
            "delivery": DeliverySettings.model_validate(config.get("delivery") or {}),
            "replay": ReplaySettings.model_validate(config.get("replay") or {}),
        }
    except ValidationError as exc:
        where, problem = first_error(exc)
        raise InputError(
            f"the bundle's {layout.CONFIG} is not valid here: {where}: {problem}",
            where=str(bundle.path),
            hint="it may come from another signaltui version; replay it with that version",
        ) from exc
    update.update({name: config.get(name) for name in _OPTIONS if name in config})
    update["blueprints"] = overlays
    update["db"] = db
    update["token_file"] = db.with_name("outreach-token.json")
    return base.model_copy(update=update)
