"""Jobs (status and progress of imports, embedding, exports) and catalogue imports by upload."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.mixins import ListModelMixin
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.permissions import IsCatalogueEditor
from api.serializers.jobs import ImportUploadSerializer, JobSerializer
from api.views.base import OrganizationScopedView
from influencers.models import Job, JobKind
from influencers.errors import InputError
from influencers.selectors.jobs import job_get, job_list
from influencers.services.job_runner import enqueue_job
from influencers.services.jobs import job_create

IMPORT_MAX_BYTES = getattr(settings, "IMPORT_MAX_BYTES", 200 * 1024 * 1024)


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


def sniff_import_kind(head: bytes) -> str:
    """'zip', 'json' or 'csv' from the first bytes of an upload (its name is not trusted)."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text[:1] in (b"{", b"["):
        return "json"
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError:
        # The head may end inside a multi-byte character; a true binary file fails earlier.
        try:
            decoded = head[:-4].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError("not a CSV, JSON or ZIP file (not UTF-8 text)", field="file") from exc
    if "\x00" in decoded or "," not in decoded.split("\n", 1)[0]:
        raise InputError("not a CSV, JSON or ZIP file (no comma-separated header line)", field="file")
    return "csv"


class ImportUploadView(OrganizationScopedView):
    """Upload a catalogue import (editors of the catalogue admin organisation only); answers
    with the IMPORT job to follow at /api/jobs/{id}/."""

    permission_classes = [IsCatalogueEditor]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImportUploadSerializer

    @extend_schema(request=ImportUploadSerializer, responses={202: JobSerializer})
    def post(self, request: Request) -> Response:
        payload = ImportUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise InputError(f"the file is {upload.size:,} bytes, above the limit of {IMPORT_MAX_BYTES:,}", field="file")
        head = upload.read(4096)
        upload.seek(0)
        kind = sniff_import_kind(head)
        stem = re.sub(r"[^A-Za-z0-9_.-]", "_", Path(upload.name or "upload").stem)[:80] or "upload"
        folder = Path(tempfile.mkdtemp(prefix="vetted-import-"))
        path = folder / f"{stem}.{kind}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        job = job_create(
            kind=JobKind.IMPORT,
            params={"path": str(path), "dry_run": payload.validated_data["dry_run"], "original_name": upload.name or ""},
            organization=self.organization,
            user=request.user,
        )
        enqueue_job(job)
        return Response(JobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)
