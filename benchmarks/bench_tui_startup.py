"""TUI start-up as a person sees it: process start to the first complete screen.

Each run starts ``signaltui`` (the bare command, which opens the app) in a real
terminal: a detached tmux pane of 120x40 cells, on a fresh temporary store. The clock
starts when tmux is asked to start the process and stops when ``tmux capture-pane``
first shows the complete first screen: the tab bar, the footer's key bindings, and the
sample event in both the form and the JSON editor (:data:`MARKERS`). The screen is
polled every few milliseconds; each poll is a short tmux call, the same for both sides.

The base commit's app (extracted with ``git archive``) is timed in the same run, runs
interleaved; the figure is the median of the warm runs (the first run of each side,
which writes bytecode and warms the page cache, is not counted). Both sides run with
bytecode, as an installed copy does, and the base side with ``tree_sitter`` hidden
(:func:`hide_tree_sitter`).

``--compare COMMIT`` (repeatable) times that commit's app as one more side, in the same
interleaved runs (with ``tree_sitter`` visible: for commits that have the dependency):
whether a change of figure between two commits is the code or the machine shows there,
since a busy machine slows every side alike. Its figures are printed, not in RESULT.

Run: ``.venv/bin/python benchmarks/bench_tui_startup.py [--quick] [--repeat N]
[--compare COMMIT]``
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _common import BASE_COMMIT, extract_tree, machine, parse_args, signaltui_argv, verdict

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 0.6
SIZE = (120, 40)
POLL_S = 0.005
TIMEOUT_S = 30.0

#: Text that is on screen only once the first screen is complete: the last tab of the
#: tab bar, the footer's Quit binding, the sample event's email in the form and its
#: last key in the JSON editor.
MARKERS = ("Settings", "Quit", "Jane.Doe@Acme.com", '"timestamp"')


def tmux(socket: str, *args: str) -> str:
    """Run one tmux command on the private server ``socket``; its stdout."""
    done = subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True)
    return done.stdout


def time_to_screen(socket: str, command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from starting ``command`` in the pane to its complete first screen, and
    the CPU seconds (user + system) the process had used by then.

    The CPU figure moves far less with other load on the machine than the wall one; it
    is read from ``/proc`` in clock ticks (10 ms), so it is a supporting figure.
    """
    exports = " ".join(f"{k}={_quote(v)}" for k, v in env.items())
    # Bytecode as an installed package has it (pip compiles a wheel's modules): with
    # PYTHONDONTWRITEBYTECODE inherited, both trees would be compiled from source on
    # every run, which no user pays. Run 0 of each side writes the bytecode.
    unset = "-u PYTHONDONTWRITEBYTECODE"
    shell = f"cd {_quote(str(ROOT))} && exec env {unset} {exports} " + " ".join(
        map(_quote, command)
    )
    start = time.perf_counter()
    tmux(socket, "respawn-pane", "-k", "-t", "bench", shell)
    while True:
        screen = tmux(socket, "capture-pane", "-p", "-t", "bench")
        if all(marker in screen for marker in MARKERS):
            elapsed = time.perf_counter() - start
            cpu = _cpu_seconds(tmux(socket, "display-message", "-p", "-t", "bench", "#{pane_pid}"))
            break
        if time.perf_counter() - start > TIMEOUT_S:
            raise SystemExit(f"no complete screen after {TIMEOUT_S:.0f} s:\n{screen}")
        time.sleep(POLL_S)
    tmux(socket, "respawn-pane", "-k", "-t", "bench", "sleep 3600")  # end the app
    return elapsed, cpu


def _cpu_seconds(pid: str) -> float:
    """User + system CPU seconds of process ``pid`` so far (the pane's process: ``env``
    execs the interpreter, so it keeps the pane's pid)."""
    import os

    stat = Path(f"/proc/{pid.strip()}/stat").read_text()
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def hide_tree_sitter(folder: Path) -> Path:
    """A folder whose ``tree_sitter`` fails to import, to put on the base side's path.

    The base commit predates the tree-sitter dependency: with tree-sitter installed its
    JSON editor asks Textual for a grammar that is not there and the app does not
    start. Hidden, Textual falls back to plain text, as the base ran when it was current.
    """
    stub = folder / "no-tree-sitter" / "tree_sitter"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text('raise ImportError("hidden for the base commit")\n')
    return stub.parent


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _compare_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="COMMIT",
        help="also time this commit's app in the same runs (repeatable)",
    )


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], _compare_option)
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is not installed; this benchmark needs a real terminal")
    runs = 3 if args.quick else max(args.repeat, 7)
    socket = f"signaltui-bench-{time.time_ns()}"
    names = ["now", "base", *args.compare]
    times: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    with tempfile.TemporaryDirectory(prefix="signaltui-bench-") as tmp:
        folder = Path(tmp)
        trees = {"now": ROOT, "base": extract_tree(BASE_COMMIT, folder / "base")}
        for n, commit in enumerate(args.compare):
            trees[commit] = extract_tree(commit, folder / f"compare-{n}")
        (folder / "empty.toml").write_text("")
        base_path = {"PYTHONPATH": str(hide_tree_sitter(folder))}
        columns, lines = SIZE
        tmux(socket, "new-session", "-d", "-s", "bench", "-x", str(columns), "-y", str(lines))
        tmux(socket, "set-option", "-t", "bench", "remain-on-exit", "on")
        try:
            for n in range(runs + 1):  # run 0 of each side is the cold one
                for side, (name, tree) in enumerate(trees.items()):
                    env = {
                        "SIGNALTUI_CONFIG": str(folder / "empty.toml"),
                        "SIGNALTUI_DB": str(folder / f"side{side}-{n}.db"),
                        "SIGNALTUI_TOKEN_FILE": str(folder / f"side{side}-{n}-token.json"),
                        "TERM": "xterm-256color",
                        # The preset cache in the temp folder: run 0 fills it, as a
                        # user's first run does (the base commit predates the cache).
                        "SIGNALTUI_CACHE_DIR": str(folder / f"cache-{side}"),
                        **(base_path if name == "base" else {}),
                    }
                    seconds, cpu_seconds = time_to_screen(socket, signaltui_argv(tree), env)
                    if n:
                        times[name].append(seconds)
                        cpu[name].append(cpu_seconds)
        finally:
            tmux(socket, "kill-server")
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"machine: {machine()}; tmux {SIZE[0]}x{SIZE[1]}; base {BASE_COMMIT}")
    for name, values in times.items():
        listed = ", ".join(f"{v * 1000:.0f}" for v in values)
        print(f"{name:<4} first complete screen: {listed} ms (median {median[name] * 1000:.0f})")
        cpu_listed = ", ".join(f"{v * 1000:.0f}" for v in cpu[name])
        cpu_median = statistics.median(cpu[name]) * 1000
        print(f"{name:<4} CPU by then: {cpu_listed} ms (median {cpu_median:.0f})")
    for commit in args.compare:
        cpu_ratio = statistics.median(cpu["now"]) / statistics.median(cpu[commit])
        print(
            f"now against {commit}: ratio {median['now'] / median[commit]:.2f}, "
            f"CPU ratio {cpu_ratio:.2f}"
        )
    ok = median["now"] <= TARGET_S
    print(
        f"RESULT TUI first complete screen {median['now'] * 1000:.0f} ms from process start, "
        f"median of {runs} (target <= {TARGET_S * 1000:.0f} ms: {verdict(ok)}; base commit "
        f"{median['base'] * 1000:.0f} ms, ratio {median['now'] / median['base']:.2f}; CPU ratio "
        f"{statistics.median(cpu['now']) / statistics.median(cpu['base']):.2f})"
    )


if __name__ == "__main__":
    main()
