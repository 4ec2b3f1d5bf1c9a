"""What the Blueprints tab computes, apart from the widgets: an overlay's text planned
against the current event, its error at a line, and its impact on stored events."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from signaltui.blueprints import BlueprintError
from signaltui.blueprints.convert import parse_overlay
from signaltui.blueprints.impact import compare
from signaltui.blueprints.loader import compile_specs, load_overlays, merged_specs
from signaltui.blueprints.merge import SetAside
from signaltui.config import Settings
from signaltui.core.blueprints.registry import with_blueprints
from signaltui.core.blueprints.spec import BlueprintSpec
from signaltui.core.config import MappingConfig
from signaltui.core.decision import Decision
from signaltui.core.events import Event, resolve_event
from signaltui.core.plan import plan
from signaltui.core.request import Destination
from signaltui.service import recent_event_payloads

if TYPE_CHECKING:
    from signaltui.service import Store

#: The file name the overlay text is checked under (and shown in errors and the trace).
EDITOR_NAME = "overlay"


def starter(destination: str) -> str:
    """The text a new overlay starts with."""
    return f"version: 1\ndestination: {destination}\nextends: preset\nevents: {{}}\nfields: {{}}\n"


@dataclass
class Planned:
    """The overlay applied: the config it plans with, or the error and its line."""

    config: MappingConfig | None
    error: str | None = None
    line: int | None = None
    #: Valid, yet not what production would read as meant (``blueprints check``'s
    #: warnings), each in brief: "line N: what; what to write".
    warnings: tuple[str, ...] = ()


def apply_text(text: str, destination: str, settings: Settings, name: str = EDITOR_NAME) -> Planned:
    """``settings``' blueprints with ``text`` on top; an error names its line."""
    options = settings._mapping_options()
    try:
        overlays = load_overlays(settings.blueprints)
        overlay = parse_overlay(text, name)
        if overlay.destination != destination:
            return Planned(
                None,
                f"this overlay is for {overlay.destination}, not {destination}",
                _line_of(text, "destination"),
            )
        # An overlay file already in force is replaced by the text being edited.
        overlays = [o for o in overlays if not _same_file(o.file, name)] + [overlay]
        set_aside: list[SetAside] = []
        specs = merged_specs(options, overlays, set_aside)  # merged once per keystroke
        config = with_blueprints(options, compile_specs(options, specs))
        return Planned(config, warnings=_warnings(specs, set_aside, name))
    except BlueprintError as error:
        where = error.where or ""
        line = int(where.rpartition(":")[2]) if where.rpartition(":")[2].isdigit() else None
        message = error.message + (f"\n  {error.hint}" if error.hint else "")
        return Planned(None, message, line)


def _same_file(first: str, second: str) -> bool:
    return Path(first).expanduser().resolve() == Path(second).expanduser().resolve()


def _warnings(
    specs: dict[Destination, BlueprintSpec], set_aside: list[SetAside], name: str
) -> tuple[str, ...]:
    from signaltui.blueprints.advice import file_warnings

    found = []
    for advice in file_warnings(specs, set_aside, {name}):
        line = advice.at.rpartition(":")[2] if ":" in advice.at else ""
        found.append(f"line {line}: {advice.brief}" if line.isdigit() else advice.brief)
    return tuple(found)


#: Warnings shown at once under the editor; the rest are counted (an 80x24 screen keeps
#: room for the editor).
SHOWN_WARNINGS = 2


def warning_lines(warnings: tuple[str, ...]) -> str:
    """The warnings as shown under the editor: the first few, then how many more."""
    lines = [f"⚠ {warning}" for warning in warnings[:SHOWN_WARNINGS]]
    if len(warnings) > SHOWN_WARNINGS:
        more = len(warnings) - SHOWN_WARNINGS
        lines.append(f"⚠ and {more} more: signaltui blueprints check FILE lists them all")
    return "\n".join(lines)


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    return None


def decide_event(
    event: dict[str, Any], destination: Destination, config: MappingConfig
) -> Decision:
    """The decision for the current event (a lone event: no stream to merge from)."""
    return plan(resolve_event(Event.model_validate(event)), destination, config)


def impact_line(
    store: Store | None,
    destination: Destination,
    settings: Settings,
    config: MappingConfig,
    limit: int = 1000,
) -> str:
    """How many of the latest stored events would be planned differently."""
    if store is None:
        return "Impact: no store in this session"
    rows = recent_event_payloads(store, limit)
    if not rows:
        return "Impact: the store holds no events yet (send some to see what would change)"
    pairs = []
    for row in rows:
        try:
            pairs.append((resolve_event(Event.model_validate(row)), destination))
        except ValueError:
            continue
    impact = compare(pairs, settings.mapping_config, config)
    total, changed = impact.compared[destination], impact.changed[destination]
    if not total:
        return f"Impact: none of the {len(rows)} stored events is a {destination} request"
    counts = ", ".join(f"{p} {n}" for p, n in impact.pointers.get(destination, {}).items())
    return f"Impact: {changed} of {total} stored {destination} requests would change" + (
        f" ({counts})" if counts else ""
    )
