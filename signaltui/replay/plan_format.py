"""A send plan for people (a table and sentences) and for machines (one JSON document).

The JSON shape is documented in docs/send-plans.md and versioned: fields are added,
never renamed or removed, within ``version`` 1.
"""

from __future__ import annotations

from typing import Any

from signaltui.core.request import CRM_NAMES, DESTINATIONS
from signaltui.replay.plan import DEDUPE, OUTCOMES, SendPlan
from signaltui.replay.plan_time import Estimate, human_seconds

PLAN_FORMAT = "signaltui.send-plan"
PLAN_VERSION = 1


def _crms(plan: SendPlan) -> list[str]:
    present = plan.counts()
    return [crm for crm in DESTINATIONS if crm in present] + sorted(
        crm for crm in present if crm not in DESTINATIONS
    )


def _estimate_json(estimate: Estimate | None) -> dict[str, Any] | None:
    if estimate is None:
        return None
    return {
        "seconds": round(estimate.seconds, 3),
        "requests": estimate.requests,
        "deferred_by_limits": estimate.deferred,
        "deferred_until_seconds": None
        if estimate.deferred_until is None
        else round(estimate.deferred_until, 3),
    }


def plan_json(plan: SendPlan) -> dict[str, Any]:
    """The plan as one JSON document (docs/send-plans.md)."""
    counts, estimate = plan.counts(), plan.estimate
    crms: dict[str, Any] = {}
    for crm in _crms(plan):
        alone = estimate.by_crm.get(crm) if estimate else None
        crms[crm] = {
            "exchanges": sum(counts[crm].values()),
            "outcomes": {outcome: counts[crm][outcome] for outcome in OUTCOMES},
            "dropped": dict(sorted(plan.reasons("dropped").get(crm, {}).items())),
            "skipped": dict(sorted(plan.reasons("skipped").get(crm, {}).items())),
            "duplicates": plan.tally("duplicate").get(crm, 0),
            "dedupe": DEDUPE.get(crm),
            "estimate": _estimate_json(alone),
        }
    checked = plan.checked
    return {
        "format": PLAN_FORMAT,
        "version": PLAN_VERSION,
        "target": plan.target,
        "live": plan.live,
        "sends": False,
        "total": len(plan.exchanges),
        "store_counts": plan.store_counts,
        "skip_duplicates": plan.skip_duplicates,
        "crms": crms,
        "duplicates": plan.tally("duplicate"),
        "check_target": None
        if checked is None
        else {
            "lookups": checked.made,
            "found": checked.found,
            "failed": checked.failed,
            "unchecked": checked.unchecked,
            "limit": checked.limit,
        },
        "estimate": None
        if estimate is None
        else {**(_estimate_json(estimate) or {}), "assumptions": list(estimate.assumptions)},
        "notes": list(plan.notes),
        "exchanges": [item.to_json() for item in plan.exchanges],
    }


def _table(plan: SendPlan) -> list[str]:
    counts = plan.counts()
    shown = [o for o in OUTCOMES if any(counts[crm][o] for crm in counts)]
    head = ["CRM", "exchanges", *shown, "requests", "est. time"]
    rows = [head]
    estimate = plan.estimate
    for crm in _crms(plan):
        alone = estimate.by_crm.get(crm) if estimate else None
        rows.append(
            [
                crm,
                str(sum(counts[crm].values())),
                *(str(counts[crm][o]) for o in shown),
                str(alone.requests) if alone else "0",
                human_seconds(alone.seconds) if alone else "-",
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def _listing(table: dict[str, int], noun: str) -> str:
    """``3 duplicate leads in Close, 1 in Apollo`` (``noun`` singular)."""
    parts = [
        (CRM_NAMES.get(c, c), table[c]) for c in ("close", "apollo", "outreach") if table.get(c)
    ]
    count = parts[0][1]
    first = f"{count} {noun}{'' if count == 1 else 's'} in {parts[0][0]}"
    return ", ".join([first, *(f"{n} in {name}" for name, n in parts[1:])])


def duplicate_sentences(plan: SendPlan) -> list[str]:
    """``would create 3 duplicate leads in Close, 1 in Apollo (dedupe off)`` and the like."""
    said = []
    duplicates = plan.tally("duplicate")
    if duplicates:
        said.append(
            "create "
            + _listing(duplicates, "duplicate lead").replace("in Apollo", "in Apollo (dedupe off)")
        )
    refused = plan.tally("refused")
    if refused:
        said.append(
            f"send Outreach {refused['outreach']} prospect(s) it already has, which it "
            "refuses (422 email hash has already been taken)"
        )
    updated = plan.tally("update")
    if updated:
        said.append(f"update {updated['apollo']} existing Apollo contacts in place (run_dedupe)")
    if not said:
        return ["no duplicates: no lead of this plan exists yet"]
    if plan.skip_duplicates:
        return [f"--skip-duplicates leaves out what would otherwise {s}" for s in said]
    lines = [f"would {s}" for s in said]
    found = plan.tally("found")
    if found:
        lines.append(
            f"{sum(found.values())} deferred exchange(s) would be found by the look-up made "
            "before re-sending them: nothing created"
        )
    return lines


def plan_text(plan: SendPlan, *, header: str | None = None) -> str:
    """The plan for people: a table per CRM, duplicates, drops and skips, the time."""
    lines = [header or f"Send plan: {len(plan.exchanges)} exchange(s) to {plan.target}"]
    if not plan.exchanges:
        return "\n".join([*lines, "nothing selected: nothing would be sent"])
    lines += ["", *_table(plan), ""]
    lines += duplicate_sentences(plan)
    for outcome in ("dropped", "skipped", "error"):
        reasons = plan.reasons(outcome)
        if reasons:
            parts = [
                f"{crm} {reason} x{n}"
                for crm, table in sorted(reasons.items())
                for reason, n in sorted(table.items())
            ]
            lines.append(f"{outcome}: " + ", ".join(parts))
    lines += plan.notes
    if not plan.store_counts:
        lines.append(
            "the in-process mock starts empty: only duplicates within this run are counted"
        )
    if plan.checked is not None:
        c = plan.checked
        lines.append(
            f"checked at the target: {c.made} look-up(s), {c.found} lead(s) found"
            + (f", {c.failed} unanswered" if c.failed else "")
            + (f", {c.unchecked} not checked (look-up limit {c.limit})" if c.unchecked else "")
        )
    lines += _estimate_lines(plan.estimate)
    return "\n".join(lines)


def _estimate_lines(estimate: Estimate | None) -> list[str]:
    if estimate is None:
        return []
    shares = ", ".join(
        f"{CRM_NAMES.get(crm, crm)} {human_seconds(e.seconds)} alone"
        for crm, e in estimate.by_crm.items()
    )
    lines = [
        f"estimated time: about {human_seconds(estimate.seconds)} for {estimate.requests} "
        f"request(s)" + (f" ({shares})" if shares else "")
    ]
    if estimate.deferred:
        until = human_seconds(estimate.deferred_until or 0)
        who = ", ".join(
            f"{CRM_NAMES.get(crm, crm)}: {e.deferred}" for crm, e in estimate.by_crm.items()
            if e.deferred
        )  # fmt: skip
        lines.append(
            f"the CRMs' windows would defer {estimate.deferred} exchange(s) ({who}): "
            f"the first are due about {until} after the start; a later send replay "
            "delivers them"
        )
    lines.append("assumes: " + "; ".join(estimate.assumptions))
    return lines


def plan_digest(plan: SendPlan) -> str:
    """The short form for a dialog: the table, the duplicates, the estimated time."""
    if not plan.exchanges:
        return "nothing selected: nothing would be sent"
    lines = [*_table(plan), "", *duplicate_sentences(plan)]
    estimate = plan.estimate
    if estimate is not None:
        lines.append(
            f"estimated time: about {human_seconds(estimate.seconds)} "
            f"({estimate.requests} request(s))"
        )
        if estimate.deferred:
            lines.append(f"the CRMs' windows would defer {estimate.deferred} exchange(s)")
    return "\n".join(lines)
