"""POST /api/search/aesthetic/: creators whose images look like the uploaded images or text."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from api.parsers import StrictJSONParser
from api.serializers.creators import CreatorListSerializer
from api.serializers.search import AestheticResultSerializer, AestheticSearchRequestSerializer
from api.views.base import OrganizationScopedView
from core.services.media import inspect_image_bytes, read_image_upload
from influencers.selectors.creators import creators_by_ids
from vision.limits import aesthetic_search_count
from vision.services.results import AestheticSearchResult
from vision.services.search import aesthetic_search


def serialize_search_result(result: AestheticSearchResult, *, request: Request) -> dict[str, Any]:
    """The vision result with each creator's list row (one query batch for all creators)."""
    creators = creators_by_ids(hit.creator_id for hit in result.results)
    rows = []
    for hit in result.results:
        creator = creators.get(hit.creator_id)
        if creator is None:  # deleted since the index was built
            continue
        rows.append(
            {
                "creator": CreatorListSerializer(creator, context={"request": request}).data,
                "score": float(hit.score),
                "calibrated": float(hit.calibrated),
                "percentile": float(hit.percentile),
                "image_count": int(hit.image_count),
                "small_feed": bool(hit.small_feed),
                "duplicate": bool(hit.duplicate),
                "matches": [
                    {
                        "asset_id": m.asset_id,
                        "account_id": m.account_id,
                        "similarity": float(m.similarity),
                        "image_url": m.image_url or "",
                    }
                    for m in hit.matches
                ],
            }
        )
    return {
        "embedder": dict(result.embedder),
        "index_state": result.index_state,
        "pending_images": int(result.pending_images),
        "calibration": dict(result.calibration),
        "switching_to": result.switching_to,
        "results": rows,
    }


class AestheticSearchThrottle(BaseThrottle):
    """Embedding query images costs CPU: a tighter per-user limit than the rest of the API, the
    same allowance the web UI's search by look counts against (vision.limits)."""

    rate: str | None = None  # AESTHETIC_SEARCH_RATE unless set

    def allow_request(self, request: Request, view: Any) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return True
        self._wait = aesthetic_search_count(user.pk, rate=self.rate)
        return self._wait is None

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


class AestheticSearchView(OrganizationScopedView):
    """Rank creators by visual similarity to uploaded images and/or a text prompt, with the
    matching images as evidence and the embedder named."""

    # Documented as multipart (it takes files); a text-only search may also come as JSON.
    parser_classes = [MultiPartParser, FormParser, StrictJSONParser]
    upload_endpoint = True
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
            inspect_image_bytes(
                read_image_upload(f, field=f"images[{i}]"), source=f.name or "", field=f"images[{i}]"
            ).data
            for i, f in enumerate(data["images"])
        ]
        negatives = [
            inspect_image_bytes(
                read_image_upload(f, field=f"negative_images[{i}]"), source=f.name or "", field=f"negative_images[{i}]"
            ).data
            for i, f in enumerate(data["negative_images"])
        ]
        result = aesthetic_search(
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
