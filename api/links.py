"""URLs of API objects in the version the request came in by: a client of the deprecated /api/
alias gets /api/ links, a client of /api/v1/ gets /api/v1/ links (the same view either way)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

CURRENT_NAMESPACE = "api"
LEGACY_NAMESPACE = "api-legacy"


def api_url(name: str, *, kwargs: dict[str, Any] | None = None, request: Any = None) -> str:
    """reverse("api:<name>") in the request's version; absolute when there is a request."""
    match = getattr(getattr(request, "_request", request), "resolver_match", None)
    namespaces = getattr(match, "namespaces", None) or [CURRENT_NAMESPACE]
    root = LEGACY_NAMESPACE if namespaces[0] == LEGACY_NAMESPACE else CURRENT_NAMESPACE
    path = reverse(f"{root}:{name}", kwargs=kwargs)
    return request.build_absolute_uri(path) if request is not None else path
