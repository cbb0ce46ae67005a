"""FeatureSnapshot.memo: one computation per key, however many threads ask at once."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from vetting.features.snapshot import FeatureSnapshot


def empty_snapshot() -> FeatureSnapshot:
    return FeatureSnapshot(columns={"account_id": np.zeros(0, dtype=np.int64)}, meta={})


def ask_at_once(snapshot: FeatureSnapshot, key: str, compute, threads: int = 8) -> list[object]:
    answers: list[object] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def ask() -> None:
        start.wait()
        try:
            value = snapshot.memo(key, compute)
        except RuntimeError as exc:
            value = exc
        with lock:
            answers.append(value)

    workers = [threading.Thread(target=ask) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)
    return answers


def test_threads_asking_for_a_new_key_at_once_compute_it_once():
    snapshot = empty_snapshot()
    calls = []

    def slow_scan() -> list[int]:
        calls.append(1)
        time.sleep(0.2)  # long enough for every other thread to arrive while it runs
        return [1, 2, 3]

    answers = ask_at_once(snapshot, "brand safety", slow_scan)
    assert len(calls) == 1
    assert answers == [[1, 2, 3]] * 8
    assert all(answer is answers[0] for answer in answers)


def test_a_failed_computation_is_not_kept_and_a_waiting_thread_computes_in_its_turn():
    snapshot = empty_snapshot()
    calls = []

    def fails_first() -> str:
        calls.append(1)
        time.sleep(0.1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return "value"

    answers = ask_at_once(snapshot, "k", fails_first, threads=4)
    assert len(calls) == 2
    assert sum(isinstance(a, RuntimeError) for a in answers) == 1
    assert answers.count("value") == 3
    assert snapshot.memo("k", lambda: pytest.fail("kept, must not compute again")) == "value"
