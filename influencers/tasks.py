"""Celery beat tasks of the catalogue: thin wrappers over a service (jobs themselves run through
`core.tasks.run_job_task`)."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="influencers.tasks.refresh_tracked_accounts", acks_late=True)
def refresh_tracked_accounts_task() -> dict[str, Any]:
    """Celery beat: refresh every tracked account from its platform API, as one REFRESH job."""
    from influencers.services.refresh import refresh_schedule_run

    job = refresh_schedule_run()
    if job is None:
        return {"job_id": None, "status": "skipped"}
    return {"job_id": job.pk, "status": job.status, "counts": job.counts}


@shared_task(name="influencers.tasks.purge_stale_api_data", acks_late=True)
def purge_stale_api_data_task() -> dict[str, Any]:
    """Celery beat: delete platform-API data past its retention period (influencers.services.retention)."""
    from influencers.services.retention import purge_stale_api_data

    return purge_stale_api_data().as_dict()
