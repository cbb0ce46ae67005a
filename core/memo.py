"""A function's results by argument, as a plain dict: read in C by `memo[key]` or
`map(memo.__getitem__, keys)` where an `lru_cache` hit costs about three times as much (the
import's column adapters, the hashtags' normalised forms, a chunk's day numbers)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(dict[K, V]):
    """`compute(key)` by key, computed on the first ask. With `limit`, emptied when that many
    are kept (memory stays bounded over a long-lived process; what is recomputed is the same)."""

    def __init__(self, compute: Callable[[K], V], *, limit: int | None = None) -> None:
        super().__init__()
        self.compute = compute
        self.limit = limit

    def __missing__(self, key: K) -> V:
        if self.limit is not None and len(self) >= self.limit:
            self.clear()
        value = self[key] = self.compute(key)
        return value
