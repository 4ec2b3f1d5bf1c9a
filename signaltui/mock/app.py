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
from signaltui.mock import apollo, close, outreach
from signaltui.mock.faults import FAULT_PROFILES, FaultPlan, check_profile
from signaltui.mock.ids import Clock, IdFactory
from signaltui.mock.routing import CrmEndpoint, not_found
from signaltui.mock.state import MockSettings, MockState

_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


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
    state = MockState(
        credentials=credentials or Credentials(),
        settings=chosen,
        faults=FaultPlan(check_profile(faults), seed=seed, latency=latency),
        clock=clock,
        ids=IdFactory(seed),
    )

    def crm(flavor: Any, handler: Any, resource: bool = True) -> CrmEndpoint:
        return CrmEndpoint(state, flavor, handler, resource=resource)

    routes = [
        Route("/__mock/requests", _requests, methods=["GET"]),
        Route("/__mock/reset", _reset, methods=["POST"]),
        Route("/__mock/faults", _faults, methods=["GET", "POST"]),
        Route("/api/v1/contacts", crm(apollo.FLAVOR, apollo.create_contact), methods=["POST"]),
        Route("/oauth/token", crm(outreach.FLAVOR, outreach.token, False), methods=["POST"]),
        Route(
            "/api/v2/prospects",
            crm(outreach.FLAVOR, outreach.create_prospect),
            methods=["POST"],
        ),
        Route("/api/v1/lead/", crm(close.FLAVOR, close.create_lead), methods=["POST"]),
        Route("/api/v1/lead/{lead_id}/", crm(close.FLAVOR, close.get_lead), methods=["GET"]),
        Route("/{path:path}", crm(None, not_found, False), methods=_ALL_METHODS),
    ]
    app = Starlette(routes=routes)
    app.state.mock = state
    return app


def get_mock_state(app: Starlette) -> MockState:
    """The live state of a mock app (journal, stores, fault plan) for in-process use."""
    state: MockState = app.state.mock
    return state


def _state(request: Request) -> MockState:
    return get_mock_state(request.app)


async def _requests(request: Request) -> Response:
    entries = _state(request).journal.entries(request.query_params.get("crm"))
    return JSONResponse({"count": len(entries), "requests": entries})


async def _reset(request: Request) -> Response:
    _state(request).reset()
    return JSONResponse({"reset": True})


async def _faults(request: Request) -> Response:
    plan = _state(request).faults
    if request.method == "POST":
        try:
            wanted = json.loads(await request.body() or b"{}").get("profile")
        except (ValueError, AttributeError):
            wanted = None
        if not isinstance(wanted, str) or wanted not in FAULT_PROFILES:
            return JSONResponse(
                {
                    "error": f"unknown fault profile {wanted!r}",
                    "profiles": list(FAULT_PROFILES),
                },
                status_code=400,
            )
        plan.switch(wanted)
    return JSONResponse(
        {
            "profile": plan.profile,
            "description": FAULT_PROFILES[plan.profile],
            "profiles": FAULT_PROFILES,
        }
    )
