"""Integration primitives: incremental sync of creators, accounts and alerts (`updated_since` and
a cursor), and account lookup by platform + handle."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import QuerySpec
from api.serializers.creators import AccountSummarySerializer, CreatorListSerializer
from api.serializers.monitoring import AlertSerializer
from api.sync import SyncQuerySerializer, sync_page, sync_response_serializer
from api.views.base import OrganizationScopedView
from core.errors import NotFound
from influencers.models import Account, Creator, Platform
from influencers.selectors.creators import creator_list_prefetches
from vetting.monitoring.selectors import alert_list

SYNC_QUERY = QuerySpec(single=frozenset({"updated_since", "cursor"}))


class AccountSyncSerializer(AccountSummarySerializer):
    creator = serializers.IntegerField(source="creator_id")

    class Meta(AccountSummarySerializer.Meta):
        model = Account
        fields = [*AccountSummarySerializer.Meta.fields, "creator", "last_refreshed_at", "updated_at"]


class _SyncView(OrganizationScopedView):
    query_spec = SYNC_QUERY
    field = "updated_at"
    item_serializer: Any = None

    def rows(self) -> Any:
        raise NotImplementedError

    def get(self, request: Request) -> Response:
        query = SyncQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows, cursor = sync_page(self.rows(), field=self.field, query=query.validated_data)
        next_url = None
        if cursor is not None:
            params = {k: v for k, v in request.query_params.items() if k != "cursor"}
            next_url = request.build_absolute_uri(f"{request.path}?{urlencode({**params, 'cursor': cursor})}")
        data = self.item_serializer(rows, many=True, context=self.get_serializer_context()).data
        return Response({"results": data, "next_cursor": cursor, "next": next_url})


def _sync_schema(name: str, item: Any) -> Any:
    return extend_schema(parameters=[SyncQuerySerializer], responses=sync_response_serializer(name, item))


class CreatorSyncView(_SyncView):
    """Catalogue creators changed since `updated_since` (their row: name, country, languages,
    categories, contact), oldest change first, with their accounts; page on with `cursor`."""

    item_serializer = CreatorListSerializer
    serializer_class = CreatorListSerializer

    def rows(self) -> Any:
        return Creator.objects.prefetch_related(*creator_list_prefetches())

    @_sync_schema("CreatorSyncPage", CreatorListSerializer)
    def get(self, request: Request) -> Response:
        return super().get(request)


class AccountSyncView(_SyncView):
    """Catalogue accounts changed since `updated_since` (profile, refresh), oldest change first."""

    item_serializer = AccountSyncSerializer
    serializer_class = AccountSyncSerializer

    def rows(self) -> Any:
        return Account.objects.select_related("metrics")

    @_sync_schema("AccountSyncPage", AccountSyncSerializer)
    def get(self, request: Request) -> Response:
        return super().get(request)


class AlertSyncView(_SyncView):
    """The organisation's alerts raised, seen again, acknowledged or resolved since `updated_since`
    (`updated_at`)."""

    item_serializer = AlertSerializer
    serializer_class = AlertSerializer

    def rows(self) -> Any:
        return alert_list(organization=self.organization)

    @_sync_schema("AlertSyncPage", AlertSerializer)
    def get(self, request: Request) -> Response:
        return super().get(request)


class AccountLookupQuerySerializer(serializers.Serializer):
    platform = serializers.ChoiceField(choices=Platform.choices)
    handle = serializers.CharField(max_length=200, help_text="With or without @; case-insensitive")


class AccountLookupView(OrganizationScopedView):
    """The catalogue account with this platform and handle (404 when it is not in the catalogue)."""

    serializer_class = AccountSyncSerializer
    query_spec = QuerySpec(single=frozenset({"handle"}), choices={"platform": tuple(Platform.values)})

    @extend_schema(parameters=[AccountLookupQuerySerializer], responses=AccountSyncSerializer)
    def get(self, request: Request) -> Response:
        query = AccountLookupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        handle = query.validated_data["handle"].strip().lstrip("@")
        account = (
            Account.objects.select_related("metrics")
            .filter(platform=query.validated_data["platform"], handle__iexact=handle)
            .first()
        )
        if account is None:
            raise NotFound(f"no {query.validated_data['platform']} account @{handle} in the catalogue", field="handle")
        return Response(AccountSyncSerializer(account).data)
