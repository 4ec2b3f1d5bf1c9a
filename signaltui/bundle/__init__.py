"""Repro bundles: one stored delivery as a zip that reproduces it, PII hashed, no secrets.

``signaltui bundle`` and the History tab write them (:func:`make_bundle`);
``signaltui replay FILE.zip`` reads them (:func:`read_bundle`). See docs/bundles.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from signaltui.bundle.build import build_bundle, write_bundle
from signaltui.bundle.layout import FORMAT, MANIFEST, VERSION
from signaltui.bundle.read import Bundle, is_bundle_path, read_bundle

if TYPE_CHECKING:
    from signaltui.config import Settings
    from signaltui.store import Store

__all__ = [
    "FORMAT",
    "VERSION",
    "Bundle",
    "build_bundle",
    "is_bundle_path",
    "make_bundle",
    "read_bundle",
    "write_bundle",
]


def make_bundle(store: Store, delivery_id: int, settings: Settings, path: Path) -> str | None:
    """Write the bundle of stored delivery ``delivery_id`` to ``path``.

    Returns ``None``, or a warning when the hashed event mapped today does not give the
    hashed request (a replay of the bundle will then report the difference too).
    Raises :class:`~signaltui.errors.SignaltuiError` for an unknown delivery (a
    ``NotFoundError``), a bad blueprint or an unwritable path.
    """
    detail = store.get_delivery(delivery_id)
    contents = build_bundle(detail, settings)
    write_bundle(path, contents)
    check = json.loads(contents[MANIFEST])["check"]
    if check["matches"]:
        return None
    differences = "; ".join(check["differences"][:3])
    return (
        f"today's mapping of the bundled event differs from the bundled request "
        f"({differences}); `signaltui replay {path}` will report it"
    )
