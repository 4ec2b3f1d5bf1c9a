"""Shared helpers for the benchmark scripts: argument parsing, timing, printing.

Timings use ``time.perf_counter``; every figure comes from a measured run (a warm-up
first, then the best or the median of several), never from a constant.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from signaltui.recordings import new_exchange_id


def parse_args(
    description: str, extra: Callable[[argparse.ArgumentParser], None] | None = None
) -> argparse.Namespace:
    """``--quick`` (a small size for a fast check) and ``--repeat`` (runs per figure).

    ``extra``: adds a script's own options to the parser.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="small size, for a fast check")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per figure")
    if extra is not None:
        extra(parser)
    return parser.parse_args()


def timed(fn: Callable[[], Any]) -> float:
    """Seconds one call of ``fn`` takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def best_of(fn: Callable[[], Any], repeat: int = 5, *, warmup: bool = True) -> float:
    """The fastest of ``repeat`` timed calls (after one untimed warm-up call).

    The minimum is the figure least disturbed by other work on a shared machine.
    """
    if warmup:
        fn()
    return min(timed(fn) for _ in range(repeat))


def best_of_pair(
    first: Callable[[], Any], second: Callable[[], Any], repeat: int = 5
) -> tuple[float, float]:
    """The fastest timed call of each of two functions, their runs interleaved.

    Alternating the two means a burst of load from elsewhere on a shared machine hits
    both sides alike, so their ratio stays meaningful. One warm-up call each first.
    """
    first()
    second()
    times_first, times_second = [], []
    for _ in range(repeat):
        times_first.append(timed(first))
        times_second.append(timed(second))
    return min(times_first), min(times_second)


def median_ms(fn: Callable[[], Any], runs: int = 7) -> float:
    """Median milliseconds of ``runs`` calls, after one warm-up call."""
    fn()
    return statistics.median(timed(fn) for _ in range(runs)) * 1000


def write_copies(path: Path, count: int, seeds: list[dict[str, Any]]) -> None:
    """Write ``count`` recording lines to ``path``: the seeds in turn, each with a new id."""
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            line = dict(seeds[n % len(seeds)])
            line["id"] = new_exchange_id()
            handle.write(json.dumps(line) + "\n")


def machine() -> str:
    """A one-line description of this machine and interpreter."""
    import os

    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )


def verdict(ok: bool) -> str:
    """``PASS`` or ``MISS`` for a target."""
    return "PASS" if ok else "MISS"


#: The commit the "before" figures come from: main before the start-up, preview-stream
#: and send-path work. Benchmarks that compare with it extract it with ``git archive``.
BASE_COMMIT = "6b0a2dc"


def extract_tree(commit: str, folder: Path) -> Path:
    """The source tree of ``commit`` extracted into ``folder`` (``git archive``).

    Run through :func:`signaltui_argv`, a child imports that commit's ``signaltui``
    rather than the installed one, so a benchmark can time the old code in the same
    run, on the same machine, under the same load.
    """
    import io
    import subprocess
    import tarfile

    root = Path(__file__).resolve().parent.parent
    archive = subprocess.run(
        ["git", "archive", commit, "signaltui"], cwd=root, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


#: Puts the tree in argv[1] first on the path: the editable install's import hook
#: would otherwise find the checked-out package first, whatever sys.path says.
_USE_TREE = (
    "import sys; "
    "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f)]; "
    "sys.path[0] = sys.argv.pop(1); sys.argv[0] = 'signaltui'; "
)
_RUN = "from signaltui.cli import entry; entry()"


def signaltui_argv(tree: Path, *args: str, prelude: Path | None = None) -> list[str]:
    """The command line that runs ``signaltui ARGS`` with the package from ``tree``.

    Both the current checkout and an :func:`extract_tree` go through this one launcher,
    so the two sides of a comparison start the same way. ``prelude``: a Python file run
    just before the command, with the tree's package already on the path.
    """
    import sys

    before = "" if prelude is None else f"import runpy; runpy.run_path({str(prelude)!r}); "
    return [sys.executable, "-c", _USE_TREE + before + _RUN, str(tree), *args]


def tree_env() -> dict[str, str]:
    """The environment for a benchmark's child: no SIGNALTUI_* settings of the caller."""
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("SIGNALTUI_")}
