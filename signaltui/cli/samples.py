"""``signaltui samples [DIR]``: copy the shipped sample events, config and recordings out."""

from __future__ import annotations

from pathlib import Path

import click

from signaltui.cli.common import run_guarded
from signaltui.samples import SAMPLE_EVENTS, SAMPLE_RECORDINGS, CopyReport, copy_samples


@click.command("samples")
@click.argument(
    "folder", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
@click.option("--force", is_flag=True, help="Overwrite sample files that were changed.")
def samples_command(folder: Path, force: bool) -> None:
    """Copy the sample events, config and recordings into FOLDER (default: here).

    They land as fixtures/events/, fixtures/config/ and recordings/, the paths the README's
    examples use. Files already there unchanged are left alone. If any would replace a
    file with other content, nothing is written and the exit code is 2, unless --force.
    """
    report: CopyReport = run_guarded(lambda: copy_samples(folder, force=force))
    for path in report.written:
        click.echo(f"wrote {path}")
    if report.unchanged:
        click.echo(f"{len(report.unchanged)} file(s) already there, unchanged", err=True)
    event = folder / SAMPLE_EVENTS / "demo-requested.json"
    click.echo(
        f"try: signaltui preview {event}\n     signaltui replay {folder / SAMPLE_RECORDINGS}",
        err=True,
    )
