"""Cached JSON answers for the hot read endpoints (discovery, matches): the rendered bytes are
kept per organisation, query and data version (`core.caching.versions`), so a hit
costs one cache round trip and no serialisation. Only JSON is cached; the browsable API and
other formats are computed every time."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import translation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from core.caching.versions import get_or_compute
from core.renderers import FastJSONRenderer


def normalised_query(request: Request) -> list[tuple[str, list[str]]]:
    """The query parameters in a canonical order (parameter order never changes a result)."""
    return sorted((key, sorted(values)) for key, values in request.query_params.lists())


def cached_json_response(
    request: Request,
    *,
    kind: str,
    organization_id: int,
    parts: Iterable[Any] | Callable[[], Iterable[Any]],
    compute: Callable[[], Any],
    scopes: Sequence[str] = ("catalogue",),
) -> HttpResponse | Response:
    """The JSON of `compute()` (response data) from the cache when current, else computed,
    rendered and stored. `parts` (or what a callable `parts` returns) must name everything the
    data depends on besides the organisation and the data `scopes` (see
    `core.caching.versions.SCOPES`)."""
    renderer = getattr(request, "accepted_renderer", None)
    # Exactly JSON (isinstance narrows the type; another subclass could render differently).
    if not isinstance(renderer, JSONRenderer) or type(renderer) not in (JSONRenderer, FastJSONRenderer):
        return Response(compute())
    media_type = getattr(request, "accepted_media_type", "") or renderer.media_type

    def key_parts() -> Iterator[Any]:
        # Read only when the response cache is on (get_or_compute): with it off, the key's
        # parts (the host check, the sorted query) were worked out for nothing on each request.
        yield from parts() if callable(parts) else parts
        yield media_type
        # Sentences and labels are in the request's language: one cached answer per language.
        yield translation.get_language() or ""

    body = get_or_compute(
        kind,
        organization_id=organization_id,
        parts=key_parts(),
        scopes=scopes,
        compute=lambda: renderer.render(compute(), media_type, {"request": request}),
    )
    return HttpResponse(body, content_type=renderer.media_type)
