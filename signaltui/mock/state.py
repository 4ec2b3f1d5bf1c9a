"""Settings and in-memory state shared by the three mock CRMs of one app."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from signaltui.config import Credentials
from signaltui.mock.faults import MAINTENANCE_SECONDS, FaultPlan
from signaltui.mock.ids import Clock, IdFactory
from signaltui.mock.journal import JOURNAL_SIZE, Journal
from signaltui.mock.limits import Windows, parse_limits

DAY = 86_400.0


@dataclass(frozen=True)
class MockSettings:
    """Behaviours the CRM docs leave open, so the mock makes them switchable."""

    #: Reject Apollo contacts without first_name/last_name with 422. Apollo's docs mark no
    #: field required, but signaltui's Apollo spec says Apollo rejects them: default on.
    apollo_require_names: bool = True
    #: Revoke an Outreach refresh token as soon as it has been rotated. Outreach support
    #: says an old one stays valid for a while, so the default is lenient.
    outreach_strict_rotation: bool = False
    #: Lenient rotation: how long a refresh token lives, and how many newer ones of the
    #: same chain may exist before it stops working (Outreach: 14 days, 100).
    outreach_refresh_ttl: float = 14 * DAY
    outreach_refresh_keep: int = 100
    #: Outreach access token lifetime in seconds (``expires_in``).
    outreach_token_ttl: int = 7200
    #: Outreach lets an app mint one access token per this many seconds (scaled by limits).
    outreach_mint_interval: float = 60.0
    #: Email domains Outreach refuses as "excluded" (usually the org's own domain).
    outreach_excluded_domains: tuple[str, ...] = ()
    #: Reject Close leads without a name with 400 (signaltui's Close spec expects it).
    close_require_name: bool = True
    #: The Close org's default country, used to normalise phones to E.164.
    close_default_country: str = "US"
    #: Region for Apollo phone numbers given without a country code.
    apollo_default_country: str = "US"
    #: Seconds announced in Retry-After (and Close's ``reset=``) on a fault-profile 429.
    retry_after: int = 1
    #: Rate-limit enforcement: ``on``, ``off`` or ``scale:F`` (see ``mock.limits``).
    limits: str = "on"
    #: Apollo per-endpoint limits: per minute, per hour, per 24 hours (Professional plan).
    apollo_limits: tuple[int, int, int] = (200, 600, 2000)
    #: Outreach requests per hour per authorised user.
    outreach_limit_per_hour: int = 10_000
    #: Close requests per second per API key and endpoint group.
    close_limit_per_second: int = 20
    #: How long the ``maintenance`` fault profile keeps the CRMs down, in seconds.
    maintenance_seconds: float = MAINTENANCE_SECONDS
    #: How many requests the journal keeps (the oldest are dropped first).
    journal_size: int = JOURNAL_SIZE


@dataclass
class Counters:
    """What the mock did, for ``GET /__mock/state`` (fault suites count on these)."""

    created: dict[str, int] = field(default_factory=dict)
    lost_responses: dict[str, int] = field(default_factory=dict)
    rate_limited: dict[str, int] = field(default_factory=dict)
    mints: int = 0
    mints_throttled: int = 0

    def bump(self, table: dict[str, int], crm: str) -> None:
        """Add one to ``table[crm]``."""
        table[crm] = table.get(crm, 0) + 1


@dataclass
class MockState:
    """Everything one mock app remembers; :meth:`reset` empties it."""

    credentials: Credentials
    settings: MockSettings
    faults: FaultPlan
    clock: Clock = time.time
    ids: IdFactory = field(default_factory=IdFactory)
    journal: Journal = field(default_factory=Journal)
    windows: Windows = field(init=False)
    counters: Counters = field(default_factory=Counters)
    apollo_contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: email -> ids of the Apollo contacts carrying it, oldest first.
    apollo_by_email: dict[str, list[str]] = field(default_factory=dict)
    apollo_labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    outreach_prospects: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: email -> id of the Outreach prospect holding it (Outreach keeps emails unique).
    outreach_by_email: dict[str, int] = field(default_factory=dict)
    #: refresh-token lineage -> newest generation minted from it.
    outreach_lineages: dict[str, int] = field(default_factory=dict)
    #: access token -> requests it has served (fault profiles kill tokens by use).
    outreach_uses: dict[str, int] = field(default_factory=dict)
    #: request identity -> order of the token it was refused with (see outreach.py).
    outreach_refused: dict[str, tuple[float, int]] = field(default_factory=dict)
    #: client id -> time of its last access-token mint.
    outreach_last_mint: dict[str, float] = field(default_factory=dict)
    close_leads: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: lowercased email -> ids of the Close leads with a contact carrying it.
    close_by_email: dict[str, list[str]] = field(default_factory=dict)
    close_statuses: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.windows = Windows(parse_limits(self.settings.limits))
        self.journal = Journal(self.settings.journal_size)
        self.reset()

    def now(self) -> float:
        """The injected clock's time (epoch seconds)."""
        return self.clock()

    def credential(self, name: str) -> str | None:
        """The configured value of credential ``name``, or ``None`` (then any is accepted)."""
        return self.credentials.get(name)

    def accepts(self, name: str, offered: str | None) -> bool:
        """Whether ``offered`` passes for credential ``name`` (docs/mock-crms.md)."""
        if not offered:
            return False
        expected = self.credential(name)
        return expected is None or offered == expected

    def reset(self) -> None:
        """Clear stored records, counters, windows and the journal (fault profile kept).

        Tokens are not "cleared": they carry their own signed claims, so ones issued
        before the reset keep working (only rotation bookkeeping starts over).
        """
        self.journal.clear()
        self.ids.reset()
        self.faults.reset()
        self.windows.clear()
        self.counters = Counters()
        for store in (
            self.apollo_contacts,
            self.apollo_by_email,
            self.apollo_labels,
            self.outreach_prospects,
            self.outreach_by_email,
            self.outreach_lineages,
            self.outreach_uses,
            self.outreach_refused,
            self.outreach_last_mint,
            self.close_leads,
            self.close_by_email,
        ):
            store.clear()
        self.close_statuses.clear()
        for label in ("Potential", "Bad Fit", "Qualified", "Customer"):
            self.close_statuses[self.ids.close("stat")] = label

    def index_email(self, index: dict[str, list[str]], email: Any, record_id: str) -> None:
        """Note that record ``record_id`` carries ``email`` in ``index``."""
        if isinstance(email, str) and email.strip():
            ids = index.setdefault(email.strip().lower(), [])
            if record_id not in ids:
                ids.append(record_id)

    def unindex_email(self, index: dict[str, list[str]], email: Any, record_id: str) -> None:
        """Forget that record ``record_id`` carries ``email``."""
        if isinstance(email, str):
            ids = index.get(email.strip().lower())
            if ids and record_id in ids:
                ids.remove(record_id)
                if not ids:
                    del index[email.strip().lower()]
