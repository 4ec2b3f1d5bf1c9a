"""``signaltui replay PATH...``: verify recordings against today's mapping, or re-send them."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from signaltui.cli.common import TARGET_HELP, app_context, blueprints_option, run_guarded
from signaltui.cli.replay_guards import (
    check_mode_flags,
    confirm_rerun,
    destination_filter,
    event_filter,
    outcome_filter,
)
from signaltui.cli.replay_mutate import mutation_options, run_mutate
from signaltui.cli.reports import Report, extra_reports, ignored_pointers, report_options
from signaltui.config import Settings
from signaltui.delivery.outcomes import OUTCOMES
from signaltui.errors import SignaltuiError
from signaltui.recordings import count_lines, iter_paths
from signaltui.replay import ExchangeResult, ReplayOptions, ReplaySummary, run_send, run_verify
from signaltui.replay.report import JsonReport, JUnitReport, summary_table
from signaltui.replay.select import Selection, parse_shard
from signaltui.targets import Target, parse_target

if TYPE_CHECKING:
    from signaltui.cli.replay_plan import PlanRequest


class Printer:
    """Prints failures as they happen and a live counter on a terminal."""

    def __init__(self, quiet: bool, total: int | None = None) -> None:
        self.quiet = quiet
        self.live = sys.stderr.isatty() and not quiet
        self.total = total
        self.seen = 0
        self.failed = 0

    def count(self, paths: tuple[Path, ...]) -> None:
        """Set the live bar's total to the recordings' non-blank lines.

        That is an upper bound before filters; with no live bar nothing is counted, so the
        files are read only once.
        """
        if not self.live:
            return
        try:
            self.total = count_lines(paths)
        except SignaltuiError:
            self.total = None  # the replay itself reports the problem properly

    def __call__(self, result: ExchangeResult) -> None:
        self.seen += 1
        if result.status in ("fail", "error"):
            self.failed += 1
            self._clear()
            click.echo(self._describe(result))
        elif not self.quiet and result.outcome_after is not None:
            self._clear()
            click.echo(
                f"✓ {result.destination} {result.event} [{result.exchange_id}] {result.change}"
                + _stored_as(result)
            )
        if self.live:
            click.echo("\r" + self.bar(), nl=False, err=True)

    def bar(self, width: int = 30) -> str:
        """``[#######-------]  45/120 exchanges, 2 failing`` (no bar without a total)."""
        counts = f"{self.seen} exchanges, {self.failed} failing"
        if not self.total:
            return f"  {counts}"
        done = min(width, width * self.seen // self.total)
        return f"[{'#' * done}{'-' * (width - done)}] {self.seen}/{self.total}: {counts}"

    def _clear(self) -> None:
        if self.live:
            click.echo("\r\033[K", nl=False, err=True)

    @staticmethod
    def _describe(result: ExchangeResult) -> str:
        head = (
            click.style("✗", fg="red")
            + f" {result.destination} {result.event} [{result.exchange_id}] {result.source}"
        )
        lines = [head]
        lines += [f"    {difference.describe()}" for difference in result.differences]
        if result.outcome_after is not None:
            lines.append(f"    {result.change}: {result.message}{_stored_as(result)}")
        elif not result.differences and result.message:
            lines.append(f"    {result.message}")
        if result.hint:
            lines.append(click.style(f"    hint: {result.hint}", fg="cyan"))
        return "\n".join(lines)

    def close(self) -> None:
        self._clear()


def _stored_as(result: ExchangeResult) -> str:
    """`` (stored as delivery-12)``: the id ``signaltui events show`` takes."""
    return f" (stored as delivery-{result.delivery_id})" if result.delivery_id else ""


@click.command("replay")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@blueprints_option
@click.option(
    "--mode", type=click.Choice(["verify", "send", "mutate"]), default="verify", show_default=True
)
@click.option("--target", "-t", default="mock", show_default=True, help=f"send mode: {TARGET_HELP}")
@click.option("--yes", is_flag=True, help="Confirm a live send without a prompt.")
@click.option("--again", is_flag=True, help="send: re-send a replay that already ran to the end.")
@click.option(
    "--destination", "-d", multiple=True, help="Only these CRMs (repeat or comma list; all)."
)
@click.option("--event", "-e", multiple=True, help="Only these event names.")
@click.option(
    "--outcome",
    "-o",
    multiple=True,
    help=f"Only exchanges recorded with these outcomes ({', '.join(OUTCOMES)}).",
)
@click.option("--concurrency", "-c", type=click.IntRange(1, 64), default=4, show_default=True)
@click.option("--shard", metavar="I/N", help="Only shard I of N (1-based, stable hash of the id).")
@click.option(
    "--update", is_flag=True, help="verify: rewrite recorded requests to today's mapping."
)
@click.option(
    "--fresh", is_flag=True, help="send: start over instead of resuming an interrupted run."
)
@click.option(
    "--wait",
    is_flag=True,
    help="send: if the same replay is running elsewhere, wait for it, then send what it "
    "did not deliver (without --wait it is refused).",
)
@click.option(
    "--junit", type=click.Path(dir_okay=False, path_type=Path), help="Write a JUnit XML report."
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a JSON report (with --plan: the plan; - for standard output).",
)
@click.option(
    "--plan",
    "plan_only",
    is_flag=True,
    help="send: print the send plan (outcomes per CRM, duplicates, time) and send nothing; "
    "with --json F (- for standard output) as JSON.",
)
@click.option(
    "--check-target",
    is_flag=True,
    help="send: also ask the target's read endpoints which leads exist (read-only look-ups).",
)
@click.option(
    "--check-limit",
    type=click.IntRange(0),
    default=1000,
    show_default=True,
    help="send: at most this many look-ups for --check-target.",
)
@click.option(
    "--skip-duplicates",
    is_flag=True,
    help="send: leave out exchanges whose lead already exists (store, this run, "
    "--check-target); counted as skipped.",
)
@click.option("--quiet", "-q", is_flag=True, help="Only failures and the summary.")
@click.option("--allow-empty", is_flag=True, help="Exit 0 even when no exchange is selected.")
@report_options  # --html, --markdown, --ignore (cli/reports.py)
@mutation_options  # --mutation (cli/replay_mutate.py)
@click.pass_context
def replay_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    mode: str,
    target: str,
    yes: bool,
    again: bool,
    destination: tuple[str, ...],
    event: tuple[str, ...],
    outcome: tuple[str, ...],
    concurrency: int,
    shard: str | None,
    update: bool,
    fresh: bool,
    wait: bool,
    junit: Path | None,
    json_path: Path | None,
    plan_only: bool,
    check_target: bool,
    check_limit: int,
    skip_duplicates: bool,
    quiet: bool,
    allow_empty: bool,
) -> None:
    """Replay recordings (files or folders of *.jsonl).

    verify re-maps each recorded event with today's core and config and compares the
    request (method, URL, non-secret headers, body); no network. send re-delivers each
    exchange to TARGET, stores the new outcome and resumes an interrupted run; a run
    that already finished is sent again only with --again (or a yes at the prompt).
    Exit 0 when all pass (with --update: once rewritten), 1 on any difference or failed
    delivery or when nothing is selected (unless --allow-empty), 2 for bad input,
    130 when interrupted (Ctrl+C).

    send re-delivers deferred exchanges once their retry_at has passed (looking each up
    at the CRM first, as it may exist already) and reports how many are not yet due and
    when the first one is.
    Pacing follows each CRM's own limits: live sends keep to the documented budgets
    (Apollo 200/min per endpoint, Outreach 10,000/hour per user, Close per key and
    endpoint group); every target, a local mock too, is held only as long as its rate
    headers (RateLimit, X-RateLimit-*, Retry-After) say. A wait longer than
    [delivery] max_wait (120 s) ends the delivery as deferred, due at retry_at.

    mutate re-delivers each exchange recorded as delivered to a fresh in-process mock,
    its answer turned into each failure the CRM can give (429 forms, 500, 503
    maintenance, lost answer, timeout, malformed or id-less 2xx), and compares what the
    delivery did with signaltui's table of expected outcomes; nothing is stored or sent
    anywhere else. Exit 0 when every mutation matches, 1 when any differs or nothing
    was mutated, 2 for bad input.

    A repro bundle (FILE.zip, from `signaltui bundle`) is verified, then re-run against
    the in-process mock unless --target names another (--mode verify: verify only).
    """
    if any(str(path).lower().endswith(".zip") for path in paths):  # repro bundles
        from signaltui.cli.bundle import replay_bundles

        return replay_bundles(ctx, paths, mode=mode, target=target, yes=yes, quiet=quiet)
    if mode == "mutate":  # cli/replay_mutate.py
        run_mutate(ctx)
        return
    check_mode_flags(ctx, mode)
    selection = Selection(
        destinations=destination_filter(destination),
        events=event_filter(event),
        outcomes=outcome_filter(outcome),
        shard=run_guarded(lambda: parse_shard(shard)),
    )
    if plan_only:
        from signaltui.cli.replay_plan import PlanRequest, show_plan

        asked = PlanRequest(
            paths, selection, concurrency, fresh, skip_duplicates, check_target, check_limit
        )
        if run_guarded(lambda: show_plan(app_context(ctx).settings(), target, asked, json_path)):
            return
        click.echo(_nothing_selected(paths, allow_empty), err=True)
        ctx.exit(0 if allow_empty else 1)
    printer = Printer(quiet)

    def run() -> ReplaySummary:
        settings = app_context(ctx).settings()
        options = ReplayOptions(
            selection=selection, concurrency=concurrency, update=update, fresh=fresh
        )
        options.ignore = ignored_pointers(ctx, settings)
        options.wait = wait
        options.on_wait = lambda line: click.echo(line, err=True)
        # Asked before anything is counted or a report file is begun: a refused target
        # or a declined live send leaves no trace.
        send_target = None
        if mode == "send":
            # Send plans read the delivery code (its look-ups); a verify run never does.
            from signaltui.cli.replay_plan import PlanRequest

            asked = PlanRequest(
                paths, selection, concurrency, fresh, skip_duplicates, check_target, check_limit
            )
            send_target, options.skip = _send_target(settings, target, yes, asked)
        printer.count(paths)
        reports: list[Report] = []

        def on_result(result: ExchangeResult) -> None:
            printer(result)
            for report in reports:
                report.add(result)

        try:
            if json_path:
                reports.append(JsonReport(json_path))
            if junit:
                reports.append(JUnitReport(junit, mode))
            reports.extend(extra_reports(ctx, settings, mode))
            try:
                if send_target is None:
                    summary = run_verify(list(paths), settings, options, on_result)
                else:
                    summary = asyncio.run(
                        _send(
                            list(paths),
                            settings,
                            send_target,
                            options,
                            on_result,
                            again=again or fresh,
                        )
                    )
            finally:
                printer.close()
            for report in reports:
                report.close(summary)
        except BaseException:
            # A run that ends in an error leaves no half report and no scratch file; an
            # earlier report at the same path stays as it was.
            for report in reports:
                report.discard()
            raise
        click.echo(summary_table(summary))
        return summary

    def interrupted() -> str:
        printer.close()
        return _interrupted(mode, update, printer.seen)

    summary = run_guarded(run, interrupted=interrupted)
    for rewritten in summary.rewritten:
        click.echo(f"rewrote {rewritten} with today's requests", err=True)
    if summary.total == 0:
        click.echo(_nothing_selected(paths, allow_empty), err=True)
        if not allow_empty:
            ctx.exit(1)
        return
    # With --update the differences were accepted: only errors (unreadable events) fail.
    if summary.counts["error"] if update else not summary.ok:
        ctx.exit(1)


def _interrupted(mode: str, update: bool, seen: int) -> str:
    """What an interrupt left behind and how to carry on."""
    if mode == "send":
        return (
            f"interrupted after {seen} exchange(s); every delivery finished so far is stored.\n"
            "  hint: run the same command again to resume: exchanges already delivered are "
            "skipped (--fresh starts over)"
        )
    kept = "; files rewritten so far stay rewritten, the one in progress is unchanged"
    return (
        f"interrupted after {seen} exchange(s){kept if update else ''}.\n"
        "  hint: verify keeps no state: run the same command again to check everything"
    )


def _nothing_selected(paths: tuple[Path, ...], allow_empty: bool) -> str:
    files = sum(1 for _ in iter_paths(list(paths)))
    where = f"{files} recording file(s)" if files else "no *.jsonl recording files"
    text = f"0 exchanges selected ({where} under {', '.join(map(str, paths))})"
    if allow_empty:
        return text
    hint = "check the paths and the -d/-e/-o/--shard filters, or pass --allow-empty"
    return f"error: {text}\n  hint: {hint}"


def _send_target(
    settings: Settings, target: str, yes: bool, asked: PlanRequest
) -> tuple[Target, dict[str, str]]:
    """The ``--target`` of a send replay once a live one is confirmed (after its plan),
    and the exchanges ``--skip-duplicates`` leaves out."""
    parsed = parse_target(target)
    if not (parsed.is_live or asked.skip_duplicates):
        return parsed, {}
    from signaltui.cli.replay_plan import build_plan, confirm_live_plan

    plan = build_plan(settings, parsed, asked)
    if parsed.is_live:
        confirm_live_plan(plan, yes)
    return parsed, plan.skipped_duplicates()


async def _send(
    paths: list[Path],
    settings: Settings,
    target: Target,
    options: ReplayOptions,
    on_result: Callable[[ExchangeResult], None],
    *,
    again: bool,
) -> ReplaySummary:
    from signaltui.service import DeliverySession  # send only: httpx and the store
    from signaltui.store import Store

    with Store.open(settings.db) as store:
        confirm_rerun(store, paths, target, options.selection, again=again)
        async with DeliverySession(settings, target, store=store, live_confirmed=True) as session:
            return await run_send(paths, session, options, on_result)
