"""``signaltui bundle DELIVERY_ID -o FILE.zip`` and ``signaltui replay FILE.zip``.

A repro bundle is one stored delivery with everything needed to reproduce it, PII
hashed and secrets left out (docs/bundles.md).
"""

from __future__ import annotations

import asyncio
import dataclasses
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from signaltui.cli.common import app_context, blueprints_option, run_guarded
from signaltui.store.cli import DeliveryId

if TYPE_CHECKING:
    from signaltui.bundle import Bundle
    from signaltui.config import Settings
    from signaltui.replay import ExchangeResult, ReplaySummary
    from signaltui.targets import Target


@click.command("bundle")
@click.argument("delivery_id", type=DeliveryId(), metavar="DELIVERY_ID")
@blueprints_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The zip to write (default: delivery-N.zip in the current folder).",
)
@click.pass_context
def bundle_command(ctx: click.Context, delivery_id: int, output: Path | None) -> None:
    """Write one stored delivery as a repro bundle (a zip), PII hashed, no secrets.

    DELIVERY_ID is a delivery id as send, replay and events list print it: 12 or
    delivery-12. The bundle holds the event, the config and blueprint overlays in force
    (credentials left out), the request, the response, every attempt, the mock journal
    slice, the verdict and the signaltui version; `signaltui replay FILE.zip` verifies
    it and re-runs it against the in-process mock. Pass the --blueprints the delivery
    was sent with: the store does not keep them. Exit 0 when written, 2 for bad input
    (an unknown delivery, an unwritable path).
    """
    path = output or Path(f"delivery-{delivery_id}.zip")

    def run() -> str | None:
        from signaltui.bundle import make_bundle
        from signaltui.store import Store

        settings = app_context(ctx).settings()
        with Store.open(settings.db) as store:
            return make_bundle(store, delivery_id, settings, path)

    check = run_guarded(run)
    click.echo(f"wrote {path} (delivery-{delivery_id}; PII hashed, secrets left out)")
    if check:
        click.echo(f"warning: {check}", err=True)


def replay_bundles(
    ctx: click.Context,
    paths: tuple[Path, ...],
    *,
    mode: str,
    target: str,
    yes: bool,
    quiet: bool,
) -> None:
    """``signaltui replay FILE.zip...``: verify each bundle with today's mapping, then
    re-run it against ``target`` (the in-process mock unless one is given), with a
    scratch store. Exit 0 when every bundle verifies and re-delivers, 1 otherwise, 2 for
    bad input."""
    from signaltui.cli.replay import Printer

    # A bundle is verified and re-run; asking for --mode verify by name skips the re-run.
    verify_only = _given(ctx, "mode") and mode == "verify"
    if mode == "mutate":
        raise click.UsageError(
            "--mode mutate takes recordings, not a bundle: a bundle replay verifies and "
            "re-runs its one delivery (use --mode verify or send)",
            ctx,
        )
    refused = [
        f"--{param.name.replace('_', '-')}" if param.name else "?"
        for param in ctx.command.params
        if _given(ctx, param.name)
        and (param.name not in BUNDLE_OPTIONS or (verify_only and param.name in SEND_ONLY))
    ]
    if refused:
        raise click.UsageError(
            f"not taken by a bundle replay: {', '.join(refused)} (a bundle is verified and "
            "re-run with its own config and blueprints; see docs/bundles.md)",
            ctx,
        )
    printer = Printer(quiet)
    try:
        ok = run_guarded(lambda: _replay_all(ctx, paths, target, verify_only, yes, printer))
    finally:
        printer.close()
    if not ok:
        ctx.exit(1)


#: The ``replay`` options a bundle replay takes; any other given on the command line is
#: refused rather than silently ignored.
BUNDLE_OPTIONS = frozenset({"paths", "mode", "target", "yes", "quiet"})
#: Of those, the ones only the re-run uses (refused with an explicit --mode verify).
SEND_ONLY = frozenset({"target", "yes"})


def _given(ctx: click.Context, name: str | None) -> bool:
    """Whether option ``name`` was given on the command line (not a default)."""
    source = ctx.get_parameter_source(name) if name else None
    return source is click.core.ParameterSource.COMMANDLINE


def _replay_all(
    ctx: click.Context,
    paths: tuple[Path, ...],
    target: str,
    verify_only: bool,
    yes: bool,
    printer: Callable[[ExchangeResult], None],
) -> bool:
    from signaltui.bundle import is_bundle_path, read_bundle
    from signaltui.cli.send import confirm_live
    from signaltui.errors import DeliveryError, InputError
    from signaltui.targets import parse_target

    others = [str(p) for p in paths if not is_bundle_path(p)]
    if others:
        raise InputError(
            "bundles (.zip) cannot be mixed with recordings in one replay",
            where=", ".join(others),
            hint="replay the bundles and the recordings in two commands",
        )
    bundles = [read_bundle(path) for path in paths]  # every one checked before any runs
    parsed = parse_target(target)
    if not verify_only and not confirm_live(
        parsed, yes, "Send the bundled deliveries to the LIVE CRM APIs?"
    ):
        raise DeliveryError("live replay cancelled", hint="nothing was sent")
    base = app_context(ctx).settings()
    # Every bundle runs, even after one fails, so the output covers them all.
    results = [_replay_one(bundle, base, parsed, verify_only, printer) for bundle in bundles]
    return all(results)


def _replay_one(
    bundle: Bundle,
    base: Settings,
    target: Target,
    verify_only: bool,
    printer: Callable[[ExchangeResult], None],
) -> bool:
    """Verify one bundle and (unless ``verify_only``) re-run it; print its verdict line."""
    from signaltui.bundle import layout
    from signaltui.bundle.replay import unpack
    from signaltui.replay import ReplayOptions, run_verify

    exchange = bundle.exchange
    click.echo(
        f"bundle {bundle.path}: {bundle.delivery} to {exchange.destination}, "
        f"recorded {exchange.outcome} after {exchange.attempts} attempt(s)"
    )
    # Results name the bundle, not the scratch copy of its recording, and no delivery:
    # the re-run is stored in a scratch store that is gone afterwards.
    source = f"{bundle.path}:{layout.RECORDING}"

    def show(result: ExchangeResult) -> None:
        printer(dataclasses.replace(result, source=source, delivery_id=None))

    with tempfile.TemporaryDirectory(prefix="signaltui-bundle-") as scratch:
        recording, settings = unpack(bundle, base, Path(scratch))
        checked = run_verify([recording], settings, ReplayOptions(), show)
        verdict = [f"verify: {'pass' if checked.ok else 'FAIL'}"]
        ok = checked.ok
        if not verify_only:
            sent = asyncio.run(_resend(recording, settings, target, show))
            changes = ", ".join(sorted(sent.changes)) or "nothing sent"
            verdict.append(f"re-run on {target.label}: {changes}")
            verdict.append("pass" if sent.ok else "FAIL")
            ok = ok and sent.ok
    click.echo("  " + "; ".join(verdict))
    return ok


async def _resend(
    recording: Path,
    settings: Settings,
    target: Target,
    on_result: Callable[[ExchangeResult], None],
) -> ReplaySummary:
    """Send the bundle's recording to ``target``, storing into the scratch store."""
    from signaltui.replay import ReplayOptions, run_send
    from signaltui.service import DeliverySession
    from signaltui.store import Store

    with Store.open(settings.db) as store:
        async with DeliverySession(settings, target, store=store, live_confirmed=True) as session:
            return await run_send([recording], session, ReplayOptions(fresh=True), on_result)
