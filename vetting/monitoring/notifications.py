"""Telling an organisation about new alerts: email and signed webhooks, per its settings.

Email goes through Django's email backend (the console backend locally), to the settings'
recipients or, when none are set, to the organisation's owners and editors.

Webhooks are JSON POSTs signed so the receiver can check they come from us and are fresh:

    X-Vetted-Timestamp: <unix seconds when this attempt was signed>
    X-Vetted-Signature: sha256=<hex HMAC-SHA256 of f"{timestamp}.{body}" with the secret>
    X-Vetted-Event:     alert.created | ping
    X-Vetted-Delivery:  <delivery uuid, the same on every retry of one message>

The receiver recomputes the HMAC over the raw body bytes, compares in constant time and
rejects timestamps more than 5 minutes away from its clock (`verify_signature`, and the recipe
in docs/monitoring.md). A failed attempt (network error or non-2xx answer) is retried with
exponential backoff (base × 2^(n−1), capped) as Celery task retries, up to
MONITORING_WEBHOOK_MAX_ATTEMPTS; every attempt is logged as a WebhookAttempt (status, timing,
and a short sanitised excerpt of the answer that only owners see).

Destinations are checked when saved and again before every attempt (`core.services.outbound`):
loopback, private, link-local (cloud metadata), multicast and reserved addresses are refused
unless MONITORING_WEBHOOK_ALLOWED_HOSTS names them, and the attempt connects to the address
that was checked, following no redirect. Sending never happens inside a web request: with a
worker it is a Celery task; without one (eager mode) a background thread with a total time
budget (MONITORING_WEBHOOK_EAGER_BUDGET_SECONDS).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import InputError
from core.messages import localize, message_json, render_message
from core.models import Membership, Organization
from core.models.tenancy import WRITE_ROLES
from core.services import outbound
from core.services.background import queue_after_commit, run_outside_request
from vetting.models import Alert, DeliveryStatus, NotificationSettings, Severity, WebhookAttempt, WebhookDelivery
from vetting.models.monitoring import SEVERITY_RANK

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Vetted-Signature"
TIMESTAMP_HEADER = "X-Vetted-Timestamp"
EVENT_HEADER = "X-Vetted-Event"
DELIVERY_HEADER = "X-Vetted-Delivery"
REPLAY_WINDOW_SECONDS = 300
RESPONSE_EXCERPT = 200  # characters of a receiver's answer kept (owners see them, others only the status)
ERROR_CHARS = 300
MAX_RECIPIENTS = 50

# Injectable for tests: how the eager (no broker) path waits between retries.
sleep: Callable[[float], None] = time.sleep


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


# --- signing ----------------------------------------------------------------------------------------


def sign(secret: str, timestamp: int | str, body: str | bytes) -> str:
    """The X-Vetted-Signature value: "sha256=" + hex HMAC-SHA256 of f"{timestamp}.{body}"."""
    raw = body if isinstance(body, bytes) else body.encode("utf-8")
    message = f"{timestamp}.".encode() + raw
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_signature(
    *,
    secret: str,
    body: str | bytes,
    timestamp: str | None,
    signature: str | None,
    tolerance: int = REPLAY_WINDOW_SECONDS,
    now: float | None = None,
) -> bool:
    """The receiver's check (also in docs/monitoring.md): a fresh timestamp and a matching HMAC."""
    if not timestamp or not signature:
        return False
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - ts) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, ts, body), signature)


def new_secret() -> str:
    """A fresh webhook signing secret (256 bits, URL-safe)."""
    return "whsec_" + secrets.token_urlsafe(32)


# --- settings -------------------------------------------------------------------------------------------


def notification_settings_get(*, organization: Organization) -> NotificationSettings:
    """The organisation's settings (a default row is created on first use: email on, webhook off)."""
    obj, _ = NotificationSettings.objects.get_or_create(organization=organization)
    return obj


def allowed_webhook_hosts() -> list[str]:
    """MONITORING_WEBHOOK_ALLOWED_HOSTS: hosts, addresses or networks a webhook may reach even
    though they are not public (a receiver on the LAN, a local test receiver)."""
    return list(_setting("MONITORING_WEBHOOK_ALLOWED_HOSTS", []))


def _check_url(url: str) -> str:
    """The webhook URL, once its host is known to resolve only to addresses webhooks may reach."""
    url = (url or "").strip()
    if not url:
        return ""
    return outbound.destination_check(url, allowed=allowed_webhook_hosts(), field="webhook_url").url


def _check_recipients(value: object) -> list[str]:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError("must be a list of email addresses", field="email_recipients")
    cleaned = list(dict.fromkeys(v.strip() for v in value if v.strip()))
    if len(cleaned) > MAX_RECIPIENTS:
        raise InputError(f"at most {MAX_RECIPIENTS} addresses", field="email_recipients")
    for i, address in enumerate(cleaned):
        try:
            validate_email(address)
        except ValidationError as exc:
            raise InputError(f"{address!r} is not an email address", field=f"email_recipients[{i}]") from exc
    return cleaned


_UNSET: Any = object()


def notification_settings_update(
    *,
    organization: Organization,
    user=None,  # noqa: ANN001
    email_enabled: bool = _UNSET,
    email_recipients: list[str] = _UNSET,
    webhook_enabled: bool = _UNSET,
    webhook_url: str = _UNSET,
    min_severity: str = _UNSET,
) -> NotificationSettings:
    """Change the organisation's notification settings. Enabling the webhook without a secret
    creates one (read it once from the response, or rotate it with `webhook_secret_rotate`)."""
    obj = notification_settings_get(organization=organization)
    if email_enabled is not _UNSET:
        obj.email_enabled = bool(email_enabled)
    if email_recipients is not _UNSET:
        obj.email_recipients = _check_recipients(email_recipients)
    if webhook_url is not _UNSET:
        obj.webhook_url = _check_url(webhook_url)
    if webhook_enabled is not _UNSET:
        obj.webhook_enabled = bool(webhook_enabled)
    if min_severity is not _UNSET:
        if min_severity not in Severity.values:
            raise InputError(f"must be one of {', '.join(Severity.values)}", field="min_severity")
        obj.min_severity = min_severity
    if obj.webhook_enabled and not obj.webhook_url:
        raise InputError("a webhook needs a URL", field="webhook_url")
    if obj.webhook_enabled and not obj.webhook_secret:
        obj.webhook_secret = new_secret()
    obj.updated_by = user if user is not None and user.pk else None
    obj.save()
    return obj


def webhook_secret_rotate(*, organization: Organization, user=None) -> NotificationSettings:  # noqa: ANN001
    """Replace the webhook signing secret (the old one stops verifying at once)."""
    obj = notification_settings_get(organization=organization)
    obj.webhook_secret = new_secret()
    obj.updated_by = user if user is not None and user.pk else None
    obj.save(update_fields=["webhook_secret", "updated_by", "updated_at"])
    return obj


# --- payloads ----------------------------------------------------------------------------------------


def alert_payload(alert: Alert, *, event: str = "alert.created") -> dict[str, Any]:
    """What a webhook receives about an alert (and the API shows): ids, texts, evidence."""
    account = alert.account
    return {
        "event": event,
        "organization": {"id": alert.organization_id, "name": alert.organization.name},
        "alert": {
            "id": alert.pk,
            "kind": alert.kind,
            "severity": alert.severity,
            "status": alert.status,
            "title": alert.title,
            "summary": alert.summary,
            # The same as messages (code, params, English words): machines can word them too.
            "title_message": message_json(alert.title_message, "en") if alert.title_message else None,
            "summary_message": message_json(alert.summary_message, "en") if alert.summary_message else None,
            "created_at": alert.created_at.isoformat() if alert.created_at else None,
            "creator": {"id": alert.creator_id, "name": alert.creator.display_name},
            "account": {"id": account.pk, "platform": account.platform, "handle": account.handle} if account else None,
            "brand": {"id": alert.brand_id, "name": alert.brand.name} if alert.brand else None,
            "watch": {"id": alert.watch_id, "name": alert.watch.name} if alert.watch else None,
            "rule_id": alert.rule_id,
            # Sentences in English where they always were, with `<field>_message` beside them.
            "evidence": localize(alert.evidence or {}, "en", structured=True),
        },
    }


def encode_body(payload: dict[str, Any]) -> str:
    """Canonical JSON (sorted keys, no spaces, UTF-8 text) — signed and sent byte for byte."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


# --- dispatch --------------------------------------------------------------------------------------------


def _recipients(organization: Organization, config: NotificationSettings) -> list[str]:
    if config.email_recipients:
        return list(config.email_recipients)
    return sorted(
        {
            m.user.email
            for m in Membership.objects.filter(organization=organization, role__in=WRITE_ROLES).select_related("user")
            if m.user.email
        }
    )


# The languages of an alert email, in order: an organisation's recipients have no language of
# their own, so the email carries every language of the UI (English first, then 简体中文).
EMAIL_LANGUAGES = ("en", "zh-hans")


def _alert_title(alert: Alert, language: str) -> str:
    return render_message(alert.title_message, language) if alert.title_message else alert.title


def _email_text(alert: Alert, language: str = "en") -> str:
    """The alert in one language: its summary, severity, creator, brand and evidence."""
    with translation.override(language):
        summary = render_message(alert.summary_message) if alert.summary_message else alert.summary
        lines = [
            summary,
            "",
            f"{_('Severity')}: {_(alert.get_severity_display())}",
            f"{_('Creator')}: {alert.creator.display_name}",
        ]
        if alert.brand:
            lines.append(f"{_('Brand')}: {alert.brand.name}")
        evidence = alert.evidence or {}
        # Outside the f-strings, so makemessages finds the words.
        post_word, comment_word = _("post"), _("comment")
        for post in (evidence.get("posts") or [])[:10]:
            when, handle = post.get("posted_at", "")[:10], post.get("handle", "")
            lines.append(f"- {post_word} {when} @{handle}: {post.get('caption', '')[:140]}")
        for comment in (evidence.get("comment_list") or [])[:10]:
            lines.append(
                f"- {comment_word} {comment.get('posted_at', '')[:10]} @{comment.get('commenter', '')}: "
                f"{comment.get('text', '')[:140]}"
            )
        if evidence.get("why"):
            lines.append(f"- {render_message(evidence['why'])}")
        lines += ["", _("Open the alert inbox in Vetted to acknowledge or resolve it.")]
        return "\n".join(lines)


def _email(alert: Alert) -> tuple[str, str]:
    """(subject, body) of an alert email, in every language of EMAIL_LANGUAGES."""
    titles = [_alert_title(alert, language) for language in EMAIL_LANGUAGES]
    with translation.override(EMAIL_LANGUAGES[0]):
        severity = _(alert.get_severity_display())
    subject = f"[Vetted] {severity} alert: {' | '.join(dict.fromkeys(titles))}"[:200]
    body = "\n\n———\n\n".join(_email_text(alert, language) for language in EMAIL_LANGUAGES)
    return subject, body


def alert_notify(*, alert_id: int) -> dict[str, Any]:
    """Send one alert by email and queue its webhook, per the organisation's settings. Idempotent:
    an alert already notified is skipped."""
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update(of=("self",))
            .select_related("organization", "creator", "account", "brand", "watch")
            .filter(pk=alert_id)
            .first()
        )
        if alert is None or alert.notified_at is not None:
            return {"skipped": True}
        alert.notified_at = timezone.now()
        alert.save(update_fields=["notified_at"])
    config = notification_settings_get(organization=alert.organization)
    outcome: dict[str, Any] = {"email": 0, "webhook": None}
    if SEVERITY_RANK.get(alert.severity, 0) < SEVERITY_RANK.get(config.min_severity, 0):
        outcome["below_min_severity"] = True
        return outcome
    if config.email_enabled:
        recipients = _recipients(alert.organization, config)
        if recipients:
            try:
                subject, body = _email(alert)
                outcome["email"] = send_mail(
                    subject=subject,
                    message=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=recipients,
                )
            except Exception:
                logger.exception("alert %s: email failed", alert.pk)
    if config.webhook_enabled and config.webhook_url and config.webhook_secret:
        delivery = webhook_queue(
            organization=alert.organization, url=config.webhook_url, payload=alert_payload(alert), alert=alert
        )
        outcome["webhook"] = str(delivery.delivery_id)
    return outcome


def _eager() -> bool:
    """No worker: Celery would run a task inside the request that queued it."""
    return bool(_setting("CELERY_TASK_ALWAYS_EAGER", False))


def alert_notify_on_commit(alert: Alert) -> None:
    """Notify about a new alert once the transaction that created it commits: a Celery task, or
    without a worker a background thread (email and webhook never hold the request)."""
    from vetting.tasks import notify_alert_task

    alert_id = alert.pk
    queue_after_commit("alert-notify", notify_alert_task, alert_id, eager=lambda: alert_notify(alert_id=alert_id))


def webhook_send_later(delivery_id: int) -> None:
    """Send a recorded delivery: a Celery task with retries, or without a worker a background
    thread trying for at most MONITORING_WEBHOOK_EAGER_BUDGET_SECONDS."""
    from vetting.tasks import deliver_webhook_task

    if _eager():
        budget = float(_setting("MONITORING_WEBHOOK_EAGER_BUDGET_SECONDS", 60))
        run_outside_request("webhook", lambda: webhook_deliver_within(delivery_id=delivery_id, budget=budget))
        return
    try:
        deliver_webhook_task.delay(delivery_id)
    except Exception:
        logger.exception("could not queue webhook delivery %s", delivery_id)


def webhook_queue(
    *, organization: Organization, url: str, payload: dict[str, Any], alert: Alert | None = None
) -> WebhookDelivery:
    """Record a webhook message and send it after commit (`webhook_send_later`); the delivery
    starts `pending` and its attempts appear as they are made."""
    delivery = WebhookDelivery.objects.create(
        organization=organization, alert=alert, event=payload.get("event", "alert.created"), url=url, body=""
    )
    delivery.body = encode_body({**payload, "delivery_id": str(delivery.delivery_id)})
    delivery.save(update_fields=["body"])
    delivery_id = delivery.pk
    transaction.on_commit(lambda: webhook_send_later(delivery_id))
    return delivery


def webhook_ping(*, organization: Organization) -> WebhookDelivery:
    """Send a test event to the organisation's webhook."""
    config = notification_settings_get(organization=organization)
    if not config.webhook_url or not config.webhook_secret:
        raise InputError("set a webhook URL (and enable it) first", field="webhook_url")
    payload = {
        "event": "ping",
        "organization": {"id": organization.pk, "name": organization.name},
        "sent_at": timezone.now().isoformat(),
    }
    return webhook_queue(organization=organization, url=config.webhook_url, payload=payload)


def backoff_seconds(attempt: int) -> int:
    """Wait after failed attempt `attempt` (1-based): base × 2^(attempt−1), capped."""
    base = int(_setting("MONITORING_WEBHOOK_BACKOFF_SECONDS", 30))
    cap = int(_setting("MONITORING_WEBHOOK_BACKOFF_MAX_SECONDS", 3600))
    return int(min(base * 2 ** (attempt - 1), cap))


def max_attempts() -> int:
    return int(_setting("MONITORING_WEBHOOK_MAX_ATTEMPTS", 5))


def webhook_attempt(*, delivery_id: int, timeout: float | None = None) -> WebhookAttempt | None:
    """Make the next HTTP attempt of a delivery and log it. Returns the attempt (its
    `retry_in_seconds` says whether and when to retry), or None when the delivery is finished.

    The URL is checked again first (its host may resolve elsewhere since it was saved); a refused
    destination fails the delivery at once. The attempt lasts at most `timeout` seconds in all
    (default MONITORING_WEBHOOK_TIMEOUT_SECONDS)."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED):
            return None
        delivery.attempts += 1
        number = delivery.attempts
        delivery.save(update_fields=["attempts"])
    config = NotificationSettings.objects.filter(organization_id=delivery.organization_id).first()
    secret = config.webhook_secret if config else ""
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Vetted-Webhook/1",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, delivery.body),
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.delivery_id),
    }
    limit = float(_setting("MONITORING_WEBHOOK_TIMEOUT_SECONDS", 10))
    timeout = limit if timeout is None else max(0.1, min(timeout, limit))
    started = time.perf_counter()
    status_code, excerpt, error, permanent = None, "", "", False
    if not secret:
        error, permanent = "the organisation has no webhook secret any more", True
    else:
        try:
            destination = outbound.destination_check(delivery.url, allowed=allowed_webhook_hosts(), field="url")
            response = outbound.post_pinned(
                destination,
                body=delivery.body.encode("utf-8"),
                headers=headers,
                timeout=timeout,
                max_bytes=4 * RESPONSE_EXCERPT,
            )
        except outbound.DestinationRefused as exc:
            error, permanent = exc.reason, True
        except InputError as exc:  # the name does not resolve (now): may be temporary
            error = exc.reason
        except outbound.OutboundError as exc:
            error = str(exc)
        else:
            status_code = response.status
            excerpt = outbound.excerpt(response.body, RESPONSE_EXCERPT)
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}" + (" (redirects are not followed)" if 300 <= status_code < 400 else "")
    error = error[:ERROR_CHARS]
    duration = int((time.perf_counter() - started) * 1000)
    succeeded = not error
    retry_in = None if succeeded or permanent or number >= max_attempts() else backoff_seconds(number)
    attempt = WebhookAttempt.objects.create(
        delivery=delivery,
        number=number,
        signed_timestamp=timestamp,
        status_code=status_code,
        response_excerpt=excerpt,
        error=error,
        duration_ms=duration,
        succeeded=succeeded,
        retry_in_seconds=retry_in,
    )
    _record_outcome(delivery, status_code=status_code, error=error, retry_in=retry_in)
    if not succeeded:
        logger.warning("webhook delivery %s attempt %s failed: %s", delivery.delivery_id, number, error)
    return attempt


def _record_outcome(delivery: WebhookDelivery, *, status_code: int | None, error: str, retry_in: int | None) -> None:
    now = timezone.now()
    delivery.last_status_code = status_code
    delivery.last_error = error
    if not error:
        delivery.status, delivery.finished_at, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, now, None
    elif retry_in is None:
        delivery.status, delivery.finished_at, delivery.next_attempt_at = DeliveryStatus.FAILED, now, None
    else:
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = now + dt.timedelta(seconds=retry_in)
    delivery.save(update_fields=["last_status_code", "last_error", "status", "finished_at", "next_attempt_at"])


def webhook_deliver_within(*, delivery_id: int, budget: float) -> WebhookAttempt | None:
    """All attempts of a delivery in this thread (no worker), waiting between them (each wait
    capped by MONITORING_WEBHOOK_EAGER_SLEEP_CAP), within `budget` seconds in all: when the next
    wait or attempt would not fit, the delivery ends `failed`, saying so."""
    deadline = time.monotonic() + budget
    attempt = webhook_attempt(delivery_id=delivery_id, timeout=budget)
    while attempt is not None and attempt.retry_in_seconds is not None:
        wait = eager_wait_seconds(attempt.retry_in_seconds)
        if time.monotonic() + wait + 1 > deadline:
            _give_up(delivery_id, budget)
            break
        sleep(wait)
        attempt = webhook_attempt(delivery_id=delivery_id, timeout=deadline - time.monotonic())
    return attempt


def _give_up(delivery_id: int, budget: float) -> None:
    reason = f"gave up after {budget:g} s: without a worker a delivery is tried for a limited time"
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED):
            return
        delivery.status, delivery.finished_at, delivery.next_attempt_at = DeliveryStatus.FAILED, timezone.now(), None
        delivery.last_error = f"{delivery.last_error}; {reason}" if delivery.last_error else reason
        delivery.save(update_fields=["status", "finished_at", "next_attempt_at", "last_error"])


def eager_wait_seconds(seconds: int) -> float:
    """The wait before an in-process retry: the backoff capped by MONITORING_WEBHOOK_EAGER_SLEEP_CAP."""
    return min(float(seconds), float(_setting("MONITORING_WEBHOOK_EAGER_SLEEP_CAP", 2.0)))
