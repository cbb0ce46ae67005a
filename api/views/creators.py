"""Discovery and creator profiles: GET /api/creators/, /api/creators/{id}/, lookalikes."""

from __future__ import annotations

from functools import cached_property

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.mixins import ListModelMixin
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import ListParam, QuerySpec
from api.pagination import CappedPageNumberPagination
from api.serializers.creators import CreatorDetailSerializer, CreatorListSerializer
from api.serializers.search import AestheticResultSerializer
from api.views.base import OrganizationScopedView
from api.views.search import serialize_search_result
from core.caching.responses import cached_json_response, normalised_query
from core.pagination import CountCappedPaginator
from influencers.filters import RISK_LEVELS, CreatorFilterSet
from influencers.models import Creator, Platform
from influencers.models.audience import AGE_BANDS, GENDERS
from influencers.selectors.creators import (
    CREATOR_SORTS,
    KeptRows,
    creator_detail,
    creator_growth_series,
    creator_head,
    creator_images,
    creator_rows,
    creator_top_posts,
)
from influencers.selectors.discovery_columns import discovery_answer
from influencers.selectors.partners import creator_brand_partners
from vetting.selectors.brands import brand_and_competitor_names
from vetting.selectors.reports import account_vetting_reports
from vision.services.search import lookalikes


class DiscoveryPaginator(CountCappedPaginator):
    """The capped count and the page from ONE run of the discovery query: the ids (and matched
    account ids) of its first COUNT_CAP + 1 rows are read once, the count is their number and a
    page is a slice of them, loaded by primary key. The filtered, anti-joined query is the
    expensive part of discovery; running it a second time for the page doubled its cost. Where
    the in-memory discovery columns can answer the request's filters, they give the same rows
    without the query (influencers.selectors.discovery_columns).

    With a validated `filterset`, `object_list` is the unfiltered catalogue and the filtered
    query is only built (`filterset.qs`) when the columns cannot answer: building it (the
    account terms, the anti-join, their resolution by the ORM) was a fifth of the Python time
    of a request the columns answer."""

    def __init__(self, object_list, per_page, *, filterset: CreatorFilterSet | None = None) -> None:  # noqa: ANN001
        super().__init__(object_list, per_page)
        self.filterset = filterset

    kept_rows: KeptRows | None = None  # the columns' rows when they answered
    object_list: QuerySet[Creator]  # DiscoveryPagination pages CreatorListView's queryset

    @cached_property
    def head(self) -> list[tuple[int, int | None]]:
        limit = self.count_cap + 1
        if self.filterset is None:
            return creator_head(self.object_list, limit=limit)
        answer = discovery_answer(self.filterset.form.cleaned_data, limit=limit)
        if answer is None:
            return creator_head(self.filterset.qs, limit=limit)
        head, self.kept_rows = answer
        return head

    @cached_property
    def count(self) -> int:
        seen = len(self.head)
        self.count_exact = seen <= self.count_cap
        return min(seen, self.count_cap)

    def page(self, number: int | str):  # noqa: ANN201
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.head[bottom : bottom + self.per_page]  # (reads the head first: kept_rows)
        # Django's hook for the Page class (django/core/paginator.py), which django-stubs leave out.
        return self._get_page(creator_rows(rows, kept=self.kept_rows), number, self)  # type: ignore[attr-defined]


class DiscoveryFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend validating the filters and keeping the filter set on the view for
    DiscoveryPagination, which filters (from the columns, or with the filtered query)."""

    def filter_queryset(self, request, queryset, view):  # noqa: ANN001, ANN201
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            raise translate_validation(filterset.errors)
        view.discovery_filterset = filterset
        return queryset


class DiscoveryPagination(CappedPageNumberPagination):
    filterset: CreatorFilterSet | None = None

    def paginate_queryset(self, queryset, request, view=None):  # noqa: ANN001, ANN201
        self.filterset = getattr(view, "discovery_filterset", None)
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, queryset, per_page):  # type: ignore[override]  # noqa: ANN001, ANN201
        return DiscoveryPaginator(queryset, per_page, filterset=self.filterset)


_DISCOVERY_LISTS = {
    "platform": ListParam(case="lower", choices=tuple(Platform.values)),
    "risk_level": ListParam(case="lower", choices=tuple(code for code, _ in RISK_LEVELS)),
    "country": ListParam(case="upper", joined=True),
    # Several audience values: the share of their union must reach the `_min` (influencers.filters).
    "audience_country": ListParam(case="upper", joined=True),
    "audience_language": ListParam(case="lower", joined=True),
    "audience_age": ListParam(choices=tuple(AGE_BANDS)),
    "audience_gender": ListParam(case="lower", choices=tuple(GENDERS)),
}
_DISCOVERY_BOOLEANS = frozenset({"verified", "stale", "has_contact_email"})
_DISCOVERY_CHOICES = {"sort": tuple(CREATOR_SORTS)}
DISCOVERY_QUERY = QuerySpec(
    single=frozenset(CreatorFilterSet.base_filters)
    - set(_DISCOVERY_LISTS)
    - _DISCOVERY_BOOLEANS
    - set(_DISCOVERY_CHOICES),
    lists=_DISCOVERY_LISTS,
    booleans=_DISCOVERY_BOOLEANS,
    ranges=(
        ("min_followers", "max_followers"),
        ("min_engagement_rate", "max_engagement_rate"),
        ("min_growth_30d", "max_growth_30d"),
    ),
    choices=_DISCOVERY_CHOICES,
)


class CreatorListView(ListModelMixin, OrganizationScopedView):
    """Discovery: filter, sort and page through the creator catalogue. List parameters (platform,
    country, risk_level, audience_country/age/gender/language) may be repeated or
    comma-separated; codes are case-insensitive."""

    query_spec = DISCOVERY_QUERY

    serializer_class = CreatorListSerializer
    filter_backends = [DiscoveryFilterBackend]
    filterset_class = CreatorFilterSet
    pagination_class = DiscoveryPagination
    queryset = Creator.objects.all()

    def get_queryset(self):  # noqa: ANN201
        # No prefetch here: DiscoveryPaginator loads the page's creators with their accounts.
        return Creator.objects.all()

    def get(self, request: Request) -> Response:
        # Cached per organisation, query and data version (never stale: any write to the
        # catalogue, metrics or audiences changes the version). The host is part of the key
        # because the page links are absolute.
        return cached_json_response(
            request,
            kind="creators",
            organization_id=self.organization.pk,
            parts=lambda: [request.scheme, request.get_host(), normalised_query(request)],
            compute=lambda: self.list(request).data,
        )


class CreatorDetailView(OrganizationScopedView):
    """A creator's full profile: accounts, metrics with formulas, vetting reports, audience,
    growth history, top posts, images, and past brand partners (the brands of its sponsored
    posts; the organisation's brands and competitors are also found by name in captions)."""

    serializer_class = CreatorDetailSerializer

    def get(self, request: Request, pk: int) -> Response:
        creator = creator_detail(creator_id=pk)
        accounts = list(creator.accounts.all())
        known = brand_and_competitor_names(organization=self.organization)
        context = {
            **self.get_serializer_context(),
            "brand_partners": creator_brand_partners(creator=creator, known_brands=known),
            "growth": creator_growth_series(creator=creator),
            "top_posts": creator_top_posts(creator=creator),
            "vetting": account_vetting_reports(accounts=accounts),
            "images": creator_images(creator=creator),
        }
        return Response(CreatorDetailSerializer(creator, context=context).data)


class LookalikeQuerySerializer(serializers.Serializer):
    top = serializers.IntegerField(min_value=1, max_value=100, default=20)


class CreatorLookalikesView(OrganizationScopedView):
    """Creators whose images look like this creator's (the vision module's aesthetic profile)."""

    query_spec = QuerySpec(single=frozenset({"top"}))

    serializer_class = AestheticResultSerializer

    @extend_schema(parameters=[OpenApiParameter("top", int, description="How many creators (1-100, default 20)")])
    def get(self, request: Request, pk: int) -> Response:
        creator = creator_detail(creator_id=pk)
        query = LookalikeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = lookalikes(creator_id=creator.pk, top=query.validated_data["top"])
        return Response(serialize_search_result(result, request=request))
