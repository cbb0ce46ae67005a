"""`asdict` as dataclasses.asdict, with Python 3.12's shortcut for atomic values (3.11 deep-copies
every string and number of a report): turning the scorers' results into dicts was a sixth of the
cost of vetting an account. Same output (tests/vetting/test_records.py)."""

from __future__ import annotations

import copy
import dataclasses
import types
from typing import Any

from core.messages import Message

_ATOMIC = frozenset(
    {
        types.NoneType,
        bool,
        int,
        float,
        str,
        complex,
        bytes,
        types.EllipsisType,
        types.NotImplementedType,
        types.CodeType,
        types.BuiltinFunctionType,
        types.FunctionType,
        type,
        range,
        property,
    }
)


def asdict(obj: Any) -> dict[str, Any]:
    """dataclasses.asdict(obj) (dict_factory=dict)."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        raise TypeError("asdict() should be called on dataclass instances")
    result: dict[str, Any] = _inner(obj)
    return result


def copied(value: Any) -> Any:
    """The copy `asdict` makes of a field's value (for `as_dict` methods that list their fields)."""
    return _inner(value)


# The field names of each dataclass seen (None: not a dataclass): `dataclasses.fields` and
# `is_dataclass` per value were a third of the conversion (a report converts ~150 values).
_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(kind: type) -> tuple[str, ...] | None:
    try:
        return _FIELD_NAMES[kind]
    except KeyError:
        names = tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None
        _FIELD_NAMES[kind] = names
        return names


def _inner(obj: Any) -> Any:
    kind = type(obj)
    if kind in _ATOMIC:
        return obj
    # Plain dicts and lists (most of a report's inner nodes: the params of its ~40 messages)
    # by comprehension: the generic branches below build them from generators, at twice the cost.
    if kind is dict:
        return {
            (k if type(k) in _ATOMIC else _inner(k)): (v if type(v) in _ATOMIC else _inner(v)) for k, v in obj.items()
        }
    if kind is list:
        return [v if type(v) in _ATOMIC else _inner(v) for v in obj]
    if kind is Message:  # a dataclass of two fields, ~30 in a report: without the field lookups
        code, params = obj.code, obj.params
        return {
            "code": code if type(code) in _ATOMIC else _inner(code),
            # Its params dict copied here rather than by another call (the dict branch above).
            "params": {
                (k if type(k) in _ATOMIC else _inner(k)): (v if type(v) in _ATOMIC else _inner(v))
                for k, v in params.items()
            }
            if type(params) is dict
            else params
            if type(params) in _ATOMIC
            else _inner(params),
        }
    names = _field_names(kind)
    if names is not None:
        values = [(name, getattr(obj, name)) for name in names]
        return {name: v if type(v) in _ATOMIC else _inner(v) for name, v in values}
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return kind(*[_inner(v) for v in obj])
    # Atomic items (the floats of a list of rates) are taken as they are, without a call each.
    if isinstance(obj, (list, tuple)):
        return kind(v if type(v) in _ATOMIC else _inner(v) for v in obj)
    if isinstance(obj, dict):
        return kind(
            (k if type(k) in _ATOMIC else _inner(k), v if type(v) in _ATOMIC else _inner(v)) for k, v in obj.items()
        )
    return copy.deepcopy(obj)
