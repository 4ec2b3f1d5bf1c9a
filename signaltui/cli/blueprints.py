"""``signaltui blueprints ...``: what mapping is in force, and what a change would do."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from signaltui.cli.common import app_context, run_guarded
from signaltui.config import Settings
from signaltui.core.config import MappingConfig
from signaltui.core.request import DESTINATIONS

if TYPE_CHECKING:
    from signaltui.blueprints.merge import SetAside

_PATH = click.Path(path_type=Path)


def _in_force(
    settings: Settings, extra: list[Path] | None = None, set_aside: list[SetAside] | None = None
) -> tuple[MappingConfig, Any]:
    """The config planning with the blueprints in force (plus ``extra`` overlays), and
    the merged specs per destination (merged once; ``set_aside`` as for ``merged_specs``)."""
    from signaltui.blueprints import load_overlays, merged_specs
    from signaltui.blueprints.loader import compile_specs
    from signaltui.core.blueprints.registry import with_blueprints

    options = settings._mapping_options()
    overlays = load_overlays([*settings.blueprints, *(extra or [])])
    specs = merged_specs(options, overlays, set_aside)
    return with_blueprints(options, compile_specs(options, specs)), specs


@click.group("blueprints")
def blueprints_group() -> None:
    """The mapping as data: list, show, check and diff blueprint files (docs/blueprints.md)."""


@blueprints_group.command("list")
@click.pass_context
def list_command(ctx: click.Context) -> None:
    """What is in force per destination, and from which files (preset first)."""

    def run() -> None:
        config, specs = _in_force(app_context(ctx).settings())
        from signaltui.core.blueprints.registry import blueprints_for

        compiled = blueprints_for(config)
        for destination in DESTINATIONS:
            spec = specs[destination]
            events = ", ".join(compiled[destination].mapped_events) or "(none)"
            consent = ", ".join(spec.consent) or "(none)"
            click.echo(f"{destination}: {' + '.join(spec.files)}")
            click.echo(f"  events: {events}; others: {spec.default_action}")
            click.echo(f"  consent: {consent}; fields: {len(spec.fields)}")

    run_guarded(run)


@blueprints_group.command("show")
@click.argument("destination", type=click.Choice(DESTINATIONS))
@click.pass_context
def show_command(ctx: click.Context, destination: str) -> None:
    """The merged blueprint of DESTINATION, as YAML (a complete file, no extends)."""

    def run() -> None:
        from signaltui.blueprints.dump import blueprint_yaml

        _, specs = _in_force(app_context(ctx).settings())
        click.echo(blueprint_yaml(specs[destination]), nl=False)

    run_guarded(run)


@blueprints_group.command("check")
@click.argument("path", type=_PATH)
@click.option("--strict", is_flag=True, help="Exit 1 when there are warnings (for a CI gate).")
@click.pass_context
def check_command(ctx: click.Context, path: Path, strict: bool) -> None:
    """Validate the blueprint file (or folder of *.yaml) PATH over the presets: exit 0,
    2 for a bad file; warnings go to stderr (exit 1 with --strict)."""

    def run() -> int:
        from signaltui.blueprints import blueprint_files
        from signaltui.blueprints.advice import file_warnings

        files = blueprint_files([path])
        set_aside: list[SetAside] = []
        _, specs = _in_force(app_context(ctx).settings(), [path], set_aside)
        for file in files:
            for destination, spec in specs.items():
                if str(file) in spec.files:
                    click.echo(
                        f"ok: {file} ({destination}: {len(spec.fields)} fields, "
                        f"{len(spec.events)} events)"
                    )
        warnings = file_warnings(specs, set_aside, {str(file) for file in files})
        for advice in warnings:
            click.echo(f"warning: {advice.at}: {advice.message}", err=True)
            click.echo(f"  hint: {advice.hint}", err=True)
        return len(warnings)

    if run_guarded(run) and strict:
        ctx.exit(1)


@blueprints_group.command("diff")
@click.argument("path", type=_PATH)
@click.option(
    "--against",
    "against",
    required=True,
    type=_PATH,
    help="Recordings (a file or folder) or an events file to plan.",
)
@click.pass_context
def diff_command(ctx: click.Context, path: Path, against: Path) -> None:
    """What the blueprint PATH would change in the requests planned for --against, per
    field (JSON Pointer), with counts. Exit 0 (it reports), 2 on bad input."""

    def run() -> None:
        from signaltui.blueprints.impact import (
            compare,
            events_stream,
            exchanges_stream,
            is_recording,
            planned_pairs,
        )
        from signaltui.inputs import read_events
        from signaltui.recordings import iter_exchanges, iter_paths

        settings = app_context(ctx).settings()
        before, _ = _in_force(settings)
        after, _ = _in_force(settings, [path])
        if is_recording(against):
            recorded = (
                (exchange.event, exchange.destination)
                for file in iter_paths([against])
                for _, exchange in iter_exchanges(file)
            )
            stream = exchanges_stream(recorded)
        else:
            stream = events_stream(read_events(against))
        for line in compare(planned_pairs(stream), before, after).lines():
            click.echo(line)

    run_guarded(run)
