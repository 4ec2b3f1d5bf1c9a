"""Blueprints as data (YAML, version 1): the shipped presets, the user's overlays, the
loader that validates them with line numbers and compiles them for the core.

See docs/blueprints.md for the format.
"""

from __future__ import annotations

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
