"""``signaltui replay --mode send`` through the CLI, store included, vs a bare httpx loop.

Every side is a fresh process posting the same Close leads (Close has no dedupe, so
every request is a fresh 201) to the same loopback mock server, concurrency 4:

- cli: ``signaltui --db NEW.db replay REC --mode send --target URL -c 4 -q``, the
  path a user runs: start-up, parsing the recording, re-planning, auth, retry
  bookkeeping, the store (a new file per run: a run is recorded, every delivery and
  its attempts stored, the run finished) and the client's pacing.
- base: the same command with the base commit's code (``git archive``).
- bare: ``_bare_send.py``, a small script importing only httpx that posts the
  precomputed requests (URL, headers with auth, JSON bytes), same concurrency.
- unstored, for information: the cli side through ``_unstored_send.py``, which skips
  building and writing each delivery's rows (not a product mode): how much of the gap
  to the bare loop is the store's work, and what is left without it.

Pacing. The server runs with ``--limits off`` (it sends rate headers but never refuses),
so the bare loop, which ignores limits, does the same work as the CLI: with a server
that enforces Close's windows the bare loop would be refused (429) and stop, and a
client that honours them would be compared with one that does not. The main figures
also switch the client's pacing off (``SIGNALTUI_DELIVERY__RATE_LIMIT_PER_SECOND=0``);
one more run of each side uses the settings as shipped, which for a target on this
machine means no documented budgets, only what the server's headers say (the base
commit paced every URL target at 5/s). Remote URLs are paced by each CRM's documented
budget (Close 20/s per key and endpoint group); they cannot be timed here (loopback
only). For information, one last CLI run with the shipped settings goes to a second
server that enforces Close's real windows (20 per second per key and endpoint group):
its rate against the 20/s allowed, and how many 429s the server sent.

Children run with bytecode caching on (``PYTHONDONTWRITEBYTECODE`` dropped), as an
installed package has it; the warm-up run writes each tree's bytecode.

The servers are the shipped ``serve_in_thread`` in this process (which only waits for
its children meanwhile), reset before every run. Runs are interleaved.

Run: ``.venv/bin/python benchmarks/bench_replay_send.py [--quick] [--repeat N]``
"""

from __future__ import annotations

import json
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
    write_copies,
)

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.5
CONCURRENCY = 4


def write_close_recording(path: Path, count: int) -> None:
    """``count`` copies of the shipped Close exchanges, each with a new id."""
    from signaltui.recordings import iter_exchanges

    seeds = [ex for _, ex in iter_exchanges(ROOT / "recordings" / "close.jsonl")]
    seeds = [ex for ex in seeds if ex.decision.action == "deliver"]
    if not seeds:
        raise SystemExit("recordings/close.jsonl has no delivered Close exchange")
    write_copies(path, count, [ex.model_dump(mode="json") for ex in seeds])


def precompute(recording: Path, base_url: str, out: Path) -> None:
    """The exact requests a replay sends for ``recording``, as JSON Lines for the bare side."""
    from signaltui.config import MOCK_PLACEHOLDERS, load_settings
    from signaltui.core.request import auth_headers
    from signaltui.delivery.wire import encode_body, wire_headers
    from signaltui.recordings import iter_exchanges
    from signaltui.replay.verify import replan

    settings = load_settings(db=out.parent / "unused.db", token_file=out.parent / "t.json")
    secret = MOCK_PLACEHOLDERS["close_api_key"]
    with out.open("w") as handle:
        for _, exchange in iter_exchanges(recording):
            _, decision = replan(exchange, settings.mapping_config)
            assert decision.request is not None
            request = decision.request.with_base_url(base_url)
            headers = wire_headers(request, auth_headers(request.auth, secret))
            body = encode_body(request.body).decode()
            handle.write(json.dumps([request.method, request.url, headers, body]) + "\n")


def timed(argv: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one child process; a failed run makes the figures unusable."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{argv[3:6]} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return elapsed


def created_leads(url: str) -> int:
    """Leads the mock at ``url`` created since its last reset."""
    import httpx

    state = httpx.get(url + "/__mock/state", trust_env=False).json()
    return int(state["crms"]["close"]["created"])


def stored(db: Path) -> int:
    """Delivered rows the CLI stored (the run must have stored every delivery)."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        query = "SELECT count(*) FROM deliveries WHERE outcome = 'delivered'"
        return int(conn.execute(query).fetchone()[0])


class Sides:
    """The three commands against one server, each run from a clean mock and store."""

    def __init__(self, folder: Path, base: Path, url: str) -> None:
        self.folder, self.base, self.url = folder, base, url
        self.runs = 0

    def run(
        self, side: str, recording: Path, requests: Path, env: dict[str, str], url: str = ""
    ) -> float:
        import httpx

        url = url or self.url
        httpx.post(url + "/__mock/reset", trust_env=False).raise_for_status()
        if side == "bare":
            bare = Path(__file__).with_name("_bare_send.py")
            return timed([sys.executable, str(bare), str(requests), str(CONCURRENCY)], env)
        self.runs += 1
        db = self.folder / f"run{self.runs}.db"
        tree = self.base if side == "base" else ROOT
        prelude = Path(__file__).with_name("_unstored_send.py") if side == "unstored" else None
        argv = signaltui_argv(
            tree, "--db", str(db), "replay", str(recording), "--mode", "send",
            "--target", url, "--concurrency", str(CONCURRENCY), "--quiet", prelude=prelude,
        )  # fmt: skip
        seconds = timed(argv, env)
        expected = sum(1 for line in recording.read_text().splitlines() if line.strip())
        if side == "unstored":
            if created_leads(url) != expected:
                raise SystemExit("unstored: the mock did not get every lead; unusable")
        elif stored(db) != expected:
            raise SystemExit(f"{side}: the store does not hold every delivery; unusable")
        return seconds


def _rate_limited(url: str) -> int:
    """How many requests the server at ``url`` refused with 429 since its last reset."""
    import httpx

    state = httpx.get(url + "/__mock/state", trust_env=False).json()
    return int(state["crms"]["close"]["rate_limited"])


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    count, paced_count = (300, 30) if args.quick else (1_000, 100)
    from signaltui.mock import create_app
    from signaltui.mock.server import serve_in_thread

    print(f"machine: {machine()}; base {BASE_COMMIT}")
    with tempfile.TemporaryDirectory(prefix="signaltui-bench-") as tmp:
        folder = Path(tmp)
        base = extract_tree(BASE_COMMIT, folder / "base")
        (folder / "empty.toml").write_text("")
        shipped = tree_env()
        shipped.update(SIGNALTUI_CONFIG=str(folder / "empty.toml"), NO_PROXY="127.0.0.1")
        shipped["SIGNALTUI_TOKEN_FILE"] = str(folder / "token.json")
        # Bytecode as an installed package has it (pip compiles a wheel's modules), as in
        # bench_startup: with PYTHONDONTWRITEBYTECODE inherited, both checkouts would be
        # compiled from source on every run while the bare side's httpx loads its .pyc.
        shipped.pop("PYTHONDONTWRITEBYTECODE", None)
        unpaced = dict(shipped, SIGNALTUI_DELIVERY__RATE_LIMIT_PER_SECOND="0")
        recordings: dict[int, tuple[Path, Path]] = {}
        enforced = serve_in_thread(create_app(limits="on"))
        with serve_in_thread(create_app(limits="off")) as url, enforced as enforcing_url:
            for size in (count, paced_count):
                recording = folder / f"close-{size}.jsonl"
                write_close_recording(recording, size)
                requests = folder / f"requests-{size}.jsonl"
                precompute(recording, url, requests)
                recordings[size] = (recording, requests)
            sides = Sides(folder, base, url)
            names = ("cli", "base", "bare")
            best = {name: float("inf") for name in (*names, "unstored")}
            for name in best:  # warm-up
                sides.run(name, *recordings[count], unpaced)
            for _ in range(args.repeat):
                for name in best:
                    best[name] = min(best[name], sides.run(name, *recordings[count], unpaced))
            paced = {name: sides.run(name, *recordings[paced_count], shipped) for name in names}
            windows = sides.run("cli", *recordings[paced_count], shipped, url=enforcing_url)
            refused = _rate_limited(enforcing_url)
    print(f"{count:,} Close leads, concurrency {CONCURRENCY}, pacing off, best of {args.repeat}:")
    for name in names:
        print(f"  {name:<5} {count / best[name]:7,.0f} deliveries/s ({best[name]:.2f} s)")
    unstored, gap = best["unstored"], best["cli"] - best["bare"]
    print(
        f"  for information, the cli with each delivery's rows neither built nor written "
        f"(not a product mode): {count / unstored:,.0f} deliveries/s ({unstored:.2f} s), "
        f"{unstored / best['bare']:.2f}x bare; the store's work is "
        f"{best['cli'] - unstored:.2f} s of the {gap:.2f} s gap"
    )
    print(f"{paced_count:,} Close leads, pacing as shipped (default settings), one run:")
    for name in names:
        print(f"  {name:<5} {paced_count / paced[name]:7,.0f} deliveries/s ({paced[name]:.2f} s)")
    print(
        f"{paced_count:,} Close leads, shipped settings, server enforcing Close's windows "
        f"(20/s per key and endpoint group): cli {paced_count / windows:.1f} deliveries/s "
        f"({windows:.2f} s, start-up included), {refused} answered 429 (each retried)"
    )
    ratio, was = best["cli"] / best["bare"], best["base"] / best["bare"]
    paced_ratio = paced["cli"] / paced["bare"]
    print(
        f"RESULT cli/bare time {ratio:.2f}x with pacing off (target <= {TARGET_RATIO}x: "
        f"{verdict(ratio <= TARGET_RATIO)}; base commit {was:.2f}x); with the shipped "
        f"pacing {paced_ratio:.2f}x ({verdict(paced_ratio <= TARGET_RATIO)}; base "
        f"{paced['base'] / paced['bare']:.2f}x)"
    )


if __name__ == "__main__":
    main()
