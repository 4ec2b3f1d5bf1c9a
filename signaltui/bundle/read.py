"""Open a repro bundle and check it is one this signaltui can replay.

Every problem (not a zip, not a bundle, a newer format version, a damaged entry) is an
:class:`~signaltui.errors.InputError` naming the file and what to do, never a traceback.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signaltui.bundle import layout
from signaltui.errors import InputError, RecordingError
from signaltui.recordings import Exchange
from signaltui.recordings.reader import parse_line

#: Largest entry read from a bundle: a real one is a few hundred KB; this stops zip bombs.
MAX_ENTRY_BYTES = 32 * 1024 * 1024

_NOT_A_BUNDLE = "make one with `signaltui bundle DELIVERY_ID -o FILE.zip`"


@dataclass
class Bundle:
    """A bundle as read: its manifest, the delivery as a recording line, the config and
    blueprint overlays that were in force."""

    path: Path
    manifest: dict[str, Any]
    exchange: Exchange
    config: dict[str, Any]
    blueprints: dict[str, str] = field(default_factory=dict)

    @property
    def delivery(self) -> str:
        """The delivery the bundle was made from (``delivery-12``)."""
        return str(self.manifest.get("delivery") or self.exchange.id)


def is_bundle_path(path: Path | str) -> bool:
    """Whether a replay argument names a bundle (by its ``.zip`` suffix)."""
    return str(path).lower().endswith(".zip")


def read_bundle(path: Path) -> Bundle:
    """The bundle at ``path``, checked; :class:`InputError` for anything else."""
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise InputError("no such bundle file", where=where, hint=_NOT_A_BUNDLE)
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = _json(archive, layout.MANIFEST, where)
            _check_manifest(manifest, where)
            line = _entry(archive, layout.RECORDING, where)
            config = _json(archive, layout.CONFIG, where)
            overlays = {
                Path(name).name: _entry(archive, name, where).decode("utf-8")
                for name in sorted(archive.namelist())
                if name.startswith(layout.BLUEPRINTS_DIR) and not name.endswith("/")
            }
    except zipfile.BadZipFile as exc:
        raise InputError(f"not a zip file ({exc})", where=where, hint=_NOT_A_BUNDLE) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the bundle: {exc}", where=where) from exc
    if not isinstance(config, dict):
        raise InputError(f"{layout.CONFIG} is not a JSON object", where=where, hint=_NOT_A_BUNDLE)
    try:
        exchange = parse_line(line, where=f"{where}:{layout.RECORDING}")
    except RecordingError as exc:
        raise InputError(
            f"the bundle's recording is damaged: {exc.message}", where=where, hint=_NOT_A_BUNDLE
        ) from exc
    return Bundle(path, manifest, exchange, config, overlays)


def _check_manifest(manifest: Any, where: str) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != layout.FORMAT:
        raise InputError(
            f"not a signaltui bundle ({layout.MANIFEST} has no format {layout.FORMAT!r})",
            where=where,
            hint=_NOT_A_BUNDLE,
        )
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InputError(
            f"the bundle's format version {version!r} is not a version number",
            where=where,
            hint=_NOT_A_BUNDLE,
        )
    if version > layout.VERSION:
        made_by = manifest.get("signaltui_version", "a newer signaltui")
        raise InputError(
            f"bundle format version {version} is newer than this signaltui reads "
            f"(up to {layout.VERSION}); it was made by signaltui {made_by}",
            where=where,
            hint="upgrade signaltui to replay it",
        )


def _entry(archive: zipfile.ZipFile, name: str, where: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise InputError(f"the bundle has no {name}", where=where, hint=_NOT_A_BUNDLE) from None
    if info.file_size > MAX_ENTRY_BYTES:
        raise InputError(
            f"{name} is {info.file_size} bytes, more than a bundle holds ({MAX_ENTRY_BYTES})",
            where=where,
            hint=_NOT_A_BUNDLE,
        )
    try:
        return archive.read(info)
    # A CRC error, damaged deflate data, an encrypted or unsupported entry.
    except (
        zipfile.BadZipFile,
        ValueError,
        zlib.error,
        EOFError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        raise InputError(f"{name} is damaged: {exc}", where=where, hint=_NOT_A_BUNDLE) from exc


def _json(archive: zipfile.ZipFile, name: str, where: str) -> Any:
    data = _entry(archive, name, where)
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(
            f"{name} is not valid JSON ({exc})", where=where, hint=_NOT_A_BUNDLE
        ) from exc
