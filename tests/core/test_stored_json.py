"""stored_json: the JSON text our own SQL writes into JSON columns (reports, metrics details)."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import orjson
import pytest

from core.messages import Message
from core.stored_json import stored_json


def test_non_finite_numbers_become_null_at_any_depth_and_the_rest_is_kept():
    # A corrupt counter can make NaN or ±inf, which JSON cannot hold.
    details = {
        "rate": math.nan,
        "growth": {"7d": math.inf, "30d": 0.5, "inputs": [1, -math.inf, (2.0, math.nan)]},
        "numpy": np.float64(0.25),
        "numpy_nan": np.float64("nan"),
        "flags": [True, None, "text"],
    }
    assert json.loads(stored_json(details)) == {
        "rate": None,
        "growth": {"7d": None, "30d": 0.5, "inputs": [1, None, [2.0, None]]},
        "numpy": 0.25,
        "numpy_nan": None,
        "flags": [True, None, "text"],
    }


def test_numpy_scalars_read_back_as_their_python_values():
    # float32 widened exactly as .item() widens it (not its shortest float32 spelling).
    values = [np.float32(0.1), np.int64(7), np.bool_(True), np.float64(1e-5)]
    assert json.loads(stored_json(values)) == [float(np.float32(0.1)), 7, True, 1e-5]
    assert json.loads(stored_json(values))[0] != 0.1


def test_dates_messages_sets_and_keys_are_written_as_the_reports_need():
    at = dt.datetime(2026, 3, 21, 12, 0, 5, 250, tzinfo=dt.UTC)
    message = Message("risk.summary", {"day": dt.date(2026, 3, 1), "share": np.float64(0.5)})
    text = stored_json({"at": at, "day": at.date(), "why": message, "ids": {3}, 7: "seven"})
    assert json.loads(text) == {
        "at": "2026-03-21T12:00:05.000250+00:00",
        "day": "2026-03-21",
        "why": {"code": "risk.summary", "params": {"day": "2026-03-01", "share": 0.5}},
        "ids": [3],
        "7": "seven",
    }


def test_a_value_json_cannot_hold_is_refused():
    with pytest.raises(TypeError, match="not JSON serializable: object"):
        stored_json({"x": object()})


def test_the_text_is_the_one_orjson_writes_with_non_string_keys_allowed():
    # Written first without OPT_NON_STR_KEYS (orjson's faster path), and with it only when a key
    # needs it: the text is the same either way, a non-string key at any depth included.
    from core.stored_json import _default

    message = Message("risk.summary", {"items": [{"code": "x", "params": {"n": 1}}], "share": np.float64(0.5)})
    plain = {"why": message, "at": dt.date(2026, 3, 1), "rates": [0.1, math.nan, None], "nested": {"a": {"b": [1]}}}
    for doc in (plain, {**plain, "deep": [{"inner": {3: "three", None: "none", 2.5: "x"}}]}):
        expected = orjson.dumps(doc, default=_default, option=orjson.OPT_NON_STR_KEYS).decode()
        assert stored_json(doc) == expected
    assert json.loads(stored_json({"a": [{"b": {1: "x"}}]})) == {"a": [{"b": {"1": "x"}}]}
