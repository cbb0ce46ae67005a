"""`assert_same`: two documents equal at every level with the same types and key order (plain
`==` would take True for 1 and np.float64(0.5) for 0.5, and ignore the order of keys)."""

from __future__ import annotations

from typing import Any


def assert_same(ours: Any, theirs: Any) -> None:
    assert type(ours) is type(theirs), (ours, theirs)
    if isinstance(ours, dict):
        assert list(ours) == list(theirs)
        for key in ours:
            assert_same(ours[key], theirs[key])
    elif isinstance(ours, list):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            assert_same(a, b)
    else:
        assert ours == theirs or (ours != ours and theirs != theirs)  # NaN equals NaN here
