"""Calling a template keeps the call's own params dict when every value is already JSON-safe, and
makes the message by `Message.__init__` (written out, without the frozen dataclass's
object.__setattr__ per field): the message must be the one the general form makes,
`Message(code, _plain(params))`, value for value and type for type (1 stays 1, -0.0 stays -0.0,
NaN becomes None, a numpy number its Python value, a nested message its stored form), and behave
as any other Message."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pytest
from django.utils.translation import gettext_noop

from core.messages import MESSAGE, TEXT, Message, _plain, define, render_message
from core.stored_json import stored_json
from tests.core.same_values import assert_same

PAIR = define("test.fast_path.pair", gettext_noop("%(a)s and %(b)s"), a=TEXT, b=TEXT)
NESTED = define("test.fast_path.nested", gettext_noop("%(a)s: %(inner)s"), a=TEXT, inner=MESSAGE)

VALUES = [
    "text",
    "",
    0,
    1,
    -7,
    True,
    False,
    None,
    0.5,
    0.0,
    -0.0,
    1.0,
    math.nan,
    math.inf,
    -math.inf,
    np.float64(0.25),
    np.float64(math.nan),
    np.float32(0.1),
    np.int64(3),
    np.bool_(True),
    (1, 2.5),
    [1, math.nan, "x"],
    {"k": 1, 2: [math.nan]},
    dt.date(2026, 3, 1),
    dt.datetime(2026, 3, 1, 12, 30, tzinfo=dt.UTC),
    Decimal("1.5"),
    PAIR(a="x", b=1),
    {"code": "test.fast_path.pair", "params": {"a": "y", "b": 2}},
]


@pytest.mark.parametrize("b", VALUES, ids=repr)
@pytest.mark.parametrize("a", ["plain", 0.75, math.nan], ids=repr)
def test_the_same_message_as_the_general_form(a, b):
    params = {"a": a, "b": b}
    made = PAIR(**params)
    general = Message("test.fast_path.pair", _plain(params))
    assert type(made) is Message
    assert_same(made.params, general.params)
    assert list(made.params) == ["a", "b"]
    assert made == general
    assert repr(made) == repr(general)
    assert stored_json(made) == stored_json(general)
    assert_same(made.as_dict(), general.as_dict())
    assert render_message(made, "en") == render_message(general, "en")


def test_a_nested_message_is_stored_as_its_stored_form():
    inner = PAIR(a="x", b=0.5)
    made = NESTED(a="outer", inner=inner)
    assert_same(made.params, {"a": "outer", "inner": {"code": "test.fast_path.pair", "params": {"a": "x", "b": 0.5}}})
    assert made.params["inner"]["params"] is not inner.params


def test_the_callers_dict_is_not_the_messages():
    given = {"a": "x", "b": 1}
    made = PAIR(**given)
    given["a"] = "changed"
    assert made.params == {"a": "x", "b": 1}


def test_a_message_made_so_behaves_as_any_other():
    made = PAIR(a="x", b=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.code = "other"  # type: ignore[misc]
    assert dataclasses.replace(made, code="test.fast_path.nested") == Message(
        "test.fast_path.nested", {"a": "x", "b": 1}
    )
    assert dataclasses.asdict(made) == {"code": "test.fast_path.pair", "params": {"a": "x", "b": 1}}
    assert [f.name for f in dataclasses.fields(made)] == ["code", "params"]
    assert render_message(made, "en") == "x and 1"


def test_wrong_parameters_are_still_refused():
    with pytest.raises(TypeError, match="missing"):
        PAIR(a="x")
    with pytest.raises(TypeError, match="unknown"):
        PAIR(a="x", b=1, c=2)
