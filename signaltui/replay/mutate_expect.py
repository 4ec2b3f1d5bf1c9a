"""What signaltui's delivery should do when a recorded success turns into a failure.

This is the one table a mutation run (``signaltui replay --mode mutate``) is judged by.
It is data only: :mod:`signaltui.replay.mutate` runs each mutation against the
in-process mock and compares what the delivery did with the row for that kind and CRM.

A row says the outcome, how many times the planned create was sent, how many look-ups
by email were made, and how many records the mock CRM holds at the end (1 for a lead
delivered once, 0 for one not stored yet: never 2, which would be a duplicate). The
table assumes the default delivery policy ([delivery] max_wait 120 s, max_attempts 3),
which the runner uses whatever the config says, so a row means the same everywhere.

Each mutation hits only the first create of its delivery ("one-shot") unless its nature
is to last: a CRM rate limit answers one request and the next is counted afresh, an
error or a lost answer belongs to one request, but a maintenance window keeps answering
503 to every request (look-ups included) until it ends.
"""

from __future__ import annotations

from dataclasses import dataclass

CRMS = ("apollo", "outreach", "close")

#: Seconds a short wait names (Retry-After, a reset): well under max_wait, so retried.
SHORT_WAIT = 2
#: Seconds an hourly window's reset is away: over max_wait, so the delivery is deferred.
WINDOW_WAIT = 3600
#: Seconds a maintenance window lasts (the mock's own maintenance profile default).
MAINTENANCE_WAIT = 600


@dataclass(frozen=True)
class MutationKind:
    """One way a CRM's answer can go wrong, as a mutation run applies it."""

    name: str
    #: What the CRM answers instead of its success, for people.
    summary: str
    #: Whether the fault lasts beyond the first create (see the module docstring).
    persists: bool = False


#: Every kind, in report order.
KINDS: tuple[MutationKind, ...] = (
    MutationKind("429-retry-after-seconds", "429 with Retry-After in delta seconds"),
    MutationKind("429-retry-after-date", "429 with Retry-After as an HTTP-date"),
    MutationKind(
        "429-reset-header",
        "429 naming its wait only in the CRM's own reset header, no Retry-After",
    ),
    MutationKind("429-no-retry-after", "429 naming no wait at all"),
    MutationKind("429-hourly-window", "429 whose window resets in an hour"),
    MutationKind("500", "500 Internal Server Error, nothing stored"),
    MutationKind(
        "503-maintenance",
        "503 scheduled maintenance with Retry-After, for 10 minutes",
        persists=True,
    ),
    MutationKind(
        "lost-response", "the CRM stores the lead, then the connection drops before the answer"
    ),
    MutationKind("timeout", "no answer in time; the CRM never got to store it"),
    MutationKind("malformed-json", "2xx with its JSON body cut short; the lead is stored"),
    MutationKind("2xx-without-id", "2xx whose JSON lacks the record's id; the lead is stored"),
)

KIND_NAMES = tuple(kind.name for kind in KINDS)


@dataclass(frozen=True)
class Expected:
    """What one mutation should end as (also the shape of what it did end as)."""

    outcome: str
    sends: int
    lookups: int
    leads: int

    @property
    def how(self) -> str:
        """The outcome in words: retried, recovered by look-up, deferred, ..."""
        if self.outcome == "delivered":
            if self.lookups and self.sends == 1:
                return "recovered by look-up"
            if self.lookups:
                return "looked up, not found, re-sent, delivered"
            return "retried, then delivered" if self.sends > 1 else "delivered"
        return self.outcome.replace("_", "-")

    def describe(self) -> str:
        """``retried, then delivered (2 sends, 0 look-ups, 1 lead)``."""
        return (
            f"{self.how} ({self.sends} send{'s' * (self.sends != 1)}, "
            f"{self.lookups} look-up{'s' * (self.lookups != 1)}, "
            f"{self.leads} lead{'s' * (self.leads != 1)})"
        )


RETRIED = Expected("delivered", sends=2, lookups=0, leads=1)
RECOVERED = Expected("delivered", sends=1, lookups=1, leads=1)

EXPECTED: dict[tuple[str, str], Expected] = {
    # A 429 is a refusal before anything is stored, so it is never looked up; a short
    # named wait is slept out and the create sent once more.
    # Apollo's 429 carries retry-after in seconds (CRM API facts §1; the qodev client reads it).
    ("429-retry-after-seconds", "apollo"): RETRIED,
    # Outreach adds Retry-After to its 429 (facts §2, from the api-evangelist digest).
    ("429-retry-after-seconds", "outreach"): RETRIED,
    # Close sends Retry-After beside its RateLimit header (facts §3, closeio-api 2.1 reads it).
    ("429-retry-after-seconds", "close"): RETRIED,
    # Retry-After may also be an HTTP-date (HTTP semantics, RFC 9110 §10.2.3); a client
    # must read both forms, whichever CRM sends it.
    ("429-retry-after-date", "apollo"): RETRIED,
    ("429-retry-after-date", "outreach"): RETRIED,
    ("429-retry-after-date", "close"): RETRIED,
    # Apollo documents no reset header, only the x-*-requests-left family (facts §1,
    # §7): nothing names the wait, so signaltui's own backoff applies, then the retry.
    ("429-reset-header", "apollo"): RETRIED,
    # Outreach's X-RateLimit-Reset is epoch seconds (facts §2, tap-outreach parses it so).
    ("429-reset-header", "outreach"): RETRIED,
    # Close's current form is `RateLimit: limit=…, remaining=0, reset=N`, read before
    # Retry-After by closeio-api 2.1 (facts §3).
    ("429-reset-header", "close"): RETRIED,
    # No wait named at all: backoff, then the retry (each spec: "retries 429 automatically").
    ("429-no-retry-after", "apollo"): RETRIED,
    ("429-no-retry-after", "outreach"): RETRIED,
    ("429-no-retry-after", "close"): RETRIED,
    # Apollo's retry-after is the time until the spent window resets, which can be an
    # hour or more (facts §7): longer than max_wait, so deferred, nothing stored yet.
    ("429-hourly-window", "apollo"): Expected("deferred", sends=1, lookups=0, leads=0),
    # Outreach's limit is 10,000 per hour and its 429 says when to try again (facts §2).
    # Close's windows are seconds long (facts §3), so it has no row for this kind.
    ("429-hourly-window", "outreach"): Expected("deferred", sends=1, lookups=0, leads=0),
    # A 500 is the CRM's own error before it stored anything; it is not one of the cases
    # where an answer is lost after the create was applied (facts §7), so it is retried
    # without a look-up.
    ("500", "apollo"): RETRIED,
    ("500", "outreach"): RETRIED,
    ("500", "close"): RETRIED,
    # Outreach's maintenance 503 names its end as an ISO 8601 time (facts §2, §7); Apollo
    # and Close document none, so the mock answers as an edge proxy would, in seconds.
    # Ten minutes is over max_wait: deferred. A 503 may come from a gateway after the
    # create was applied, so one last look-up is made first (it meets the 503 too).
    ("503-maintenance", "apollo"): Expected("deferred", sends=1, lookups=1, leads=0),
    ("503-maintenance", "outreach"): Expected("deferred", sends=1, lookups=1, leads=0),
    ("503-maintenance", "close"): Expected("deferred", sends=1, lookups=1, leads=0),
    # No create endpoint takes an idempotency key, so after a lost answer a blind re-send
    # duplicates the lead (facts §7): the look-up by email finds it instead (the reads
    # of facts §7), and it is delivered as that record.
    ("lost-response", "apollo"): RECOVERED,
    ("lost-response", "outreach"): RECOVERED,
    ("lost-response", "close"): RECOVERED,
    # A timeout leaves it open whether the create was applied (facts §7): look first;
    # here the CRM never stored it, so the look-up finds nothing and the create is sent again.
    ("timeout", "apollo"): Expected("delivered", sends=2, lookups=1, leads=1),
    ("timeout", "outreach"): Expected("delivered", sends=2, lookups=1, leads=1),
    ("timeout", "close"): Expected("delivered", sends=2, lookups=1, leads=1),
    # Each spec says the success answer carries the new record with its id (apollo.txt:
    # the contact; outreach.txt: "including its assigned id"; close.txt: "including the
    # generated lead_id"). A 2xx that cannot be read says it was stored but not as what:
    # look it up, never send again (that would be the duplicate of facts §7).
    ("malformed-json", "apollo"): RECOVERED,
    ("malformed-json", "outreach"): RECOVERED,
    ("malformed-json", "close"): RECOVERED,
    # The same specs, for a readable 2xx that leaves the id out.
    ("2xx-without-id", "apollo"): RECOVERED,
    ("2xx-without-id", "outreach"): RECOVERED,
    ("2xx-without-id", "close"): RECOVERED,
}


def kind_named(name: str) -> MutationKind:
    """The kind called ``name`` (``KeyError`` for an unknown one)."""
    for kind in KINDS:
        if kind.name == name:
            return kind
    raise KeyError(name)


def rows_for(destination: str) -> list[tuple[MutationKind, Expected]]:
    """The kinds that apply to ``destination``, in report order, with their expectation."""
    return [
        (kind, EXPECTED[(kind.name, destination)])
        for kind in KINDS
        if (kind.name, destination) in EXPECTED
    ]
