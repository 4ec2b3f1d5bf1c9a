"""Start-up of the CLI, whole process, against the bare imports it cannot avoid.

Each figure is one fresh process, timed from outside (wall clock, and the child's own
CPU seconds from ``wait4``), the pairs interleaved so a burst of load from elsewhere
hits both sides. The ratio is the median of the pairwise ratios.

- ``signaltui --help`` against ``python -c "import click"`` (target <= 2x).
- ``signaltui preview ONE`` (one event, ``--json``) against
  ``python -c "import click, pydantic, phonenumbers"`` (target <= 1.3x). Note that
  ``import pydantic`` alone loads little (pydantic 2 imports ``BaseModel`` and its
  machinery on first use), so a second, informational baseline also touches
  ``pydantic.BaseModel``.

The same commands of the base commit (extracted with ``git archive``) are timed in the
same run, so "before" and "now" come from the same conditions. For information, also:
the imports plus one pydantic model defined (the floor of anything that validates with
pydantic), and ``preview`` with the preset cache off (what a first run costs).

Children run with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` dropped), as an
installed package has it; the warm-up run writes the checkouts' ``.pyc`` files and fills
the preset cache (a folder in the temporary directory).

Run: ``.venv/bin/python benchmarks/bench_startup.py [--quick] [--repeat N]``
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    BASE_COMMIT,
    extract_tree,
    machine,
    parse_args,
    signaltui_argv,
    tree_env,
    verdict,
)

ROOT = Path(__file__).resolve().parent.parent
EVENT = ROOT / "fixtures" / "events" / "demo-requested.json"
PY = sys.executable
TARGETS = {"help": 2.0, "preview": 1.3}
#: Informational floor: the first pydantic model a process defines costs ~40 ms (its
#: schema machinery, annotated_types, importlib.metadata for the plugin look-up), which
#: ``import pydantic`` and ``pydantic.BaseModel`` alone never pay. Validating an event
#: with pydantic cannot avoid it.
MODEL_BASELINE = "... + one pydantic model defined"
ONE_MODEL = (
    "import click, pydantic, phonenumbers\nclass Event(pydantic.BaseModel):\n    type: str\n"
)


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one process running ``argv``."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{argv} exited {child.returncode}; figures unusable")
    return wall, usage.ru_utime + usage.ru_stime


def measure(commands: dict[str, tuple[list[str], dict[str, str]]], runs: int) -> dict[str, list]:
    """``runs`` interleaved (wall, cpu) figures per command, after one warm-up each."""
    for argv, env in commands.values():
        run_once(argv, env)
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (argv, env) in commands.items():
            figures[name].append(run_once(argv, env))
    return figures


def ratio(figures: dict[str, list], a: str, b: str, index: int) -> float:
    """Median of the run-by-run ratios a/b (index 0: wall, 1: CPU)."""
    return statistics.median(
        x[index] / y[index] for x, y in zip(figures[a], figures[b], strict=True)
    )


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    runs = 5 if args.quick else max(args.repeat, 11)
    with tempfile.TemporaryDirectory(prefix="signaltui-bench-") as tmp:
        base = extract_tree(BASE_COMMIT, Path(tmp) / "base")
        ours = tree_env()
        # An empty config file and a throwaway store: start-up, not the user's settings.
        (Path(tmp) / "empty.toml").write_text("")
        for env in (ours,):
            env["SIGNALTUI_CONFIG"] = str(Path(tmp) / "empty.toml")
            env["SIGNALTUI_DB"] = str(Path(tmp) / "unused.db")
            # The preset cache starts empty: the warm-up run fills it, as a user's first
            # run does; "cache off" below times every run as a first one.
            env["SIGNALTUI_CACHE_DIR"] = str(Path(tmp) / "cache")
            # Bytecode as an installed package has it (pip compiles a wheel's modules):
            # with PYTHONDONTWRITEBYTECODE set, the checkouts would be compiled from
            # source on every run while the baselines' site-packages load from .pyc.
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        no_cache = {**ours, "SIGNALTUI_CACHE_DIR": ""}
        help_argv = signaltui_argv(ROOT, "--help")
        preview_argv = signaltui_argv(ROOT, "preview", str(EVENT), "--json")
        base_help = signaltui_argv(base, "--help")
        base_preview = signaltui_argv(base, "preview", str(EVENT), "--json")
        commands = {
            "import click": ([PY, "-c", "import click"], ours),
            "signaltui --help": (help_argv, ours),
            "base --help": (base_help, ours),
            "import click, pydantic, phonenumbers": (
                [PY, "-c", "import click, pydantic, phonenumbers"],
                ours,
            ),
            "... + pydantic.BaseModel": (
                [PY, "-c", "import click, pydantic, phonenumbers; pydantic.BaseModel"],
                ours,
            ),
            MODEL_BASELINE: ([PY, "-c", ONE_MODEL], ours),
            "signaltui preview ONE": (preview_argv, ours),
            "base preview ONE": (base_preview, ours),
            "preview ONE, preset cache off": (preview_argv, no_cache),
        }
        figures = measure(commands, runs)
    print(f"machine: {machine()}; {runs} runs per command, interleaved; base {BASE_COMMIT}")
    for name, values in figures.items():
        wall = statistics.median(v[0] for v in values) * 1000
        cpu = statistics.median(v[1] for v in values) * 1000
        print(f"{name:<40} wall {wall:6.0f} ms   CPU {cpu:6.0f} ms   (medians)")
    pairs = {
        "help": ("signaltui --help", "base --help", "import click"),
        "preview": (
            "signaltui preview ONE",
            "base preview ONE",
            "import click, pydantic, phonenumbers",
        ),
    }
    results = []
    for key, (now, before, bare) in pairs.items():
        wall, cpu = ratio(figures, now, bare, 0), ratio(figures, now, bare, 1)
        was = ratio(figures, before, bare, 0)
        print(
            f"{now} / {bare}: {wall:.2f}x wall, {cpu:.2f}x CPU (base commit: {was:.2f}x wall, "
            f"{ratio(figures, before, bare, 1):.2f}x CPU)"
        )
        target = TARGETS[key]
        results.append(
            f"{key} {wall:.2f}x (target <= {target}x: {verdict(wall <= target)}; base {was:.2f}x)"
        )
    extra = ratio(figures, "signaltui preview ONE", "... + pydantic.BaseModel", 0)
    print(f"signaltui preview ONE / (imports + pydantic.BaseModel): {extra:.2f}x wall")
    model = ratio(figures, "signaltui preview ONE", MODEL_BASELINE, 0)
    model_cpu = ratio(figures, "signaltui preview ONE", MODEL_BASELINE, 1)
    print(
        f"signaltui preview ONE / (imports + one pydantic model defined): {model:.2f}x wall, "
        f"{model_cpu:.2f}x CPU"
    )
    imports = "import click, pydantic, phonenumbers"
    cold = ratio(figures, "preview ONE, preset cache off", imports, 0)
    print(f"preview ONE, preset cache off (every run a first run) / imports: {cold:.2f}x wall")
    print("RESULT start-up, wall ratio to the bare imports: " + "; ".join(results))


if __name__ == "__main__":
    main()
