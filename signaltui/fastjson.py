"""orjson where it is installed (the ``fast`` extra), with exactly ``json``'s bytes.

orjson is several times faster than the standard library's encoder but spells a few
values differently, so :func:`encode` hands back ``None`` (the caller encodes with
``json``) for every value it cannot vouch for: one holding a float anywhere, or
anything orjson refuses under :data:`OPTIONS` (integers past 64 bits, dict keys that
are not strings, lone surrogates, datetimes, dataclasses, subclasses of str, int, dict
or list, nesting past orjson's depth limit). What is left (dicts, lists, strings,
integers, booleans and nulls) both write alike: compact, keys in order, UTF-8 without
ASCII escaping.
"""

from __future__ import annotations

from typing import Any

try:  # optional: pip install 'signaltui[fast]'
    import orjson
except ImportError:  # pragma: no cover - exercised by the stdlib tests
    orjson = None  # type: ignore[assignment]

#: Types orjson would encode but ``json`` refuses or encodes otherwise are handed to
#: ``default``; there is none, so orjson raises and the caller falls back to ``json``.
OPTIONS = (
    0
    if orjson is None
    else orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def has_float(value: Any) -> bool:
    """Whether a float is anywhere in ``value`` (dicts and lists walked, no recursion).

    orjson and ``json`` write the same digits for a float but not always in the same
    form (``1e-05`` is ``0.00001`` to orjson, ``1.5e-07`` is ``1.5e-7``; NaN is
    ``null`` to orjson, ``NaN`` to json).
    """
    pending = [value]
    pop, extend = pending.pop, pending.extend
    while pending:
        item = pop()
        kind = type(item)
        if kind is str:  # most leaves: checked first
            continue
        if kind is dict:
            extend(item.values())
        elif kind is list or kind is tuple:
            extend(item)
        elif isinstance(item, float):
            return True
    return False


def encode(value: Any) -> bytes | None:
    """``value`` as compact UTF-8 JSON through orjson, byte for byte what
    ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` writes; ``None``
    when orjson is not installed or could differ (see the module docstring)."""
    return None if has_float(value) else encode_floatless(value)


def encode_floatless(value: Any) -> bytes | None:
    """:func:`encode` of a value the caller knows holds no float (the search for one
    skipped); ``None`` when orjson is not installed or refuses the value."""
    if orjson is None:
        return None
    try:
        return orjson.dumps(value, option=OPTIONS)
    except TypeError:  # orjson.JSONEncodeError
        return None
