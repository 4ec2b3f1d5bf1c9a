"""The event model (docs/events.md), trait aliases, and the identify→track merge of a stream."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from signaltui.errors import InputError, first_error

#: snake_case spellings accepted for camelCase traits (docs/events.md). The camelCase name is
#: canonical inside signaltui.
TRAIT_ALIASES: dict[str, str] = {
    "first_name": "firstName",
    "last_name": "lastName",
    "full_name": "name",
    "phone_number": "phone",
    "job_title": "title",
    "website_url": "website",
    "company_name": "company",
}


class Event(BaseModel):
    """One ``identify`` or ``track`` call as received.

    Unknown top-level keys are kept (``extra="allow"``) so the event round-trips into
    the store and recordings exactly as it came.
    """

    # Parsing JSON caches only keys: ids, emails and other values seldom repeat.
    model_config = ConfigDict(extra="allow", frozen=True, cache_strings="keys")

    type: Literal["track", "identify"]
    event: str | None = None
    userId: str | None = None
    anonymousId: str | None = None
    traits: dict[str, Any] = Field(default_factory=dict)
    properties: dict[str, Any] = Field(default_factory=dict)
    context: dict[str, Any] = Field(default_factory=dict)
    messageId: str | None = None
    timestamp: str | None = None

    @model_validator(mode="after")
    def _track_needs_a_name(self) -> Event:
        if self.type == "track" and not (self.event and self.event.strip()):
            raise ValueError("a track event needs a non-empty 'event' name")
        return self

    @property
    def name(self) -> str:
        """The event name, or ``identify`` for identify calls."""
        return self.event.strip() if self.type == "track" and self.event else "identify"

    def identity_keys(self) -> list[str]:
        """The keys identifies and tracks of one person share in a stream."""
        keys = []
        if self.userId:
            keys.append(f"user:{self.userId}")
        if self.anonymousId:
            keys.append(f"anon:{self.anonymousId}")
        return keys

    def own_traits(self) -> dict[str, Trait]:
        """Traits carried by this event: ``context.traits`` overlaid by ``traits``."""
        own = canonical_traits(self.traits, "traits")
        context_traits = self.context.get("traits")
        if not context_traits or not isinstance(context_traits, dict):
            return own
        merged = canonical_traits(context_traits, "context.traits")
        merged.update(own)
        return merged

    def consent(self) -> dict[str, bool]:
        """``context.consent`` as category → granted; anything but ``true`` is not granted."""
        raw = self.context.get("consent")
        if not isinstance(raw, dict):
            return {}
        return {str(k): v is True for k, v in raw.items()}

    def page_url(self) -> str | None:
        """``context.page.url`` when present and a string."""
        page = self.context.get("page")
        url = page.get("url") if isinstance(page, dict) else None
        return url.strip() or None if isinstance(url, str) else None

    def to_json(self) -> dict[str, Any]:
        """The event as a JSON-ready dict, without keys that were never given."""
        return self.model_dump(mode="json", exclude_none=True)


@dataclass(slots=True)
class Trait:
    """A trait value and where it came from, for the field trace.

    A slotted dataclass: every trait of every event becomes one, and the values were
    already validated as part of their :class:`Event`.
    """

    value: Any
    source: str


def canonical_traits(traits: dict[str, Any], prefix: str) -> dict[str, Trait]:
    """``traits`` keyed by canonical (camelCase) name, each with its source path.

    When both spellings are given, the camelCase one wins: it is the canonical name.
    """
    known = _NAMES.get(prefix)
    if known is None:
        known = _NAMES[prefix] = {}
    result: dict[str, Trait] = {}
    for key, value in traits.items():
        names = known.get(key)
        if names is None:
            names = (TRAIT_ALIASES.get(key, key), f"{prefix}.{key}")
            if len(known) < _MAX_NAMES:
                known[key] = names
        canonical, source = names
        if canonical != key and canonical in traits:
            continue
        result[canonical] = Trait(value, source)
    return result


#: Per prefix, each trait key's canonical name and source path: every event spells the
#: same few keys, so these strings are made once (at most this many keys per prefix).
_NAMES: dict[str, dict[str, tuple[str, str]]] = {}
_MAX_NAMES = 4096


_VALIDATE = Event.__pydantic_validator__.validate_python
_VALIDATE_JSON = Event.__pydantic_validator__.validate_json


def event_from_json(text: str) -> Event:
    """The event JSON ``text`` holds, parsed and validated by pydantic in one step.

    Raises pydantic's ``ValidationError`` for anything it refuses, bad JSON included:
    :func:`parse_event` (after ``json.loads``) words the errors people see. Values come
    out as ``json.loads`` gives them; a caller keeps text with surrogate escapes or
    deep nesting for that careful path (see :mod:`signaltui.event_stream`).
    """
    event: Event = _VALIDATE_JSON(text)
    return event


def parse_event(data: Any, *, where: str) -> Event:
    """Validate one decoded JSON value as an event; errors name ``where`` (file:line)."""
    if not isinstance(data, dict):
        raise InputError(
            f"expected a JSON object for an event, got {type(data).__name__}",
            where=where,
            hint="each line (or the whole file) must be one event object",
        )
    try:
        # The validator itself: model_validate adds only keyword checks, per event.
        event: Event = _VALIDATE(data)
        return event
    except ValidationError as exc:
        field, problem = first_error(exc)
        raise InputError(
            f"invalid event field '{field or 'event'}': {problem}",
            where=where,
            hint="see docs/events.md: type is track or identify, traits an object",
        ) from exc


@dataclass(slots=True)
class ResolvedEvent:
    """A track or identify with the traits it ends up carrying after the stream merge.

    One resolved event is planned for every destination, so what the blueprints read
    over and over (consent, the normalised field values) is worked out once and kept
    here. Treat it as read-only; it is not frozen only so those caches can fill in.
    """

    event: Event
    traits: dict[str, Trait]
    _consent: dict[str, bool] | None = field(default=None, init=False, repr=False, compare=False)
    #: The blueprints' shared field values (``core.fields.EventScope``), once planned.
    _facts: Any = field(default=None, init=False, repr=False, compare=False)

    def trait(self, name: str) -> Trait | None:
        """The merged trait ``name`` (canonical spelling), if any."""
        return self.traits.get(name)

    @property
    def consent(self) -> dict[str, bool]:
        """The event's consent categories (see :meth:`Event.consent`), read once."""
        # Kept by hand: functools.cached_property takes a lock on every first read.
        if self._consent is None:
            self._consent = self.event.consent()
        return self._consent

    def merged_json(self, event_json: dict[str, Any] | None = None) -> dict[str, Any]:
        """The event JSON with its merged traits (what recordings keep).

        ``event_json``: ``self.event.to_json()``, when the caller has it already (it is
        not changed).
        """
        data = self.event.to_json() if event_json is None else dict(event_json)
        data["traits"] = {name: trait.value for name, trait in self.traits.items()}
        return data


def resolve_event(event: Event) -> ResolvedEvent:
    """A lone event with only its own traits (no stream to merge from)."""
    return ResolvedEvent(event=event, traits=event.own_traits())


class TraitMemory:
    """Remembers identify traits per person so later track events can use them.

    Later identifies overwrite earlier traits trait by trait. A track event's own traits
    win over remembered ones, and they are remembered too, as a CDP would.
    """

    def __init__(self) -> None:
        # Per identity key: the person's merged traits after their latest call, that
        # call's own traits, and its label. A remembered trait gets its label ("identify
        # msg-1: traits.email") only when a later event reads it: most are overwritten by
        # that event's own traits first, so most labels are never built.
        self._people: dict[str, tuple[dict[str, Trait], dict[str, Trait], str]] = {}

    def resolve(self, event: Event) -> ResolvedEvent:
        """The event with remembered traits merged in; updates the memory."""
        keys = event.identity_keys()
        own = event.own_traits()
        merged: dict[str, Trait] = {}
        seen = None
        for key in keys:
            person = self._people.get(key)
            if person is None or person is seen:  # both keys of one call: merged once
                continue
            seen = person
            before, before_own, label = person
            for name, trait in before.items():
                if name not in own and before_own.get(name) is trait:
                    # Remembered traits say which earlier call supplied them, so a later
                    # track's trace reads "identify msg-1: traits.email", not a bare path.
                    trait = Trait(trait.value, f"{label}: {trait.source}")
                merged[name] = trait  # an overwritten one keeps its place for update()
        merged.update(own)
        if keys:
            label = f"{event.type} {event.messageId}" if event.messageId else event.type
            # Shared by all of the person's keys and by the resolved event: never mutated.
            for key in keys:
                self._people[key] = (merged, own, label)
        return ResolvedEvent(event, merged)


def resolve_stream(events: Iterable[Event]) -> Iterator[ResolvedEvent]:
    """Each event of a stream, in order, with identify traits merged in."""
    memory = TraitMemory()
    for event in events:
        yield memory.resolve(event)
