"""Celery tasks of the vision app: thin wrappers that run a vision Job by id (routed to the
"heavy" queue by CELERY_TASK_ROUTES)."""

from __future__ import annotations

from celery import shared_task

from influencers.errors import VettedError
from influencers.services.job_runner import run_job


@shared_task(
    bind=True,
    name="vision.tasks.run_vision_job",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=3,
    acks_late=True,
)
def run_vision_job(self, job_id: int) -> dict:  # noqa: ANN001
    """Run the EMBED or INDEX Job `job_id`. Input errors (VettedError) fail the job without retrying."""
    try:
        job = run_job(job_id=job_id)
    except VettedError:
        return {"job_id": job_id, "status": "failed"}
    return {"job_id": job.pk, "status": job.status}
