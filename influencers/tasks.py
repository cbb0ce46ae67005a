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


@shared_task(name="influencers.tasks.notify_alert", acks_late=True)
def notify_alert_task(alert_id: int) -> dict:
    """Email a new alert and queue its webhook (idempotent: a notified alert is skipped)."""
    from influencers.services.notifications import alert_notify

    return alert_notify(alert_id=alert_id)


@shared_task(bind=True, name="influencers.tasks.deliver_webhook", acks_late=True, max_retries=50)
def deliver_webhook_task(self, delivery_id: int) -> dict:
    """One attempt of a webhook delivery; a failure is retried with exponential backoff as a
    Celery retry (the service decides when to stop and logs every attempt). Without a worker
    (eager mode) Celery cannot defer a retry, so the attempts run here, waiting in between."""
    from influencers.services.notifications import backoff_sleep, webhook_attempt

    attempt = webhook_attempt(delivery_id=delivery_id)
    while attempt is not None and attempt.retry_in_seconds is not None:
        if not self.request.is_eager:
            raise self.retry(countdown=attempt.retry_in_seconds)
        backoff_sleep(attempt.retry_in_seconds)
        attempt = webhook_attempt(delivery_id=delivery_id)
    if attempt is None:
        return {"delivery_id": delivery_id, "status": "finished"}
    return {"delivery_id": delivery_id, "attempt": attempt.number, "succeeded": attempt.succeeded}


@shared_task(name="influencers.tasks.evaluate_watches", acks_late=True)
def evaluate_watches_task() -> dict:
    """Celery beat: evaluate every active watch as one WATCH job."""
    from influencers.services.monitoring import watch_evaluation_enqueue

    job = watch_evaluation_enqueue()
    return {"job_id": job.pk}


@shared_task(name="influencers.tasks.purge_stale_api_data", acks_late=True)
def purge_stale_api_data_task() -> dict:
    """Celery beat: delete platform-API data past its retention period (influencers.services.retention)."""
    from influencers.services.retention import purge_stale_api_data

    return purge_stale_api_data().as_dict()
