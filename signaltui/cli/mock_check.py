"""``signaltui mock check RECORDINGS``: the mocks' answers against recorded real ones."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import click

from signaltui.cli.common import app_context, run_guarded
from signaltui.errors import InputError

_LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


@click.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--target",
    "-t",
    default="mock",
    show_default=True,
    help="mock (a fresh in-process mock) or the URL of a running `mock serve` on loopback.",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="POINTER",
    help="Leave this answer body field out (RFC 6901); added to [replay] ignore.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a JSON report.",
)
@click.option("--quiet", "-q", is_flag=True, help="Only drifts and the summary.")
@click.pass_context
def check_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    target: str,
    ignore: tuple[str, ...],
    json_path: Path | None,
    quiet: bool,
) -> None:
    """Replay recorded requests against the mocks and report where their answers drift.

    RECORDINGS are recording files (*.jsonl), folders of them, or HAR files. Each
    request is sent in recorded order, masked credentials replaced by ones the mock
    accepts, and the mock's answer is compared with the recorded one by structure:
    status, body keys and JSON types, header names (values are never compared).
    Exit 0 when every compared answer matches, 1 on any drift or when nothing could be
    compared, 2 for bad input.
    """
    from signaltui.replay.ignore import check_pointers
    from signaltui.replay.mock_check import CheckResult

    def show(result: CheckResult) -> None:
        if result.status == "drift":
            click.echo(
                click.style("✗", fg="red")
                + f" {result.destination} {result.request_line} [{result.exchange_id}]"
                f" {result.source}"
            )
            for drift in result.drifts:
                click.echo(f"    {drift.describe()}")
        elif not quiet:
            mark = "✓" if result.status == "same" else "-"
            note = f" ({result.message})" if result.message else ""
            click.echo(
                f"{mark} {result.destination} {result.request_line} [{result.exchange_id}]{note}"
            )

    def run() -> Any:
        settings = app_context(ctx).settings()
        pointers = check_pointers([*settings.replay.ignore, *ignore], where="--ignore")
        results: list[dict[str, Any]] = []

        def on_result(result: CheckResult) -> None:
            show(result)
            results.append(result.to_json())

        summary = asyncio.run(_check(paths, settings, target, pointers, on_result))
        if json_path is not None:
            _write_json(json_path, {"summary": summary.to_json(), "exchanges": results})
        click.echo(summary.describe())
        return summary

    summary = run_guarded(run)
    if not summary.ok:
        ctx.exit(1)


async def _check(paths: Any, settings: Any, target: str, pointers: Any, on_result: Any) -> Any:
    import httpx

    from signaltui.replay.mock_check import MockChecker, recorded_exchanges, run_mock_check

    secrets = settings.credentials.secret_values()
    # Read everything first: a bad recording is exit 2 before any request goes out.
    items = list(recorded_exchanges(paths, secrets))
    if target == "mock":
        from signaltui.mock import create_app, mock_transport
        from signaltui.mock.state import MockSettings

        # A fresh mock, limits off: a check measures answers, not how fast it may ask.
        app = create_app(settings.credentials, settings=MockSettings(limits="off"))
        client = httpx.AsyncClient(transport=mock_transport(app), base_url="http://mock.test")
    else:
        client = httpx.AsyncClient(base_url=_loopback(target), timeout=10.0)
    async with client:
        checker = MockChecker(client, settings.credentials, pointers)
        try:
            return await run_mock_check(items, checker, on_result)
        except httpx.TransportError as exc:
            raise InputError(
                f"cannot reach the mock: {exc}",
                where=f"--target {target}",
                hint="start one with `signaltui mock serve`, or leave --target out",
            ) from exc


def _loopback(target: str) -> str:
    from signaltui.targets import parse_target

    parsed = parse_target(target)
    host = (parsed.base_url or "").split("://", 1)[-1].rsplit(":", 1)[0]
    if parsed.kind != "url" or host not in _LOOPBACK:
        raise InputError(
            f"mock check talks to mocks only, not {target!r}",
            where="--target",
            hint="use mock, or the loopback URL `signaltui mock serve` printed",
        )
    return parsed.base_url or ""


def _write_json(path: Path, data: dict[str, Any]) -> None:
    from signaltui.replay.report import completing, open_beside

    with completing(open_beside(path)) as out:
        json.dump(data, out, ensure_ascii=False, indent=2)
