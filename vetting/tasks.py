"""Celery tasks of vetting: alert notifications, webhook deliveries and the beat evaluation of
watches (thin wrappers over vetting.monitoring services), and the brand-safety searches stored
beside the feature snapshot (over vetting.services.brand_safety)."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="vetting.tasks.notify_alert", acks_late=True)
def notify_alert_task(alert_id: int) -> dict[str, Any]:
    """Email a new alert and queue its webhook (idempotent: a notified alert is skipped)."""
    from vetting.monitoring.notifications import alert_notify

    return alert_notify(alert_id=alert_id)


@shared_task(bind=True, name="vetting.tasks.deliver_webhook", acks_late=True, max_retries=50)
def deliver_webhook_task(self: Any, delivery_id: int) -> dict[str, Any]:
    """One attempt of a webhook delivery; a failure is retried with exponential backoff as a
    Celery retry (the service decides when to stop and logs every attempt). Run eagerly (no
    worker; normally the service sends from a background thread instead), the attempts run here
    within MONITORING_WEBHOOK_EAGER_BUDGET_SECONDS."""
    from django.conf import settings

    from vetting.monitoring.notifications import webhook_attempt, webhook_deliver_within

    if self.request.is_eager:
        budget = float(getattr(settings, "MONITORING_WEBHOOK_EAGER_BUDGET_SECONDS", 60))
        attempt = webhook_deliver_within(delivery_id=delivery_id, budget=budget)
    else:
        attempt = webhook_attempt(delivery_id=delivery_id)
        if attempt is not None and attempt.retry_in_seconds is not None:
            raise self.retry(countdown=attempt.retry_in_seconds)
    if attempt is None:
        return {"delivery_id": delivery_id, "status": "finished"}
    return {"delivery_id": delivery_id, "attempt": attempt.number, "succeeded": attempt.succeeded}


@shared_task(name="vetting.tasks.evaluate_watches", acks_late=True)
def evaluate_watches_task() -> dict[str, Any]:
    """Celery beat: evaluate every active watch as one WATCH job."""
    from vetting.monitoring.evaluation import watch_evaluation_enqueue

    job = watch_evaluation_enqueue()
    return {"job_id": job.pk}


@shared_task(name="vetting.tasks.warm_brand_safety")
def warm_brand_safety_task() -> dict[str, Any]:
    """Store today's brand-safety hits of the brands beside the feature snapshot (beat, after midnight)."""
    from vetting.services.brand_safety import warm_brand_safety

    return {"brands": warm_brand_safety()}


@shared_task(name="vetting.tasks.warm_brand_safety_of")
def warm_brand_safety_of_task(brand_id: int) -> dict[str, Any]:
    """Store today's brand-safety hits of one brand whose rules were just set (nothing for a deleted brand)."""
    from vetting.services.brand_safety import warm_brand_safety_of

    return {"brand_id": brand_id, "stored": warm_brand_safety_of(brand_id)}
