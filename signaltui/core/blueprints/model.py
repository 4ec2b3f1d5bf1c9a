"""What a compiled blueprint is: per event name a :class:`Route`, and the request shape.

Kept apart from the compiler (:mod:`signaltui.core.blueprints.engine`) so that a
compiled set read back from the code cache (:mod:`signaltui.core.blueprints.portable`)
needs neither the compiler nor the spec classes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from signaltui.core.request import AuthScheme, Destination

if TYPE_CHECKING:
    from signaltui.core.blueprints.route import RouteFn
    from signaltui.core.blueprints.spec import BlueprintSpec


@dataclass(frozen=True)
class Route:
    """What one event name gets: its compiled body builder, or (``build is None``) a drop.

    ``build`` runs the blueprint's requirements and then every field of the route (see
    :mod:`signaltui.core.blueprints.route`).
    """

    build: RouteFn | None
    drop_detail: str | None = None


@dataclass(frozen=True)
class CompiledBlueprint:
    """One destination's blueprint, compiled: ready to plan events."""

    destination: Destination
    method: str
    path: str
    auth: AuthScheme
    headers: dict[str, str]
    consent: tuple[str, ...]
    routes: dict[str, Route]
    #: The route of an event the blueprint does not list (a drop, or the default fields).
    default: Route
    #: The merged spec it was compiled from, or a function giving it: a set read back
    #: from the code cache decodes its specs only if someone asks (see :attr:`spec`).
    source: BlueprintSpec | Callable[[], BlueprintSpec]
    #: The delivered events as one string, for the ``event_not_mapped`` detail.
    mapped: str = ""

    @property
    def spec(self) -> BlueprintSpec:
        """The merged spec this blueprint was compiled from."""
        source: Any = self.source
        spec: BlueprintSpec = source() if callable(source) else source
        return spec

    @property
    def mapped_events(self) -> tuple[str, ...]:
        """The listed events this destination delivers, in blueprint order."""
        return tuple(name for name, route in self.routes.items() if route.build is not None)
