"""Which compiled blueprints a :class:`MappingConfig` plans with.

The core cannot read the preset files, so the loader package installs a *provider*
(``signaltui`` does it on import): given a config, it returns the compiled presets with
the config's mapping settings overlaid. A front end that loaded the user's overlays
attaches its own compiled set with :func:`with_blueprints`. Either way the set is
compiled once per config object and kept on it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from signaltui.core.request import Destination

if TYPE_CHECKING:
    from signaltui.core.blueprints.engine import CompiledBlueprint
    from signaltui.core.config import MappingConfig

BlueprintSet = Mapping[Destination, "CompiledBlueprint"]
Provider = Callable[["MappingConfig"], BlueprintSet]

_provider: list[Provider] = []
#: The last config asked about and its set: planning asks once per event and destination,
#: nearly always about the same config, and a pydantic private attribute is slow to read.
#: ``plan`` reads it directly, before asking :func:`blueprints_for`.
last: list[Any] = [None, None]


def install_provider(provider: Provider) -> None:
    """Make ``provider`` the source of the compiled blueprints of a bare config."""
    _provider[:] = [provider]


def blueprints_for(config: MappingConfig) -> BlueprintSet:
    """The compiled blueprints ``config`` plans with (compiled on first use, then kept)."""
    if config is last[0]:
        return last[1]
    cell = config._compiled
    compiled: BlueprintSet | None = cell.value
    if compiled is None:
        if not _provider:
            raise RuntimeError(
                "no blueprints installed: import signaltui.blueprints (it installs the presets)"
            )
        compiled = cell.value = _provider[0](config)
    last[:] = [config, compiled]
    return compiled


def with_blueprints(config: MappingConfig, compiled: BlueprintSet) -> MappingConfig:
    """A copy of ``config`` that plans with ``compiled`` (e.g. presets + user overlays)."""
    from signaltui.core.config import CompiledCell

    copy = config.model_copy()
    copy._compiled = CompiledCell(compiled)
    return copy
