"""The delivery client: send one planned request to a CRM, with auth, pacing and retries.

Live, mock and custom targets differ only in ``base_url``, ``transport`` and whether the
documented pacing applies; the logic below never branches on which one it talks to.
The rules in full are in docs/delivery.md; in short:
- 2xx naming the record's id: ``delivered``. A 2xx without one is confirmed by a
  look-up by email and never sent again.
- 429, 5xx, timeouts, dropped or refused connections, transient token-endpoint
  failures: retried after a wait (:mod:`signaltui.delivery.retry`). A wait the CRM
  names is honoured up to ``max_wait`` and does not use up the retry budget; a longer
  one ends as ``deferred`` with ``retry_at``. After ``max_attempts`` other failures:
  ``dead_lettered``.
- Ambiguous failures (a lost answer, 502/503/504) are never re-sent blindly: a look-up
  comes first (:mod:`signaltui.delivery.lookup`), with its own budget. An Outreach 422
  "already taken" to such a re-send is our own earlier request: ``delivered``.
- An Outreach 401: the token is refreshed and the request re-sent once without using up
  the budget; a 401 to a token just minted is final.
- Any other 4xx: ``rejected``. 1xx/3xx, unusable URLs, refused credentials: ``failed``.

Nothing here raises for a delivery problem: every outcome is a :class:`DeliveryResult`
whose records are redacted.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from functools import partial
from types import TracebackType

import httpx

from signaltui.config import Credentials, DeliverySettings
from signaltui.core.request import OutboundRequest
from signaltui.delivery.attempts import AttemptState, Done, Retry, Run, auth_done
from signaltui.delivery.auth import OUTREACH_MINT_INTERVAL, Authenticator, AuthError
from signaltui.delivery.exchange import send_recorded
from signaltui.delivery.lookup import (
    AMBIGUOUS_STATUSES,
    created_id,
    found_id,
    lookup_request,
)
from signaltui.delivery.outcomes import (
    AttemptKind,
    DeliveryResult,
    dead_letter_hint,
    deferred_hint,
    is_retryable_status,
    unconfirmed_hint,
)
from signaltui.delivery.ratelimit import Pacer, Sleeper, pacing_group
from signaltui.delivery.retry import next_wait
from signaltui.delivery.tokenstore import MemoryTokenStore, TokenStore
from signaltui.delivery.wire import iso_utc, tls_for
from signaltui.errors import DeliveryError

#: A run of 429s that each name a short wait ends as deferred after this many.
MAX_RATE_LIMITED = 20


class DeliveryClient:
    """Sends :class:`OutboundRequest` objects and reports a :class:`DeliveryResult` each.

    ``transport`` is the seam for in-process mocks and tests; ``base_url`` rebases every
    request (a mock server or custom target); ``None`` sends to the request's own URL.
    ``documented_pacing`` paces by each CRM's published limits and spaces Outreach token
    mints a minute apart (for live CRMs; a loopback mock is only paced by its headers).
    ``token_store`` keeps Outreach tokens; the default lives in memory only, so callers
    sending live should pass a :class:`~signaltui.delivery.tokenstore.FileTokenStore`.
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
        documented_pacing: bool = True,
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
            verify=tls_for(self._base_url) if transport is None else True,
        )
        paced = documented_pacing and settings.rate_limit_per_second != 0
        self._auth = Authenticator(
            credentials,
            store=token_store if token_store is not None else MemoryTokenStore(),
            http=self._http,
            clock=wall_clock,
            mint_interval=OUTREACH_MINT_INTERVAL if paced else 0.0,
            monotonic=clock,
            sleep=sleep,
        )
        self.pacer = Pacer(
            documented=documented_pacing,
            cap=settings.rate_limit_per_second,
            burst=settings.rate_limit_burst,
            clock=clock,
            wall_clock=wall_clock,
            sleep=sleep,
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
        self,
        request: OutboundRequest,
        destination: str,
        *,
        target_label: str,
        look_first: bool = False,
    ) -> DeliveryResult:
        """Send ``request`` for ``destination``; ``target_label`` is recorded as the target.

        ``look_first`` starts with a look-up, for a re-send of a delivery an earlier run
        deferred (its create may have been applied before it was).
        """
        if self._base_url:
            request = request.with_base_url(self._base_url)
        run = Run(request, destination, target_label)
        # The look-up request is built only when a look-up is needed (run.lookup()).
        state = AttemptState(unresolved=look_first and run.lookup() is not None)
        while True:
            try:
                if state.unresolved and (lookup := run.lookup()) is not None:
                    found = await self._look(run, lookup)
                    if found is not None:
                        return run.recovered(found)
                    state.unresolved = False
                bearer = await self._attempt(run)
                if bearer is not None and not state.just_refreshed:
                    # Outreach answered 401 to a token that was in use: refresh, send
                    # again. The first refresh is free; a later one spends an attempt.
                    if state.refreshes:
                        state.failures += 1
                        if state.failures >= self.settings.max_attempts:
                            return run.finish(state.maybe_applied)
                    state.refreshes += 1
                    state.just_refreshed = True
                    await self._refresh_after_401(run, bearer)
                    continue
                confirmed = await self._confirm_created(run)
                return confirmed or run.finish(state.maybe_applied)
            except Done as done:
                return run.result(done.outcome, done.reason, done.hint, done.retry_at)
            except Retry as retry:
                ended = await self._after_failure(run, state, retry)
                if ended is not None:
                    return ended

    async def look_up(
        self, create: OutboundRequest, destination: str, *, target_label: str
    ) -> tuple[bool, str | None]:
        """Read-only: does the CRM hold the lead ``create`` would make? Paced and retried
        like the look-up after a lost answer (a named wait is sat out up to ``max_wait``).
        Returns ``(answered, found id)``; not answered when the CRM could not be asked."""
        if self._base_url:
            create = create.with_base_url(self._base_url)
        lookup = lookup_request(destination, create)
        if lookup is None:
            return False, None
        run, state = Run(create, destination, target_label), AttemptState()
        while True:
            try:
                found = await self._look(run, lookup)
            except Done:
                return False, None
            except Retry as retry:
                if await self._after_failure(run, state, retry, last_look=False) is not None:
                    return False, None
                continue
            last = run.attempts[-1].response if run.attempts else None
            return last is not None and 200 <= last.status <= 299, found

    async def _after_failure(
        self, run: Run, state: AttemptState, retry: Retry, *, last_look: bool = True
    ) -> DeliveryResult | None:
        """Wait before the next attempt, or end the delivery (deferred, dead-lettered).

        ``last_look``: before giving up after a lost answer, look once more (a delivery
        does; :meth:`look_up`, itself a look, does not)."""
        state.just_refreshed = False
        if retry.ambiguous:
            state.unresolved = state.maybe_applied = True
        now = self._wall_clock()
        wait, from_server = next_wait(
            failures=state.failures + state.lookup_failures + 1,
            status=retry.status,
            headers=retry.headers,
            now=now,
            base=self.settings.backoff_base,
            cap=self.settings.backoff_max,
            rng=self._rng,
        )
        if not from_server and retry.wait is not None:
            wait, from_server = retry.wait, True
        rate_limited = retry.status == 429 and from_server
        if rate_limited:
            state.limited += 1
        elif retry.lookup:
            state.lookup_failures += 1
        else:
            state.failures += 1
        if wait > self.settings.max_wait or state.limited >= MAX_RATE_LIMITED:
            if last_look and (found := await self._last_look(run, state)) is not None:
                return found
            retry_at = iso_utc(now + wait)
            hint = deferred_hint(run.destination, wait, retry_at, self.settings.max_wait)
            return run.result("deferred", f"{retry.kind}: wait {wait:.0f}s", hint, retry_at)
        budget = self.settings.max_attempts
        if state.failures >= budget or state.lookup_failures >= budget:
            if last_look and (found := await self._last_look(run, state)) is not None:
                return found
            reason = f"{retry.kind} after {run.sends()} attempts"
            if state.unresolved:
                reason += " (a lost answer could not be checked)"
            return run.result(
                "dead_lettered", reason, dead_letter_hint(run.destination, retry.kind)
            )
        run.attempts[-1] = run.attempts[-1].model_copy(update={"wait_seconds": wait})
        if rate_limited and retry.group is not None:
            # Hold the whole pacing group, so concurrent deliveries wait as well; the
            # next attempt's pacing step sleeps it out.
            self.pacer.block(retry.group, wait)
        else:
            await self._sleep(wait)
        return None

    async def _confirm_created(self, run: Run) -> DeliveryResult | None:
        """A 2xx whose answer names no record id (not JSON, or the id left out) says the
        CRM took the create but not what it made: look it up by email, never send again.
        ``None`` when the answer is an ordinary success (the caller finishes as usual)."""
        last = run.attempts[-1]
        status = last.response.status if last.response is not None else 0
        if not 200 <= status <= 299 or created_id(run.destination, run.last_body()):
            return None
        lookup = run.lookup()
        if lookup is None:
            return None  # nothing to look by: the status is all there is
        try:
            found = await self._look(run, lookup)
        except (Retry, Done):
            found = None
        hint = unconfirmed_hint(run.destination, status, found)
        if found is not None:
            return run.recovered(found).model_copy(update={"hint": hint})
        if run.attempts[-1].kind == "lookup":
            run.note("not found: not sent again (the CRM had answered 2xx)")
        result = run.result("delivered", f"http_{status}_without_id", hint)
        return result.model_copy(update={"request": last.request, "response": last.response})

    async def _last_look(self, run: Run, state: AttemptState) -> DeliveryResult | None:
        """Before giving up after a lost answer: one more look, so nothing is mislabelled."""
        lookup = run.lookup() if state.unresolved else None
        if lookup is None:
            return None
        try:
            found = await self._look(run, lookup)
        except (Retry, Done):
            return None
        if found is None:
            state.unresolved = False
            return None
        return run.recovered(found)

    async def _pace(self, run: Run, method: str, url: str) -> str:
        """Wait for the request's pacing group; defer when the CRM blocks it too long."""
        group = pacing_group(run.destination, method, url)
        blocked = self.pacer.blocked_for(group)
        if blocked > self.settings.max_wait:
            retry_at = iso_utc(self._wall_clock() + blocked)
            hint = deferred_hint(run.destination, blocked, retry_at, self.settings.max_wait)
            raise Done("deferred", f"rate_limited: wait {blocked:.0f}s", hint, retry_at)
        await self.pacer.acquire(run.destination, group)
        return group

    async def _exchange(
        self, run: Run, request: OutboundRequest, kind: AttemptKind
    ) -> tuple[httpx.Response, str | None, str]:
        """Pace, authenticate and send ``request``; append the attempt (recorded once its
        outcome is known) and return the response, the bearer token used and the pacing
        group. Raises ``Retry``/``Done``."""
        record = partial(run.add, len(run.attempts) + 1, iso_utc(self._wall_clock()), kind)
        group = await self._pace(run, request.method, request.url)
        answered: dict[str, str] | None = None
        try:
            response, bearer, answered = await send_recorded(
                self._http, self._auth, request, kind, record, self._clock
            )
        finally:
            # Also when no answer came: the pacer counts the group's requests in flight.
            self.pacer.observe(group, answered)
        return response, bearer, group

    async def _attempt(self, run: Run) -> str | None:
        """One send, appended to ``run.attempts``.

        Returns the bearer token when the API answered 401 to it (the caller may refresh),
        else ``None`` (the last response decides). Raises ``Retry`` or ``Done``.
        """
        response, bearer, group = await self._exchange(run, run.request, "send")
        status = response.status_code
        if is_retryable_status(status):
            ambiguous = status in AMBIGUOUS_STATUSES
            raise Retry(
                f"http_{status}", status, response.headers, ambiguous=ambiguous, group=group
            )
        return bearer if status == 401 else None

    async def _look(self, run: Run, lookup: OutboundRequest) -> str | None:
        """One look-up (a 401 gets one token refresh and a second look): the found id,
        or ``None`` when the CRM does not have it (or cannot be asked). Raises ``Retry``."""
        for _ in range(2):
            response, bearer, group = await self._exchange(run, lookup, "lookup")
            status = response.status_code
            if status == 401 and bearer is not None:
                run.note("token refused: refreshed for a second look")
                await self._refresh_after_401(run, bearer)
                continue
            if is_retryable_status(status):
                raise Retry(
                    f"lookup_http_{status}", status, response.headers, group=group, lookup=True
                )
            if 200 <= status <= 299:
                email = run.email()
                found = found_id(run.destination, email, run.last_body())
                run.note(f"found {found}" if found else f"no record for {email}: sending again")
                return found
            run.note(f"look-up not possible (HTTP {status}): sending again")
            return None
        return None

    async def _refresh_after_401(self, run: Run, bearer: str) -> None:
        try:
            await self._auth.after_unauthorized(run.request, bearer)
        except DeliveryError as exc:
            if isinstance(exc, AuthError) and exc.retryable:
                return  # the next attempt mints a token again; a 401 after it is final
            raise auth_done(exc) from exc
