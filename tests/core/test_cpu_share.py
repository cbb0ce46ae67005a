"""core/services/cpu_share.py: at most HEAVY_REQUESTS_PER_PROCESS heavy computations at once in a
process; the others wait for a turn, or are refused as Throttled after `wait_seconds`."""

from __future__ import annotations

import threading
import time

import pytest

from core.errors import Throttled
from core.services.cpu_share import heavy_request


def test_a_second_heavy_request_waits_for_the_turn_of_the_first(settings):
    settings.HEAVY_REQUESTS_PER_PROCESS = 1
    first_in, release_first, order = threading.Event(), threading.Event(), []

    def first() -> None:
        with heavy_request():
            order.append("first in")
            first_in.set()
            release_first.wait(5)
            order.append("first out")

    def second() -> None:
        first_in.wait(5)
        with heavy_request():
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_in.wait(5)
    time.sleep(0.2)  # the second is waiting now
    assert order == ["first in"]
    release_first.set()
    for thread in threads:
        thread.join(5)
    assert order == ["first in", "first out", "second in"]


def test_a_request_waiting_too_long_is_refused_as_throttled(settings):
    settings.HEAVY_REQUESTS_PER_PROCESS = 1
    with heavy_request():
        holder_done = []

        def other() -> None:
            try:
                with heavy_request(wait_seconds=0.1):
                    holder_done.append("ran")
            except Throttled as exc:
                holder_done.append(exc.retry_after)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(5)
    assert holder_done == [2]
    with heavy_request(wait_seconds=0.1):  # the turn was given back
        pass


@pytest.mark.parametrize("limit", [0, None])
def test_no_limit_when_the_setting_is_zero_or_unset(settings, limit):
    settings.HEAVY_REQUESTS_PER_PROCESS = limit
    with heavy_request(wait_seconds=0.01), heavy_request(wait_seconds=0.01), heavy_request(wait_seconds=0.01):
        pass


def test_two_turns_let_two_in_at_once(settings):
    settings.HEAVY_REQUESTS_PER_PROCESS = 2
    with heavy_request(wait_seconds=0.01), heavy_request(wait_seconds=0.01):
        with pytest.raises(Throttled):
            with heavy_request(wait_seconds=0.01):
                pass
