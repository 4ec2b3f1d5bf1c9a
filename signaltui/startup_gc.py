"""The cyclic garbage collector, paused while a command starts up.

Start-up allocates a great many long-lived objects (modules, classes, pydantic's
schemas; for the terminal app also Textual's modules and ~100 widgets with their styles
and message queues), and each allocation burst sets off a collection that walks all of
them again, for almost nothing to free: about 14 % of the CPU time to the app's first
screen (measured with ``gc.callbacks`` in a tmux pane: ~140 of ~980 ms), and for a
send the later collections kept walking start-up's objects. Reference counting still
frees everything else meanwhile.

:func:`signaltui.cli.entry` pauses it (only there: that process is ours) with
``freeze=True``; a subcommand resumes it once its modules are imported, the terminal
app just after its first screen (or when the command ends, whichever comes first).
Resuming then freezes what start-up made (``gc.freeze``: kept out of later collections;
it lives as long as the process) and turns the collector on.

Only what :func:`pause` turned off is turned back on: an app built by a test, or a
process that runs with the collector off, is left as it is. Only the standard library
here: the CLI imports this before anything heavy.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_paused = False
_freeze = False


def pause(*, freeze: bool = False) -> None:
    """Turn the collector off until :func:`resume` (if it is on). ``freeze``: have
    :func:`resume` freeze the objects made meanwhile (for a process of our own)."""
    global _paused, _freeze
    if gc.isenabled():
        gc.disable()
        _paused, _freeze = True, freeze


def resume() -> None:
    """Turn the collector back on if :func:`pause` turned it off."""
    global _paused
    if _paused:
        _paused = False
        if _freeze:
            gc.freeze()
        gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    """:func:`pause` for the block (a no-op if already paused), and :func:`resume` when
    it ends, however it ends."""
    pause()
    try:
        yield
    finally:
        resume()
