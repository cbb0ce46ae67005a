"""Jobs (status and progress of imports, embedding, exports) and catalogue imports by upload."""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
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
from core.errors import InputError
from core.models import Job, JobKind
from core.selectors.jobs import job_get, job_list
from core.services.jobs import job_submit

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


def sniff_import_kind(upload) -> str:  # noqa: ANN001
    """The importer's file type ('xlsx', 'json', 'jsonl', 'tsv' or 'csv') from the upload's
    content; its name is not trusted. Anything else is an InputError naming the field."""
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise InputError("a broken ZIP/XLSX file", field="file") from exc
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
        raise InputError("a ZIP file that is not an XLSX workbook", field="file")
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text[:1] == b"[":
        return "json"
    if text[:1] == b"{":
        first, _, rest = text.partition(b"\n")
        try:
            json.loads(first)
        except ValueError:
            return "json"  # one object over several lines
        return "jsonl" if rest.lstrip()[:1] == b"{" else "json"
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError:
        try:  # the head may end inside a multi-byte character
            decoded = head[:-4].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError("not a CSV, TSV, XLSX, JSON or JSONL file (not UTF-8 text)", field="file") from exc
    header = decoded.lstrip("\ufeff").split("\n", 1)[0]
    if "\x00" in decoded or not header.strip():
        raise InputError("not a CSV, TSV, XLSX, JSON or JSONL file", field="file")
    if "\t" in header:
        return "tsv"
    if "," in header or ";" in header:
        return "csv"
    raise InputError("not a CSV, TSV, XLSX, JSON or JSONL file (no delimited header line)", field="file")


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
            raise InputError(
                f"the file is {upload.size:,} bytes, above the limit of {IMPORT_MAX_BYTES:,}", field="file"
            )
        kind = sniff_import_kind(upload)
        stem = re.sub(r"[^A-Za-z0-9_.-]", "_", Path(upload.name or "upload").stem)[:80] or "upload"
        folder = Path(tempfile.mkdtemp(prefix="vetted-import-"))
        path = folder / f"{stem}.{kind}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        job = job_submit(
            kind=JobKind.IMPORT,
            params={
                "path": str(path),
                "dry_run": payload.validated_data["dry_run"],
                "original_name": upload.name or "",
            },
            organization=self.organization,
            user=request.user,
        )
        return Response(JobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)
