"""Pausing Python's cyclic garbage collector around bulk work that builds many objects and makes
no cycles (an import's rows, a catalogue-wide brand-safety search's hits): with it on, each full
collection re-walks every object made so far, which roughly doubles such work. Reference counting
still frees everything while it is paused."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off, then restore it as it was (a caller that
    had turned it off keeps it off)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
