"""The cyclic garbage collector, paused from the CLI's start to the app's first screen.

Start-up allocates a great many long-lived objects (pydantic's schemas, Textual's
modules, ~100 widgets with their styles and message queues), and each allocation burst
sets off a collection that walks all of them again: about 14 % of the CPU time to the
first screen (measured with ``gc.callbacks`` in a tmux pane: ~140 of ~980 ms), for
almost nothing to free. Reference counting still frees everything else meanwhile; the
collector runs again from just after the first screen (``SignalApp`` resumes it when
it starts its start-up thread, and the CLI's :func:`paused` block when the command
ends, whichever comes first).

Only what :func:`pause` turned off is turned back on: an app built by a test, or a
process that runs with the collector off, is left as it is. Only the standard
library here: the CLI imports this before anything heavy.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_paused = False


def pause() -> None:
    """Turn the collector off until :func:`resume` (if it is on)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Turn the collector back on if :func:`pause` turned it off."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    """:func:`pause` for the block, and :func:`resume` when it ends, however it ends."""
    pause()
    try:
        yield
    finally:
        resume()
