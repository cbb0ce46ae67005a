"""tqdm progress bars for the vision commands (shared helper, not a command)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from core.progress import tqdm


@contextmanager
def image_bar(stream: Any, desc: str, *, disable: bool = False) -> Iterator[Callable[[int, int], None]]:
    """A progress(done, total) callback drawing one bar."""
    bar = tqdm(total=0, desc=desc, unit="img", file=stream, disable=disable, dynamic_ncols=True)

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.total = total
            bar.refresh()
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        bar.close()


@contextmanager
def stage_bar(stream: Any, *, disable: bool = False) -> Iterator[Callable[[str, int, int], None]]:
    """A progress(stage, done, total) callback for index builds: one bar per stage."""
    bars: dict[str, tqdm] = {}

    def update(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(
                total=total, desc=f"index: {stage}", file=stream, disable=disable, dynamic_ncols=True
            )
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        for bar in bars.values():
            bar.close()
