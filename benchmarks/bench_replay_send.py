"""Replay send throughput against the mock server on loopback, vs a bare httpx loop.

Both sides post the same Close leads (Close has no dedupe, so every request is a fresh
201) to the same server in the same run, with the same concurrency. The bare side gets
its requests precomputed (URL, headers with auth, JSON bytes), so the ratio is what
signaltui adds per delivery: parsing the recording, re-planning, auth, retry
bookkeeping and attempt records. The mock is reset before every run.

The server is the shipped ``serve_in_thread`` (uvicorn on a loopback socket bound with
``IPPROTO_TCP``, so asyncio sets TCP_NODELAY and keep-alive answers are not held back by
Nagle's algorithm), in a thread of the same process, so both sides share its cost.

Run: ``.venv/bin/python benchmarks/bench_replay_send.py [--quick]``
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
from _common import machine, parse_args, verdict, write_copies

from signaltui.config import MOCK_PLACEHOLDERS, load_settings
from signaltui.core.request import auth_headers
from signaltui.delivery.wire import encode_body, wire_headers
from signaltui.mock import create_app
from signaltui.mock.server import serve_in_thread
from signaltui.recordings import iter_exchanges
from signaltui.replay import ReplayOptions, run_send
from signaltui.replay.results import ExchangeResult
from signaltui.replay.verify import replan
from signaltui.service import DeliverySession
from signaltui.targets import Target

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.5
CONCURRENCY = ReplayOptions().concurrency

Request = tuple[str, str, dict[str, str], bytes]


def write_close_recording(path: Path, count: int) -> None:
    """``count`` copies of the shipped Close exchanges, each with a new id."""
    seeds = [ex for _, ex in iter_exchanges(ROOT / "recordings" / "close.jsonl")]
    seeds = [ex for ex in seeds if ex.decision.action == "deliver"]
    if not seeds:
        raise SystemExit("recordings/close.jsonl has no delivered Close exchange")
    write_copies(path, count, [ex.model_dump(mode="json") for ex in seeds])


def precompute(path: Path, base_url: str, settings: Any) -> list[Request]:
    """The exact requests a replay sends for ``path``, ready for a bare client."""
    requests = []
    secret = MOCK_PLACEHOLDERS["close_api_key"]
    for _, exchange in iter_exchanges(path):
        _, decision = replan(exchange, settings.mapping_config)
        assert decision.request is not None
        request = decision.request.with_base_url(base_url)
        headers = wire_headers(request, auth_headers(request.auth, secret))
        requests.append((request.method, request.url, headers, encode_body(request.body)))
    return requests


async def bare_loop(requests: list[Request]) -> int:
    """Post every request with ``CONCURRENCY`` workers; returns how many got a 2xx."""
    pending = iter(requests)
    ok = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal ok
        for method, url, headers, content in pending:
            response = await client.request(method, url, headers=headers, content=content)
            ok += response.is_success

    async with httpx.AsyncClient(trust_env=False) as client:
        await asyncio.gather(*(worker(client) for _ in range(CONCURRENCY)))
    return ok


async def replay_send(path: Path, base_url: str, settings: Any) -> int:
    """One ``run_send`` of ``path`` (no store, no rate limit); returns how many passed."""
    passed = 0

    def count(result: ExchangeResult) -> None:
        nonlocal passed
        passed += result.status == "pass"

    target = Target("url", base_url)
    async with DeliverySession(settings, target, store=None, rate_limit=False) as session:
        await run_send([path], session, ReplayOptions(concurrency=CONCURRENCY), count)
    return passed


def reset(base_url: str) -> None:
    """Forget everything the mock received (POST /__mock/reset)."""
    httpx.post(base_url + "/__mock/reset", trust_env=False).raise_for_status()


def timed_run(base_url: str, run: Any, expected: int) -> float:
    """Seconds for one run after a mock reset; refuses a run where requests failed."""
    reset(base_url)
    start = time.perf_counter()
    done = asyncio.run(run())
    elapsed = time.perf_counter() - start
    if done != expected:
        raise SystemExit(f"only {done} of {expected} requests succeeded; figures unusable")
    return elapsed


def measure(
    server: AbstractContextManager[str], path: Path, count: int, settings: Any, repeat: int
) -> dict[str, float]:
    """Best seconds of ``replay`` and ``bare`` against one server, runs interleaved."""
    with server as base_url:
        requests = precompute(path, base_url, settings)
        sides = {
            "replay": lambda: replay_send(path, base_url, settings),
            "bare": lambda: bare_loop(requests),
        }
        best = {name: float("inf") for name in sides}
        for run in sides.values():  # warm-up of both sides
            timed_run(base_url, run, count)
        for _ in range(repeat):  # interleaved, so drift hits both sides alike
            for name, run in sides.items():
                best[name] = min(best[name], timed_run(base_url, run, count))
    return best


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    count = 300 if args.quick else 1_000
    print(f"machine: {machine()}")
    print(f"{count:,} Close leads, concurrency {CONCURRENCY}, mock server on 127.0.0.1")
    with tempfile.TemporaryDirectory(prefix="signaltui-bench-") as tmp:
        folder = Path(tmp)
        settings = load_settings(db=folder / "unused.db", token_file=folder / "token.json")
        path = folder / "close-send.jsonl"
        write_close_recording(path, count)
        best = measure(serve_in_thread(create_app()), path, count, settings, args.repeat)
    ratio = best["replay"] / best["bare"]
    print(
        f"replay send {count / best['replay']:,.0f}/s ({best['replay']:.2f} s), "
        f"bare httpx {count / best['bare']:,.0f}/s ({best['bare']:.2f} s), "
        f"best of {args.repeat}, runs interleaved"
    )
    print(
        f"RESULT replay/bare time {ratio:.2f}x "
        f"(target <= {TARGET_RATIO}x: {verdict(ratio <= TARGET_RATIO)})"
    )


if __name__ == "__main__":
    main()
