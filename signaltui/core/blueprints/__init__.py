"""The registry of destination blueprints, one module per CRM."""

from __future__ import annotations

from signaltui.core.blueprints.apollo import APOLLO
from signaltui.core.blueprints.base import Blueprint, BuiltBody
from signaltui.core.blueprints.close import CLOSE
from signaltui.core.blueprints.outreach import OUTREACH
from signaltui.core.request import Destination

BLUEPRINTS: dict[Destination, Blueprint] = {bp.destination: bp for bp in (APOLLO, OUTREACH, CLOSE)}

__all__ = ["BLUEPRINTS", "Blueprint", "BuiltBody"]
