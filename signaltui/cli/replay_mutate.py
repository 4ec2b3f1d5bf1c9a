"""``signaltui replay PATH... --mode mutate``: recorded successes re-run as each failure.

Called by the ``replay`` command (cli/replay.py) with its parsed options; see
:mod:`signaltui.replay.mutate` for what runs.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from signaltui.cli.common import app_context, run_guarded
from signaltui.cli.replay_guards import destination_filter, event_filter
from signaltui.cli.reports import Report, extra_reports
from signaltui.replay.mutate_expect import KIND_NAMES
from signaltui.replay.report import JsonReport, JUnitReport
from signaltui.replay.select import Selection, parse_shard

if TYPE_CHECKING:
    from signaltui.replay.mutate import MutationResult, MutationSummary

F = TypeVar("F", bound=Callable[..., Any])
_KEY = "signaltui.mutations"


def mutation_options(command: F) -> F:
    """Add ``--mutation KIND`` to ``replay``, keeping it out of the command's signature.

    The kinds chosen wait in ``ctx.meta`` for :func:`run_mutate`; given with another
    mode, the option is bad input (exit 2).
    """

    @functools.wraps(command)
    def wrapper(*args: Any, mutation: tuple[str, ...], **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        if mutation and kwargs.get("mode") != "mutate":
            raise click.UsageError("--mutation chooses mutation kinds: use it with --mode mutate")
        ctx.meta[_KEY] = tuple(dict.fromkeys(mutation))
        return command(*args, **kwargs)

    option = click.option(
        "--mutation",
        multiple=True,
        type=click.Choice(KIND_NAMES),
        help="mutate: only this kind of failure (repeatable; default every kind).",
    )
    decorated: Any = option(wrapper)
    return decorated


#: (option, why it does not fit a mutation run)
_REFUSED = (
    ("target", "--target: a mutation run only ever talks to the in-process mock"),
    ("yes", "--yes: a mutation run sends nothing live, so there is nothing to confirm"),
    ("again", "--again: a mutation run keeps no run to re-send"),
    ("fresh", "--fresh: a mutation run keeps no run to start over"),
    ("wait", "--wait: a mutation run takes no lock"),
    ("update", "--update: a mutation run never rewrites recordings"),
    ("outcome", "--outcome: a mutation run takes only exchanges recorded as delivered"),
    ("allow_empty", "--allow-empty: a mutation run never passes having mutated nothing"),
    ("plan_only", "--plan: a mutation run re-sends nothing real, so there is no plan to show"),
    ("check_target", "--check-target: a mutation run looks nothing up at a target"),
    ("check_limit", "--check-limit: a mutation run looks nothing up at a target"),
    ("skip_duplicates", "--skip-duplicates: each mutation runs against its own empty mock"),
)


def _refuse_flags(ctx: click.Context) -> None:
    for name, why in _REFUSED:
        if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE:
            raise click.UsageError(f"{why}: drop it for --mode mutate", ctx)


def run_mutate(ctx: click.Context) -> None:
    """Run ``replay --mode mutate`` with the options ``ctx`` parsed; exits 0, 1 or 2."""
    # Imported here: the mock apps a mutation run builds are no cost to verify or send.
    from signaltui.replay.mutate import run_mutations
    from signaltui.replay.mutate_report import mutation_table, nothing_to_mutate, result_line

    _refuse_flags(ctx)
    params = ctx.params
    paths: tuple[Path, ...] = params["paths"]
    quiet: bool = params["quiet"]
    selection = Selection(
        destinations=destination_filter(params["destination"]),
        events=event_filter(params["event"]),
        shard=run_guarded(lambda: parse_shard(params["shard"])),
    )

    def run() -> MutationSummary:
        settings = app_context(ctx).settings()
        reports: list[Report] = []

        def on_result(result: MutationResult) -> None:
            if not result.matches:  # the table lists the matches
                click.echo(result_line(result))
            for report in reports:
                report.add(result.to_exchange_result())

        try:
            if params["json_path"]:
                reports.append(JsonReport(params["json_path"]))
            if params["junit"]:
                reports.append(JUnitReport(params["junit"], "mutate"))
            reports.extend(extra_reports(ctx, settings, "mutate"))
            kinds = ctx.meta.get(_KEY) or None
            summary = asyncio.run(
                run_mutations(list(paths), settings, selection, on_result, kinds=kinds)
            )
            for report in reports:
                report.close(summary.replay_summary())
        except BaseException:
            for report in reports:
                report.discard()
            raise
        return summary

    summary = run_guarded(run, interrupted=lambda: "interrupted: a mutation run stores nothing")
    if not summary.results:
        if summary.unplanned:
            click.echo(mutation_table(summary), err=True)
        click.echo(nothing_to_mutate(summary, ", ".join(map(str, paths))), err=True)
        ctx.exit(1)
    table = mutation_table(summary)
    click.echo(table.splitlines()[-1] if quiet and summary.ok else table)
    if not summary.ok:
        ctx.exit(1)
