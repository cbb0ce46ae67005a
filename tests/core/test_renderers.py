"""core.renderers.FastJSONRenderer writes the JSON DRF's JSONRenderer writes."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import numpy as np
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from core.renderers import FastJSONRenderer

DOCUMENT = {
    "name": "林小厨 · Lin's kitchen",
    "followers": 120_000,
    "rate": 0.0345,
    "tiny": 0.5,
    "nothing": None,
    "flags": [True, False],
    "at": dt.datetime(2026, 12, 6, 5, 30, 12, 345678, tzinfo=dt.UTC),
    "day": dt.date(2026, 12, 6),
    "price": Decimal("12.50"),
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "label": gettext_lazy("Followers"),
    "by_id": {7: "seven"},
    "shares": np.array([0.25, 0.75]),
    "count": np.int64(3),
    "nested": [{"a": [1, 2, {"b": "c"}]}],
}


def test_the_same_json_as_drf_writes():
    fast = FastJSONRenderer().render(DOCUMENT)
    assert json.loads(fast) == json.loads(JSONRenderer().render(DOCUMENT))
    assert json.loads(fast)["at"] == "2026-12-06T05:30:12.345678Z"  # DRF encoder's form (Z, not +00:00)


def test_compact_utf8_with_line_separators_escaped_as_drf_does():
    document = {"caption": "a\u2028b\u2029c 护肤"}
    fast = FastJSONRenderer().render(document)
    assert fast == JSONRenderer().render(document)
    assert b"\\u2028" in fast and "护肤".encode() in fast


def test_separators_are_escaped_beside_characters_that_share_their_last_byte():
    # 丨 is E4 B8 A8 and 詩 E8 A9 A9 in UTF-8: the last bytes of U+2028 (E2 80 A8) and U+2029.
    document = {"caption": "丨\u2028詩\u2029", "bio": "丨 and 詩 alone"}
    fast = FastJSONRenderer().render(document)
    assert fast == JSONRenderer().render(document)
    assert b"\\u2028" in fast and b"\\u2029" in fast and "丨 and 詩 alone".encode() in fast
    plain = FastJSONRenderer().render({"bio": "丨 and 詩 alone"})
    assert plain == JSONRenderer().render({"bio": "丨 and 詩 alone"}) and b"\\u" not in plain


def test_nan_is_written_as_null_where_drf_refused_it():
    assert json.loads(FastJSONRenderer().render({"er": float("nan"), "ratio": float("inf")})) == {
        "er": None,
        "ratio": None,
    }


def test_pretty_printing_goes_through_drf():
    pretty = FastJSONRenderer().render({"a": 1}, "application/json; indent=2")
    assert pretty == b'{\n  "a": 1\n}'
    assert FastJSONRenderer().render(None) == b""


def test_a_json_fragment_is_written_as_it_is_compact_and_read_back_when_pretty_printed():
    from core.renderers import FastJSONRenderer, json_fragment

    data = {"kept": json_fragment({"b": [1, 2.5, None], "a": "Ünïcode"}), "n": 3}
    compact = FastJSONRenderer().render(data, "application/json")
    assert compact == '{"kept":{"b":[1,2.5,null],"a":"Ünïcode"},"n":3}'.encode()
    pretty = FastJSONRenderer().render(data, "application/json; indent=2")
    assert b'\n  "kept": {' in pretty
    assert json.loads(pretty) == json.loads(compact)
