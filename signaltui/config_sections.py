"""The ``[delivery]`` and ``[replay]`` tables of the settings (see :mod:`signaltui.config`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from signaltui.errors import InputError
from signaltui.pointers import check_pointers


def no_items() -> list[Any]:
    """A new empty list: a default factory pydantic reads the signature of quickly (for
    ``list`` itself that parses its text signature, about 3 ms of every start-up)."""
    return []


class DeliverySettings(BaseModel):
    """How the delivery client retries and paces requests."""

    # A typo like ``max_attempt`` is an error, as at the top level and in [mapping].
    model_config = ConfigDict(extra="forbid")

    max_attempts: int = Field(
        3,
        ge=1,
        le=20,
        description="Attempts per delivery, first included "
        "(an Outreach token refresh adds one re-send on top).",
    )
    backoff_base: float = Field(0.5, ge=0, description="First retry delay in seconds (doubles).")
    backoff_max: float = Field(
        30.0, ge=0, description="Longest delay of our own backoff (when the CRM names no wait)."
    )
    max_wait: float = Field(
        120.0,
        ge=0,
        description="Longest wait the CRM may ask for (Retry-After, rate-limit reset) that a "
        "delivery sits out; a longer one ends it as deferred, with the time it is due.",
    )
    timeout: float = Field(10.0, gt=0, description="Per-request timeout in seconds.")
    rate_limit_per_second: float | None = Field(
        None,
        ge=0,
        description="Unset: pace live sends by each CRM's documented limits. A number lowers "
        "every documented rate to at most that many requests/s; 0 switches that pacing off "
        "(the CRM's rate headers are still obeyed).",
    )
    rate_limit_burst: int = Field(
        5, ge=1, description="Burst allowed when rate_limit_per_second is set."
    )


class ReplaySettings(BaseModel):
    """How replays compare (the ``[replay]`` table)."""

    model_config = ConfigDict(extra="forbid")

    ignore: list[str] = Field(
        default_factory=no_items,
        description="Body fields (RFC 6901 JSON Pointers, e.g. /date_created) that vary "
        "legitimately and are left out of replay and mock-check comparisons; --ignore adds.",
    )

    @field_validator("ignore")
    @classmethod
    def _pointers(cls, value: list[str]) -> list[str]:
        try:
            return list(check_pointers(value, where="[replay] ignore"))
        except InputError as exc:
            raise ValueError(f"{exc.message}; {exc.hint}") from exc
