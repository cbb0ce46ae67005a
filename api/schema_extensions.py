"""drf-spectacular extension (registered on import, from ApiConfig.ready): discovery's filters
typed as the API reads them (api.schema.typed_query_parameters)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.contrib.django_filters import DjangoFilterExtension

from api.schema import typed_query_parameters


class TypedDjangoFilterExtension(DjangoFilterExtension):
    priority = 1  # before drf-spectacular's own

    def get_schema_operation_parameters(self, auto_schema: Any, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(auto_schema, *args, **kwargs)
        return typed_query_parameters(parameters, auto_schema.view)
