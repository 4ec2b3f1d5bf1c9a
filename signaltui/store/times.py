"""Timestamps as the store keeps them: ISO 8601 UTC with milliseconds and a ``Z``.

One fixed shape ("2026-11-22T10:00:00.123Z") makes text comparison equal time
comparison, so ``since``/``until`` filters are plain indexed string ranges.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from signaltui.errors import InputError

Clock = Callable[[], datetime]

_CANONICAL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def system_clock() -> datetime:
    """The current time in UTC (the default clock; tests inject their own)."""
    return datetime.now(UTC)


def format_utc(moment: datetime) -> str:
    """``moment`` as ``YYYY-MM-DDTHH:MM:SS.mmmZ``; naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def normalize(value: str | datetime, *, field: str = "timestamp") -> str:
    """Any ISO 8601 date or date-time (``Z`` or an offset; naive means UTC), normalised.

    Raises :class:`InputError` naming ``field`` when ``value`` is not a timestamp.
    """
    if isinstance(value, datetime):
        return format_utc(value)
    if _CANONICAL.fullmatch(value):
        return value  # already in shape: the common case in bulk writes
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        raise InputError(
            f"{field} {value!r} is not an ISO 8601 date or time",
            where=field,
            hint="use e.g. 2026-11-22 or 2026-11-22T10:00:00Z",
        ) from None
    return format_utc(parsed)
