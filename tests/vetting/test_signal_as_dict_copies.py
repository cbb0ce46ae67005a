"""Signal.as_dict with its atomic values taken in place and its floats rounded where they are
put: equal to `dataclasses.asdict` plus the derived keys, with floats of every kind (unrounded
figures, numpy floats, ints, None) in every rounded field, and fresh copies of every container
(nothing of the signal is shared with the dict)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from core.messages import Message
from tests.core.same_values import assert_same
from tests.vetting.test_signal_as_dict import _reference, _signals

ROUNDED = ("risk", "confidence", "contribution", "mean_part", "floor_part")


def _shared_containers(value, signal_value) -> bool:
    if isinstance(value, (dict, list)) and value is signal_value:
        return True
    if isinstance(signal_value, dict) and isinstance(value, dict):
        return any(_shared_containers(value.get(k), v) for k, v in signal_value.items())
    if isinstance(signal_value, list) and isinstance(value, list):
        return any(_shared_containers(a, b) for a, b in zip(value, signal_value, strict=False))
    return False


@pytest.mark.parametrize("seed", range(10))
def test_rounded_fields_of_every_kind(seed):
    rng = random.Random(seed)
    for signal in _signals():
        for name in ROUNDED:
            if name == "risk" and signal.risk is None and rng.random() < 0.5:
                continue  # keep some signals without data (no level)
            setattr(
                signal,
                name,
                rng.choice([rng.random(), np.float64(rng.random()), 1, 0, None, 0.123456789, 1 / 3]),
            )
        signal.value = rng.choice([signal.value, 0.98765, np.float64(0.5), 3, "text", None, [1.5, {"a": 2}]])
        signal.evidence = rng.choice([signal.evidence, None, 7, "text", {"rows": [1, 2, {"x": 0.1}]}])
        assert_same(signal.as_dict(), _reference(signal))


def test_containers_and_messages_are_copies():
    for signal in _signals():
        signal.evidence = {"rows": [{"n": 1}], "message": Message("x.y", {"items": [1]})}
        signal.value = [0.5, {"a": 1}]
        out = signal.as_dict()
        for key in ("value", "evidence", "evidence_lines", "benchmark", "explanation", "value_text"):
            assert not _shared_containers(out[key], getattr(signal, key)), key
        assert isinstance(out["evidence"]["message"], dict)
        for key in ("benchmark", "explanation", "value_text"):
            message = getattr(signal, key)
            if message is not None:
                assert out[key] == {"code": message.code, "params": message.params}
                assert out[key]["params"] is not message.params
