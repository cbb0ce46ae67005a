"""`core.messages._plain` takes a dict's or list's str/int/bool/None items without a call each:
the same copy as calling it on every item (the former way), on named and random documents."""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

import numpy as np
import pytest

from core import messages
from core.messages import Message
from tests.core.same_values import assert_same


def _former_plain(value):
    # `_plain` before the kept items were taken in place: one call per item of a dict or list
    # (a value on its own goes through the same code as before).
    if type(value) is dict:
        return {k if type(k) is str else str(k): _former_plain(v) for k, v in value.items()}
    if type(value) is list:
        return [_former_plain(v) for v in value]
    return messages._plain(value)


NAMED = [
    {},
    [],
    {"n": 3, "ok": True, "no": False, "none": None, "s": "x", "f": 1.5, "nan": math.nan, "inf": math.inf},
    {1: "int key", (1, 2): "tuple key", "nested": {"list": [1, 2.5, math.nan, None, True]}},
    [np.float64(0.25), np.int64(7), np.float32(math.nan), dt.date(2026, 12, 6), Decimal("1.5")],
    {"message": Message("x.y", {"share": 0.5, "items": [Message("x.z", {"n": 1})]})},
    [(1, 2), {3}, frozenset(), [[[]]]],
]


@pytest.mark.parametrize("document", NAMED)
def test_named_documents(document):
    assert_same(messages._plain(document), _former_plain(document))


def test_nan_item_is_none_and_bool_stays_bool():
    out = messages._plain({"a": [math.nan, True, 0]})
    assert out["a"][0] is None and out["a"][1] is True and type(out["a"][2]) is int


@pytest.mark.parametrize("seed", range(20))
def test_random_documents(seed):
    rng = random.Random(seed)
    leaves = [0, 1, -5, True, False, None, "", "text", 0.0, 2.5, math.nan, math.inf, np.float64(1.25), np.int32(3)]

    def make(depth):
        if depth == 0 or rng.random() < 0.3:
            return rng.choice(leaves)
        if rng.random() < 0.5:
            return [make(depth - 1) for _ in range(rng.randint(0, 5))]
        return {rng.choice(["a", "b", "c", 1, 2]): make(depth - 1) for _ in range(rng.randint(0, 5))}

    for _ in range(50):
        document = make(4)
        assert_same(messages._plain(document), _former_plain(document))
