"""The compiled presets a bare :class:`MappingConfig` plans with (the core's provider).

Kept apart from the loader so that planning with the shipped presets and the config's
mapping settings needs neither PyYAML nor the file schema when the merged presets are in
the cache (:mod:`signaltui.blueprints.preset_cache`), and neither the compiler nor the
spec classes when their compiled code is (:mod:`signaltui.blueprints.code_cache`); on a
miss the loader reads them and the engine compiles them.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING

from signaltui.blueprints import code_cache, preset_cache
from signaltui.core.blueprints.registry import BlueprintSet
from signaltui.core.config import MappingConfig
from signaltui.core.request import Destination

if TYPE_CHECKING:
    from signaltui.core.blueprints.model import CompiledBlueprint
    from signaltui.core.blueprints.spec import BlueprintSpec

_by_settings: dict[str, BlueprintSet] = {}


def compiled_presets(config: MappingConfig) -> BlueprintSet:
    """The presets with ``config``'s settings overlaid, compiled once per distinct settings."""
    key = json.dumps(config.model_dump(mode="json", exclude={"base_urls"}), sort_keys=True)
    compiled = _by_settings.get(key)
    if compiled is None:
        if len(_by_settings) > 64:
            _by_settings.clear()

        @cache
        def specs() -> dict[Destination, BlueprintSpec]:
            found = preset_cache.load(key)
            if found is None:
                from signaltui.blueprints.loader import merged_specs

                found = merged_specs(config, ())
                preset_cache.store(key, found)
            return found

        compiled = code_cache.load(key, lambda destination: specs()[destination])
        if compiled is None:
            from signaltui.core.blueprints.engine import compile_blueprint

            built: dict[Destination, CompiledBlueprint] = {
                d: compile_blueprint(spec, config.default_region) for d, spec in specs().items()
            }
            code_cache.store(key, built)
            compiled = built
        _by_settings[key] = compiled
    return compiled
