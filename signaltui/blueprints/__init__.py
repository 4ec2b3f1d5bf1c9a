"""Blueprints as data (YAML, version 1): the shipped presets, the user's overlays, the
loader that validates them with line numbers and compiles them for the core.

See docs/blueprints.md for the format. The names below are imported on first use: the
loader needs PyYAML and the file schema, which planning with the cached presets does not
(:mod:`signaltui.blueprints.preset_cache`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from signaltui.blueprints.loader import (
        blueprint_files,
        compile_set,
        compiled_presets,
        load_overlays,
        merged_specs,
        presets,
    )
    from signaltui.blueprints.yamltext import BlueprintError

__all__ = [
    "BlueprintError",
    "blueprint_files",
    "compile_set",
    "compiled_presets",
    "load_overlays",
    "merged_specs",
    "presets",
]


def __getattr__(name: str) -> Any:
    if name == "BlueprintError":
        from signaltui.blueprints.yamltext import BlueprintError

        return BlueprintError
    if name in __all__:
        from signaltui.blueprints import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
