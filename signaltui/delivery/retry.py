"""How long to wait before the next attempt: the server's word first, else backoff.

Server hints, in order of precedence:
- ``Retry-After`` (any retryable status): delta seconds, an HTTP-date, or an ISO 8601
  timestamp (Outreach's maintenance 503 sends one; a timestamp without zone is UTC).
- On 429 only, the rate-limit reset headers: Close's ``RateLimit: limit=…, remaining=…,
  reset=N`` (seconds), ``RateLimit-Reset`` (seconds), and ``X-RateLimit-Reset`` /
  ``X-Rate-Limit-Reset``, which Outreach sends as epoch seconds and Close (2017) as delta
  seconds; values above 10^9 are read as epoch. They are ignored on 5xx because Outreach
  sends them on every response and they describe an hourly window, not an outage.

A wait the server asks for is honoured in full: the client compares it with its
``max_wait`` setting and defers the delivery when it is longer (see
:mod:`signaltui.delivery.client`). Only our own backoff, used when the server gives no
hint, is capped at ``backoff_max``. A hint in the past counts as 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

#: Reset values above this are epoch timestamps rather than delta seconds (2001-09-09).
EPOCH_THRESHOLD = 1_000_000_000
_RESET_PARAM = re.compile(r"(?:^|[,;\s])reset\s*=\s*([0-9]+(?:\.[0-9]+)?)", re.IGNORECASE)


def number(value: str) -> float | None:
    """``value`` as a finite float, or ``None``."""
    try:
        parsed = float(value.strip())
    except ValueError:
        return None
    return parsed if parsed == parsed and parsed not in (float("inf"), float("-inf")) else None


def parse_retry_after(value: str, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value; ``None`` when it cannot be read."""
    seconds = number(value)
    if seconds is not None:
        return seconds
    text = value.strip()
    moment: datetime | None = None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp() - now


def parse_ratelimit_reset(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds until the rate-limit window resets, from any known header; else ``None``."""
    structured = headers.get("ratelimit")
    if structured:
        match = _RESET_PARAM.search(structured)
        if match:
            return float(match.group(1))
    delta = headers.get("ratelimit-reset")
    if delta is not None and (seconds := number(delta)) is not None:
        return seconds
    for name in ("x-ratelimit-reset", "x-rate-limit-reset"):
        raw = headers.get(name)
        if raw is not None and (value := number(raw)) is not None:
            return value - now if value > EPOCH_THRESHOLD else value
    return None


def server_wait(status: int | None, headers: Mapping[str, str], now: float) -> float | None:
    """The wait a response asks for, or ``None`` when it gives no usable hint.

    ``headers`` must have lower-case names (as :class:`httpx.Headers` lookups do).
    ``now`` is wall-clock epoch seconds.
    """
    retry_after = headers.get("retry-after")
    if retry_after is not None:
        seconds = parse_retry_after(retry_after, now)
        if seconds is not None:
            return seconds
    if status == 429:
        return parse_ratelimit_reset(headers, now)
    return None


def backoff_wait(failures: int, base: float, cap: float, rng: Callable[[], float]) -> float:
    """Exponential backoff with "equal jitter": half fixed, half random.

    ``failures`` counts failed attempts so far (1 after the first). The fixed half keeps
    a floor under the wait; the random half spreads retries of parallel deliveries.
    """
    ceiling = min(cap, base * (2 ** max(0, failures - 1)))
    return ceiling / 2 + rng() * ceiling / 2


def next_wait(
    *,
    failures: int,
    status: int | None,
    headers: Mapping[str, str],
    now: float,
    base: float,
    cap: float,
    rng: Callable[[], float],
) -> tuple[float, bool]:
    """The wait before the next attempt, and whether the server asked for it.

    The server's hint is returned uncapped (never negative); without one, backoff capped
    at ``cap``.
    """
    hint = server_wait(status, headers, now)
    if hint is not None:
        return max(0.0, hint), True
    return min(max(0.0, backoff_wait(failures, base, cap, rng)), cap), False
