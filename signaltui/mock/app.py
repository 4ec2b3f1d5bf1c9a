"""Assembly of the three mock CRMs into one Starlette app, plus the ``/__mock`` admin API.

One base URL stands in for all three APIs because each CRM is served at its real path
(docs/mock-crms.md). Admin paths are not journaled and never faulted.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from signaltui.config import Credentials
from signaltui.errors import InputError
from signaltui.mock import apollo, apollo_reads, close, close_reads, outreach
from signaltui.mock.faults import FAULT_PROFILES, FaultPlan, check_profile
from signaltui.mock.ids import Clock, IdFactory
from signaltui.mock.limits import LIMITS_HELP, parse_limits
from signaltui.mock.routing import ROUTES, CrmEndpoint, not_found
from signaltui.mock.state import MockSettings, MockState
from signaltui.mock.summary import state_summary

_ALL = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def create_app(
    credentials: Credentials | None = None,
    faults: str = "none",
    *,
    settings: MockSettings | None = None,
    clock: Clock = time.time,
    seed: int = 0,
    latency: float = 0.2,
    **overrides: Any,
) -> Starlette:
    """One ASGI app serving Apollo, Outreach and Close at their real paths.

    ``credentials``: only configured ones are enforced; unset ones accept any non-empty
    value. ``faults``: a :data:`FAULT_PROFILES` name (``InputError`` otherwise).
    ``settings`` / ``overrides``: :class:`MockSettings` fields. ``clock`` and ``seed``
    make ids, timestamps, token expiry and the ``mixed`` profile reproducible;
    ``latency`` is the ``slow`` delay in seconds.
    """
    chosen = replace(settings or MockSettings(), **overrides)
    parse_limits(chosen.limits)  # a bad setting is an InputError here, not at first use
    state = MockState(
        credentials=credentials or Credentials(),
        settings=chosen,
        faults=FaultPlan(
            check_profile(faults),
            seed=seed,
            latency=latency,
            clock=clock,
            maintenance_seconds=chosen.maintenance_seconds,
        ),
        clock=clock,
        ids=IdFactory(seed),
    )
    app = Starlette(routes=_admin_routes() + _crm_routes(state))
    app.state.mock = state
    return app


def _crm_routes(state: MockState) -> list[Route]:
    """One route per CRM path and method; each method is its own rate-limit group."""
    ap, ou, cl = apollo.FLAVOR, outreach.FLAVOR, close.FLAVOR
    contact, prospect, lead = (
        "/api/v1/contacts/{contact_id}",
        "/api/v2/prospects/{prospect_id}",
        "/api/v1/lead/{lead_id}/",
    )
    # (flavor, method, path, handler, creates a record)
    table: list[tuple[Any, str, str, Any, bool]] = [
        (ap, "POST", "/api/v1/contacts", apollo.create_contact, True),
        (ap, "POST", "/api/v1/contacts/search", apollo_reads.search_contacts, False),
        (ap, "GET", contact, apollo_reads.get_contact, False),
        (ap, "PATCH", contact, apollo_reads.update_contact, False),
        (ap, "PUT", contact, apollo_reads.update_contact, False),
        (ou, "POST", "/api/v2/prospects", outreach.create_prospect, True),
        (ou, "GET", "/api/v2/prospects", outreach.find_prospects, False),
        (ou, "GET", prospect, outreach.get_prospect, False),
        (ou, "PATCH", prospect, outreach.update_prospect, False),
        (cl, "POST", "/api/v1/lead/", close.create_lead, True),
        (cl, "GET", "/api/v1/lead/", close_reads.list_leads, False),
        (cl, "GET", lead, close_reads.get_lead, False),
        (cl, "PUT", lead, close_reads.update_lead, False),
        (cl, "DELETE", lead, close_reads.delete_lead, False),
        (cl, "GET", "/api/v1/me/", close_reads.me, False),
        (cl, "GET", "/api/v1/status/lead/", close_reads.lead_statuses, False),
    ]
    routes = [
        Route(
            "/oauth/token",
            CrmEndpoint(state, outreach.FLAVOR, outreach.token, resource=False),
            methods=["POST"],
        )
    ]
    for flavor, method, path, handler, creates in table:
        endpoint = CrmEndpoint(state, flavor, handler, group=f"{method} {path}", creates=creates)
        routes.append(Route(path, endpoint, methods=[method]))
    ROUTES[:] = ["POST /oauth/token"] + [f"{m} {p}" for _, m, p, _, _ in table]
    routes.append(
        Route("/{path:path}", CrmEndpoint(state, None, not_found, resource=False), methods=_ALL)
    )
    return routes


def _admin_routes() -> list[Route]:
    return [
        Route("/__mock/requests", _requests, methods=["GET"]),
        Route("/__mock/reset", _reset, methods=["POST"]),
        Route("/__mock/faults", _faults, methods=["GET", "POST"]),
        Route("/__mock/limits", _limits, methods=["GET", "POST"]),
        Route("/__mock/state", _state_counts, methods=["GET"]),
    ]


def get_mock_state(app: Starlette) -> MockState:
    """The live state of a mock app (journal, stores, fault plan) for in-process use."""
    state: MockState = app.state.mock
    return state


def _state(request: Request) -> MockState:
    return get_mock_state(request.app)


def _int_param(request: Request, name: str) -> int | None:
    value = request.query_params.get(name)
    return int(value) if value is not None and value.isdigit() else None


async def _requests(request: Request) -> Response:
    journal = _state(request).journal
    entries = journal.entries(
        request.query_params.get("crm"),
        since=_int_param(request, "since") or 0,
        limit=_int_param(request, "limit"),
    )
    return JSONResponse({"count": len(entries), "requests": entries, **journal.bounds()})


async def _state_counts(request: Request) -> Response:
    return JSONResponse(state_summary(_state(request)))


async def _limits(request: Request) -> Response:
    state = _state(request)
    if request.method == "POST":
        wanted = _json(await request.body()).get("limits")
        try:
            state.windows.switch(parse_limits(str(wanted)))
        except InputError as exc:
            return JSONResponse({"error": exc.message, "hint": exc.hint}, status_code=400)
    policy = state.windows.policy
    return JSONResponse({"enforce": policy.enforce, "scale": policy.scale, "help": LIMITS_HELP})


def _json(raw: bytes) -> dict[str, Any]:
    try:
        loaded = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


async def _reset(request: Request) -> Response:
    _state(request).reset()
    return JSONResponse({"reset": True})


async def _faults(request: Request) -> Response:
    plan = _state(request).faults
    if request.method == "POST":
        asked = _json(await request.body())
        wanted = asked.get("profile")
        seconds = asked.get("maintenance_seconds")
        if seconds is not None and not (isinstance(seconds, int | float) and seconds >= 0):
            return JSONResponse(
                {"error": "maintenance_seconds must be a number of seconds >= 0"},
                status_code=400,
            )
        if not isinstance(wanted, str) or wanted not in FAULT_PROFILES:
            return JSONResponse(
                {
                    "error": f"unknown fault profile {wanted!r}",
                    "profiles": list(FAULT_PROFILES),
                },
                status_code=400,
            )
        plan.switch(wanted, maintenance_seconds=seconds)
    return JSONResponse(
        {
            "profile": plan.profile,
            "description": FAULT_PROFILES[plan.profile],
            "profiles": FAULT_PROFILES,
        }
    )
