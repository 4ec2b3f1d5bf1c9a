"""The one registry of value transforms a blueprint may name (``transform: [...]``).

A transform takes a value and gives a value, ``None`` (empty: the field is left out), a
:class:`Failure` (unusable: left out with a warning and an omitted trace row) or a
:class:`Warned` value (kept, with a warning, e.g. a cut string). Steps that need
settings (the phone region, the field's name for a warning) are built by
:func:`make_transform` when a blueprint is compiled, never per event.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

from signaltui.core.normalize import clean_text, email_from_clean_text, phone_to_e164

#: The trace rule of a phone that phonenumbers could not turn into E.164.
PHONE_OMIT_RULE = "phone could not be normalised to E.164"


class Failure(NamedTuple):
    """Why a value is unusable: the trace rule, the warning, and whether the warning
    should end with "; <field> was left out"."""

    rule: str
    message: str
    names_field: bool


class Warned(NamedTuple):
    """A value that is kept, and a warning about what was done to it."""

    value: Any
    message: str


Transform = Callable[[Any], Any]

#: Every transform: name -> (takes an argument ``name:N``, what it does). The docs and
#: the loader's near-miss suggestions read this table.
TRANSFORMS: dict[str, tuple[bool, str]] = {
    "trim": (False, "text with surrounding and repeated whitespace removed; numbers become text"),
    "strip": (False, "text with surrounding whitespace removed (inner spacing kept)"),
    "lower": (False, "text in lower case"),
    "email": (False, "trim + lowercase + a local@domain check; invalid ones are left out"),
    "e164": (False, "a phone number in E.164, read in the default region"),
    "join": (False, "the non-empty values (of all:) joined with a space"),
    "truncate": (True, "truncate:N cuts text to N characters, with a warning"),
    "scalar": (False, "strings trimmed, numbers and booleans kept, objects and lists left out"),
}


def _trim(value: Any) -> Any:
    return clean_text(value)


def _strip(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    return None


def _lower(value: Any) -> Any:
    if isinstance(value, str):
        return value.lower()
    return value


def _email(value: Any) -> Any:
    text = clean_text(value)
    email = email_from_clean_text(text)
    if email is None and text is not None:
        message = f"email {text!r} is not a valid address; it was left out"
        return Failure("not a valid email address", message, False)
    return email


def _join(value: Any) -> Any:
    if type(value) is not list:
        return clean_text(value)
    return " ".join(text for item in value if (text := clean_text(item)) is not None) or None


def finite_failure(value: Any) -> Failure | None:
    """A failure when ``value`` holds a NaN or an infinity, which JSON cannot carry."""
    if type(value) is float:
        if math.isfinite(value):
            return None
        return Failure(
            "not a finite number", f"the value {value!r} is not a number JSON can carry", True
        )
    if type(value) is list:
        for item in value:
            if type(item) is not str and (failure := finite_failure(item)) is not None:
                return failure
    elif type(value) is dict:
        for item in value.values():
            if type(item) is not str and (failure := finite_failure(item)) is not None:
                return failure
    return None


def _scalar(value: Any) -> Any:
    if isinstance(value, bool | int):
        return value
    if type(value) is float:
        return finite_failure(value) or value
    return clean_text(value) if isinstance(value, str) else None


def make_transform(name: str, arg: str | None, *, region: str, label: str, crm: str) -> Transform:
    """The transform ``name`` (``arg`` is ``N`` of ``truncate:N``), bound to its settings.

    ``region`` is the phone region, ``label`` the field's trace name and ``crm`` the
    destination's display name, both for warnings.
    """
    if name == "e164":

        def e164(value: Any) -> Any:
            text = clean_text(value)
            if text is None:
                return None
            number, error = phone_to_e164(text, region)
            return number if error is None else Failure(PHONE_OMIT_RULE, error, True)

        return e164
    if name == "truncate":
        limit = int(arg or "0")

        def truncate(value: Any) -> Any:
            if isinstance(value, str) and len(value) > limit:
                return Warned(
                    value[:limit],
                    f"{label} has {len(value)} characters; {crm} allows {limit}, "
                    f"so it was cut to the first {limit}",
                )
            return value

        return truncate
    simple: dict[str, Transform] = {
        "trim": clean_text,  # _trim's body, without the extra call
        "strip": _strip,
        "lower": _lower,
        "email": _email,
        "join": _join,
        "scalar": _scalar,
    }
    return simple[name]


def split_transform(step: str) -> tuple[str, str | None]:
    """``"truncate:100"`` -> ``("truncate", "100")``; ``"trim"`` -> ``("trim", None)``."""
    name, _, arg = step.partition(":")
    return name.strip(), (arg.strip() if arg else None)
