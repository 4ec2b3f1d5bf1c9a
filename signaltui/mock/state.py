"""Settings and in-memory state shared by the three mock CRMs of one app."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from signaltui.config import Credentials
from signaltui.mock.faults import FaultPlan
from signaltui.mock.ids import Clock, IdFactory
from signaltui.mock.journal import Journal
from signaltui.mock.ratelimit import Window


@dataclass(frozen=True)
class MockSettings:
    """Behaviours the CRM docs leave open, so the mock makes them switchable."""

    #: Reject Apollo contacts without first_name/last_name with 422. Apollo's docs mark no
    #: field required, but signaltui's Apollo spec says Apollo rejects them: default on.
    apollo_require_names: bool = True
    #: Revoke an Outreach refresh token as soon as it has been rotated.
    outreach_strict_rotation: bool = True
    #: Outreach access token lifetime in seconds (``expires_in``).
    outreach_token_ttl: int = 7200
    #: Email domains Outreach refuses as "excluded" (usually the org's own domain).
    outreach_excluded_domains: tuple[str, ...] = ()
    #: Reject Close leads without a name with 400 (signaltui's Close spec expects it).
    close_require_name: bool = True
    #: The Close org's default country, used to normalise phones to E.164.
    close_default_country: str = "US"
    #: Region for Apollo phone numbers given without a country code.
    apollo_default_country: str = "US"
    #: Seconds announced in Retry-After (and Close's ``reset=``) on a 429.
    retry_after: int = 1
    #: Answer 429 for real when a rate-limit window is used up (off: headers only).
    enforce_rate_limits: bool = False


@dataclass
class MockState:
    """Everything one mock app remembers; :meth:`reset` empties it."""

    credentials: Credentials
    settings: MockSettings
    faults: FaultPlan
    clock: Clock = time.time
    ids: IdFactory = field(default_factory=IdFactory)
    journal: Journal = field(default_factory=Journal)
    apollo_contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    apollo_labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    outreach_prospects: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: refresh token -> True while it may be used.
    outreach_refresh: dict[str, bool] = field(default_factory=dict)
    #: access token -> {"issued_at": float, "uses": int}
    outreach_access: dict[str, dict[str, Any]] = field(default_factory=dict)
    close_leads: dict[str, dict[str, Any]] = field(default_factory=dict)
    close_statuses: dict[str, str] = field(default_factory=dict)
    windows: dict[str, Window] = field(default_factory=dict)

    def __post_init__(self) -> None:
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
        """Clear stored records, tokens, counters and the journal (fault profile kept)."""
        self.journal.clear()
        self.ids.reset()
        self.faults.reset()
        for store in (
            self.apollo_contacts,
            self.apollo_labels,
            self.outreach_prospects,
            self.outreach_refresh,
            self.outreach_access,
            self.close_leads,
        ):
            store.clear()
        configured = self.credential("outreach_refresh_token")
        if configured:
            self.outreach_refresh[configured] = True
        self.close_statuses.clear()
        for label in ("Potential", "Bad Fit", "Qualified", "Customer"):
            self.close_statuses[self.ids.close("stat")] = label
        self.windows = {
            "apollo_minute": Window(200, 60),
            "apollo_hourly": Window(600, 3600),
            "apollo_daily": Window(2000, 86400),
            "outreach": Window(10000, 3600),
            "close": Window(20, 1),
        }
