"""The delivery client: send one planned request to a CRM, with auth, pacing and retries.

Live, mock and custom targets differ only in ``base_url`` and ``transport``; the logic
below never branches on which one it is talking to.

Attempt rules:
- 2xx: ``delivered``.
- 429, 5xx, timeouts, dropped or refused connections, and transient failures of the
  Outreach token endpoint: retried after a wait (see :mod:`signaltui.delivery.retry`);
  after ``max_attempts`` such failures the delivery is ``dead_lettered``.
- An Outreach 401: the access token is refreshed and the request re-sent. The first such
  re-send is recorded but does not use up the retry budget, so a delivery makes at most
  ``max_attempts + 1`` requests. A 401 to a token just minted by a refresh is final; a
  token that dies again later in the delivery (between retries) is refreshed again at
  the cost of one attempt from the budget.
- Any other 4xx: ``rejected``. 1xx/3xx, unusable URLs, refused credentials: ``failed``.

Nothing here raises for a delivery problem: every outcome is a :class:`DeliveryResult`
whose records are redacted.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType

import httpx

from signaltui.config import Credentials, DeliverySettings
from signaltui.core.request import OutboundRequest
from signaltui.delivery.auth import Authenticator, AuthError
from signaltui.delivery.outcomes import (
    AttemptRecord,
    DeliveryResult,
    Outcome,
    classify,
    dead_letter_hint,
    is_retryable_status,
)
from signaltui.delivery.ratelimit import RateLimiter, Sleeper
from signaltui.delivery.retry import next_wait
from signaltui.delivery.tokenstore import MemoryTokenStore, TokenStore
from signaltui.delivery.wire import (
    SendFailure,
    iso_utc,
    record_request,
    record_response,
    send,
    wire_headers,
)
from signaltui.errors import DeliveryError


class _Retry(Exception):
    """Internal: this attempt failed in a way worth retrying (``kind`` names it)."""

    def __init__(
        self, kind: str, status: int | None = None, headers: Mapping[str, str] | None = None
    ):
        super().__init__(kind)
        self.kind = kind
        self.status = status
        self.headers: Mapping[str, str] = headers if headers is not None else {}


class _Done(Exception):
    """Internal: the delivery ends now with this outcome."""

    def __init__(self, outcome: Outcome, reason: str | None, hint: str | None):
        super().__init__(outcome)
        self.outcome: Outcome = outcome
        self.reason = reason
        self.hint = hint


@dataclass
class _Run:
    """The state of one delivery: where it goes and what has happened so far."""

    request: OutboundRequest
    destination: str
    target: str
    attempts: list[AttemptRecord] = field(default_factory=list)

    def finish(self) -> DeliveryResult:
        """The result decided by the last response's status (it must have one)."""
        response = self.attempts[-1].response
        if response is None:  # pragma: no cover - callers only finish after a response
            raise RuntimeError("finish() without a response")
        outcome, hint = classify(self.destination, response.status)
        reason = None if outcome == "delivered" else f"http_{response.status}"
        return self.result(outcome, reason, hint)

    def result(self, outcome: Outcome, reason: str | None, hint: str | None) -> DeliveryResult:
        last = self.attempts[-1] if self.attempts else None
        return DeliveryResult(
            destination=self.destination,
            target=self.target,
            outcome=outcome,
            reason=reason,
            hint=hint,
            request=last.request if last else None,
            response=last.response if last else None,
            attempts=self.attempts,
        )


def _auth_done(exc: DeliveryError) -> _Done:
    reason = exc.reason if isinstance(exc, AuthError) else "token_store_error"
    hint = f"{exc.message}: {exc.hint}" if exc.hint else exc.message
    return _Done("failed", reason, hint)


class DeliveryClient:
    """Sends :class:`OutboundRequest` objects and reports a :class:`DeliveryResult` each.

    ``transport`` is the seam for in-process mocks and tests; ``base_url`` rebases every
    request (a mock server or custom target); ``None`` sends to the request's own URL.
    ``token_store`` keeps Outreach tokens; the default lives in memory only, so callers
    sending live should pass a :class:`~signaltui.delivery.tokenstore.FileTokenStore` at
    ``Settings.token_file`` or a rotated refresh token is lost when the process ends.
    ``sleep``, ``clock`` (monotonic), ``wall_clock`` (epoch) and ``rng`` are injectable so
    tests never wait.
    """

    def __init__(
        self,
        settings: DeliverySettings,
        credentials: Credentials,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        base_url: str | None = None,
        token_store: TokenStore | None = None,
        sleep: Sleeper = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.settings = settings
        self._base_url = base_url.rstrip("/") if base_url else None
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._rng = rng
        # Environment proxies would bypass an injected (mock) transport, so only live
        # sends honour them.
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=settings.timeout,
            follow_redirects=False,
            trust_env=transport is None,
        )
        self._auth = Authenticator(
            credentials,
            store=token_store if token_store is not None else MemoryTokenStore(),
            http=self._http,
            clock=wall_clock,
        )
        self._limiter = RateLimiter(
            settings.rate_limit_per_second, settings.rate_limit_burst, clock=clock, sleep=sleep
        )

    async def __aenter__(self) -> DeliveryClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def deliver(
        self, request: OutboundRequest, destination: str, *, target_label: str
    ) -> DeliveryResult:
        """Send ``request`` for ``destination``; ``target_label`` is recorded as the target."""
        if self._base_url:
            request = request.with_base_url(self._base_url)
        run = _Run(request, destination, target_label)
        failures = 0
        refreshes = 0
        # A 401 straight after a refresh means the brand-new token was refused: final.
        just_refreshed = False
        while True:
            await self._limiter.acquire(destination)
            try:
                bearer = await self._attempt(run)
                if bearer is not None and not just_refreshed:
                    # Outreach answered 401 to a token that was in use: refresh, send
                    # again. The first refresh is free; a token dying again later in
                    # the same delivery (between retries) spends one attempt.
                    if refreshes:
                        failures += 1
                        if failures >= self.settings.max_attempts:
                            return run.finish()
                    refreshes += 1
                    just_refreshed = True
                    await self._refresh_after_401(run, bearer)
                    continue
                return run.finish()
            except _Done as done:
                return run.result(done.outcome, done.reason, done.hint)
            except _Retry as retry:
                just_refreshed = False
                failures += 1
                if failures >= self.settings.max_attempts:
                    reason = f"{retry.kind} after {len(run.attempts)} attempts"
                    return run.result(
                        "dead_lettered", reason, dead_letter_hint(destination, retry.kind)
                    )
                wait = next_wait(
                    failures=failures,
                    status=retry.status,
                    headers=retry.headers,
                    now=self._wall_clock(),
                    base=self.settings.backoff_base,
                    cap=self.settings.backoff_max,
                    rng=self._rng,
                )
                run.attempts[-1] = run.attempts[-1].model_copy(update={"wait_seconds": wait})
                await self._sleep(wait)

    async def _attempt(self, run: _Run) -> str | None:
        """One attempt, appended to ``run.attempts``.

        Returns the bearer token when the API answered 401 to it (the caller may refresh),
        else ``None`` (the last response decides). Raises ``_Retry`` or ``_Done``.
        """
        record = AttemptRecord(
            number=len(run.attempts) + 1,
            started_at=iso_utc(self._wall_clock()),
            request=record_request(run.request, None),
        )
        try:
            auth, bearer = await self._auth.headers(run.request)
        except DeliveryError as exc:
            run.attempts.append(record.model_copy(update={"error": exc.message}))
            if isinstance(exc, AuthError) and exc.retryable:
                raise _Retry(exc.reason, None, exc.headers) from exc
            raise _auth_done(exc) from exc
        headers = wire_headers(run.request, auth)
        record = record.model_copy(update={"request": record_request(run.request, headers)})
        try:
            response, latency_ms = await send(self._http, run.request, headers, self._clock)
        except SendFailure as failure:
            run.attempts.append(record.model_copy(update={"error": failure.message}))
            if failure.retryable:
                raise _Retry(failure.kind) from failure
            raise _Done("failed", failure.kind, failure.hint) from failure
        recorded = record_response(response, latency_ms)
        run.attempts.append(record.model_copy(update={"response": recorded}))
        status = response.status_code
        if is_retryable_status(status):
            raise _Retry(f"http_{status}", status, response.headers)
        return bearer if status == 401 else None

    async def _refresh_after_401(self, run: _Run, bearer: str) -> None:
        try:
            await self._auth.after_unauthorized(run.request, bearer)
        except DeliveryError as exc:
            if isinstance(exc, AuthError) and exc.retryable:
                return  # the next attempt mints a token again; a 401 after it is final
            raise _auth_done(exc) from exc
