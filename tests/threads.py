"""Threads started together, for tests of what happens when several ask at once (two workers of
a host asking for the same stored value, pages sharing a memo)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any


def at_once(call: Callable[[Any], Any], args: Sequence[Any], *, timeout: float = 10) -> list[Any]:
    """`call(arg)` for each of `args`, each in its own thread, all released at once (a barrier);
    their answers in `args` order. A call that raised re-raises here (the first such), and one
    still running after `timeout` seconds fails the test rather than hanging it."""
    start = threading.Barrier(len(args))
    answers: list[Any] = [None] * len(args)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        start.wait()
        try:
            answers[index] = call(args[index])
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(args))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if any(thread.is_alive() for thread in threads):
        raise AssertionError(f"a thread was still running after {timeout} s")
    if errors:
        raise errors[0]
    return answers
