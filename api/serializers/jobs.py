"""Job status shapes, the import upload and the export request."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.links import api_url
from api.serializers.reports import JobResultSerializer
from core.messages import is_message, message_json
from core.models import Job, JobKind, JobStatus
from core.selectors.jobs import job_log_text
from influencers.models import Platform
from influencers.services.track import REF_MAX_LENGTH


class JobPhaseSerializer(serializers.Serializer):
    """A job in several phases (an import: writing, then each follow-up step): the one running."""

    name = serializers.CharField(help_text="The phase, in English (e.g. 'recomputing metrics')")
    label = serializers.CharField(help_text="The phase in the request's language")
    step = serializers.IntegerField(help_text="Which phase, from 1")
    steps = serializers.IntegerField(help_text="How many phases")
    done = serializers.IntegerField(help_text="Items (accounts) of this phase done")
    total = serializers.IntegerField(help_text="Items (accounts) of this phase")


class JobSerializer(serializers.ModelSerializer):
    progress = serializers.FloatField(read_only=True, help_text="Share of the work done, 0..1")
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True, read_only=True)
    result = serializers.SerializerMethodField()
    log_tail = serializers.SerializerMethodField()
    phase = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "progress",
            "total",
            "done",
            "counts",
            "result",
            "error",
            "log_tail",
            "phase",
            "attempts",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]

    @extend_schema_field(JobResultSerializer)
    def get_result(self, job: Job) -> dict[str, Any]:
        # Server paths stay on the server: an export is offered as its download URL.
        result = {k: v for k, v in (job.result or {}).items() if k not in ("path", "file", "phase")}
        if is_message(result.get("error_message")):
            result["error_message"] = message_json(result["error_message"])
        if job.kind == JobKind.EXPORT and job.status == JobStatus.SUCCEEDED:
            result["download_url"] = api_url(
                "export-download", kwargs={"pk": job.pk}, request=self.context.get("request")
            )
        if job.kind == JobKind.REFRESH and result.get("creator_id"):
            # The vetting report of the account a track request added.
            result["creator_url"] = api_url(
                "creator-detail", kwargs={"pk": result["creator_id"]}, request=self.context.get("request")
            )
        return result

    @extend_schema_field(JobPhaseSerializer(allow_null=True))
    def get_phase(self, job: Job) -> dict[str, Any] | None:
        """The phase running now, its name also in the request's language; null when finished."""
        phase = job.phase
        return {**phase, "label": gettext(str(phase.get("name", "")))} if phase else None

    def get_log_tail(self, job: Job) -> str:
        """The last 20 lines of the log, in the request's language."""
        return job_log_text(job, last=20)


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=False,
        help_text="CSV, TSV, XLSX, JSON or JSONL (docs/import-format.md); type checked by content",
    )
    dry_run = serializers.BooleanField(default=False, help_text="Validate only, write nothing")
    mapping = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text="A shipped column mapping for a CSV/XLSX export: modash or chinese-agency (docs/import-format.md)",
    )


class AccountTrackSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(
        choices=Platform.choices, help_text="A platform with a connector: youtube, instagram"
    )
    ref = serializers.CharField(
        max_length=REF_MAX_LENGTH, help_text="The account: handle, @handle, platform id or profile URL"
    )


EXPORT_FORMATS = (("csv", "CSV"), ("xlsx", "Excel (XLSX)"), ("pdf", "PDF vetting report"))


class ExportRequestSerializer(serializers.Serializer):
    """Export a shortlist (`shortlist`) or a discovery search (`filters`: the same parameters
    as GET /api/creators/)."""

    format = serializers.ChoiceField(choices=EXPORT_FORMATS)
    shortlist = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)
    filters = serializers.DictField(child=serializers.JSONField(), required=False, allow_empty=True)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=1000, default=200)
    language = serializers.ChoiceField(
        choices=[(code, name) for code, name in settings.LANGUAGES],
        required=False,
        help_text="The file's language (headers, labels, sentences); default: the request's Accept-Language",
    )
    csv_header = serializers.ChoiceField(
        choices=[("label", "Column labels in the file's language"), ("code", "Stable machine-readable codes")],
        required=False,
        default="label",
        help_text="CSV only: the header row",
    )

    def validate(self, attrs: dict) -> dict:
        if (attrs.get("shortlist") is None) == ("filters" not in attrs):
            raise serializers.ValidationError({"shortlist": "give either a shortlist id or search filters"})
        return attrs
