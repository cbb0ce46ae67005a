"""Celery tasks of the influencers app: thin wrappers that load a Job and call a service."""

from __future__ import annotations

from celery import shared_task

from influencers.errors import VettedError
from influencers.services.job_runner import run_job


@shared_task(
    bind=True,
    name="influencers.tasks.run_job",
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=3,
    acks_late=True,
)
def run_job_task(self, job_id: int) -> dict:
    """Run the Job `job_id`. Input errors (VettedError) fail the job without retrying."""
    try:
        job = run_job(job_id=job_id)
    except VettedError:
        return {"job_id": job_id, "status": "failed"}
    return {"job_id": job.pk, "status": job.status}


@shared_task(name="influencers.tasks.refresh_tracked_accounts", acks_late=True)
def refresh_tracked_accounts_task() -> dict:
    """Celery beat: refresh every tracked account from its platform API, as one REFRESH job."""
    from influencers.services.refresh import refresh_schedule_run

    job = refresh_schedule_run()
    if job is None:
        return {"job_id": None, "status": "skipped"}
    return {"job_id": job.pk, "status": job.status, "counts": job.counts}
