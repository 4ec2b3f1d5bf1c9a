"""The compiled presets a bare :class:`MappingConfig` plans with (the core's provider).

Kept apart from the loader so that planning with the shipped presets and the config's
mapping settings needs neither PyYAML nor the file schema when the merged presets are in
the cache (:mod:`signaltui.blueprints.preset_cache`); on a miss the loader reads them.
"""

from __future__ import annotations

import json

from signaltui.blueprints import preset_cache
from signaltui.core.blueprints.engine import CompiledBlueprint, compile_blueprint
from signaltui.core.blueprints.registry import BlueprintSet
from signaltui.core.config import MappingConfig
from signaltui.core.request import Destination

_by_settings: dict[str, BlueprintSet] = {}


def compiled_presets(config: MappingConfig) -> BlueprintSet:
    """The presets with ``config``'s settings overlaid, compiled once per distinct settings."""
    key = json.dumps(config.model_dump(mode="json", exclude={"base_urls"}), sort_keys=True)
    compiled = _by_settings.get(key)
    if compiled is None:
        if len(_by_settings) > 64:
            _by_settings.clear()
        specs = preset_cache.load(key)
        if specs is None:
            from signaltui.blueprints.loader import merged_specs

            specs = merged_specs(config, ())
            preset_cache.store(key, specs)
        built: dict[Destination, CompiledBlueprint] = {
            d: compile_blueprint(spec, config.default_region) for d, spec in specs.items()
        }
        compiled = _by_settings[key] = built
    return compiled
