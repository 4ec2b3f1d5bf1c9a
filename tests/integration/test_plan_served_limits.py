"""The send plan's question to a loopback server about its limits: only a signaltui
mock's answer counts; anything else leaves the default assumed."""

from __future__ import annotations

import respx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from signaltui.mock.server import serve_in_thread
from signaltui.replay.plan_limits import served_limits
from signaltui.targets import Target

#: What a server at ``/<kind>/__mock/limits`` answers.
ANSWERS: dict[str, Response] = {
    "ours": JSONResponse({"enforce": False, "scale": 60.0, "help": "…"}),
    "not-a-bool": JSONResponse({"enforce": "no", "scale": 1.0}),
    "bad-scale": JSONResponse({"enforce": True, "scale": 0}),
    "a-list": JSONResponse([True, 1.0]),
    "text": PlainTextResponse("limits: off"),
    "missing": PlainTextResponse("no such page", status_code=404),
}


async def _limits(request: Request) -> Response:
    return ANSWERS[request.path_params["kind"]]


async def test_only_a_mock_answer_counts_as_its_limits() -> None:
    app = Starlette(routes=[Route("/{kind}/__mock/limits", _limits)])
    with serve_in_thread(app) as url:
        seen = {
            kind: await served_limits(Target(kind="url", base_url=f"{url}/{kind}"))
            for kind in ANSWERS
        }
    assert seen.pop("ours") == (False, 60.0)
    assert set(seen.values()) == {None}


async def test_only_a_loopback_url_is_asked() -> None:
    # respx refuses every request (an AssertionError, which served_limits does not
    # swallow): a remote URL, the live APIs and the in-process mock are never asked.
    with respx.mock(assert_all_called=False):
        assert await served_limits(Target(kind="url", base_url="https://crm.example")) is None
        assert await served_limits(Target(kind="live")) is None
        assert await served_limits(Target(kind="mock")) is None
