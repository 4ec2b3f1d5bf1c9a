"""Ignored body fields in replay reports; the pointers themselves are ``signaltui.pointers``.

``--ignore`` / ``[replay] ignore`` name body fields that legitimately vary between runs.
This module says so in the text summary and in JUnit; the other reports read
``ReplaySummary.ignored`` themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from signaltui.pointers import check_pointers, parse_pointer, without

if TYPE_CHECKING:
    from signaltui.replay.results import ReplaySummary

__all__ = [
    "check_pointers",
    "extra_summary_lines",
    "junit_properties",
    "parse_pointer",
    "without",
]


def extra_summary_lines(summary: ReplaySummary) -> list[str]:
    """The text summary's lines for exchanges without an event and for ignored fields."""
    lines = []
    if summary.no_event:
        lines.append(
            f"no event: {summary.no_event} captured exchange(s) skipped (nothing to re-map; "
            "`signaltui mock check` replays them against the mocks)"
        )
        if summary.total == summary.no_event:
            lines.append("nothing was checked: every selected exchange lacks an event")
    if summary.ignored:
        lines.append("ignored: " + ", ".join(summary.ignored))
    return lines


def junit_properties(summary: ReplaySummary) -> str:
    """The JUnit suite's ``<properties>``: one ``ignore`` per pointer, the no-event count."""
    from xml.sax.saxutils import quoteattr

    rows = [f'    <property name="ignore" value={quoteattr(p)}/>\n' for p in summary.ignored]
    if summary.no_event:
        rows.append(f'    <property name="no_event_skipped" value="{summary.no_event}"/>\n')
    return f"  <properties>\n{''.join(rows)}  </properties>\n" if rows else ""
