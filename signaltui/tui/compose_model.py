"""The composer's form as a flat dict, and its conversion to and from an event dict.

The event dict is the source of truth: the form is a view of a few well-known keys.
:func:`form_to_event` edits a copy of the current event, keeping keys the form does not
show and the spelling (``first_name`` or ``firstName``) the event already uses, so a
form edit never rewrites parts of the JSON the person did not touch.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from signaltui.core.blueprints.registry import blueprints_for
from signaltui.core.config import MappingConfig
from signaltui.core.events import TRAIT_ALIASES, Event
from signaltui.inputs import parse_event_document

FormValue = str | bool
Form = dict[str, FormValue]

#: (canonical trait name, label) in the order the form shows them.
TRAIT_FIELDS: tuple[tuple[str, str], ...] = (
    ("firstName", "First name"),
    ("lastName", "Last name"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("company", "Company"),
    ("title", "Title"),
    ("website", "Website"),
    ("city", "City"),
    ("state", "State"),
    ("country", "Country"),
)

#: (canonical property name, label, accepted spellings) — the spellings the core reads.
PROPERTY_FIELDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("lead_source", "Lead source", ("lead_source", "leadSource")),
    ("lead_type", "Lead type", ("lead_type", "leadType")),
    ("signup_method", "Sign-up method", ("signup_method", "signupMethod", "sign_up_method")),
)

#: Consent categories offered as toggles; ``marketing`` is the one the CRMs gate on.
CONSENT_CATEGORIES: tuple[str, ...] = ("marketing", "sales", "analytics")


def known_events(config: MappingConfig | None = None) -> tuple[str, ...]:
    """Every event name at least one CRM maps with ``config``'s blueprints (the presets
    when ``None``; the user's overlays included otherwise), for the event picker (sorted).

    Computed on first use, not on import: it loads and compiles the blueprints (kept
    on ``config`` for every plan after), which the first screen does not wait for (the
    picker is filled just after it).
    """
    mapped = blueprints_for(config or MappingConfig()).values()
    return tuple(sorted({name for blueprint in mapped for name in blueprint.mapped_events}))


def __getattr__(name: str) -> Any:
    # ``KNOWN_EVENTS`` as a module constant, computed when first read.
    if name == "KNOWN_EVENTS":
        return known_events()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_SPELLINGS: dict[str, tuple[str, ...]] = {
    canonical: (canonical, *[alias for alias, c in TRAIT_ALIASES.items() if c == canonical])
    for canonical, _ in TRAIT_FIELDS
}


def _find(mapping: dict[str, Any], spellings: tuple[str, ...]) -> str | None:
    return next((key for key in spellings if key in mapping), None)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):  # company given as {"name": ...}
        return _text(value.get("name"))
    return value if isinstance(value, str) else json.dumps(value)


def _dict(parent: dict[str, Any], key: str) -> dict[str, Any]:
    value = parent.get(key)
    return value if isinstance(value, dict) else {}


def event_to_form(event: dict[str, Any]) -> Form:
    """The form values shown for ``event`` (blank for anything absent)."""
    traits = _dict(event, "traits")
    properties = _dict(event, "properties")
    context = _dict(event, "context")
    consent = _dict(context, "consent")
    form: Form = {"type": str(event.get("type") or "track"), "event": _text(event.get("event"))}
    for name, _ in TRAIT_FIELDS:
        key = _find(traits, _SPELLINGS[name])
        form[f"trait.{name}"] = _text(traits[key]) if key else ""
    for name, _, spellings in PROPERTY_FIELDS:
        key = _find(properties, spellings)
        form[f"prop.{name}"] = _text(properties[key]) if key else ""
    for category in CONSENT_CATEGORIES:
        form[f"consent.{category}"] = consent.get(category) is True
    form["page_url"] = _text(_dict(context, "page").get("url"))
    return form


def _set_text(container: dict[str, Any], spellings: tuple[str, ...], value: str) -> None:
    key = _find(container, spellings)
    if key is None:
        if value:
            container[spellings[0]] = value
        return
    old = container[key]
    if not value:
        del container[key]
    elif isinstance(old, dict):
        old["name"] = value
    elif _text(old) != value:
        container[key] = value


def _child(parent: dict[str, Any], key: str) -> dict[str, Any]:
    if not isinstance(parent.get(key), dict):
        parent[key] = {}
    child: dict[str, Any] = parent[key]
    return child


def form_to_event(form: Form, base: dict[str, Any]) -> dict[str, Any]:
    """``base`` with the form's values written in; keys the form lacks are kept."""
    event = copy.deepcopy(base)
    event["type"] = str(form.get("type") or "track")
    name = str(form.get("event", ""))
    if name:
        event["event"] = name
    elif event["type"] == "identify":
        event.pop("event", None)
    else:
        event["event"] = ""
    traits = _child(event, "traits")
    for trait, _ in TRAIT_FIELDS:
        _set_text(traits, _SPELLINGS[trait], str(form.get(f"trait.{trait}", "")))
    properties = _child(event, "properties")
    for prop, _, spellings in PROPERTY_FIELDS:
        _set_text(properties, spellings, str(form.get(f"prop.{prop}", "")))
    context = _child(event, "context")
    consent = _child(context, "consent")
    for category in CONSENT_CATEGORIES:
        if form.get(f"consent.{category}") is True:
            consent[category] = True
        elif consent.get(category) is True:
            consent[category] = False
    url = str(form.get("page_url", ""))
    page = context.get("page")
    if url or isinstance(page, dict):
        _set_text(_child(context, "page"), ("url",), url)
    return event


def dump_event(event: dict[str, Any]) -> str:
    """The JSON editor's text for ``event``."""
    return json.dumps(event, indent=2, ensure_ascii=False)


def parse_editor_text(text: str) -> tuple[dict[str, Any], Event]:
    """The JSON editor's text as an event dict and its validated model.

    Raises :class:`InputError` (with line and column for JSON syntax errors).
    """
    return parse_event_document(text, source="JSON editor")
