"""Jobs (status and progress of imports, embedding, exports) and catalogue imports by upload."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.mixins import ListModelMixin
from rest_framework.request import Request
from rest_framework.response import Response

from api.idempotency import idempotent
from api.serializers.jobs import AccountTrackSerializer, ImportUploadSerializer, JobSerializer
from api.views.base import UPLOAD_PARSERS, OrganizationScopedView, job_accepted
from core.models import Job
from core.selectors.jobs import job_get, job_list
from influencers.services.imports.jobs import import_upload_submit
from influencers.services.track import account_track_submit


class JobListView(ListModelMixin, OrganizationScopedView):
    """The organisation's jobs, newest first."""

    serializer_class = JobSerializer
    queryset = Job.objects.none()  # for the schema; get_queryset scopes to the organisation

    def get_queryset(self):  # noqa: ANN201
        return job_list(organization=self.organization)

    def get(self, request: Request) -> Response:
        return self.list(request)


class JobDetailView(OrganizationScopedView):
    serializer_class = JobSerializer

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(job_get(organization=self.organization, job_id=pk)).data)


class ImportUploadView(OrganizationScopedView):
    """Upload a catalogue import (editors and owners of any organisation: the service's rule,
    influencers.services.imports.jobs); answers with the IMPORT job, the organisation's own, to
    follow at /api/jobs/{id}/. `mapping` names a shipped column mapping for a tool's export."""

    parser_classes = UPLOAD_PARSERS
    upload_endpoint = True
    serializer_class = ImportUploadSerializer

    @extend_schema(request=ImportUploadSerializer, responses={202: JobSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        payload = ImportUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        job = import_upload_submit(
            upload=payload.validated_data["file"],
            dry_run=payload.validated_data["dry_run"],
            organization=self.organization,
            user=request.user,
            mapping=payload.validated_data.get("mapping") or None,
        )
        return job_accepted(request, job)


class AccountTrackView(OrganizationScopedView):
    """Track one platform account by handle, @handle, id or profile URL (editors and owners):
    answers with the REFRESH job that adds it, the organisation's own, to follow at
    /api/v1/jobs/{id}/; its result names the account and the creator (`creator_url`: the vetting
    report). A platform without a configured connector is a 400 naming `platform`."""

    serializer_class = AccountTrackSerializer

    @extend_schema(request=AccountTrackSerializer, responses={202: JobSerializer})
    @idempotent
    def post(self, request: Request) -> Response:
        payload = AccountTrackSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        job = account_track_submit(
            platform=payload.validated_data["platform"],
            ref=payload.validated_data["ref"],
            organization=self.organization,
            user=request.user,
        )
        return job_accepted(request, job)
