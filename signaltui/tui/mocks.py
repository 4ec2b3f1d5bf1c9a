"""The mock CRMs the app runs: the in-process one and an optional loopback server."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any

from signaltui.config import Credentials
from signaltui.core.request import MASK, redact_headers
from signaltui.errors import InputError
from signaltui.mock import FAULT_PROFILES, create_app, get_mock_state
from signaltui.mock.server import serve_in_thread


class MockServer:
    """A mock CRM server on 127.0.0.1 that can be started and stopped at will.

    It keeps its own fault profile, stopped or running, so a profile chosen for the
    server is the one it starts with, and never the in-process mock's.
    """

    def __init__(self, credentials: Credentials, *, limits: str = "on") -> None:
        self.credentials = credentials
        self.limits = limits
        self.app: Any = None
        self.url: str | None = None
        self._running: AbstractContextManager[str] | None = None
        self._profile = "none"

    @property
    def running(self) -> bool:
        """Whether the server is up."""
        return self._running is not None

    @property
    def profile(self) -> str:
        """The server's fault profile (the one it starts with, while stopped)."""
        return fault_profile(self.app) if self.running else self._profile

    def set_profile(self, profile: str) -> None:
        """Use ``profile`` now if running, and from the next start (InputError if unknown)."""
        if self.running:
            switch_faults(self.app, profile)
        elif profile not in FAULT_PROFILES:
            raise InputError(
                f"unknown fault profile {profile!r}",
                where="mock server",
                hint=f"one of {', '.join(FAULT_PROFILES)}",
            )
        self._profile = profile

    def start(self, profile: str | None = None, port: int = 0) -> str:
        """Start on ``port`` (0: any free one); returns the base URL. Blocks until up.

        ``profile`` (default: :attr:`profile`) becomes the server's profile.
        """
        if self._running is not None and self.url:
            return self.url
        if profile is not None:
            self.set_profile(profile)
        self.app = create_app(self.credentials, self._profile, limits=self.limits)
        running = serve_in_thread(self.app, port=port)
        self.url = running.__enter__()
        self._running = running
        return self.url

    def stop(self) -> None:
        """Stop the server and join its thread."""
        running, self._running = self._running, None
        if running is not None:
            running.__exit__(None, None, None)
        self.url = None


def fault_profile(app: Any) -> str:
    """The active fault profile of a mock app."""
    return str(get_mock_state(app).faults.profile)


def switch_faults(app: Any, profile: str) -> None:
    """Put ``profile`` on a mock app (InputError for an unknown name)."""
    get_mock_state(app).faults.switch(profile)


def reset_mock(app: Any) -> None:
    """Clear a mock app's journal and stored records."""
    get_mock_state(app).reset()


def journal_rows(app: Any, limit: int = 200) -> list[tuple[str, ...]]:
    """The newest journal entries of a mock app as table rows (secret headers masked)."""
    rows: list[tuple[str, ...]] = []
    for entry in get_mock_state(app).journal.entries(last=limit):
        status = entry.get("status")
        rows.append(
            (
                str(entry["seq"]),
                str(entry.get("crm") or "-"),
                str(entry["method"]),
                str(entry["path"]),
                "dropped" if status is None and entry.get("fault") else str(status or "…"),
                str(entry.get("fault") or ""),
            )
        )
    return rows


#: Body fields that carry a credential: the OAuth token exchange posts the client id,
#: client secret and refresh token as form fields, and a token answer holds tokens.
SECRET_FIELDS = frozenset(
    {"client_id", "client_secret", "refresh_token", "access_token", "api_key", "password"}
)


def mask_secrets(value: Any, secrets: Iterable[str] = ()) -> Any:
    """``value`` with secret fields masked and each of ``secrets`` cut out of any text."""
    # Blank values are dropped once here: replacing "" would put a mask between letters.
    return _masked(value, [s for s in secrets if s])


def _masked(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, dict):
        return {
            key: MASK
            if str(key).lower() in SECRET_FIELDS and value[key]
            else _masked(value[key], secrets)
            for key in value
        }
    if isinstance(value, list):
        return [_masked(item, secrets) for item in value]
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, MASK)
    return value


def journal_entry(app: Any, seq: int, secrets: Iterable[str] = ()) -> dict[str, Any] | None:
    """One journal entry by sequence number, for display: no credential left in it.

    Headers are masked by name, credential fields of the body by name, and any of
    ``secrets`` (the configured credential values) wherever else it appears.
    """
    entry = get_mock_state(app).journal.entry(seq)
    if entry is None:
        return None
    shown = {**entry, "headers": redact_headers(entry.get("headers") or {})}
    return dict(mask_secrets(shown, secrets))
