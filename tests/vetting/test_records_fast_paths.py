"""The fast paths of vetting.scoring.records.asdict (plain dicts and lists, messages) give what
dataclasses.asdict gives: the same keys in the same order (a stored report's JSON text follows
it), and copies, never the scorer's own dicts and lists."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from core.messages import Message
from vetting.scoring import risk as risk_mod
from vetting.scoring.growth import growth_anomalies
from vetting.scoring.records import asdict


@dataclasses.dataclass
class _Holder:
    message: Message
    table: dict
    items: list


def _signals() -> list[risk_mod.Signal]:
    start = dt.date(2026, 1, 1)
    dates = [start + dt.timedelta(days=d) for d in range(60)]
    followers = [10_000 + 20 * d + (5_000 if d >= 40 else 0) for d in range(60)]
    following = [300 + (400 if 20 <= d < 23 else 0) for d in range(60)]
    return risk_mod.growth_signals(growth_anomalies(dates, followers, following))


def test_same_key_order_as_dataclasses_asdict():
    for signal in _signals():
        assert json.dumps(asdict(signal), default=str) == json.dumps(dataclasses.asdict(signal), default=str)
    holder = _Holder(Message("x.y", {"b": [1, {"z": 2, "a": 3}], "a": None}), {"k": [{"q": 1, "p": 2}]}, [[1], {}])
    assert json.dumps(asdict(holder)) == json.dumps(dataclasses.asdict(holder))


def test_messages_dicts_and_lists_are_copied():
    params = {"items": [{"code": "inner", "params": {"n": 1}}]}
    holder = _Holder(Message("x.y", params), {"k": [1, 2]}, [{"a": 1}])
    out = asdict(holder)
    assert out["message"] == {"code": "x.y", "params": params}
    assert out["message"]["params"] is not params
    assert out["message"]["params"]["items"][0] is not params["items"][0]
    assert out["table"]["k"] is not holder.table["k"] and out["items"][0] is not holder.items[0]
