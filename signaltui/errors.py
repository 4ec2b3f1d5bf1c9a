"""The one exception tree of signaltui.

Every error a person can cause (bad input, bad config, an unreachable store) is a
``SignaltuiError`` whose message says what was wrong, where, and what to do. Front ends
catch this base class, print the message and exit with :attr:`exit_code`; anything else
is a bug.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class SignaltuiError(Exception):
    """Base class: a problem the user can act on. ``exit_code`` follows docs/cli.md."""

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None):
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        """One human line: ``where: message (hint)``."""
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text = f"{text}\n  hint: {self.hint}"
        return text


class InputError(SignaltuiError):
    """An event, recording or command-line value that cannot be used as given."""


class ConfigError(SignaltuiError):
    """A configuration value (file or ``SIGNALTUI_*`` variable) that is invalid."""


class StoreError(SignaltuiError):
    """The SQLite store cannot be opened, read or written."""


class RecordingError(InputError):
    """A recording line that is malformed, truncated or of an unknown version."""


class DeliveryError(SignaltuiError):
    """A delivery that could not be attempted at all (e.g. live without credentials)."""


def first_error(exc: ValidationError) -> tuple[str, str]:
    """Where (dotted, ``""`` for the whole value) and what of pydantic's first complaint.

    Errors name one problem at a time: the first is the one a person fixes first.
    """
    first = exc.errors()[0]
    return ".".join(str(part) for part in first["loc"]), first["msg"]
