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

Steps registered with `parallel=True` (the search text, the metrics, the vetting: Python-bound
work per account) are split, when enough accounts changed, over `FOLLOW_UP_PROCESSES` forked
workers (core.parallel): the accounts in parts of whole creators, each part one task. Split steps
registered one after the other form a run, done part by part: a worker does every step of the run
on its part, in order, before it takes the next part, so each step sees what the earlier ones
stored for its accounts (all a split step may read: see `register_follow_up`), and no worker waits
at a barrier between two steps for the other to finish its last part. The first step after the run
starts once every part is done. Where forking is not safe (core.parallel.fork_refusal: inside a
transaction, with other threads, an in-memory database) every step runs here, as before.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import math
import pickle
import time
from collections.abc import Callable, Collection
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings

from core.caching.backend import note_outages, outages_seen
from core.parallel import MapUnordered, close_connections, fork_refusal, forked_pool
from influencers.selectors.accounts import account_creators

logger = logging.getLogger(__name__)

Report = Callable[[str, Exception], None]  # (what failed, the error)
Note = Callable[[str], None]
StepProgress = Callable[[str, int, int], None]  # (the running step's `what`, done, total)
StepTimes = dict[str, list[float]]  # what → [wall seconds, CPU seconds of this process and its workers]

PART_MIN = 200  # the steps' own chunk (CHUNK_SIZE): a smaller part would waste their batching
PART_MAX = 2000
# Each part takes 1/(PART_SHARE × processes) of the accounts not yet in a part (guided
# self-scheduling): large parts first (few per-part costs), ever smaller ones after, so the
# workers end a step within a small part of each other instead of one idling while the other
# finishes a part as large as the first (the step's barrier); and progress moves part by part.
PART_SHARE = 2


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
    parallel: bool = False


_registry: dict[type, list[_Registration]] = {AccountsChanged: [], ImagesDeleted: []}


def register_follow_up(
    change_type: type[C], *, what: str, step: Callable[[C], str | None], order: int, parallel: bool = False
) -> None:
    """Run `step(change)` after every change of `change_type`, in increasing `order`. `what` names
    the step in reports ("vetting the accounts"). Registering the same `what` again replaces it.

    `parallel` (AccountsChanged only): the step may be split over worker processes, because its
    work on a set of accounts equals its work on the parts of any partition of that set, done
    in any order and concurrently (each account's result depends on its own data and what
    earlier steps stored for it, never on the other accounts of the change), and it returns no
    line. Consecutive split steps run part by part (the module's docstring): on another part,
    an earlier step may not have run yet."""
    steps = [r for r in _registry[change_type] if r.what != what]
    steps.append(_Registration(what=what, step=step, order=order, parallel=parallel))
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


def announce(
    change: Change,
    *,
    report: Report,
    note: Note | None = None,
    progress: StepProgress | None = None,
    timings: StepTimes | None = None,
) -> None:
    """Run every follow-up registered for this kind of change, in order; `progress` follows them
    (see the module's docstring). `timings`, when given, receives each step's [wall, CPU]
    seconds, the CPU of the worker processes included; the steps of a split run share its wall
    in proportion to their CPU (they run at once, on different parts)."""
    total = len(change.account_ids) if isinstance(change, AccountsChanged) else change.count
    registrations = _registry[type(change)]
    processes = _processes_for(change, registrations)
    last_parallel = max((i for i, r in enumerate(registrations) if r.parallel), default=-1) if processes > 1 else -1
    # Read before forking: the parent's connection is closed then.
    parts = _parts(change, processes) if last_parallel >= 0 else []
    with ExitStack() as stack:
        workers = stack.enter_context(forked_pool(processes)) if last_parallel >= 0 else None
        index = 0
        while index < len(registrations):
            run = _split_run(registrations, index) if workers is not None else []
            if run and isinstance(change, AccountsChanged):
                assert workers is not None
                started = time.perf_counter()
                if progress is not None:
                    for registration in run:
                        progress(registration.what, 0, total)
                cpus, lost = _run_in_parts(workers, run, change, parts, report=report, progress=progress)
                if timings is not None:
                    _share_wall(timings, [r.what for r in run], cpus, time.perf_counter() - started)
                if lost:  # a worker died: the rest of its run, and every later step, run here
                    stack.close()
                    workers = None
                index += 1 if lost else len(run)
            else:
                _run_here(
                    registrations[index], change, total, report=report, note=note, progress=progress, timings=timings
                )
                index += 1
            if workers is not None and index > last_parallel:
                stack.close()  # the workers stop once no later step is split (their writes are in)
                workers = None


def _split_run(registrations: list[_Registration], index: int) -> list[_Registration]:
    """The split steps registered one after the other from `index` on (none if that one is not)."""
    run: list[_Registration] = []
    for registration in registrations[index:]:
        if not registration.parallel:
            break
        run.append(registration)
    return run


def _run_here(
    registration: _Registration,
    change: Change,
    total: int,
    *,
    report: Report,
    note: Note | None,
    progress: StepProgress | None,
    timings: StepTimes | None,
) -> None:
    """One step in this process, its progress followed and timed."""
    what, step_change = registration.what, change
    started, cpu_started = time.perf_counter(), time.process_time()
    if progress is not None:
        progress(what, 0, total)
        if isinstance(change, AccountsChanged):
            step_change = dataclasses.replace(change, progress=_step_progress(progress, what, total))
    said = run_follow_up(what, functools.partial(registration.step, step_change), report=report)
    if progress is not None:
        progress(what, total, total)
    if timings is not None:
        _add_time(timings, what, time.perf_counter() - started, time.process_time() - cpu_started)
    if said and note is not None:
        note(str(said))


def _add_time(timings: StepTimes, what: str, wall: float, cpu: float) -> None:
    spent = timings.setdefault(what, [0.0, 0.0])
    spent[0] += wall
    spent[1] += cpu


def _share_wall(timings: StepTimes, whats: list[str], cpus: list[float], wall: float) -> None:
    """A split run's times: each step's CPU (the workers'), and the run's wall shared out in
    proportion to it (evenly when no CPU was counted)."""
    spent = sum(cpus)
    for what, cpu in zip(whats, cpus, strict=True):
        _add_time(timings, what, wall * (cpu / spent if spent > 0 else 1 / len(whats)), cpu)


def _processes_for(change: Change, registrations: list[_Registration]) -> int:
    """How many worker processes the split steps of `change` get (1: none, all run here)."""
    wanted = settings.FOLLOW_UP_PROCESSES
    if not isinstance(change, AccountsChanged) or not any(r.parallel for r in registrations):
        return 1
    if len(change.account_ids) < settings.FOLLOW_UP_PARALLEL_MIN_ACCOUNTS:
        return 1
    refusal = fork_refusal(wanted)
    if refusal is not None:
        if wanted > 1:
            logger.info("follow-ups of %d accounts run in one process: %s", len(change.account_ids), refusal)
        return 1
    return wanted


def _parts(change: Change, processes: int) -> list[tuple[int, ...]]:
    """The changed accounts in parts of decreasing size (see PART_SHARE), each creator's
    accounts in one part. Why whole creators: on PostgreSQL the metrics and vetting writes
    refresh their creator's worst risk by a statement-level trigger (influencers 0011) that reads
    the creator's other accounts as the statement started, so two parts writing accounts of one
    creator at once could leave it computed without the other's write (and could deadlock)."""
    assert isinstance(change, AccountsChanged)
    creators = account_creators(change.account_ids)
    ordered = sorted(change.account_ids, key=lambda pk: (creators.get(pk, -1), pk))
    parts: list[tuple[int, ...]] = []
    current: list[int] = []
    size = 0
    for index, pk in enumerate(ordered):
        if not current:
            size = _part_size(len(ordered) - index, processes)
        current.append(pk)
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        if following is None or (len(current) >= size and creators.get(following) != creators.get(pk)):
            parts.append(tuple(sorted(current)))
            current = []
    return parts


def _part_size(unassigned: int, processes: int) -> int:
    """The size of the next part when `unassigned` accounts are in no part yet."""
    return max(PART_MIN, min(PART_MAX, math.ceil(unassigned / (processes * PART_SHARE))))


@dataclass(frozen=True)
class _PartDone:
    accounts: int
    # Per step of the run, in order: its error on this part (None: done), its CPU seconds.
    errors: tuple[Exception | None, ...]
    cpu: tuple[float, ...]
    # Cache locations whose outage the worker saw (core.caching.backend keeps it per process):
    # its writes' data-version bumps may have failed, so the parent empties the cache later.
    cache_outages: tuple[str, ...] = ()


def _run_in_parts(
    map_unordered: MapUnordered,
    run: list[_Registration],
    change: AccountsChanged,
    parts: list[tuple[int, ...]],
    *,
    report: Report,
    progress: StepProgress | None,
) -> tuple[list[float], bool]:
    """Do the split steps of `run` on every part in the workers, part by part; returns the
    workers' CPU seconds per step and whether a worker died. A step failing on a part is reported
    (its first error, once) and its later steps, and the other parts, still run: every part's
    accounts are committed data, as when the steps run in one process. A worker that died
    (killed, out of memory) fails the run's first step, reported, never waited for; its
    caller runs the run's other steps here."""
    whats = [r.what for r in run]
    changes = [dataclasses.replace(change, account_ids=part, progress=None) for part in parts]
    done = 0
    cpus = [0.0] * len(run)
    failed = [False] * len(run)
    try:
        for outcome in map_unordered(functools.partial(_run_part, tuple(whats)), changes):
            done += outcome.accounts
            note_outages(outcome.cache_outages)
            for position, (error, cpu) in enumerate(zip(outcome.errors, outcome.cpu, strict=True)):
                cpus[position] += cpu
                if error is not None and not failed[position]:
                    failed[position] = True
                    report(whats[position], error)
            if progress is not None:
                for what in whats:  # a part done is every step of the run done on it
                    progress(what, done, len(change.account_ids))
    except Exception as exc:  # the pool's own failure: BrokenProcessPool, billiard's WorkerLostError
        logger.exception("%s: a worker process stopped", whats[0])
        report(whats[0], RuntimeError(f"a worker process stopped ({type(exc).__name__}); {done} accounts were done"))
        return cpus, True
    return cpus, False


def _run_part(whats: tuple[str, ...], change: AccountsChanged) -> _PartDone:
    """In a worker: the registered steps `whats`, in order, on one part (found in the registry
    the worker inherited); a step's error is logged there and handed back, and the next step
    still runs."""
    steps = {r.what: r.step for r in _registry[AccountsChanged]}
    errors: list[Exception | None] = []
    cpus: list[float] = []
    try:
        for what in whats:
            cpu_started = time.process_time()
            try:
                steps[what](change)
            except Exception as exc:
                logger.exception("%s after a data change failed (%d accounts)", what, len(change.account_ids))
                errors.append(_portable(exc))
            else:
                errors.append(None)
            cpus.append(time.process_time() - cpu_started)
    finally:
        close_connections()
    return _PartDone(len(change.account_ids), tuple(errors), tuple(cpus), cache_outages=outages_seen())


def _portable(error: Exception | None) -> Exception | None:
    """The error as the parent can receive it (an exception that does not pickle becomes a
    RuntimeError with its text)."""
    if error is None:
        return None
    try:
        pickle.loads(pickle.dumps(error))
    except (pickle.PicklingError, TypeError, AttributeError, ValueError):
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


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
    timings: StepTimes | None = None,
) -> None:
    """Announce that these accounts changed (see AccountsChanged)."""
    ids = tuple(dict.fromkeys(int(a) for a in account_ids))
    if not ids:
        return
    change = AccountsChanged(account_ids=ids, new_images=new_images, recompute=recompute, as_of=as_of, reason=reason)
    announce(change, report=report, note=note, progress=progress, timings=timings)
