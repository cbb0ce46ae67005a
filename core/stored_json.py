"""JSON text for a JSON column written by our own SQL, made in one pass by orjson.

Reports and metrics details are nested dicts of ~100-450 leaves built by the scorers, with numpy
scalars, dates, NaN and messages among them. Making them storable with a Python walk and then
encoding them with the standard library cost a seventh of vetting an account; orjson does both
in C, calling back only for the few values it does not write itself. The text reads back
(`json.loads`, the JSON column) as the standard library's encoding of the cleaned value would:
NaN and infinity are null, numpy scalars their Python values (float32 widened as `.item()`
widens it), dates and times ISO 8601, messages their `as_dict()`, sets and tuples lists, keys
that are not strings written as strings.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson

from core.messages import Message

# Keys that are not strings are written (as strings) only with this option, which sends every
# dict down orjson's slower path: reports and details have none, so it is asked for only when
# the first attempt meets one.
_OPTIONS = orjson.OPT_NON_STR_KEYS


def _default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Message):
        return value.as_dict()
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def stored_json(value: Any) -> str:
    """`value` as the JSON text of a JSON column (see the module's note for how values are written)."""
    try:
        return orjson.dumps(value, default=_default).decode()
    except TypeError:  # a key that is not a string (or a value JSON cannot hold: raised again)
        return orjson.dumps(value, default=_default, option=_OPTIONS).decode()
