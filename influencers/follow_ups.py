"""What follows a committed change to the catalogue, announced to whoever subscribed.

The catalogue imports nobody above it: when an import, a refresh or the retention purge has
committed, it announces what changed (`AccountsChanged`, `ImagesDeleted`) and every
follow-up registered for that kind of change runs, in order. The catalogue's own metrics come
first; vetting (reports, then watches) and vision (embedding the new images, syncing the index)
subscribe in their AppConfig.ready.

The data is in by then, so a step that fails is reported, not raised (each caller says how: a
line on the job's log, a warning of the import) and the next step still runs. A step may return
a line saying what it did ("2 new image(s) queued for embedding (job 7)"), which the caller's
`note` receives.

A caller that shows progress (an import job's bar) passes `progress(what, done, total)`: it is
called when each step starts (done 0) and ends (done = total), and in between by the steps that
report (`AccountsChanged.progress`, called with the number of accounts done so far).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

Report = Callable[[str, Exception], None]  # (what failed, the error)
Note = Callable[[str], None]
StepProgress = Callable[[str, int, int], None]  # (the running step's `what`, done, total)


@dataclass(frozen=True)
class AccountsChanged:
    """Accounts whose data changed: their derived figures need recomputing (`recompute`; an
    import run with --skip-refresh defers that) and `new_images` images were added to them.
    `as_of` is the reference time of their metrics (None: now). A step that works through the
    accounts in chunks calls `progress(done)` after each (set by `announce` for the running step
    when its caller follows progress; None otherwise)."""

    account_ids: tuple[int, ...]
    new_images: int = 0
    recompute: bool = True
    as_of: dt.datetime | None = None
    reason: str = ""
    progress: Callable[[int], None] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ImagesDeleted:
    """Images (MediaAsset rows and files) were deleted from the catalogue."""

    count: int
    reason: str = ""


Change = AccountsChanged | ImagesDeleted
C = TypeVar("C", AccountsChanged, ImagesDeleted)


@dataclass(frozen=True)
class _Registration:
    what: str
    # Takes a change of the type it is registered under (the registry is keyed by that type).
    step: Callable[[Any], str | None]
    order: int


_registry: dict[type, list[_Registration]] = {AccountsChanged: [], ImagesDeleted: []}


def register_follow_up(change_type: type[C], *, what: str, step: Callable[[C], str | None], order: int) -> None:
    """Run `step(change)` after every change of `change_type`, in increasing `order`. `what` names
    the step in reports ("vetting the accounts"). Registering the same `what` again replaces it."""
    steps = [r for r in _registry[change_type] if r.what != what]
    steps.append(_Registration(what=what, step=step, order=order))
    _registry[change_type] = sorted(steps, key=lambda r: r.order)


def follow_ups_of(change_type: type) -> list[str]:
    """What runs after a change of `change_type`, in order."""
    return [r.what for r in _registry[change_type]]


def run_follow_up(what: str, step: Callable[[], object], *, report: Report) -> object:
    """Run one step; its failure is logged with its traceback and reported (None is returned)."""
    try:
        return step()
    except Exception as exc:
        logger.exception("%s after a data change failed", what)
        report(what, exc)
        return None


def _step_progress(progress: StepProgress, what: str, total: int) -> Callable[[int], None]:
    return lambda done: progress(what, min(done, total), total)


def announce(change: Change, *, report: Report, note: Note | None = None, progress: StepProgress | None = None) -> None:
    """Run every follow-up registered for this kind of change, in order; `progress` follows them
    (see the module's docstring)."""
    total = len(change.account_ids) if isinstance(change, AccountsChanged) else change.count
    for registration in _registry[type(change)]:
        what, step_change = registration.what, change
        if progress is not None:
            progress(what, 0, total)
            if isinstance(change, AccountsChanged):
                step_change = dataclasses.replace(change, progress=_step_progress(progress, what, total))
        said = run_follow_up(what, functools.partial(registration.step, step_change), report=report)
        if progress is not None:
            progress(what, total, total)
        if said and note is not None:
            note(str(said))


def accounts_changed(
    account_ids: Collection[int],
    *,
    report: Report,
    note: Note | None = None,
    new_images: int = 0,
    recompute: bool = True,
    as_of: dt.datetime | None = None,
    reason: str = "",
    progress: StepProgress | None = None,
) -> None:
    """Announce that these accounts changed (see AccountsChanged)."""
    ids = tuple(dict.fromkeys(int(a) for a in account_ids))
    if not ids:
        return
    change = AccountsChanged(account_ids=ids, new_images=new_images, recompute=recompute, as_of=as_of, reason=reason)
    announce(change, report=report, note=note, progress=progress)
