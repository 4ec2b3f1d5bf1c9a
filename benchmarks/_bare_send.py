"""The bare side of bench_replay_send: post precomputed requests with httpx, nothing else.

Run as its own process (``python _bare_send.py REQUESTS.jsonl CONCURRENCY``), so its
start-up is only Python, asyncio, json and httpx. Each line of the file is
``[method, url, headers, body]``. Exits 1 unless every request got a 2xx answer.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import httpx


async def post_all(requests: list[list], concurrency: int) -> int:
    """Post every request with ``concurrency`` workers; returns how many got a 2xx."""
    pending = iter(requests)
    ok = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal ok
        for method, url, headers, body in pending:
            response = await client.request(method, url, headers=headers, content=body)
            ok += response.is_success

    async with httpx.AsyncClient(trust_env=False) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return ok


def main() -> None:
    lines = Path(sys.argv[1]).read_text().splitlines()
    requests = [json.loads(line) for line in lines if line]
    if asyncio.run(post_all(requests, int(sys.argv[2]))) != len(requests):
        raise SystemExit("some requests failed")


if __name__ == "__main__":
    main()
