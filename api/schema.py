"""OpenAPI additions drf-spectacular cannot infer: the X-Organization header every
organisation-scoped operation honours."""

from __future__ import annotations

from typing import Any

OPEN_PATHS = ("/api/health/",)

ORGANIZATION_HEADER_PARAMETER = {
    "in": "header",
    "name": "X-Organization",
    "required": False,
    "schema": {"type": "integer"},
    "description": "Id of the organisation to act for (default: your first membership); 403 if you are not a member.",
}


def add_organization_header(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: declare X-Organization on every operation except the open ones."""
    for path, operations in result.get("paths", {}).items():
        if path in OPEN_PATHS:
            continue
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            parameters = operation.setdefault("parameters", [])
            if not any(p.get("name") == "X-Organization" for p in parameters):
                parameters.append(dict(ORGANIZATION_HEADER_PARAMETER))
    return result
