"""Campaigns: /api/campaigns/ (list, create), /api/campaigns/{id}/ (the report against our
predictions; delete), /api/campaigns/{id}/bookings/ (book a creator with the fee paid),
/api/campaigns/{id}/posts/ (import posts, all or nothing), /api/campaigns/{id}/posts/link/ (link
a catalogued post), /api/campaigns/{id}/download/{pdf|xlsx}/ (the report as a file, in the
request's language). Every campaign is its organisation's alone: another's is a 404."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django.http import HttpResponse
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.mixins import ListModelMixin
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters import QuerySpec
from api.idempotency import idempotent
from api.parsers import StrictJSONParser
from api.serializers.campaigns import (
    BookingSerializer,
    CampaignCreateSerializer,
    CampaignReportSerializer,
    CampaignSerializer,
    LinkedPostSerializer,
    PostImportSerializer,
    PostLinkSerializer,
    PostsAddedSerializer,
)
from api.views.base import OrganizationScopedView, located
from core.errors import InputError
from core.services.uploads import read_upload
from vetting.models import Campaign
from vetting.selectors.campaigns import campaign_get, campaign_list
from vetting.selectors.shortlists import shortlist_get
from vetting.services.campaign_report import campaign_report
from vetting.services.campaigns import (
    MAX_FILE_BYTES,
    campaign_book,
    campaign_create,
    campaign_delete,
    campaign_post_link,
    campaign_posts_import,
)

FILES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class CampaignListView(ListModelMixin, OrganizationScopedView):
    """The organisation's campaigns (`?shortlist=ID` for one shortlist's); POST creates one."""

    query_spec = QuerySpec(single=frozenset({"shortlist"}))

    serializer_class = CampaignSerializer
    queryset = Campaign.objects.none()  # for the schema; get_queryset scopes to the organisation

    def get_queryset(self):  # noqa: ANN201
        raw = self.request.query_params.get("shortlist")
        if raw in (None, ""):
            return campaign_list(organization=self.organization)
        if not str(raw).isdigit() or len(str(raw)) > 18:
            raise InputError("not a valid id", field="shortlist")
        return campaign_list(organization=self.organization, shortlist_id=int(raw))

    @extend_schema(parameters=[OpenApiParameter("shortlist", int, description="Only this shortlist's campaigns")])
    def get(self, request: Request) -> Response:
        return self.list(request)

    @extend_schema(request=CampaignCreateSerializer, responses={201: CampaignSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        payload = CampaignCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        campaign = campaign_create(
            shortlist=shortlist_get(organization=self.organization, shortlist_id=data["shortlist"]),
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
            user=request.user,
        )
        campaign = campaign_get(organization=self.organization, campaign_id=campaign.pk)
        return located(request, CampaignSerializer(campaign).data, to="campaign-detail", kwargs={"pk": campaign.pk})


class CampaignDetailView(OrganizationScopedView):
    serializer_class = serializers.Serializer

    @extend_schema(responses=CampaignReportSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(campaign_report(campaign=campaign_get(organization=self.organization, campaign_id=pk)))

    def delete(self, request: Request, pk: int) -> Response:
        campaign_delete(campaign=campaign_get(organization=self.organization, campaign_id=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class BookingView(OrganizationScopedView):
    """Book a creator of the campaign's shortlist with the fee actually paid (again: a new fee)."""

    serializer_class = BookingSerializer

    @extend_schema(responses={201: BookingSerializer})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        campaign = campaign_get(organization=self.organization, campaign_id=pk)
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        booking = campaign_book(
            campaign=campaign,
            creator_id=payload.validated_data["creator_id"],
            fee_usd=payload.validated_data["fee_usd"],
        )
        # A booking has no URL of its own: it is a row of the campaign's report.
        return located(request, self.get_serializer(booking).data, to="campaign-detail", kwargs={"pk": campaign.pk})


class PostImportView(OrganizationScopedView):
    """Campaign posts as JSON (`{"posts": [...]}`) or an uploaded CSV/JSON `file`, in the format
    of docs/campaigns.md. All or nothing: a 400 lists every error with its row and field. The
    schema documents the JSON body (one content type per body); the multipart `file` upload is
    the one other body accepted."""

    serializer_class = PostImportSerializer
    parser_classes = [StrictJSONParser, MultiPartParser]

    @extend_schema(responses={201: PostsAddedSerializer})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        campaign = campaign_get(organization=self.organization, campaign_id=pk)
        upload = request.FILES.get("file")
        if upload is not None:
            posts = campaign_posts_import(
                campaign=campaign,
                content=read_upload(upload, max_bytes=MAX_FILE_BYTES, field="file"),
                source=upload.name or "file",
            )
        else:
            records = request.data.get("posts") if hasattr(request.data, "get") else None
            if not isinstance(records, list):
                raise InputError('send {"posts": [...]} or a file', field="posts")
            posts = campaign_posts_import(campaign=campaign, content=json.dumps(records).encode(), source="posts")
        return located(request, {"added": len(posts)}, to="campaign-detail", kwargs={"pk": campaign.pk})


class PostLinkView(OrganizationScopedView):
    """Link a catalogued post of a booked creator by its URL (its counters follow refreshes)."""

    serializer_class = PostLinkSerializer

    @extend_schema(responses={201: LinkedPostSerializer})
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        campaign = campaign_get(organization=self.organization, campaign_id=pk)
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        post = campaign_post_link(campaign=campaign, url=payload.validated_data["url"])
        body = {"id": post.pk, "url": post.url, "creator_id": post.booking.creator_id}
        return located(request, body, to="campaign-detail", kwargs={"pk": campaign.pk})


class CampaignDownloadView(OrganizationScopedView):
    """The report as a PDF or an XLSX in the request's language (Accept-Language)."""

    serializer_class = serializers.Serializer

    @extend_schema(
        parameters=[OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=list(FILES), description="The file type")],
        responses={(200, content_type): bytes for content_type in FILES.values()},
    )
    def get(self, request: Request, pk: int, fmt: str) -> HttpResponse:
        from vetting.services.exports.campaign import campaign_report_file

        campaign = campaign_get(organization=self.organization, campaign_id=pk)
        if fmt not in FILES:
            raise InputError("choose pdf or xlsx", field="format")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"campaign.{fmt}"
            campaign_report_file(campaign_report(campaign=campaign), fmt_name=fmt, language=get_language(), path=path)
            content = path.read_bytes()
        response = HttpResponse(content, content_type=FILES[fmt])
        response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}.{fmt}"'
        response["Cache-Control"] = "private, no-store"
        return response
