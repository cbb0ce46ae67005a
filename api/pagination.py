"""The one pagination class of the API: page numbers with a hard cap on the page size, and a
count that stops at COUNT_CAP.

Counting every match of a broad discovery query over 100,000+ creators costs more than the
page itself; no one pages through more than a few hundred results, they narrow the filters. So
the count is exact up to COUNT_CAP (`count_exact: true`) and reads COUNT_CAP beyond it
(`count_exact: false`); pages past the cap answer 404.
"""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from core.pagination import COUNT_CAP, CountCappedPaginator


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
