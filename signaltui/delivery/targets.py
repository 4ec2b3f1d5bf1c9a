"""Where a send goes: ``mock`` (in-process), ``live`` (the real APIs) or a base URL.

One implementation lives in :mod:`signaltui.targets` (front ends parse ``--target`` with
it); this module only gives it the delivery-side name, so there is a single set of rules.
- ``mock``: ``base_url`` is ``None``; requests keep their real CRM URLs and the caller
  supplies the in-process mock transport (the transport is the only difference).
- ``live``: ``base_url`` is ``None``; requests go to their own live URLs.
- ``http(s)://host[:port]``: a mock server or custom target; requests are rebased onto it.
Anything else raises :class:`~signaltui.errors.InputError` with a hint.
"""

from __future__ import annotations

from signaltui.targets import Target, TargetKind, parse_target

__all__ = ["Target", "TargetKind", "resolve_target"]


def resolve_target(target: str) -> Target:
    """Parse a ``--target`` value (see the module docstring)."""
    return parse_target(target)
