"""``signaltui recordings import FILE.har``, and the writer ``recordings export --format`` picks."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from signaltui.cli.common import app_context, run_guarded
from signaltui.errors import InputError
from signaltui.recordings import RecordingWriter
from signaltui.recordings.har import HarWriter


def open_writer(
    fmt: str, output: Path, secrets: list[str], *, to_stdout: bool = False
) -> RecordingWriter | HarWriter:
    """The (unopened) writer of ``recordings export --format FMT -o OUTPUT`` (``-`` = stdout).

    A file is replaced whole when the export finishes; stdout gets the output as it goes.
    """
    if fmt == "har":
        stream = sys.stdout if to_stdout else None
        return HarWriter(Path("<stdout>") if to_stdout else output, secrets, stream=stream)
    if to_stdout:
        return RecordingWriter(Path("<stdout>"), secrets=secrets, stream=sys.stdout.buffer)
    return RecordingWriter(output, secrets=secrets, atomic=True)


@click.command("import")
@click.argument("har_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The recording (JSON Lines) to write; replaced whole when the import finishes.",
)
@click.pass_context
def import_command(ctx: click.Context, har_file: Path, output: Path) -> None:
    """Turn a HAR 1.2 file into a recording, secrets removed.

    A HAR exported by signaltui comes back exactly as it was exported. A HAR captured by
    any other tool keeps its requests to api.apollo.io, api.outreach.io and api.close.com
    as exchanges without an event: `replay` skips those (nothing to re-map) and says how
    many, `mock check` replays them against the mocks. Other hosts are skipped and counted.
    Exit 0 on success, 2 when the file is no HAR or holds no CRM traffic.
    """
    from signaltui.recordings.har_import import import_har

    def run() -> str:
        secrets = app_context(ctx).settings().credentials.secret_values()
        imported = import_har(har_file, secrets)
        if not imported.exchanges:
            raise InputError(
                f"nothing to import: {imported.describe()}",
                where=str(har_file),
                hint="capture traffic to api.apollo.io, api.outreach.io or api.close.com",
            )
        with RecordingWriter(output, secrets=secrets, atomic=True) as writer:
            for exchange in imported.exchanges:
                writer.write(exchange)
        return imported.describe()

    described = run_guarded(run)
    click.echo(f"imported {described} into {output}", err=True)
