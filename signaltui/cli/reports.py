"""``replay``'s people reports and ignore list: ``--html``, ``--markdown``, ``--ignore``.

:func:`report_options` adds the three options to a command and takes their values out of
its arguments (so the command's own signature stays as it was); :func:`extra_reports`
and :func:`ignored_pointers` read them back inside the command. When the environment
has ``GITHUB_STEP_SUMMARY`` (GitHub Actions sets it for every step), a markdown summary
is appended to that file without any flag.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import click

from signaltui.config import Settings
from signaltui.replay.ignore import check_pointers
from signaltui.replay.results import ExchangeResult, ReplaySummary

F = TypeVar("F", bound=Callable[..., Any])
_KEY = "signaltui.reports"


class Report(Protocol):
    """What every replay report does: take results, then finish or be dropped."""

    def add(self, result: ExchangeResult) -> None: ...
    def close(self, summary: ReplaySummary) -> None: ...
    def discard(self) -> None: ...


@dataclass(frozen=True)
class ReportRequest:
    """The values of the report options for one run."""

    html: Path | None = None
    markdown: Path | None = None
    ignore: tuple[str, ...] = ()


_OPTIONS = [
    click.option(
        "--html",
        "report_html",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write a self-contained HTML report (summary, then each failure to open).",
    ),
    click.option(
        "--markdown",
        "report_markdown",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write a markdown report (a summary also goes to $GITHUB_STEP_SUMMARY when set).",
    ),
    click.option(
        "--ignore",
        "report_ignore",
        multiple=True,
        metavar="POINTER",
        help="Leave this body field out of comparisons (RFC 6901, e.g. /date_created); "
        "repeatable, added to [replay] ignore in the config.",
    ),
]


def report_options(command: F) -> F:
    """Add ``--html``, ``--markdown`` and ``--ignore`` to a click command function."""

    @functools.wraps(command)
    def wrapper(
        *args: Any,
        report_html: Path | None,
        report_markdown: Path | None,
        report_ignore: tuple[str, ...],
        **kwargs: Any,
    ) -> Any:
        click.get_current_context().meta[_KEY] = ReportRequest(
            report_html, report_markdown, report_ignore
        )
        return command(*args, **kwargs)

    decorated: Any = wrapper
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    return decorated


def _request(ctx: click.Context) -> ReportRequest:
    found = ctx.meta.get(_KEY)
    return found if isinstance(found, ReportRequest) else ReportRequest()


def ignored_pointers(ctx: click.Context, settings: Settings) -> tuple[str, ...]:
    """The config's ``[replay] ignore`` and every ``--ignore``, checked, in that order."""
    given = [*settings.replay.ignore, *_request(ctx).ignore]
    return check_pointers(given, where="--ignore")


def extra_reports(ctx: click.Context, settings: Settings, mode: str) -> list[Report]:
    """The HTML / markdown / job-summary reports this run asked for (possibly none)."""
    request = _request(ctx)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY", "").strip()
    if request.html is None and request.markdown is None and not step_summary:
        return []  # the usual run: neither report module is loaded
    from signaltui.replay.html_report import HtmlReport
    from signaltui.replay.markdown_report import STEP_SUMMARY_FAILURES, MarkdownReport

    secrets = settings.credentials.secret_values()
    reports: list[Report] = []
    if request.html is not None:
        reports.append(HtmlReport(request.html, mode, secrets))
    if request.markdown is not None:
        reports.append(MarkdownReport(request.markdown, mode, secrets))
    if step_summary:
        reports.append(
            MarkdownReport(
                Path(step_summary), mode, secrets, append=True, shown=STEP_SUMMARY_FAILURES
            )
        )
    return reports
