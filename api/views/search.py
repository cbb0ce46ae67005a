"""POST /api/search/aesthetic/: creators whose images look like the uploaded images or text."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import UserRateThrottle

from api.serializers.creators import CreatorListSerializer
from api.serializers.search import AestheticResultSerializer, AestheticSearchRequestSerializer
from api.views.base import OrganizationScopedView
from influencers.selectors.creators import creators_by_ids
from influencers.services.media import inspect_image_bytes


def _get(obj: Any, name: str, default: Any = None) -> Any:
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def run_vision(operation: str, **kwargs: Any) -> Any:
    """Call the vision module's search (imported on first use: it loads faiss)."""
    from vision.services import search as vision_search

    return getattr(vision_search, operation)(**kwargs)


def serialize_search_result(result: Any, *, request: Request) -> dict[str, Any]:
    """The vision result with each creator's list row (one query batch for all creators)."""
    hits = list(_get(result, "results", []) or [])
    creators = creators_by_ids(_get(hit, "creator_id") for hit in hits)
    rows = []
    for hit in hits:
        creator = creators.get(_get(hit, "creator_id"))
        if creator is None:  # deleted since the index was built
            continue
        rows.append(
            {
                "creator": CreatorListSerializer(creator, context={"request": request}).data,
                "score": float(_get(hit, "score", 0.0)),
                "matches": [
                    {
                        "asset_id": _get(m, "asset_id"),
                        "account_id": _get(m, "account_id"),
                        "similarity": float(_get(m, "similarity", 0.0)),
                        "image_url": _get(m, "image_url", "") or "",
                    }
                    for m in _get(hit, "matches", []) or []
                ],
            }
        )
    embedder = _get(result, "embedder", {})
    if not isinstance(embedder, dict):
        embedder = {"id": str(embedder)}
    return {"embedder": embedder, "index_state": str(_get(result, "index_state", "") or ""), "results": rows}


class AestheticSearchThrottle(UserRateThrottle):
    """Embedding query images costs CPU: a tighter per-user limit than the rest of the API."""

    scope = "aesthetic_search"
    rate = "60/min"

    def get_rate(self) -> str:
        return self.rate


class AestheticSearchView(OrganizationScopedView):
    """Rank creators by visual similarity to uploaded images and/or a text prompt, with the
    matching images as evidence and the embedder named."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]
    serializer_class = AestheticSearchRequestSerializer
    member_may_write = True  # a search changes nothing: viewers may run it

    def get_throttles(self):  # noqa: ANN201
        return [*super().get_throttles(), AestheticSearchThrottle()]

    @extend_schema(request=AestheticSearchRequestSerializer, responses=AestheticResultSerializer)
    def post(self, request: Request) -> Response:
        params = AestheticSearchRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        images = [
            inspect_image_bytes(f.read(), source=f.name or "", field=f"images[{i}]").data for i, f in enumerate(data["images"])
        ]
        negatives = [
            inspect_image_bytes(f.read(), source=f.name or "", field=f"negative_images[{i}]").data
            for i, f in enumerate(data["negative_images"])
        ]
        result = run_vision(
            "aesthetic_search",
            images=images,
            text=data["text"].strip() or None,
            negative_images=negatives,
            platforms=data["platform"] or None,
            min_followers=data["min_followers"],
            max_followers=data["max_followers"],
            countries=[c.upper() for c in data["country"]] or None,
            creator_ids=None,
            top=data["top"],
        )
        return Response(serialize_search_result(result, request=request))
