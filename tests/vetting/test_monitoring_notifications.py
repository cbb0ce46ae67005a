"""Notifications: signed webhooks (recipe, tampering, replay), retries with backoff, delivery log, email."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
import requests
import responses
from django.core import mail

from tests.factories import AlertFactory, NotificationSettingsFactory
from vetting.models import DeliveryStatus, Severity, WebhookDelivery
from vetting.monitoring import notifications as n

HOOK = "https://hooks.example.com/vetted"


def documented_verify(secret: str, body: bytes, timestamp: str, signature: str, now: float) -> bool:
    """The recipe of docs/monitoring.md, written out independently of the service's code."""
    if abs(now - int(timestamp)) > 300:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


@pytest.fixture
def hook(db):
    config = NotificationSettingsFactory(
        webhook_url=HOOK, webhook_secret="whsec_s3cret", email_recipients=["ops@example.com"]
    )
    return config


@pytest.fixture
def sleeps(monkeypatch, settings):
    calls: list[float] = []
    monkeypatch.setattr(n, "sleep", calls.append)
    settings.MONITORING_WEBHOOK_EAGER_SLEEP_CAP = 10_000  # record the true backoff, never really wait
    settings.MONITORING_WEBHOOK_BACKOFF_SECONDS = 30
    settings.MONITORING_WEBHOOK_MAX_ATTEMPTS = 4
    return calls


@responses.activate
def test_webhook_signature_verifies_with_the_documented_recipe(
    hook, sleeps, django_capture_on_commit_callbacks
) -> None:
    responses.add(responses.POST, HOOK, status=204)
    alert = AlertFactory(organization=hook.organization, severity=Severity.HIGH)
    with django_capture_on_commit_callbacks(execute=True):
        n.alert_notify(alert_id=alert.pk)
    (call,) = responses.calls
    body = call.request.body
    headers = call.request.headers
    timestamp, signature = headers["X-Vetted-Timestamp"], headers["X-Vetted-Signature"]
    assert documented_verify("whsec_s3cret", body, timestamp, signature, now=time.time())
    assert n.verify_signature(secret="whsec_s3cret", body=body, timestamp=timestamp, signature=signature)
    payload = json.loads(body)
    assert payload["event"] == "alert.created" and payload["alert"]["id"] == alert.pk
    assert headers["X-Vetted-Delivery"] == payload["delivery_id"]

    tampered = body.replace(b'"severity":"high"', b'"severity":"low"')
    assert tampered != body
    assert not documented_verify("whsec_s3cret", tampered, timestamp, signature, now=time.time())
    assert not n.verify_signature(secret="whsec_s3cret", body=tampered, timestamp=timestamp, signature=signature)
    assert not n.verify_signature(secret="wrong", body=body, timestamp=timestamp, signature=signature)
    # A replay more than five minutes later is refused even with a valid signature.
    assert not n.verify_signature(
        secret="whsec_s3cret", body=body, timestamp=timestamp, signature=signature, now=int(timestamp) + 301
    )
    assert sleeps == []  # first attempt succeeded: no retry


@responses.activate
def test_failed_deliveries_are_retried_with_backoff_and_logged(
    hook, sleeps, django_capture_on_commit_callbacks
) -> None:
    responses.add(responses.POST, HOOK, body=requests.ConnectionError("connection refused"))
    responses.add(responses.POST, HOOK, status=500, body="oops")
    responses.add(responses.POST, HOOK, status=200, body="ok")
    alert = AlertFactory(organization=hook.organization)
    with django_capture_on_commit_callbacks(execute=True):
        n.alert_notify(alert_id=alert.pk)

    delivery = WebhookDelivery.objects.get(alert=alert)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.SUCCEEDED, 3, 200)
    log = list(delivery.attempt_log.order_by("number"))
    assert [a.number for a in log] == [1, 2, 3]
    assert "ConnectionError" in log[0].error and log[0].status_code is None
    assert (log[1].status_code, log[1].error) == (500, "HTTP 500")
    assert log[2].succeeded and log[2].retry_in_seconds is None
    assert [a.retry_in_seconds for a in log[:2]] == [30, 60]  # exponential backoff
    assert sleeps == [30, 60]
    # Every attempt sent the same body, each with its own fresh signature.
    assert len({c.request.body for c in responses.calls}) == 1


@responses.activate
def test_a_delivery_gives_up_after_the_last_attempt(hook, sleeps, django_capture_on_commit_callbacks) -> None:
    responses.add(responses.POST, HOOK, status=503)
    alert = AlertFactory(organization=hook.organization)
    with django_capture_on_commit_callbacks(execute=True):
        n.alert_notify(alert_id=alert.pk)
    delivery = WebhookDelivery.objects.get(alert=alert)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 4)
    assert delivery.finished_at is not None
    assert [a.retry_in_seconds for a in delivery.attempt_log.order_by("number")] == [30, 60, 120, None]
    assert sleeps == [30, 60, 120]
    assert len(responses.calls) == 4


def test_email_goes_to_the_configured_recipients_once(hook, django_capture_on_commit_callbacks) -> None:
    hook.webhook_enabled = False
    hook.save()
    alert = AlertFactory(
        organization=hook.organization,
        evidence={"posts": [{"posted_at": "2026-01-02", "handle": "amy", "caption": "casino"}]},
    )
    n.alert_notify(alert_id=alert.pk)
    n.alert_notify(alert_id=alert.pk)  # already notified: skipped
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.com"]
    assert alert.title in mail.outbox[0].subject and "casino" in mail.outbox[0].body


def test_alerts_below_the_minimum_severity_are_not_sent(hook) -> None:
    hook.min_severity = Severity.HIGH
    hook.save()
    alert = AlertFactory(organization=hook.organization, severity=Severity.MEDIUM)
    assert n.alert_notify(alert_id=alert.pk)["below_min_severity"] is True
    assert mail.outbox == [] and not WebhookDelivery.objects.exists()


def test_settings_validation_and_secret_creation(db) -> None:
    from core.errors import InputError
    from tests.factories import OrganizationFactory

    org = OrganizationFactory()
    with pytest.raises(InputError) as err:
        n.notification_settings_update(organization=org, webhook_url="ftp://example.com/x")
    assert err.value.field == "webhook_url"
    with pytest.raises(InputError) as err:
        n.notification_settings_update(organization=org, email_recipients=["ok@example.com", "nope"])
    assert err.value.field == "email_recipients[1]"
    config = n.notification_settings_update(organization=org, webhook_url=HOOK, webhook_enabled=True)
    assert config.webhook_secret.startswith("whsec_")
    old = config.webhook_secret
    assert n.webhook_secret_rotate(organization=org).webhook_secret != old


# --- through a real broker and worker: the Celery retry path --------------------------------------


@pytest.fixture
def flaky_receiver():
    """A local HTTP receiver that answers 500 to the first POST and 200 after, recording bodies."""
    import http.server
    import threading

    received: list[dict] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append({"body": body, "headers": dict(self.headers), "at": time.time()})
            self.send_response(500 if len(received) == 1 else 200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_a_failed_delivery_after_the_backoff(flaky_receiver, tmp_path, settings) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.db import connection

    from config.celery import app as celery_app
    from tests.factories import OrganizationFactory

    url, received = flaky_receiver
    db = connection.settings_dict
    db_url = (
        f"sqlite:///{db['NAME']}"
        if connection.vendor == "sqlite"
        else f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    queue = f"monitoring-test-{os.getpid()}"  # a queue of our own: no other test's worker takes the task
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": db_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "VETTED_VAR_DIR": str(tmp_path),
        "HF_HUB_OFFLINE": "1",
        "MONITORING_WEBHOOK_BACKOFF_SECONDS": "2",
        "MONITORING_WEBHOOK_MAX_ATTEMPTS": "3",
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    routes_before = celery_app.conf.task_routes
    celery_app.conf.task_routes = {"vetting.tasks.deliver_webhook": {"queue": queue}}
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)  # the router caches the routes it was built with
    org = OrganizationFactory()
    n.notification_settings_update(organization=org, webhook_url=url, webhook_enabled=True)
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-P",
                "solo",
                "-Q",
                queue,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
            cwd=Path(__file__).resolve().parents[2],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            delivery = n.webhook_ping(organization=org)  # autocommit: sent to the broker at once
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and proc.poll() is None:
                delivery.refresh_from_db()
                if delivery.status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED):
                    break
                time.sleep(0.5)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
            celery_app.conf.task_always_eager = True
            celery_app.conf.task_routes = routes_before
            celery_app.amqp.flush_routes()
            celery_app.amqp.__dict__.pop("router", None)
    assert delivery.status == DeliveryStatus.SUCCEEDED, log.read_text()[-3000:]
    attempts = list(delivery.attempt_log.order_by("number"))
    assert [(a.number, a.status_code, a.retry_in_seconds) for a in attempts] == [(1, 500, 2), (2, 200, None)]
    assert len(received) == 2 and received[1]["at"] - received[0]["at"] >= 1.9  # the countdown was honoured
    assert received[0]["body"] == received[1]["body"]


@pytest.mark.django_db
def test_an_alert_email_carries_english_and_chinese(settings):
    from django.core import mail

    from tests.factories import AlertFactory, CreatorFactory
    from vetting import messages as m
    from vetting.monitoring.notifications import _email

    creator = CreatorFactory(display_name="墨墨酱")
    title = m.COMPETITOR_TITLE(n=2, competitor="Acme")
    summary = m.COMPETITOR_SUMMARY(creator="墨墨酱", n=2, competitor="Acme", days=90, date="2026-11-20")
    alert = AlertFactory(
        creator=creator, severity="high", title_message=title.as_dict(), summary_message=summary.as_dict()
    )
    subject, body = _email(alert)
    assert subject == "[Vetted] High alert: 2 sponsored posts for competitor Acme | 2 篇为竞品 Acme 发布的赞助帖子"
    english, chinese = body.split("———")
    assert "墨墨酱 published 2 paid posts for Acme in the last 90 days" in english and "Severity: High" in english
    assert "墨墨酱 最近 90 天内为 Acme 发布了 2 篇付费帖子" in chinese and "严重程度: 高" in chinese
    assert len(mail.outbox) == 0  # only worded here; alert_notify sends
