"""What a delivery ended as, attempt by attempt, in a shape the store and recordings keep.

Every request here is already redacted (secret header values masked): these records are
what gets stored, recorded and shown, so they must never hold a credential.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from signaltui.core.request import CRM_NAMES

Outcome = Literal["delivered", "dropped", "rejected", "failed", "dead_lettered", "deferred"]
OUTCOMES: tuple[Outcome, ...] = (
    "delivered",
    "dropped",
    "rejected",
    "failed",
    "dead_lettered",
    "deferred",
)

#: What an attempt was: the planned request itself, or a read that looked for its result.
AttemptKind = Literal["send", "lookup"]

#: The note a delivery carries when a look-up found what a lost answer had created.
RECOVERED_NOTE = "recovered after a lost response"


class RecordedRequest(BaseModel):
    """A request as sent, secrets masked (``request`` of previews, recordings)."""

    method: str
    url: str
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None


class RecordedResponse(BaseModel):
    """A response as received (a recording's ``response``) plus its latency."""

    status: int
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None
    latency_ms: float = 0.0


class AttemptRecord(BaseModel):
    """One try: what went out, what came back (or the transport error), and the wait after.

    ``kind`` is ``send`` for the planned request and ``lookup`` for a read that checked
    whether an earlier send whose answer was lost had in fact been applied; ``note``
    says what that read found (or why a send ended as it did).
    """

    number: int
    started_at: str
    request: RecordedRequest
    response: RecordedResponse | None = None
    error: str | None = None
    wait_seconds: float | None = None
    kind: AttemptKind = "send"
    note: str | None = None


class DeliveryResult(BaseModel):
    """The end of one delivery: its outcome, the last response, and every attempt.

    - ``delivered``: the CRM accepted it (2xx).
    - ``dropped``: the core decided not to send (``reason`` is the drop reason).
    - ``rejected``: the CRM answered with a final 4xx (bad key, validation, duplicate…).
    - ``failed``: it could not be sent and retrying would not help (e.g. the OAuth
      refresh token was refused, a redirect or an unexpected status).
    - ``dead_lettered``: a retryable failure (429, 5xx, timeout, connection) that was
      still failing after the last attempt.
    - ``deferred``: the CRM asked for a wait longer than ``max_wait`` (an hourly window,
      a maintenance time); ``retry_at`` (ISO 8601 UTC) says when to send it again.
    """

    destination: str
    target: str
    outcome: Outcome
    reason: str | None = None
    hint: str | None = None
    request: RecordedRequest | None = None
    response: RecordedResponse | None = None
    attempts: list[AttemptRecord] = Field(default_factory=list)
    retry_at: str | None = None

    @property
    def ok(self) -> bool:
        """True for outcomes that exit 0 (delivered, or dropped by design)."""
        return self.outcome in ("delivered", "dropped")


# --- classification and troubleshooting hints ---------------------------------------------
# The hints restate each spec's troubleshooting table in our own words; they are shown next
# to a failed delivery so a person knows what to change.

_HINTS: dict[str, dict[int, str]] = {
    "apollo": {
        400: "Apollo refused the contact: make sure lead events carry both first and last "
        "name traits.",
        401: "Apollo did not accept the API key: create a new key in Apollo with the "
        "'Create a Contact' endpoint enabled and set SIGNALTUI_APOLLO_API_KEY.",
        403: "The Apollo key is valid but not allowed to create contacts: give it the "
        "'Create a Contact' endpoint (or use a master key).",
        404: "Wrong Apollo path: requests must go to /api/v1/contacts (the /api segment is "
        "needed); check the base URL.",
        422: "Apollo could not process the contact: check that first and last name are sent "
        "and that any account or stage id is valid.",
        429: "Apollo rate limit reached: retried automatically; if it keeps happening, slow "
        "down or raise the limit on the Apollo plan.",
    },
    "outreach": {
        400: "Outreach refused the request: check the mapped attributes in the preview.",
        401: "Outreach refused a freshly minted access token, though the refresh itself "
        "succeeded (so the client id, secret and refresh token are fine): the new token "
        "expired or was revoked before it was used (against a mock: its token-expiry or "
        "mixed fault profile). Replay the delivery.",
        403: "The Outreach app lacks the prospects.write scope: re-authorise it with "
        "prospects.read and prospects.write.",
        404: "Wrong Outreach path: prospects are created at /api/v2/prospects; check the base URL.",
        415: "Outreach wants Content-Type: application/vnd.api+json; signaltui sends it, so "
        "something in between (a proxy?) removed or rewrote the header.",
        422: "Outreach validation error (an unknown attribute, a bad value, or a prospect "
        "with this email already exists): review the mapped fields in the preview.",
        429: "Outreach rate limit reached: retried automatically with backoff; lower the "
        "sending rate if it persists.",
    },
    "close": {
        400: "Close refused the lead, usually because a required field (most often the "
        "lead name) is missing, or the lead status id is not valid for this org: make sure "
        "an identify with email comes before the event.",
        401: "Close did not accept the API key (wrong or revoked): create a new one under "
        "Settings > Developer > API Keys and set SIGNALTUI_CLOSE_API_KEY.",
        402: "Close refused the request because of a plan limit of the organization.",
        403: "The Close key has no permission for this organization: use a key created in "
        "the org that should receive the leads.",
        404: "Wrong Close path: leads are created at /api/v1/lead/; check the base URL.",
        415: "Close expects a JSON body (Content-Type: application/json); check for a proxy "
        "rewriting the request.",
        429: "Close rate limit reached: retried automatically; lower the throughput if it "
        "persists.",
    },
}

_SERVER_ERROR_HINT = (
    "The {crm} API had a server-side problem (or maintenance); retried with backoff. "
    "Replay the delivery later."
)

_TRANSPORT_HINTS = {
    "timeout": "No answer in time: check the network or the target, or raise "
    "delivery.timeout; the delivery can be replayed.",
    "connection_error": "Could not connect (or the connection dropped): check that the target "
    "is reachable (is the mock server running?); the delivery can be replayed.",
    "transport_error": "The request could not be sent: check the target URL.",
}

_DROP_HINTS = {
    "event_not_mapped": "This event is not one of the lead events mapped for {crm}; it is "
    "dropped by design.",
    "consent_not_granted": "Marketing consent (context.consent.marketing) was not granted, "
    "so nothing is sent to {crm}; this is by design.",
    "missing_email": "No email trait: {crm} needs an identified lead; send an identify with "
    "an email before the event.",
    "identify_only": "Identify calls only record traits; a later lead event sends them to {crm}.",
}


def _crm(destination: str) -> str:
    return CRM_NAMES.get(destination, destination)


def is_retryable_status(status: int) -> bool:
    """429 and 5xx are worth another attempt; every other status is final."""
    return status == 429 or 500 <= status <= 599


def classify(destination: str, status: int) -> tuple[Outcome, str | None]:
    """The outcome an HTTP ``status`` leads to (if it is the last answer), and a hint.

    2xx is ``delivered``; 429/5xx ``dead_lettered`` (they are retried first); other 4xx
    ``rejected``; anything else (1xx, 3xx) ``failed``.
    """
    if 200 <= status <= 299:
        return "delivered", None
    crm = _crm(destination)
    table = _HINTS.get(destination, {})
    if status == 429:
        return "dead_lettered", table.get(429, f"{crm} rate limit reached.")
    if 500 <= status <= 599:
        return "dead_lettered", _SERVER_ERROR_HINT.format(crm=crm)
    if 400 <= status <= 499:
        hint = table.get(status, f"{crm} refused the request (HTTP {status}); see the body.")
        return "rejected", hint
    if 300 <= status <= 399:
        return "failed", (
            f"The target redirected (HTTP {status}); point the base URL at the API itself "
            "(http vs https, trailing path)."
        )
    return "failed", f"Unexpected HTTP {status} from {crm}."


def transport_hint(kind: str) -> str:
    """Hint for a transport failure kind: ``timeout``, ``connection_error``, ``transport_error``."""
    return _TRANSPORT_HINTS.get(kind, _TRANSPORT_HINTS["transport_error"])


def dead_letter_hint(destination: str, kind: str) -> str:
    """Hint for a delivery given up after its last attempt failed with ``kind``.

    ``kind`` is ``http_<status>``, ``token_http_<status>`` or a transport kind.
    """
    if kind.startswith("http_") and kind[5:].isdigit():
        return classify(destination, int(kind[5:]))[1] or ""
    if kind.startswith("token_"):
        return (
            f"The {_crm(destination)} OAuth token endpoint kept failing ({kind[6:]}); "
            "replay the delivery later."
        )
    return transport_hint(kind)


def deferred_hint(destination: str, wait: float, retry_at: str, max_wait: float) -> str:
    """Why a delivery was deferred and how it gets sent later."""
    return (
        f"{_crm(destination)} asked to wait {wait:.0f}s, longer than max_wait "
        f"({max_wait:g}s): deferred until {retry_at}. Once due, `signaltui replay --mode send` "
        "or History > re-send due delivers it."
    )


def recovered_hint(destination: str, found: str | None) -> str:
    """The note on a delivery whose lost answer turned out to have been applied."""
    crm = _crm(destination)
    if found is None:
        return f"{RECOVERED_NOTE}: {crm} already had it (a duplicate of our own earlier try)."
    return f"{RECOVERED_NOTE}: {crm} already had it as {found}."


def unconfirmed_hint(destination: str, status: int, found: str | None) -> str:
    """The note on a 2xx whose answer carried no record id (unreadable, or no id in it)."""
    crm = _crm(destination)
    said = f"{crm} answered {status} but its answer carried no record id"
    if found is not None:
        return f"{said}; a look-up by email found it as {found}."
    return (
        f"{said}, and a look-up by email did not find it: check in {crm} before sending "
        "it again (it was not re-sent, so no duplicate was made)."
    )


def drop_hint(destination: str, reason: str | None) -> str | None:
    """Why the core dropped an event for ``destination``, as a sentence for people."""
    if reason is None:
        return None
    template = _DROP_HINTS.get(reason)
    if template is None:
        return f"Dropped before sending to {_crm(destination)}: {reason}."
    return template.format(crm=_crm(destination))
