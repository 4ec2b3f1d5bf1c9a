"""Finding, reading and compiling the blueprints in force.

In force, per destination: the shipped preset, then the mapping settings of the config
(as an overlay), then each of the user's blueprint files in order (``--blueprints``,
``SIGNALTUI_BLUEPRINTS`` or ``blueprints =`` in the config file; a folder counts as its
``*.yaml`` files in name order). Each file is read and checked once per process.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from signaltui.blueprints.compiled import compiled_presets
from signaltui.blueprints.convert import Overlay, parse_overlay
from signaltui.blueprints.merge import SetAside, build
from signaltui.blueprints.preset_cache import PRESET_PACKAGE, preset_text
from signaltui.blueprints.settings import settings_overlays
from signaltui.blueprints.yamltext import BlueprintError
from signaltui.core.blueprints.engine import CompiledBlueprint, compile_blueprint
from signaltui.core.blueprints.registry import BlueprintSet
from signaltui.core.blueprints.spec import BlueprintSpec
from signaltui.core.config import MappingConfig
from signaltui.core.request import DESTINATIONS, Destination

__all__ = [
    "PRESET_PACKAGE",
    "blueprint_files",
    "compile_set",
    "compiled_presets",
    "load_overlays",
    "merged_specs",
    "preset_text",
    "presets",
]


@cache
def presets() -> dict[Destination, BlueprintSpec]:
    """The three shipped presets, read and checked once.

    Their trace rows say ``at: presets/close.yaml:23``.
    """
    specs = {}
    for destination in DESTINATIONS:
        overlay = parse_overlay(preset_text(destination), f"presets/{destination}.yaml")
        specs[destination] = build(_bare(destination), [overlay])
    return specs


def _bare(destination: Destination) -> BlueprintSpec:
    from signaltui.core.blueprints.spec import RequestSpec

    return BlueprintSpec(
        destination=destination,
        request=RequestSpec("POST", "/", "basic"),
        consent=("marketing",),
        default_action="drop",
        events=(),
        fields=(),
    )


def blueprint_files(paths: Sequence[Path]) -> list[Path]:
    """``paths`` with each folder replaced by its ``*.yaml`` / ``*.yml`` files, by name."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            if not found:
                raise BlueprintError(
                    "no *.yaml blueprint files in this folder",
                    where=str(path),
                    hint="put one <destination>.yaml per destination in it",
                )
            files += found
        elif path.is_file():
            files.append(path)
        elif path.exists():
            # A FIFO or device would be read forever, or not at all: name what it is.
            raise BlueprintError(
                "not a regular file (a device, pipe or socket)",
                where=str(path),
                hint="a blueprint is a .yaml file, or a folder of them",
            )
        else:
            raise BlueprintError(
                "blueprint file not found",
                where=str(path),
                hint="check the --blueprints path (or SIGNALTUI_BLUEPRINTS)",
            )
    return files


def read_overlay(path: Path) -> Overlay:
    """One user blueprint file, read and checked (cached by path, size and mtime)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise BlueprintError(
            f"cannot read the blueprint: {exc.strerror}",
            where=str(path),
            hint="check the path and its permissions",
        ) from exc
    return _read_overlay(str(path), stat.st_size, stat.st_mtime_ns)


@cache
def _read_overlay(path: str, size: int, mtime_ns: int) -> Overlay:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BlueprintError(
            "the blueprint is not UTF-8 text", where=path, hint="save it as UTF-8"
        ) from exc
    except OSError as exc:
        raise BlueprintError(
            f"cannot read the blueprint: {exc.strerror}",
            where=path,
            hint="check the path and its permissions",
        ) from exc
    return parse_overlay(text, path)


def merged_specs(
    config: MappingConfig,
    overlays: Sequence[Overlay],
    set_aside: list[SetAside] | None = None,
) -> dict[Destination, BlueprintSpec]:
    """Per destination: preset, then the config's settings, then ``overlays`` in order.

    ``set_aside``, when given, gets what each overlay without ``extends`` leaves out
    (see :func:`~signaltui.blueprints.merge.build`).
    """
    from_settings = settings_overlays(config)
    specs = {}
    for destination, preset in presets().items():
        mine = [o for o in overlays if o.destination == destination]
        specs[destination] = build(preset, [from_settings[destination], *mine], set_aside)
    return specs


def compile_specs(config: MappingConfig, specs: dict[Destination, BlueprintSpec]) -> BlueprintSet:
    """``specs`` (from :func:`merged_specs`) compiled for ``config``'s phone region."""
    compiled: dict[Destination, CompiledBlueprint] = {
        d: compile_blueprint(spec, config.default_region) for d, spec in specs.items()
    }
    return compiled


def compile_set(config: MappingConfig, overlays: Sequence[Overlay] = ()) -> BlueprintSet:
    """The compiled blueprints of ``config`` with ``overlays`` (see :func:`merged_specs`)."""
    return compile_specs(config, merged_specs(config, overlays))


def load_overlays(paths: Sequence[Path]) -> list[Overlay]:
    """Every overlay of ``paths`` (files or folders), in order."""
    return [read_overlay(path) for path in blueprint_files(paths)]
