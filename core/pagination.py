"""Counting that stops: a paginator whose count is exact up to COUNT_CAP.

Counting every match of a broad discovery query over 100,000+ creators costs more than the
page itself; no one pages through more than a few hundred results, they narrow the filters. So
the count is exact up to COUNT_CAP (`count_exact`) and reads COUNT_CAP beyond it. Both faces
page with it (the API's pagination class, the web UI's discovery page).
"""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

COUNT_CAP = 500


class CountCappedPaginator(Paginator):
    """Django's paginator with `count` bounded by COUNT_CAP. The ids of at most COUNT_CAP + 1
    rows are fetched in the query's own order, so PostgreSQL can walk the sort index and stop."""

    count_cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            seen = len(self.object_list.values_list("pk", flat=True)[: self.count_cap + 1])
        else:
            seen = len(self.object_list)
        self.count_exact = seen <= self.count_cap
        return min(seen, self.count_cap)
