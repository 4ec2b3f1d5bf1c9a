"""Keep ``import httpx`` from importing httpx's own command line (rich and pygments).

httpx's package ``__init__`` imports ``httpx._main`` for its ``httpx`` console
command, and that module imports rich and pygments: about 40% of what importing httpx
costs, paid by every signaltui command that sends. signaltui never uses that command,
so before httpx is first imported :func:`defer` puts a stand-in ``httpx._main`` in
``sys.modules`` whose ``main`` imports the real module only if it is ever called.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_NAME = "httpx._main"


def _main(*args: Any, **kwargs: Any) -> Any:
    """httpx's real ``main``, imported on first call."""
    if sys.modules.get(_NAME) is _STAND_IN:
        del sys.modules[_NAME]
    return importlib.import_module(_NAME).main(*args, **kwargs)


_STAND_IN = types.ModuleType(_NAME, "signaltui's stand-in; the real module loads on use")
_STAND_IN.main = _main  # type: ignore[attr-defined]


def defer() -> None:
    """Install the stand-in, unless httpx (or its command line) is already imported."""
    if "httpx" not in sys.modules:
        sys.modules.setdefault(_NAME, _STAND_IN)
