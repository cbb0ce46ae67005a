"""Exports: POST /api/exports/ queues a job; GET /api/exports/{job id}/download/ serves the file
to members of the organisation that made it (never through /media/)."""

from __future__ import annotations

from django.http import Http404, HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from api.idempotency import idempotent
from api.serializers.jobs import ExportRequestSerializer, JobSerializer
from api.views.base import OrganizationScopedView, job_accepted
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
    @idempotent
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
        return job_accepted(request, job)


class ExportNotReady(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "invalid_state"


# The file's type follows the export's format.
EXPORT_CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class ExportDownloadView(OrganizationScopedView):
    """The export file (CSV, XLSX or PDF, as requested), for members of the organisation that
    requested it; 409 while the export is not ready."""

    serializer_class = JobSerializer

    @extend_schema(
        responses={
            # CSV is text (clients read it as a string); XLSX and PDF are binary.
            **{(200, t): (OpenApiTypes.STR if t.startswith("text/") else bytes) for t in EXPORT_CONTENT_TYPES.values()},
            409: OpenApiResponse(description="The export is not ready (pending, running or failed)"),
        }
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        job = job_get(organization=self.organization, job_id=pk)
        if job.kind != JobKind.EXPORT or job.organization_id != self.organization.pk:
            raise Http404("no such export")
        try:
            path, filename, content_type = export_file(job=job)
        except InvalidState as exc:
            raise ExportNotReady(str(exc)) from exc
        return private_file_response(path=path, filename=filename, content_type=content_type, as_attachment=True)
