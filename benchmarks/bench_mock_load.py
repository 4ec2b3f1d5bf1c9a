"""The mock CRMs under load: request rate with an empty store against a full one.

Look-ups by email (Apollo ``run_dedupe`` creates and contact search, Outreach creates
and ``filter[emails]``, Close ``query=email:…``) go through per-CRM email indexes, so
the rate should not fall as stored records grow. The same mix of requests is timed
against a fresh mock and against one already holding N records per CRM (20,000; with
``--quick``, 2,000), their runs alternating, in process through the httpx transport
signaltui uses for ``--target mock``; limits are off so only the mock's own work is
timed. The journal is a bounded ring, so its size is printed too.

Run: ``.venv/bin/python benchmarks/bench_mock_load.py [--quick] [--repeat N]``
"""

from __future__ import annotations

import asyncio
import gc
import time

import httpx
from _common import machine, parse_args, verdict

from signaltui.mock import create_app, get_mock_state, mock_transport

TARGET_RATIO = 0.7  # full-store rate / empty-store rate
MIX = 300  # requests per timed run (a third per CRM)
APOLLO = {"X-Api-Key": "k"}
CLOSE = {"Authorization": "Basic YXBpX2s6"}
JSONAPI = "application/vnd.api+json"


async def _token(client: httpx.AsyncClient) -> dict[str, str]:
    form = {"grant_type": "refresh_token", "refresh_token": "r", "client_id": "c"}
    grant = await client.post("/oauth/token", data={**form, "client_secret": "s"})
    return {"Authorization": f"Bearer {grant.json()['access_token']}", "Content-Type": JSONAPI}


async def _create(client: httpx.AsyncClient, outreach: dict[str, str], email: str) -> None:
    person = {"first_name": "A", "last_name": "B", "email": email, "run_dedupe": True}
    await client.post("/api/v1/contacts", json=person, headers=APOLLO)
    body = {"data": {"type": "prospect", "attributes": {"emails": [email]}}}
    await client.post("/api/v2/prospects", json=body, headers=outreach)
    lead = {"name": "Acme", "contacts": [{"emails": [{"email": email}]}]}
    await client.post("/api/v1/lead/", json=lead, headers=CLOSE)


async def _mix(client: httpx.AsyncClient, outreach: dict[str, str], tag: str) -> None:
    for n in range(MIX // 3):
        email = f"{tag}{n}@acme.com"
        if n % 2:
            await _create(client, outreach, email)
            continue
        await client.post("/api/v1/contacts/search", json={"email": email}, headers=APOLLO)
        await client.get("/api/v2/prospects", params={"filter[emails]": email}, headers=outreach)
        await client.get("/api/v1/lead/", params={"query": f'email:"{email}"'}, headers=CLOSE)


async def _timed(client: httpx.AsyncClient, outreach: dict[str, str], tag: str) -> float:
    began = time.perf_counter()
    await _mix(client, outreach, tag)
    return time.perf_counter() - began


async def measure(stored: int, repeat: int, *, freeze: bool) -> tuple[float, float, float, int]:
    """Best requests/s of the mix on an empty mock and on one holding ``stored`` records.

    The two mocks' runs alternate, so a burst of load from elsewhere on a shared machine
    hits both alike. ``freeze`` moves everything alive after the fill out of the garbage
    collector's sight (``gc.freeze``), which separates the mock's own work from the
    interpreter rescanning a large heap. Returns (empty rate, full rate, fill seconds,
    journal entries kept).
    """
    empty_app, full_app = create_app(limits="off"), create_app(limits="off")
    async with (
        httpx.AsyncClient(transport=mock_transport(empty_app), base_url="http://m") as empty,
        httpx.AsyncClient(transport=mock_transport(full_app), base_url="http://m") as full,
    ):
        empty_token, full_token = await _token(empty), await _token(full)
        began = time.perf_counter()
        for n in range(stored):
            await _create(full, full_token, f"stored{n}@acme.com")
        filled = time.perf_counter() - began
        if freeze:
            gc.collect()
            gc.freeze()
        await _mix(empty, empty_token, "warm")
        await _mix(full, full_token, "warm")
        empty_best = full_best = float("inf")
        for run in range(repeat):
            empty_best = min(empty_best, await _timed(empty, empty_token, f"run{run}-"))
            full_best = min(full_best, await _timed(full, full_token, f"run{run}-"))
    journal = get_mock_state(full_app).journal.bounds()["kept"]
    gc.unfreeze()
    return MIX / empty_best, MIX / full_best, filled, journal


def main() -> None:
    args = parse_args(__doc__ or "")
    size = 2_000 if args.quick else 20_000
    print(f"machine: {machine()}")
    empty, full, filled, journal = asyncio.run(measure(size, args.repeat, freeze=False))
    print(f"empty store:        {empty:8.0f} req/s")
    print(f"{size:,} per CRM: {full:8.0f} req/s   (filled in {filled:.1f} s)")
    print(f"  ratio {full / empty:.2f} (includes the interpreter's GC over the bigger heap)")
    empty, full, _, journal = asyncio.run(measure(size, args.repeat, freeze=True))
    print(f"stored records frozen out of GC: empty {empty:.0f}, full {full:.0f} req/s")
    print(f"journal kept:       {journal:8,} entries (ring capacity)")
    ratio = full / empty
    ok = verdict(ratio >= TARGET_RATIO)
    print(f"RESULT full/empty = {ratio:.2f} (target >= {TARGET_RATIO}) {ok}")


if __name__ == "__main__":
    main()
