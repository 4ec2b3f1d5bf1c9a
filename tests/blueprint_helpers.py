"""Planning with blueprint overlays written inline as YAML text (for the tests)."""

from __future__ import annotations

from typing import Any

from signaltui.blueprints.convert import parse_overlay
from signaltui.blueprints.loader import compile_set
from signaltui.core.blueprints.registry import with_blueprints
from signaltui.core.config import MappingConfig
from signaltui.core.decision import Decision
from signaltui.core.events import Event, resolve_stream
from signaltui.core.plan import plan
from signaltui.core.request import Destination


def planning_config(*texts: str, config: MappingConfig | None = None) -> MappingConfig:
    """``config`` planning with the overlays ``texts`` (named t1.yaml, t2.yaml, ...)."""
    base = config or MappingConfig()
    overlays = [parse_overlay(text, f"t{n}.yaml") for n, text in enumerate(texts, 1)]
    return with_blueprints(base, compile_set(base, overlays))


def decide_with(
    event: dict[str, Any],
    destination: Destination,
    *texts: str,
    config: MappingConfig | None = None,
) -> Decision:
    """Plan one event dict for ``destination`` with the overlays ``texts``."""
    resolved = next(resolve_stream([Event.model_validate(event)]))
    return plan(resolved, destination, planning_config(*texts, config=config))


def rows(decision: Decision) -> list[dict[str, Any]]:
    """The decision's trace as contract objects."""
    return decision.to_contract()["trace"]
