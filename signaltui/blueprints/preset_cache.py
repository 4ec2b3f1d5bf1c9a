"""The shipped presets, merged with the config's mapping settings, kept between runs.

Reading the presets needs PyYAML, the file schema (pydantic models) and the checks:
about 80 ms of start-up that a one-event ``preview`` would otherwise pay on every run.
The merged result is plain data (:mod:`signaltui.core.blueprints.spec` dataclasses, each
rule still carrying its ``presets/close.yaml:23`` mark), so it is written once to the
user's cache folder as JSON and read back on later runs.

A cache file is used only when all of these match what this process would build from:
the preset files' text, the signaltui version, the loader's own source files (size and
modification time, so editing the loader in a checkout rebuilds it) and the mapping
settings; they are all in its name. Its first line is the SHA-256 of the rest, so a file
that was cut short or damaged is ignored (and rewritten). Files are written to a
temporary name and renamed into place, so concurrent runs never read a half-written one.
Anything unexpected (an unreadable folder, a value JSON cannot carry exactly) just means
no cache: the presets are then read from YAML as before.

``SIGNALTUI_CACHE_DIR`` moves the folder; set to an empty value it turns the cache off.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from signaltui.core.request import DESTINATIONS, Destination

if TYPE_CHECKING:
    from signaltui.core.blueprints.spec import BlueprintSpec

PRESET_PACKAGE = "signaltui.blueprints.presets"
#: Bump when the file layout below changes.
FORMAT = 1
#: Cache files kept per folder (one per distinct set of mapping settings).
KEEP = 16
#: The loader's modules whose code decides what the merged presets look like (with the
#: core's spec and engine modules: the engine merges fields).
_SOURCES = (
    "loader",
    "convert",
    "merge",
    "check",
    "settings",
    "schema",
    "yamltext",
    "preset_cache",
)
#: The core's folder, whose spec and engine modules the key covers too.
CORE = Path(__file__).parent.parent / "core"

Specs = dict[Destination, "BlueprintSpec"]


@cache
def _classes() -> dict[str, type]:
    """The spec dataclasses by name (imported when a cache file is read or written)."""
    from signaltui.core.blueprints import spec as spec_module

    return {
        cls.__name__: cls
        for cls in vars(spec_module).values()
        if isinstance(cls, type) and dataclasses.is_dataclass(cls)
    }


def preset_text(destination: Destination) -> str:
    """The YAML text of ``destination``'s shipped preset."""
    return resources.files(PRESET_PACKAGE).joinpath(f"{destination}.yaml").read_text("utf-8")


def cache_dir() -> Path | None:
    """The folder cache files go in, or ``None`` when the cache is off."""
    configured = os.environ.get("SIGNALTUI_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("signaltui", appauthor=False))


def cache_path(folder: Path, settings_key: str) -> Path:
    """The file for these presets, this code and these settings (see the module doc)."""
    return folder / f"presets-{key_digest(settings_key).hexdigest()[:32]}.json"


def key_digest(settings_key: str, extra: Iterable[Path] = ()) -> Any:
    """A SHA-256 (still open for more) of what a cache file for ``settings_key`` depends
    on: the format, the version, the preset texts and the loader's sources (size and
    modification time), then of each file in ``extra`` the same way."""
    from signaltui import __version__

    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0{settings_key}".encode())
    for destination in DESTINATIONS:
        digest.update(b"\0" + preset_text(destination).encode("utf-8"))
    here = Path(__file__).parent
    sources = (*(here / f"{n}.py" for n in _SOURCES), CORE / "blueprints" / "spec.py")
    for name in (*sources, CORE / "blueprints" / "engine.py", *extra):
        try:
            stat = name.stat()
            digest.update(f"\0{name.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        except OSError:
            digest.update(f"\0{name.name}:?".encode())
    return digest


def load(settings_key: str) -> Specs | None:
    """The cached merged presets for ``settings_key``, or ``None`` (none, stale or bad)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        raw = cache_path(folder, settings_key).read_bytes()
    except OSError:
        return None
    body = checked_body(raw)
    if body is None:
        return None
    try:
        specs = _decode(json.loads(body))
        if not isinstance(specs, dict) or set(specs) != set(DESTINATIONS):
            return None
        spec_class = _classes()["BlueprintSpec"]
        if not all(isinstance(s, spec_class) for s in specs.values()):
            return None
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None
    return specs


def store(settings_key: str, specs: Specs) -> None:
    """Write ``specs`` for ``settings_key`` (silently not, when that is not possible)."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        body = json.dumps(_encode(specs), separators=(",", ":"), allow_nan=False).encode()
        if _decode(json.loads(body)) != specs:
            return  # JSON would not give back exactly these values
    except (TypeError, ValueError):
        return
    write(folder, cache_path(folder, settings_key), body)


def write(folder: Path, target: Path, body: bytes) -> None:
    """``target`` (in ``folder``) made to hold the checksum line and ``body``, atomically;
    silently not, when that is not possible. The folder is made private (``0o700``)
    when this makes it, and the file is (a :class:`~signaltui.replacement.Replacement`)."""
    checksum = hashlib.sha256(body).hexdigest().encode()
    from signaltui.replacement import Replacement  # only on a miss

    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Not durable: a cache lost with a power cut is simply built again.
        with Replacement(target, binary=True, durable=False) as file:
            file.handle.write(checksum + b"\n" + body)
        _prune(folder, keep=target)
    except OSError:
        return


def checked_body(raw: bytes) -> bytes | None:
    """The body of a cache file's bytes ``raw``, or ``None`` when its checksum fails."""
    checksum, _, body = raw.partition(b"\n")
    return body if hashlib.sha256(body).hexdigest().encode() == checksum else None


def _prune(folder: Path, keep: Path) -> None:
    """Remove all but the newest :data:`KEEP` cache files of ``keep``'s kind."""
    kind = keep.name.partition("-")[0]
    files = sorted(folder.glob(f"{kind}-*{keep.suffix}"), key=_mtime, reverse=True)
    for old in files[KEEP:]:
        if old != keep:
            old.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


# JSON has no tuples and no dataclasses: containers are tagged so they come back as they
# went in ({"@": class, ...fields}, {"(": [...]} a tuple, {"{": [[k, v], ...]} a dict).


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if dataclasses.is_dataclass(value) and type(value) is _classes().get(type(value).__name__):
        fields = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"@": type(value).__name__, **fields}
    if type(value) is tuple:
        return {"(": [_encode(item) for item in value]}
    if type(value) is list:
        return [_encode(item) for item in value]
    if type(value) is dict:
        return {"{": [[_encode(k), _encode(v)] for k, v in value.items()]}
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "(" in value:
        return tuple(_decode(item) for item in value["("])
    if "{" in value:
        return {_decode(k): _decode(v) for k, v in value["{"]}
    cls = _classes()[value["@"]]
    return cls(**{k: _decode(v) for k, v in value.items() if k != "@"})
