"""The compiled blueprint engine: the mapping as data, run per event (no file reads here).

``signaltui.blueprints`` reads the YAML files (the shipped presets and the user's
overlays), validates and merges them into ``spec.BlueprintSpec`` values, and compiles
them with ``engine.compile_blueprint``. ``registry.blueprints_for`` gives the compiled
set a :class:`~signaltui.core.config.MappingConfig` plans with. This package's own
import is kept empty so the registry can be installed cheaply on ``import signaltui``.
"""
