"""Exports: POST /api/exports/ queues a job; GET /api/exports/{job id}/download/ serves the file
to members of the organisation that made it (never through /media/)."""

from __future__ import annotations

from django.http import Http404, HttpResponseBase
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.jobs import ExportRequestSerializer, JobSerializer
from api.views.base import OrganizationScopedView
from core.errors import InvalidState
from core.http import private_file_response
from core.models import JobKind
from core.selectors.jobs import job_get
from vetting.selectors.shortlists import shortlist_get
from vetting.services.exports import export_create, export_file


class ExportCreateView(OrganizationScopedView):
    """Export a shortlist or a discovery search as CSV, XLSX or a PDF vetting report. Answers
    with the EXPORT job; follow it at /api/jobs/{id}/ and download from its `download_url`."""

    serializer_class = ExportRequestSerializer
    member_may_write = True  # exporting changes nothing shared: viewers may export what they can read

    @extend_schema(request=ExportRequestSerializer, responses={202: JobSerializer})
    def post(self, request: Request) -> Response:
        payload = ExportRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        shortlist = None
        if data.get("shortlist") is not None:
            shortlist = shortlist_get(organization=self.organization, shortlist_id=data["shortlist"])
        job = export_create(
            organization=self.organization,
            user=request.user,
            fmt=data["format"],
            shortlist=shortlist,
            filters=data.get("filters") if shortlist is None else None,
            limit=data["limit"],
            language=data.get("language"),  # else the request's language (Accept-Language)
            csv_header=data.get("csv_header") or "label",
        )
        job.refresh_from_db()
        return Response(JobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


class ExportDownloadView(OrganizationScopedView):
    """The export file, for members of the organisation that requested it."""

    serializer_class = JobSerializer

    @extend_schema(responses={(200, "application/octet-stream"): bytes, 409: dict})
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        job = job_get(organization=self.organization, job_id=pk)
        if job.kind != JobKind.EXPORT or job.organization_id != self.organization.pk:
            raise Http404("no such export")
        try:
            path, filename, content_type = export_file(job=job)
        except InvalidState as exc:
            return Response({"detail": str(exc), "code": exc.code}, status=status.HTTP_409_CONFLICT)
        return private_file_response(path=path, filename=filename, content_type=content_type, as_attachment=True)
