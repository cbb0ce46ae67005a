"""Shortlists and entries: CRUD, bulk add/remove/status, with the audit trail."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.mixins import ListModelMixin
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import QuerySpec
from api.idempotency import idempotent
from api.serializers.shortlists import (
    CountSerializer,
    EntriesAddedSerializer,
    EntriesAddSerializer,
    EntriesStatusSerializer,
    EntryIdsSerializer,
    EntrySerializer,
    EntryUpdateSerializer,
    ShortlistSerializer,
)
from api.views.base import PATCH_PARSERS, OrganizationScopedView, located
from core.errors import InputError
from vetting.models import Shortlist, ShortlistEntry
from vetting.selectors.brands import brand_get
from vetting.selectors.shortlists import entry_get, entry_list, shortlist_get, shortlist_list
from vetting.services.shortlists import (
    entries_add,
    entries_remove,
    entries_set_status,
    entry_update,
    shortlist_create,
    shortlist_delete,
    shortlist_update,
)


class ShortlistListView(ListModelMixin, OrganizationScopedView):
    """The organisation's shortlists (`?brand=ID` for one brand's); POST creates one."""

    query_spec = QuerySpec(single=frozenset({"brand"}))

    serializer_class = ShortlistSerializer
    queryset = Shortlist.objects.none()  # for the schema; get_queryset scopes to the organisation

    def get_queryset(self):  # noqa: ANN201
        brand_param = self.request.query_params.get("brand")
        brand_id = None
        if brand_param not in (None, ""):
            brand_id = brand_get(organization=self.organization, brand_id=brand_param).pk
        return shortlist_list(organization=self.organization, brand_id=brand_id)

    @extend_schema(parameters=[OpenApiParameter("brand", int, description="Only this brand's shortlists")])
    def get(self, request: Request) -> Response:
        return self.list(request)

    @extend_schema(responses={201: ShortlistSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        brand_id = data.get("brand_id")
        brand = brand_get(organization=self.organization, brand_id=brand_id) if brand_id is not None else None
        shortlist = shortlist_create(
            organization=self.organization,
            user=request.user,
            name=data["name"],
            brand=brand,
            campaign=data.get("campaign", ""),
        )
        fresh = shortlist_get(organization=self.organization, shortlist_id=shortlist.pk)
        return located(request, self.get_serializer(fresh).data, to="shortlist-detail", kwargs={"pk": shortlist.pk})


class ShortlistDetailView(OrganizationScopedView):
    serializer_class = ShortlistSerializer
    parser_classes = PATCH_PARSERS

    def get_object(self):  # noqa: ANN201
        return shortlist_get(organization=self.organization, shortlist_id=self.kwargs["pk"])

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def patch(self, request: Request, pk: int) -> Response:
        shortlist = self.get_object()
        payload = self.get_serializer(shortlist, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if "brand_id" in data:
            brand_id = data.pop("brand_id")
            data["brand"] = (
                brand_get(organization=self.organization, brand_id=brand_id) if brand_id is not None else None
            )
        shortlist_update(shortlist=shortlist, data=data)
        return Response(self.get_serializer(self.get_object()).data)

    def delete(self, request: Request, pk: int) -> Response:
        shortlist_delete(shortlist=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class EntryListView(ListModelMixin, OrganizationScopedView):
    """A shortlist's entries; POST adds creators in bulk (`creator_ids`), keeping a vetting
    snapshot of each."""

    serializer_class = EntrySerializer
    queryset = ShortlistEntry.objects.none()  # for the schema; get_queryset scopes to the organisation

    def get_queryset(self):  # noqa: ANN201
        return entry_list(shortlist=shortlist_get(organization=self.organization, shortlist_id=self.kwargs["pk"]))

    def get(self, request: Request, pk: int) -> Response:
        return self.list(request)

    @extend_schema(request=EntriesAddSerializer, responses={201: EntriesAddedSerializer})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        shortlist = shortlist_get(organization=self.organization, shortlist_id=pk)
        payload = EntriesAddSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        added, present = entries_add(
            shortlist=shortlist,
            creator_ids=data["creator_ids"],
            user=request.user,
            status=data["status"],
            notes=data.get("notes", ""),
        )
        entries = list(entry_list(shortlist=shortlist).filter(pk__in=[e.pk for e in added]))
        body = {"added": EntrySerializer(entries, many=True).data, "already_present": present}
        return located(request, body, to="shortlist-entries", kwargs={"pk": shortlist.pk})


class EntryBulkRemoveView(OrganizationScopedView):
    """Remove several entries at once; an id that is not on this shortlist is a 404 and nothing is removed."""

    serializer_class = EntryIdsSerializer

    @extend_schema(request=EntryIdsSerializer, responses=CountSerializer)
    def post(self, request: Request, pk: int) -> Response:
        shortlist = shortlist_get(organization=self.organization, shortlist_id=pk)
        payload = EntryIdsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return Response({"count": entries_remove(shortlist=shortlist, entry_ids=payload.validated_data["entry_ids"])})


class EntryBulkStatusView(OrganizationScopedView):
    """Set the status of several entries at once (each change is audited)."""

    serializer_class = EntriesStatusSerializer

    @extend_schema(request=EntriesStatusSerializer, responses=CountSerializer)
    def post(self, request: Request, pk: int) -> Response:
        shortlist = shortlist_get(organization=self.organization, shortlist_id=pk)
        payload = EntriesStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        count = entries_set_status(
            shortlist=shortlist,
            entry_ids=payload.validated_data["entry_ids"],
            status=payload.validated_data["status"],
            user=request.user,
        )
        return Response({"count": count})


class EntryDetailView(OrganizationScopedView):
    serializer_class = EntrySerializer
    parser_classes = PATCH_PARSERS

    def get_object(self):  # noqa: ANN201
        shortlist = shortlist_get(organization=self.organization, shortlist_id=self.kwargs["pk"])
        return entry_get(shortlist=shortlist, entry_id=self.kwargs["entry_id"])

    def get(self, request: Request, pk: int, entry_id: int) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=EntryUpdateSerializer, responses=EntrySerializer)
    def patch(self, request: Request, pk: int, entry_id: int) -> Response:
        entry = self.get_object()
        payload = EntryUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        if not payload.validated_data:
            raise InputError("give a status and/or notes", field="status")
        entry_update(entry=entry, user=request.user, **payload.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

    def delete(self, request: Request, pk: int, entry_id: int) -> Response:
        entry = self.get_object()
        entries_remove(shortlist=entry.shortlist, entry_ids=[entry.pk])
        return Response(status=status.HTTP_204_NO_CONTENT)
