"""``signaltui replay PATH...``: verify recordings against today's mapping, or re-send them."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

import click

from signaltui.cli.common import app_context, blueprints_option, run_guarded
from signaltui.cli.send import TARGET_HELP, confirm_live
from signaltui.config import Settings
from signaltui.errors import DeliveryError, SignaltuiError
from signaltui.recordings import count_lines
from signaltui.replay import ExchangeResult, ReplayOptions, ReplaySummary, run_send, run_verify
from signaltui.replay.report import JsonReport, JUnitReport, summary_table
from signaltui.replay.select import Selection, parse_shard
from signaltui.service import DeliverySession
from signaltui.store import Store
from signaltui.targets import Target, parse_target


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
            lines.append(f"    {result.change}: {result.message}")
        elif not result.differences and result.message:
            lines.append(f"    {result.message}")
        if result.hint:
            lines.append(click.style(f"    hint: {result.hint}", fg="cyan"))
        return "\n".join(lines)

    def close(self) -> None:
        self._clear()


def _names(values: tuple[str, ...]) -> frozenset[str] | None:
    """Repeated and comma-separated option values as one set; ``None`` (no filter) if empty."""
    items = {v.strip() for value in values for v in value.split(",") if v.strip()}
    return frozenset(items) or None


@click.command("replay")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@blueprints_option
@click.option("--mode", type=click.Choice(["verify", "send"]), default="verify", show_default=True)
@click.option("--target", "-t", default="mock", show_default=True, help=f"send mode: {TARGET_HELP}")
@click.option("--yes", is_flag=True, help="Confirm a live send without a prompt.")
@click.option("--destination", "-d", multiple=True, help="Only these CRMs (repeat or comma list).")
@click.option("--event", "-e", multiple=True, help="Only these event names.")
@click.option("--outcome", "-o", multiple=True, help="Only exchanges recorded with these outcomes.")
@click.option("--concurrency", "-c", type=click.IntRange(1, 64), default=4, show_default=True)
@click.option("--shard", metavar="I/N", help="Only shard I of N (1-based, stable hash of the id).")
@click.option(
    "--update", is_flag=True, help="verify: rewrite recorded requests to today's mapping."
)
@click.option(
    "--fresh", is_flag=True, help="send: start over instead of resuming an interrupted run."
)
@click.option(
    "--junit", type=click.Path(dir_okay=False, path_type=Path), help="Write a JUnit XML report."
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a JSON report.",
)
@click.option("--quiet", "-q", is_flag=True, help="Only failures and the summary.")
@click.pass_context
def replay_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    mode: str,
    target: str,
    yes: bool,
    destination: tuple[str, ...],
    event: tuple[str, ...],
    outcome: tuple[str, ...],
    concurrency: int,
    shard: str | None,
    update: bool,
    fresh: bool,
    junit: Path | None,
    json_path: Path | None,
    quiet: bool,
) -> None:
    """Replay recordings (files or folders of *.jsonl).

    verify re-maps each recorded event with today's core and config and compares the
    request (method, URL, non-secret headers, body); no network. send re-delivers each
    exchange to TARGET, stores the new outcome and resumes an interrupted run.
    Exit 0 when all pass, 1 on any difference or failed delivery, 2 for bad input.
    """

    def run() -> ReplaySummary:
        settings = app_context(ctx).settings()
        selection = Selection(
            destinations=_names(destination),
            events=_names(event),
            outcomes=_names(outcome),
            shard=parse_shard(shard),
        )
        options = ReplayOptions(
            selection=selection, concurrency=concurrency, update=update, fresh=fresh
        )
        # Asked before anything is counted or a report file is begun: a refused target
        # or a declined live send leaves no trace.
        send_target = _send_target(target, yes) if mode == "send" else None
        printer = Printer(quiet)
        printer.count(paths)
        reports: list[JsonReport | JUnitReport] = []

        def on_result(result: ExchangeResult) -> None:
            printer(result)
            for report in reports:
                report.add(result)

        try:
            if json_path:
                reports.append(JsonReport(json_path))
            if junit:
                reports.append(JUnitReport(junit, mode))
            try:
                if send_target is None:
                    summary = run_verify(list(paths), settings, options, on_result)
                else:
                    summary = asyncio.run(
                        _send(list(paths), settings, send_target, options, on_result)
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

    summary = run_guarded(run)
    if not summary.ok:
        ctx.exit(1)


def _send_target(target: str, yes: bool) -> Target:
    """The ``--target`` of a send replay, once a live one is confirmed."""
    parsed = parse_target(target)
    if not confirm_live(parsed, yes):
        raise DeliveryError("live replay cancelled", hint="nothing was sent")
    return parsed


async def _send(
    paths: list[Path],
    settings: Settings,
    target: Target,
    options: ReplayOptions,
    on_result: Callable[[ExchangeResult], None],
) -> ReplaySummary:
    with Store.open(settings.db) as store:
        async with DeliverySession(settings, target, store=store, live_confirmed=True) as session:
            return await run_send(paths, session, options, on_result)
