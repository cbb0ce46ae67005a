"""Batch work split over forked worker processes of this host.

Why processes: the catalogue's follow-ups (search text, metrics, vetting) spend most of their time
in Python, which one interpreter runs on one core at a time; a second process uses the second core
(~2x on the 2-core machines we deploy on). Why fork: a forked worker starts with the parent's
loaded apps, settings and registries at no cost, so the work it is handed is named, not shipped.

The workers are the standard library's ProcessPoolExecutor, but in a daemonic process, which
the standard library forbids to have children: there billiard's pool (Celery's fork of
multiprocessing), which allows it, since an import job runs in a Celery prefork worker's child.
Both fail the work rather than wait forever when a worker dies (killed, out of memory): the
executor at once (BrokenProcessPool), billiard after ~10 s (WorkerLostError); the standard
library's Pool would wait for the lost task forever. Not billiard's everywhere: its pool takes
~1 s to stop (its worker handler sleeps between checks), the executor a few ms. Forking is only safe in some states, so
`fork_refusal` says why not when it is not, and callers then run the work in their own process,
unchanged:
- inside a transaction the workers' own connections could not see its writes;
- an in-memory SQLite database exists only in its own connection;
- with other threads running, a child would inherit locks held by threads it does not have
  (Django's dev server, a threaded web worker).

The parent closes its database connections before forking, so no child shares its socket or
file handle; each child opens its own and closes it after every task (a worker killed with open
connections leaves "unexpected EOF" in PostgreSQL's log). Writes made in a child reach other
processes' caches only through a shared cache: after the workers stop, every data version is
bumped (core.caching.versions), so a per-process (locmem) cache cannot keep answers older
than the workers' writes.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any, cast

import billiard
from django.db import connections

from core.caching.versions import data_version_bump


def fork_refusal(processes: int) -> str | None:
    """Why work may not be split over `processes` forked workers now (None: it may)."""
    if processes < 2:
        return "one process asked for"
    if "fork" not in multiprocessing.get_all_start_methods():
        return "this platform cannot fork"
    if other_threads():
        return "other threads are running"
    for alias in connections:
        connection = connections[alias]
        if connection.in_atomic_block:
            return "inside a transaction the workers could not see"
        # The SQLite backend's own test (":memory:", "mode=memory"); other backends lack it.
        if connection.vendor == "sqlite" and cast(Any, connection).is_in_memory_db():
            return "the SQLite database is in memory"
    return None


def other_threads() -> list[threading.Thread]:
    """The threads of this process besides the calling one."""
    return [thread for thread in threading.enumerate() if thread is not threading.current_thread()]


MapUnordered = Callable[[Callable[[Any], Any], Iterable[Any]], Iterator[Any]]


@contextmanager
def forked_pool(processes: int) -> Iterator[MapUnordered]:
    """`processes` forked workers (check `fork_refusal` first), as `map_unordered(func, items)`:
    func(item) in the workers, each result as it comes (a dead worker raises). Stopped on exit
    (at once if the block raised), then every data version is bumped."""
    connections.close_all()
    try:
        with _heap_frozen():
            if multiprocessing.current_process().daemon:
                with _billiard_pool(processes) as map_unordered:
                    yield map_unordered
            else:
                with _executor(processes) as map_unordered:
                    yield map_unordered
    finally:
        data_version_bump()


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """This process's objects moved out of the garbage collector's reach while the workers
    live (gc.freeze, CPython's remedy for forked children): a worker's collections then never
    write into the objects it inherited, so their memory pages stay shared with this process
    instead of being copied on write (5,000 accounts' follow-up: ~15,000 fewer page faults, ~0.2
    CPU-s). Given back to the collector afterwards, unless someone had frozen them before."""
    frozen_before = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()


@contextmanager
def _executor(processes: int) -> Iterator[MapUnordered]:
    executor = ProcessPoolExecutor(
        processes, mp_context=multiprocessing.get_context("fork"), initializer=_forget_inherited_connections
    )
    # Fork every worker now, while this process's connections are closed: the executor would fork
    # at the first submit, after the caller's progress callback (a job's phase, written to the
    # database) had opened a connection again, which the workers would then share.
    executor.submit(int).result()

    def map_unordered(func: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        for future in as_completed([executor.submit(func, item) for item in items]):
            yield future.result()

    try:
        yield map_unordered
    except BaseException:
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


@contextmanager
def _billiard_pool(processes: int) -> Iterator[MapUnordered]:
    # billiard forks its workers here, and again from a thread of its own to replace one that died.
    pool = billiard.get_context("fork").Pool(processes, initializer=_forget_inherited_connections)
    try:
        yield pool.imap_unordered
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()


# Connections a worker found open at its start: its parent's sockets, kept referenced so that they
# are never finalised here (closing one would end the parent's session); workers leave by
# os._exit, which runs no finaliser.
_inherited: list[Any] = []


def _forget_inherited_connections() -> None:
    """A new worker's first act: any database connection open in the thread that forked it (a
    parent that used its connection after `forked_pool` closed it) is the parent's socket;
    the worker drops it unclosed and opens its own."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            _inherited.append(connection.connection)
            connection.connection = None


def close_connections() -> None:
    """End of a worker's task: close its database connections (see the module's docstring)."""
    connections.close_all()
