"""Brands (CRUD), mood boards (upload, list, delete, file) and ranked matches."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponseBase
from django.urls import reverse
from django.utils import timezone, translation
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.mixins import ListModelMixin
from rest_framework.request import Request
from rest_framework.response import Response

from api import renderings
from api.filters import ListParam, QuerySpec
from api.idempotency import idempotent
from api.serializers.brands import (
    BrandSerializer,
    MatchesSerializer,
    MoodBoardImageSerializer,
    MoodBoardUploadSerializer,
)
from api.serializers.creators import CreatorListSerializer
from api.serializers.shared_fields import SharedFieldsSerializer
from api.views.base import PATCH_PARSERS, UPLOAD_PARSERS, OrganizationScopedView, located
from core.caching.responses import cached_json_response, normalised_query
from core.http import private_file_response
from core.messages import is_message, label, localize, message_json_renderer, render_message
from core.renderers import JSONFragment, json_bytes
from core.services.cpu_share import heavy_request
from core.services.media import read_image_upload
from influencers.models import Platform
from influencers.risk import NOT_VETTED
from influencers.selectors.creators import creator_rows
from influencers.selectors.discovery_columns import kept_creator_rows
from vetting.models import Brand, MoodBoardImage
from vetting.selectors.brands import brand_get, brand_list, mood_board_list
from vetting.services import matching
from vetting.services.brands import brand_create, brand_delete, brand_update, mood_board_add, mood_board_remove

# Query parameter w_<short name> → the ranking's part name (vetting.scoring.ranking.PARTS).
WEIGHT_PARAMS = {
    "audience": "audience_fit",
    "authenticity": "authenticity",
    "value": "value_alignment",
    "engagement": "engagement",
}


class BrandListView(ListModelMixin, OrganizationScopedView):
    """The organisation's brands; POST creates one (editors)."""

    serializer_class = BrandSerializer
    queryset = Brand.objects.none()  # for the schema; get_queryset scopes to the organisation

    def get_queryset(self):  # noqa: ANN201
        return brand_list(organization=self.organization)

    def get(self, request: Request) -> Response:
        return self.list(request)

    @extend_schema(responses={201: BrandSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        brand = brand_create(organization=self.organization, data=dict(payload.validated_data))
        return located(request, self.get_serializer(brand).data, to="brand-detail", kwargs={"pk": brand.pk})


class BrandDetailView(OrganizationScopedView):
    serializer_class = BrandSerializer
    parser_classes = PATCH_PARSERS

    def get_object(self):  # noqa: ANN201
        return brand_get(organization=self.organization, brand_id=self.kwargs["pk"])

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def _update(self, request: Request, partial: bool) -> Response:
        brand = self.get_object()
        payload = self.get_serializer(brand, data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        brand = brand_update(brand=brand, data=dict(payload.validated_data))
        return Response(self.get_serializer(brand_get(organization=self.organization, brand_id=brand.pk)).data)

    def put(self, request: Request, pk: int) -> Response:
        return self._update(request, partial=False)

    def patch(self, request: Request, pk: int) -> Response:
        return self._update(request, partial=True)

    def delete(self, request: Request, pk: int) -> Response:
        brand_delete(brand=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class MoodBoardView(OrganizationScopedView):
    """A brand's mood board; POST uploads an image (multipart field `image`)."""

    serializer_class = MoodBoardImageSerializer
    parser_classes = UPLOAD_PARSERS
    upload_endpoint = True
    pagination_class = None
    queryset = MoodBoardImage.objects.none()  # for the schema; the brand's board is read in get

    @extend_schema(responses=MoodBoardImageSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        brand = brand_get(organization=self.organization, brand_id=pk)
        return Response(self.get_serializer(mood_board_list(brand=brand), many=True).data)

    @extend_schema(request=MoodBoardUploadSerializer, responses={201: MoodBoardImageSerializer})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        brand = brand_get(organization=self.organization, brand_id=pk)
        upload = MoodBoardUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["image"]
        image = mood_board_add(
            brand=brand, data=read_image_upload(file, field="image"), filename=file.name or "", field="image"
        )
        return located(
            request,
            self.get_serializer(image).data,
            to="brand-mood-board-image",
            kwargs={"pk": brand.pk, "image_id": image.pk},
        )


class _MoodBoardImageBase(OrganizationScopedView):
    serializer_class = MoodBoardImageSerializer

    def _image(self, pk: int, image_id: int):  # noqa: ANN202
        brand = brand_get(organization=self.organization, brand_id=pk)
        image = mood_board_list(brand=brand).filter(pk=image_id).first()
        if image is None:
            raise Http404("image not found")
        return image


class MoodBoardImageView(_MoodBoardImageBase):
    """One mood-board image: GET its record, DELETE it."""

    def get(self, request: Request, pk: int, image_id: int) -> Response:
        return Response(self.get_serializer(self._image(pk, image_id)).data)

    def delete(self, request: Request, pk: int, image_id: int) -> Response:
        mood_board_remove(image=self._image(pk, image_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MoodBoardFileView(_MoodBoardImageBase):
    """The image file itself, for members of the brand's organisation only."""

    @extend_schema(responses={(200, "image/*"): bytes})
    def get(self, request: Request, pk: int, image_id: int) -> HttpResponseBase:
        image = self._image(pk, image_id)
        name = image.image.name
        return private_file_response(name=name, filename=name.rsplit("/", 1)[-1], max_age=3600)


class MatchesQuerySerializer(SharedFieldsSerializer):
    w_audience = serializers.FloatField(min_value=0, max_value=10, required=False)
    w_authenticity = serializers.FloatField(min_value=0, max_value=10, required=False)
    w_value = serializers.FloatField(min_value=0, max_value=10, required=False)
    w_engagement = serializers.FloatField(min_value=0, max_value=10, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=50)
    offset = serializers.IntegerField(min_value=0, max_value=100_000, default=0)
    platform = serializers.ListField(child=serializers.ChoiceField(choices=Platform.choices), required=False)
    min_followers = serializers.IntegerField(min_value=0, max_value=2**62, required=False)
    max_followers = serializers.IntegerField(min_value=0, max_value=2**62, required=False)
    country = serializers.ListField(child=serializers.RegexField(r"^[A-Za-z]{2}$"), required=False)
    language = serializers.ListField(child=serializers.RegexField(r"^[A-Za-z]{2,3}$"), required=False)
    max_risk = serializers.FloatField(min_value=0, max_value=1, required=False)
    include_unvetted = serializers.BooleanField(required=False, help_text="With max_risk: keep accounts not vetted yet")

    def validate(self, attrs: dict) -> dict:
        given = [attrs[f"w_{n}"] for n in WEIGHT_PARAMS if f"w_{n}" in attrs]
        low, high = attrs.get("min_followers"), attrs.get("max_followers")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"max_followers": "is below min_followers"})
        if given and len(given) == len(WEIGHT_PARAMS) and sum(given) == 0:
            raise serializers.ValidationError({"w_audience": "at least one weight must be above 0"})
        return attrs


class _Rendered(dict[int, dict[str, Any]]):
    """message_json of each message of one response, by the identity of its stored form: a
    row's reasons are its parts' reasons (the same objects), rendered once (~1 ms less CPU per
    page rendered anew than rendering them twice, each second time from core.messages' memo).
    Made while the response's language is active: it reads that language once, and the part
    labels in it."""

    def __init__(self) -> None:
        super().__init__()
        self.message_json = message_json_renderer()
        self.labels: dict[str, str] = {}

    def of(self, message: Any) -> dict[str, Any]:
        found = self.get(id(message))
        if found is None:
            found = self[id(message)] = self.message_json(message)
        return found

    def label(self, part_name: str) -> str:
        found = self.labels.get(part_name)
        if found is None:
            found = self.labels[part_name] = label("match_part", part_name)
        return found


def _part_reasons(part: dict[str, Any], rendered: _Rendered) -> dict[str, Any]:
    """A match part's reasons and evidence in the request's language, and as messages: all of
    the part's JSON but its score and weight, which depend on the ranking's weights."""
    lines = part.get("explanations") or []
    explanation = rendered.of(part["explanation"]) if is_message(part["explanation"]) else None
    return {
        "explanation": explanation["message"] if explanation else render_message(part["explanation"]),
        "explanation_message": explanation,
        "explanations_messages": [rendered.of(line) for line in lines if is_message(line)],
        "details": localize(part.get("details") or {}, structured=True, as_json=rendered.of),
    }


def _row_reasons(ranked: matching.RankedRow, rendered: _Rendered, language: str) -> renderings.RowReasons:
    """The row's parts and reasons in the request's language as JSON, rendered once per language
    for as long as the matching service reuses the row's explanations (`explanation_id`, kept
    in `api.renderings`; None: not reused, rendered for this response only): each part as the
    JSON before its score and after its weight (both depend on the ranking's weights), and the
    row's `_explanations` (words, then messages). A kept rendering is served without reading
    the row's explanations (`ranked.row`), so they are never loaded."""
    explanation_id = ranked.explanation_id
    if explanation_id is not None:
        kept = renderings.row_reasons.get(explanation_id, language)
        if kept is not None:
            return kept
    row = ranked.row
    parts = []
    for part in row["parts"]:
        head = json_bytes({"name": part["name"], "label": rendered.label(part["name"])})
        tail = json_bytes(_part_reasons(part, rendered))
        parts.append((head[:-1] + b',"score":', b"," + tail[1:]))  # {"name":…,"label":…,"score": / ,"explanation":…}
    explanations = _explanations(row["explanations"], rendered)
    found = (parts, json_bytes(explanations["explanations"]), json_bytes(explanations["explanations_messages"]))
    if explanation_id is not None:
        renderings.row_reasons.keep(explanation_id, language, found)
    return found


def _parts_json(reasons: list[tuple[bytes, bytes]], parts: list[dict[str, Any]]) -> list[bytes]:
    """A row's parts as the pieces of one JSON list: each part's kept reasons around this
    ranking's score and weight. The scores and weights (numbers or null, whose JSON holds no
    comma) are written by one orjson call a row and split, not by eight."""
    if len(reasons) != len(parts):
        raise ValueError(f"{len(reasons)} parts' reasons for {len(parts)} parts")
    numbers = json_bytes([value for part in parts for value in (part["score"], part["weight"])])[1:-1].split(b",")
    pieces = [b"["]
    for k, (head, tail) in enumerate(reasons):
        pieces += (b"," if k else b"", head, numbers[2 * k], b',"weight":', numbers[2 * k + 1], tail)
    pieces.append(b"]")
    return pieces


def _explanations(lines: list[Any], rendered: _Rendered) -> dict[str, list[Any]]:
    """A row's reasons in words and, for those that are messages, as messages (rendered once)."""
    as_json = [rendered.of(line) if is_message(line) else None for line in lines]
    return {
        "explanations": [m["message"] if m else render_message(line) for m, line in zip(as_json, lines, strict=True)],
        "explanations_messages": [m for m in as_json if m],
    }


def post_link(*, url: str, creator_id: int, account_id: int | None, post_id: int, request: Request) -> str:
    """Where a cited post can be seen: its own URL when it was imported, else the creator's web
    page anchored at the post (which shows that post)."""
    if url:
        return url
    query = f"?account={account_id}&post={post_id}" if account_id else f"?post={post_id}"
    return request.build_absolute_uri(reverse("frontend:creator", args=[creator_id]) + f"{query}#post-{post_id}")


def serialize_ranking(result: matching.RankingResult, *, limit: int, offset: int, request: Request) -> dict[str, Any]:
    """A RankingResult as JSON: each row with the creator's list row, its parts and explanations."""
    # creator_rows groups the page's accounts by hand (two queries, no prefetch machinery: ~10 ms
    # less per page than creators_by_ids), skipping the creators whose rows discovery keeps for
    # this catalogue version (read by a page before: 7 % of a worker's time under varied load
    # went to reading them again); without a representative account (None) no row gets a
    # `matched_account`, as ranked rows never had one.
    creators = {
        c.pk: c for c in creator_rows(((r.head["creator_id"], None) for r in result.ranked), kept=kept_creator_rows())
    }
    rendered = _Rendered()  # holds no message beyond this call: result keeps every row read alive
    language = translation.get_language() or ""
    # One serializer for every row (its to_representation is built by hand): a DRF serializer
    # made and read per row costs more than the row itself.
    creator_json = CreatorListSerializer(context={"request": request}).to_representation
    out: list[bytes | memoryview] = [b"["]  # the rows' JSON list, in pieces
    # Each row's head (RankedRow): its explanations are read only where its reasons are rendered
    # anew or it cites competitor posts.
    for ranked in result.ranked:
        row = ranked.head
        creator = creators.get(row["creator_id"])
        if creator is None:  # deleted since the ranking was computed
            continue
        parts, words, messages = _row_reasons(ranked, rendered, language)
        # The row written here, its kept reasons placed after the rest, and the rows handed to
        # the renderer as one fragment: it made a Python call for each row's six kept parts.
        start = json_bytes(
            {
                "rank": row["rank"],
                "creator": creator_json(creator),
                "score": row["score"],
                "risk": row.get("risk") or NOT_VETTED.as_dict(),
                "competitor_posts": [
                    {
                        "post_id": post["post_id"],
                        "sponsor": post["term"],
                        "date": post["date"],
                        "url": post_link(
                            url=post["url"],
                            creator_id=row["creator_id"],
                            account_id=post["account_id"],
                            post_id=post["post_id"],
                            request=request,
                        ),
                    }
                    for post in ranked.competitor_posts
                ],
            }
        )
        # Joined once, with every other row (a copy per concatenation cost more than the row).
        out += (b"," if len(out) > 1 else b"", memoryview(start)[:-1], b',"parts":')
        out += _parts_json(parts, row["parts"])
        out += (b',"explanations":', words, b',"explanations_messages":', messages, b"}")
    out.append(b"]")
    return {
        "brand": result.brand_id,
        "weights": {str(k): float(v) for k, v in result.weights.items()},
        "count": result.total,
        "limit": limit,
        "offset": offset,
        "results": JSONFragment(b"".join(out)),
    }


class BrandMatchesView(OrganizationScopedView):
    """Creators ranked for the brand by audience fit, authenticity, value alignment and
    engagement; each row carries its parts and their explanations. Weights are overridable."""

    query_spec = QuerySpec(
        single=frozenset({*(f"w_{n}" for n in WEIGHT_PARAMS), "limit", "offset", "min_followers", "max_followers"})
        | {"max_risk"},
        lists={
            "platform": ListParam(case="lower", choices=tuple(Platform.values)),
            "country": ListParam(case="upper"),
            "language": ListParam(case="lower"),
        },
        booleans=frozenset({"include_unvetted"}),
        ranges=(("min_followers", "max_followers"),),
    )

    serializer_class = MatchesSerializer

    def get_queryset(self):  # noqa: ANN201 - the brands one can rank (the browsable API asks)
        return brand_list(organization=self.organization)

    @extend_schema(parameters=[MatchesQuerySerializer])
    def get(self, request: Request, pk: int) -> Response:
        # Cached per organisation, brand id, raw query and data version; the date is in the key
        # because audience age and the brand-safety window are counted from today. A hit skips
        # the brand lookup and the parameter validation safely: an entry exists only if this
        # organisation's request for this brand succeeded at the current version, and creating,
        # editing, moving or deleting a brand (or its mood board, or any metrics, vetting or
        # audience) changes the version. Membership is still checked on every request.
        return cached_json_response(
            request,
            kind="matches",
            organization_id=self.organization.pk,
            parts=[
                int(pk),
                timezone.localdate().isoformat(),
                request.scheme,
                request.get_host(),
                normalised_query(request),
            ],
            compute=lambda: self._matches(request, pk),
            scopes=("catalogue", "brands", "vision"),
        )

    def _matches(self, request: Request, pk: int) -> dict:
        brand = brand_get(organization=self.organization, brand_id=pk)
        query = MatchesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        weights = {part: params[f"w_{short}"] for short, part in WEIGHT_PARAMS.items() if f"w_{short}" in params}
        filters = {
            "platforms": params.get("platform"),
            "min_followers": params.get("min_followers"),
            "max_followers": params.get("max_followers"),
            "countries": [c.upper() for c in params.get("country", [])],
            "languages": [code.lower() for code in params.get("language", [])],
            "max_risk": params.get("max_risk"),
            "include_unvetted": params.get("include_unvetted"),
        }
        filters = {k: v for k, v in filters.items() if v not in (None, [], False)}
        # Too many of this user's rankings at once, or a process busy with others for too long:
        # Throttled, a 429 with Retry-After (exception handler).
        with heavy_request():
            result = matching.rank_creators_for_brand(
                brand=brand,
                weights=weights or None,
                filters=filters or None,
                limit=params["limit"],
                offset=params["offset"],
                user_id=request.user.pk,
            )
            return serialize_ranking(result, limit=params["limit"], offset=params["offset"], request=request)
