"""The one pagination class of the API: page numbers with a hard cap on the page size, and a
count that stops at COUNT_CAP.

Counting every match of a broad discovery query over 100,000+ creators costs more than the
page itself; no one pages through more than a few hundred results, they narrow the filters. So
the count is exact up to COUNT_CAP (`count_exact: true`) and reads COUNT_CAP beyond it
(`count_exact: false`); pages past the cap answer 404.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

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


class CappedPageNumberPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = CountCappedPaginator

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.page.paginator.count,
                "count_exact": self.page.paginator.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_exact"] = {
            "type": "boolean",
            "description": f"false when there are more than {COUNT_CAP} results (count then reads {COUNT_CAP})",
        }
        response["required"] = [*response.get("required", []), "count_exact"]
        return response
