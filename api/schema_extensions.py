"""drf-spectacular extension (registered on import, from api.urls): discovery's filters
typed as the API reads them (api.schema.typed_query_parameters), and the bearer token scheme."""

from __future__ import annotations

from typing import Any

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from api.schema import typed_query_parameters


class TypedDjangoFilterExtension(DjangoFilterExtension):
    priority = 1  # before drf-spectacular's own

    def get_schema_operation_parameters(self, auto_schema: Any, *args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(auto_schema, *args, **kwargs)
        return typed_query_parameters(parameters, auto_schema.view)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """The API token sent as `Authorization: Bearer <key>` (api.authentication)."""

    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"
    priority = 1

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "description": "The API token as a bearer token"}
