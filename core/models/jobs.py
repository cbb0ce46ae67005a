"""Long-running work (imports, embedding, index builds, scoring, exports) as rows the UI, API
and CLI can follow."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class JobKind(models.TextChoices):
    IMPORT = "import", "Import"
    SEED = "seed", "Demo data"
    METRICS = "metrics", "Metrics"
    EMBED = "embed", "Image embedding"
    INDEX = "index", "Index build"
    SCORE = "score", "Scoring"
    EXPORT = "export", "Export"
    REFRESH = "refresh", "Connector refresh"
    WATCH = "watch", "Watch evaluation"


class JobStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})


class Job(models.Model):
    """One long operation: what it is, how far it got, what it counted, and what went wrong.

    Change it only through `core.services.jobs`, which enforces the status transitions
    that make retried Celery tasks harmless.
    """

    kind = models.CharField(max_length=20, choices=JobKind.choices)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.PENDING)
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True, help_text="e.g. {'created': 3, 'updated': 1}")
    result = models.JSONField(default=dict, blank=True, help_text="e.g. the path of an export file")
    log = models.TextField(blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    celery_task_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "status"], name="job_kind_status_idx")]

    def __str__(self) -> str:
        return f"{self.kind} job {self.pk} ({self.status})"

    @property
    def progress(self) -> float:
        """Share of the work done, 0..1 (1 for finished jobs)."""
        if self.status in FINISHED_STATUSES:
            return 1.0
        return min(1.0, self.done / self.total) if self.total else 0.0

    @property
    def phase(self) -> dict[str, Any] | None:
        """The phase running now ({name, step, steps, done, total}: core.services.jobs.job_phase),
        None once the job finished or when it has no phases."""
        phase = (self.result or {}).get("phase")
        return phase if isinstance(phase, dict) and not self.is_finished else None

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES
