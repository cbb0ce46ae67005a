"""A tqdm progress bar for management commands (on the command's stderr, quiet when asked)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tqdm import tqdm

# No monitor thread (it only tunes the refresh of bars that stall): a command whose work forks
# worker processes (an import's follow-ups, core/parallel.py) may only fork with no other thread
# running. Every bar of ours comes from here.
tqdm.monitor_interval = 0

__all__ = ["command_progress", "tqdm"]


@contextmanager
def command_progress(
    command: Any, *, desc: str, unit: str, total: int = 0, disable: bool = False
) -> Iterator[Callable[..., None]]:
    """A progress(done[, total]) callback drawing one bar on `command`'s stderr."""
    # tqdm draws with "\r"; Django's OutputWrapper would append a newline to every write.
    stream = getattr(command.stderr, "_out", command.stderr)
    bar = tqdm(total=total, desc=desc, unit=unit, file=stream, disable=disable, dynamic_ncols=True)

    def update(done: int, total: int | None = None) -> None:
        if total is not None:
            bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        bar.close()
