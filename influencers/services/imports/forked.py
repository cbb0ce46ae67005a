"""Validating a large JSON / JSON Lines import in a forked process while this one writes.

Parsing and validating a record costs about as much Python time as writing it, and Python runs
one thread at a time: a second process gives the validation a core of its own. The child reads
the file with the same FileReader, sends each valid chunk of creator records back (pickled), and
at the end the problems it found; this process writes the chunks as they arrive. The child never
touches the database: it inherits the connection and must leave it alone (it exits with
`os._exit`, so nothing of the connection is closed or finalised there).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import traceback
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from influencers.errors import ImportValidationError

from .records import CreatorIn
from .writer import creator_chunks

if TYPE_CHECKING:
    from .service import FileReader

FORK_ABOVE_BYTES = 4_000_000  # smaller files validate in a moment: not worth a process
FREE_CORE_SHARE = 0.5  # of a core, idle by the load average, for validating in a second process
CHILD_SILENCE_SECONDS = 5  # how often a silent child is checked for being alive


def fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def core_free() -> bool:
    """Whether about one core is idle (by the 1-minute load average): the validator then runs
    beside this process instead of taking turns with it. On a busy machine it would only add
    the cost of sending the records across (about a fifth more CPU) and finish later."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores - os.getloadavg()[0] >= FREE_CORE_SHARE


def validated_chunks_from_child(reader: FileReader) -> Iterator[list[CreatorIn]]:
    """The chunks `creator_chunks(reader.creators())` would give, validated in a child process.
    Once the file is read, `reader.problems` and `reader.ignored_columns` hold what the child
    found; an unreadable file raises its ImportValidationError here, as it would in-process."""
    context = multiprocessing.get_context("fork")
    # A queue, not a bare pipe: its feeder thread in the child sends while the child validates on,
    # so the child never waits for this process to take a chunk.
    messages = context.Queue()
    child = context.Process(target=_validate, args=(reader, messages), name="import-validator", daemon=True)
    child.start()
    finished = False
    try:
        while True:
            try:
                kind, payload = messages.get(timeout=CHILD_SILENCE_SECONDS)
            except queue.Empty:
                if child.is_alive():
                    continue
                try:  # it may have ended right after sending its last message
                    kind, payload = messages.get(timeout=1)
                except queue.Empty:
                    ended = f"the import's validating process ended unexpectedly (exit code {child.exitcode})"
                    raise RuntimeError(ended) from None
            if kind == "chunk":
                yield payload
            elif kind == "progress":
                if reader.progress:
                    reader.progress(*payload)
            elif kind == "done":
                errors, total, reader.ignored_columns = payload
                reader.problems.errors, reader.problems.total = errors, total
                finished = True
                return
            elif kind == "unreadable":
                finished = True
                raise ImportValidationError(payload)
            else:
                raise RuntimeError(f"the import's validating process failed:\n{payload}")
    finally:
        if not finished:
            child.terminate()  # the caller stopped early (a database error): the rest is not needed
        child.join()
        messages.close()
        messages.join_thread()


def _validate(reader: FileReader, messages: multiprocessing.Queue) -> None:
    """In the child: validate, send each chunk while the file is clean so far, then the problems."""
    try:
        reader.progress = lambda *progress: messages.put(("progress", progress))
        for chunk in creator_chunks(reader.creators()):
            # A chunk after a problem is never written: validating on only finds the other problems.
            if not reader.problems:
                messages.put(("chunk", chunk))
        message: tuple[str, Any] = (
            "done",
            (reader.problems.errors, reader.problems.total, reader.ignored_columns),
        )
    except ImportValidationError as exc:
        message = ("unreadable", exc.errors)
    except BaseException:  # noqa: BLE001 - reported by the parent, which owns the import
        message = ("failed", traceback.format_exc())
    messages.put(message)
    messages.close()
    messages.join_thread()  # everything sent before the process exits
