"""The bookkeeping of one delivery: its attempts so far and how the last one ended.

:class:`Run` turns the attempts into a :class:`DeliveryResult`; :class:`Retry` and
:class:`Done` are the internal signals an attempt raises to the client's loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from signaltui.core.request import OutboundRequest
from signaltui.delivery.answers import answer_hint
from signaltui.delivery.auth import AuthError
from signaltui.delivery.lookup import contact_email, is_outreach_duplicate, lookup_request
from signaltui.delivery.outcomes import (
    AttemptKind,
    AttemptRecord,
    DeliveryResult,
    Outcome,
    RecordedRequest,
    RecordedResponse,
    classify,
    recovered_hint,
)
from signaltui.delivery.wire import record_request
from signaltui.errors import DeliveryError


class Retry(Exception):
    """This attempt failed in a way worth retrying (``kind`` names it).

    ``ambiguous``: the request may have been applied (its answer was lost). ``wait``: a
    wait known without headers (the Outreach mint throttle). ``group``: the pacing
    group of the request, so a rate-limit wait can hold the whole group. ``lookup``: it
    was a look-up that failed (counted apart from failed sends).
    """

    def __init__(
        self,
        kind: str,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        ambiguous: bool = False,
        wait: float | None = None,
        group: str | None = None,
        lookup: bool = False,
    ):
        super().__init__(kind)
        self.kind = kind
        self.status = status
        self.headers: Mapping[str, str] = headers if headers is not None else {}
        self.ambiguous = ambiguous
        self.wait = wait
        self.group = group
        self.lookup = lookup


class Done(Exception):
    """The delivery ends now with this outcome."""

    def __init__(
        self, outcome: Outcome, reason: str | None, hint: str | None, retry_at: str | None = None
    ):
        super().__init__(outcome)
        self.outcome: Outcome = outcome
        self.reason = reason
        self.hint = hint
        self.retry_at = retry_at


def auth_done(exc: DeliveryError) -> Done:
    """The end of a delivery whose credentials could not be put on the request."""
    reason = exc.reason if isinstance(exc, AuthError) else "token_store_error"
    hint = f"{exc.message}: {exc.hint}" if exc.hint else exc.message
    return Done("failed", reason, hint)


@dataclass
class AttemptState:
    """Counters of the client's loop for one delivery.

    ``failures`` counts failed sends and ``lookup_failures`` failed look-ups, each against
    ``max_attempts``; ``limited`` counts 429s that named their wait (outside both).
    ``unresolved``: a create may have been applied and no look-up has settled it yet;
    ``maybe_applied``: some earlier send of this delivery may have been applied.
    """

    failures: int = 0
    lookup_failures: int = 0
    limited: int = 0
    refreshes: int = 0
    just_refreshed: bool = False
    unresolved: bool = False
    maybe_applied: bool = False


@dataclass
class Run:
    """The state of one delivery: where it goes and what has happened so far."""

    request: OutboundRequest
    destination: str
    target: str
    attempts: list[AttemptRecord] = field(default_factory=list)
    _lookup: OutboundRequest | None = field(default=None, init=False, repr=False)
    _lookup_built: bool = field(default=False, init=False, repr=False)

    def lookup(self) -> OutboundRequest | None:
        """The read that finds what the request would have made (``None`` when none
        can), built the first time it is asked for: most deliveries never look."""
        if not self._lookup_built:
            self._lookup = lookup_request(self.destination, self.request)
            self._lookup_built = True
        return self._lookup

    def add(
        self,
        number: int,
        started_at: str,
        kind: AttemptKind,
        request: RecordedRequest,
        *,
        response: RecordedResponse | None = None,
        error: str | None = None,
    ) -> None:
        """Append the record of one attempt, once its outcome is known."""
        self.attempts.append(
            AttemptRecord(
                number=number, started_at=started_at, request=request, response=response,
                error=error, kind=kind,
            )
        )  # fmt: skip

    def email(self) -> str:
        """The lead's email the look-ups search by ('' when the body has none)."""
        return contact_email(self.destination, self.request.body) or ""

    def sends(self) -> int:
        """How many attempts sent the planned request (look-ups not counted)."""
        return sum(1 for a in self.attempts if a.kind == "send")

    def last_body(self) -> Any:
        """The last attempt's response body (``None`` without a response)."""
        last = self.attempts[-1] if self.attempts else None
        return last.response.body if last and last.response else None

    def note(self, text: str) -> None:
        """Put ``text`` on the last attempt (what a look-up found, why a send counted)."""
        self.attempts[-1] = self.attempts[-1].model_copy(update={"note": text})

    def finish(self, maybe_applied: bool = False) -> DeliveryResult:
        """The result decided by the last response's status (it must have one).

        An Outreach duplicate 422 after a send that may have been applied is that send's
        own prospect: delivered, with the recovery note.
        """
        last = self.attempts[-1]
        if last.response is None:  # pragma: no cover - callers only finish after a response
            raise RuntimeError("finish() without a response")
        status = last.response.status
        if maybe_applied and is_outreach_duplicate(self.destination, status, last.response.body):
            self.note("duplicate of our own earlier try, whose answer was lost")
            return self.result("delivered", None, recovered_hint(self.destination, None))
        outcome, hint = classify(self.destination, status)
        if outcome == "rejected":  # the body may say which field, or that no fix helps
            hint = answer_hint(self.destination, status, last.response.body) or hint
        reason = None if outcome == "delivered" else f"http_{status}"
        return self.result(outcome, reason, hint)

    def recovered(self, found: str) -> DeliveryResult:
        """Delivered: a look-up found the record an earlier send had created.

        The result's request stays the create that was planned (recordings compare it);
        its response is the look-up's answer, which holds the record found.
        """
        sends = [a for a in self.attempts if a.kind == "send"]
        result = self.result("delivered", None, recovered_hint(self.destination, found))
        if sends:
            result = result.model_copy(update={"request": sends[-1].request})
        return result

    def result(
        self,
        outcome: Outcome,
        reason: str | None,
        hint: str | None,
        retry_at: str | None = None,
    ) -> DeliveryResult:
        """The result with this outcome; request and response are the last attempt's."""
        last = self.attempts[-1] if self.attempts else None
        if last is not None and last.kind == "lookup" and outcome != "delivered":
            # Ending on a look-up: the exchange recorded is still the create.
            sends = [a for a in self.attempts if a.kind == "send"]
            last = sends[-1] if sends else None
        return DeliveryResult(
            destination=self.destination,
            target=self.target,
            outcome=outcome,
            reason=reason,
            hint=hint,
            request=last.request if last else record_request(self.request, None),
            response=last.response if last else None,
            attempts=self.attempts,
            retry_at=retry_at,
        )
