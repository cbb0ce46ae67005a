"""The one Celery task of jobs: load a Job by id and run it (core.services.jobs.run_job).

Every other Celery task of the project is a beat schedule entry or a notification delivery,
declared in the app it serves (influencers.tasks, vetting.tasks); core's own beat entry sends
again the jobs a restarted broker lost (`recover_lost_jobs`)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from core.errors import VettedError
from core.services.jobs import run_job
from core.services.upload_folders import upload_folders_clean


@shared_task(
    bind=True,
    name="core.tasks.run_job",
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=3,
    acks_late=True,
)
def run_job_task(self: Any, job_id: int) -> dict[str, Any]:
    """Run the Job `job_id`. Input errors (VettedError) fail the job without retrying."""
    try:
        job = run_job(job_id=job_id)
    except VettedError:
        return {"job_id": job_id, "status": "failed"}
    return {"job_id": job.pk, "status": job.status}


@shared_task(name="core.tasks.recover_lost_jobs", acks_late=True)
def recover_lost_jobs_task() -> dict[str, Any]:
    """Celery beat: send again the PENDING jobs whose message the broker lost (a Redis restarted
    without its data); see core.services.jobs.jobs_recover_lost."""
    from core.services.jobs import jobs_recover_lost

    return {"recovered": jobs_recover_lost()}


@shared_task(name="core.tasks.clean_upload_folders", acks_late=True)
def clean_upload_folders_task() -> dict[str, Any]:
    """Celery beat: delete kept uploads older than settings.UPLOAD_TEMP_MAX_AGE_HOURS."""
    return {"deleted": upload_folders_clean()}
