"""The checks ``signaltui replay`` makes so that it never passes having checked nothing.

Filters are validated like ``preview -d`` validates its destinations (exit 2), flags that
do not fit the mode are refused (exit 2), and a send replay that already ran to the end
is not silently sent again.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from signaltui.cli.common import stdin_is_terminal
from signaltui.core.request import DESTINATIONS
from signaltui.delivery.outcomes import OUTCOMES
from signaltui.errors import InputError
from signaltui.replay.runner import left_for_later, resume_key
from signaltui.replay.select import Selection
from signaltui.targets import Target

if TYPE_CHECKING:
    from signaltui.store import Store


def _items(values: tuple[str, ...]) -> list[str]:
    """Repeated and comma-separated option values, stripped, in order."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def destination_filter(values: tuple[str, ...]) -> frozenset[str] | None:
    """``-d`` values as a filter: names in any case, ``all`` for every CRM (no filter)."""
    names = [name.lower() for name in _items(values)]
    for name in names:
        if name != "all" and name not in DESTINATIONS:
            raise click.BadParameter(
                f"unknown destination {name!r}; use apollo, outreach, close or all",
                param_hint="--destination",
            )
    return None if not names or "all" in names else frozenset(names)


def outcome_filter(values: tuple[str, ...]) -> frozenset[str] | None:
    """``-o`` values as a filter: recorded outcome names in any case."""
    names = [name.lower() for name in _items(values)]
    for name in names:
        if name not in OUTCOMES:
            raise click.BadParameter(
                f"unknown outcome {name!r}; use {', '.join(OUTCOMES)}", param_hint="--outcome"
            )
    return frozenset(names) or None


def event_filter(values: tuple[str, ...]) -> frozenset[str] | None:
    """``-e`` values as a filter: event names exactly as recorded."""
    return frozenset(_items(values)) or None


#: (flag, the mode it belongs to, why it does not fit the other one)
_MODE_FLAGS = (
    ("update", "verify", "--update rewrites recordings to today's mapping; send never edits them"),
    ("fresh", "send", "--fresh starts a send replay over; verify keeps no run to start over"),
    ("again", "send", "--again re-sends a finished send replay; verify sends nothing"),
    ("target", "send", "--target says where a send replay goes; verify makes no requests"),
    ("yes", "send", "--yes confirms a live send replay; verify sends nothing"),
    ("plan_only", "send", "--plan shows what a send replay would do; verify sends nothing"),
    ("check_target", "send", "--check-target looks leads up for a send plan; verify reads none"),
    ("check_limit", "send", "--check-limit caps --check-target's look-ups; verify makes none"),
    ("skip_duplicates", "send", "--skip-duplicates leaves out exchanges of a send replay"),
)


#: Options that report on a run; a ``--plan`` makes no run to report on.
_RUN_REPORTS = (
    ("junit", "--junit"), ("report_html", "--html"), ("report_markdown", "--markdown"),
    ("update", "--update"), ("wait", "--wait"),
)  # fmt: skip


def check_mode_flags(ctx: click.Context, mode: str) -> None:
    """Refuse (exit 2) flags given on the command line that the chosen mode would ignore."""
    for name, belongs, why in _MODE_FLAGS:
        if _given(ctx, name) and mode != belongs:
            raise click.UsageError(f"{why}: drop it, or use --mode {belongs}", ctx)
    if _given(ctx, "plan_only"):
        for name, flag in _RUN_REPORTS:
            if _given(ctx, name):
                raise click.UsageError(
                    f"{flag} belongs to a run and --plan sends nothing: drop one of them "
                    "(--plan --json F writes the plan as JSON)",
                    ctx,
                )


def _given(ctx: click.Context, name: str) -> bool:
    return ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE


def confirm_rerun(
    store: Store, paths: list[Path], target: Target, selection: Selection, *, again: bool
) -> None:
    """Stop a send replay that already ran to the end from silently sending it all again.

    An unfinished run is resumed as before; a finished one is only re-sent with
    ``again`` or a yes at the prompt. Without a terminal and without ``--again`` this is
    bad input (exit 2) with the flag to add.
    """
    previous = store.find_run(resume_key(paths, target, selection))
    if previous is None or previous.finished_at is None or again:
        return
    summary = previous.summary or {}
    total = int(summary.get("total", 0))
    if total == 0:
        return  # it selected nothing, so nothing was sent: nothing to warn about
    if left_for_later(summary):
        return  # it left deferred exchanges for later: running again sends only those
    what = (
        f"this send replay already ran to the end (run {previous.id}, finished "
        f"{previous.finished_at}: {total} exchange(s), {summary.get('passed', 0)} passed, "
        f"{summary.get('failed', 0)} failed); running it again sends all {total} to "
        f"{target.label} again, and a CRM without de-duplication creates the leads twice"
    )
    if not stdin_is_terminal():
        raise InputError(
            what,
            where="replay --mode send",
            hint="add --again to send them again; select fewer with -o/-d/-e",
        )
    click.echo(what, err=True)
    try:
        answer = click.confirm("Send them all again?", default=False, err=True)
    except click.Abort:
        answer = False
    if not answer:
        raise InputError("replay not sent again", hint="nothing was sent")
