"""The people's report of a mutation run: one row per mutation kind and CRM."""

from __future__ import annotations

from signaltui.replay.mutate import MutationResult, MutationSummary


def result_line(result: MutationResult) -> str:
    """``✓ close 429-retry-after-date: retried, then delivered (…)`` or the ✗ with both sides."""
    head = f"{result.destination} {result.kind.name}"
    if result.matches:
        return f"✓ {head}: {result.got()}"
    return (
        f"✗ {head} [{result.exchange.id}] {result.source}\n"
        f"    expected: {result.expected.describe()}\n"
        f"    actual:   {result.got()}" + (f"\n    hint: {result.hint}" if result.hint else "")
    )


def mutation_table(summary: MutationSummary) -> str:
    """The kind-by-CRM table (expected, actual, match) and a closing count line."""
    rows = [("kind", "crm", "expected", "actual", "match")]
    for result in summary.results:
        matched = result.actual if result.matches else None
        actual = matched.how if matched is not None else result.got()
        rows.append(
            (
                result.kind.name,
                result.destination,
                result.expected.how,
                actual,
                "yes" if result.matches else "NO",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    differ = sum(1 for r in summary.results if not r.matches)
    crms = sorted({r.destination for r in summary.results})
    lines.append(
        f"{len(summary.results)} mutation(s) of {summary.successes} recorded success(es) "
        f"({', '.join(crms) or 'no CRM'}): {len(summary.results) - differ} match the table, "
        f"{differ} differ"
    )
    lines += [f"not mutated: {why}" for why in summary.unplanned]
    return "\n".join(lines)


def nothing_to_mutate(summary: MutationSummary, paths: str) -> str:
    """The error when no recorded success was found (a gate never passes on nothing)."""
    if summary.files == 0:
        where = f"no *.jsonl recording files under {paths}"
    else:
        where = (
            f"{summary.exchanges} exchange(s) in {summary.files} recording file(s) under "
            f"{paths}, {summary.successes} of them selected successes"
        )
    return (
        f"error: nothing to mutate ({where})\n"
        "  hint: a mutation run needs exchanges recorded as delivered: check the paths "
        "and the -d/-e/--shard filters (signaltui samples writes some)"
    )
