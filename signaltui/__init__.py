"""signaltui: a terminal sandbox and replay tester for server-side CRM lead delivery."""

from __future__ import annotations

from typing import TYPE_CHECKING

from signaltui.core.blueprints.registry import install_provider

if TYPE_CHECKING:
    from signaltui.core.blueprints.registry import BlueprintSet
    from signaltui.core.config import MappingConfig

__version__ = "0.1.0"


def _shipped_presets(config: MappingConfig) -> BlueprintSet:
    # Imported on first use: planning needs it, most commands do not (YAML only on a cache miss).
    from signaltui.blueprints.compiled import compiled_presets

    return compiled_presets(config)


# The core cannot read the preset files itself; it asks this provider for them.
install_provider(_shipped_presets)
