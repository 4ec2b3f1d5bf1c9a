"""``GET /__mock/state``: what the mocks hold and did, counted from their own state.

A fault suite asserts on these: ``duplicates`` is how many stored records share an email
with an older record of the same CRM (a blind retry after a lost answer shows up here),
``created`` how many records were made, ``lost_responses`` how many creates were applied
while their answer was dropped.
"""

from __future__ import annotations

from typing import Any

from signaltui.mock.state import MockState


def _duplicates(index: dict[str, list[str]]) -> int:
    return sum(len(ids) - 1 for ids in index.values() if len(ids) > 1)


def state_summary(state: MockState) -> dict[str, Any]:
    """Counts per CRM, the token endpoint's mints, the journal's bounds and the policy."""
    counters = state.counters
    stored = {
        "apollo": (len(state.apollo_contacts), _duplicates(state.apollo_by_email)),
        # Outreach refuses a second prospect with the same email, so it never has any.
        "outreach": (len(state.outreach_prospects), 0),
        "close": (len(state.close_leads), _duplicates(state.close_by_email)),
    }
    crms = {
        crm: {
            "records": records,
            "duplicates": duplicates,
            "created": counters.created.get(crm, 0),
            "lost_responses": counters.lost_responses.get(crm, 0),
            "rate_limited": counters.rate_limited.get(crm, 0),
        }
        for crm, (records, duplicates) in stored.items()
    }
    policy = state.windows.policy
    return {
        "crms": crms,
        "outreach_tokens": {
            "mints": counters.mints,
            "mints_throttled": counters.mints_throttled,
        },
        "faults": state.faults.profile,
        "limits": {"enforce": policy.enforce, "scale": policy.scale},
        "journal": state.journal.bounds(),
    }
