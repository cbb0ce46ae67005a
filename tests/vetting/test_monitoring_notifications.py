"""Notifications: signed webhooks (recipe, tampering, replay), retries with backoff, delivery log,
email; destinations checked against SSRF at save and at send; sending outside the request."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import time

import pytest
from django.core import mail

from core.errors import InputError
from core.services import outbound
from core.services.background import wait_for_background
from tests.factories import AlertFactory, NotificationSettingsFactory, OrganizationFactory
from tests.receivers import Answer, receiving
from vetting.models import DeliveryStatus, Severity, WebhookDelivery
from vetting.monitoring import notifications as n


def documented_verify(secret: str, body: bytes, timestamp: str, signature: str, now: float) -> bool:
    """The recipe of docs/monitoring.md, written out independently of the service's code."""
    if abs(now - int(timestamp)) > 300:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


@pytest.fixture
def receiver(settings):
    """A real receiver on a loopback port, which the allow-list lets webhooks reach."""
    settings.MONITORING_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with receiving() as r:
        yield r


@pytest.fixture
def hook(db, receiver):
    return NotificationSettingsFactory(
        webhook_url=receiver.url(), webhook_secret="whsec_s3cret", email_recipients=["ops@example.com"]
    )


@pytest.fixture
def sleeps(monkeypatch, settings):
    calls: list[float] = []
    monkeypatch.setattr(n, "sleep", calls.append)
    settings.MONITORING_WEBHOOK_EAGER_SLEEP_CAP = 10_000  # record the true backoff, never really wait
    settings.MONITORING_WEBHOOK_EAGER_BUDGET_SECONDS = 100_000
    settings.MONITORING_WEBHOOK_BACKOFF_SECONDS = 30
    settings.MONITORING_WEBHOOK_MAX_ATTEMPTS = 4
    return calls


def test_webhook_signature_verifies_with_the_documented_recipe(
    hook, receiver, sleeps, django_capture_on_commit_callbacks
) -> None:
    receiver.script = [Answer(status=204, body=b"")]
    alert = AlertFactory(organization=hook.organization, severity=Severity.HIGH)
    with django_capture_on_commit_callbacks(execute=True):
        n.alert_notify(alert_id=alert.pk)
    (call,) = receiver.received
    body = call.body
    headers = call.headers
    timestamp, signature = headers["X-Vetted-Timestamp"], headers["X-Vetted-Signature"]
    assert documented_verify("whsec_s3cret", body, timestamp, signature, now=time.time())
    assert n.verify_signature(secret="whsec_s3cret", body=body, timestamp=timestamp, signature=signature)
    payload = json.loads(body)
    assert payload["event"] == "alert.created" and payload["alert"]["id"] == alert.pk
    assert headers["X-Vetted-Delivery"] == payload["delivery_id"]
    assert headers["Host"] == f"127.0.0.1:{receiver.port}" and call.path == "/hook"

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


def test_failed_deliveries_are_retried_with_backoff_and_logged(
    hook, receiver, sleeps, settings, django_capture_on_commit_callbacks
) -> None:
    settings.MONITORING_WEBHOOK_TIMEOUT_SECONDS = 1
    receiver.script = [Answer(hang_seconds=1.5), Answer(status=500, body=b"oops"), Answer(status=200, body=b"ok")]
    alert = AlertFactory(organization=hook.organization)
    with django_capture_on_commit_callbacks(execute=True):
        n.alert_notify(alert_id=alert.pk)

    delivery = WebhookDelivery.objects.get(alert=alert)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.SUCCEEDED, 3, 200)
    log = list(delivery.attempt_log.order_by("number"))
    assert [a.number for a in log] == [1, 2, 3]
    assert "timed out" in log[0].error and log[0].status_code is None
    assert 900 <= log[0].duration_ms < 1500  # the attempt stopped at its time limit
    assert (log[1].status_code, log[1].error) == (500, "HTTP 500")
    assert log[2].succeeded and log[2].retry_in_seconds is None and log[2].response_excerpt == "ok"
    assert [a.retry_in_seconds for a in log[:2]] == [30, 60]  # exponential backoff
    assert sleeps == [30, 60]
    # Every attempt sent the same body, each with its own fresh signature.
    assert len({c.body for c in receiver.received}) == 1


def test_a_delivery_gives_up_after_the_last_attempt(hook, receiver, sleeps, django_capture_on_commit_callbacks) -> None:
    receiver.script = [Answer(status=503)]
    alert = AlertFactory(organization=hook.organization)
    with django_capture_on_commit_callbacks(execute=True):
        n.alert_notify(alert_id=alert.pk)
    delivery = WebhookDelivery.objects.get(alert=alert)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 4)
    assert delivery.finished_at is not None
    assert [a.retry_in_seconds for a in delivery.attempt_log.order_by("number")] == [30, 60, 120, None]
    assert sleeps == [30, 60, 120]
    assert len(receiver.received) == 4


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
    org = OrganizationFactory()
    with pytest.raises(InputError) as err:
        n.notification_settings_update(organization=org, webhook_url="ftp://example.com/x")
    assert err.value.field == "webhook_url"
    with pytest.raises(InputError) as err:
        n.notification_settings_update(organization=org, email_recipients=["ok@example.com", "nope"])
    assert err.value.field == "email_recipients[1]"
    config = n.notification_settings_update(
        organization=org, webhook_url="https://hooks.example.com/vetted", webhook_enabled=True
    )
    assert config.webhook_secret.startswith("whsec_")
    old = config.webhook_secret
    assert n.webhook_secret_rotate(organization=org).webhook_secret != old


# --- SSRF: where a webhook may go ------------------------------------------------------------------

REFUSED_URLS = [
    "http://127.0.0.1:6379/",
    "http://localhost:5432/",
    "http://sub.localhost/",
    "http://0.0.0.0/",
    "http://0/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://127.0.0.1./",
    "http://10.0.0.8/",
    "http://172.16.3.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://metadata/",
    "http://100.100.100.200/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[fe80::1]/",
    "http://[fd00:ec2::254]/",
    "http://[fc00::1]/",
    "http://[2002:7f00:1::]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "https://user:pass@127.0.0.1/",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_webhook_urls_that_reach_the_server_or_its_network_are_refused_at_save(db, url) -> None:
    org = OrganizationFactory()
    with pytest.raises(outbound.DestinationRefused) as err:
        n.notification_settings_update(organization=org, webhook_url=url, webhook_enabled=True)
    assert err.value.field == "webhook_url" and err.value.reason.startswith("refused:")
    assert not n.notification_settings_get(organization=org).webhook_url  # nothing saved


def test_host_names_are_resolved_at_save_and_every_address_is_checked(db, monkeypatch) -> None:
    org = OrganizationFactory()
    answers = {"inside.example.com": ["93.184.215.14", "10.1.2.3"], "nowhere.invalid": []}
    monkeypatch.setattr(outbound, "resolve_host", lambda host, port: answers[host])
    with pytest.raises(outbound.DestinationRefused) as err:
        n.notification_settings_update(organization=org, webhook_url="https://inside.example.com/x")
    assert "inside.example.com resolves to 10.1.2.3, a private address" in err.value.reason
    with pytest.raises(InputError) as err:
        n.notification_settings_update(organization=org, webhook_url="https://nowhere.invalid/x")
    assert "cannot be resolved" in err.value.reason


def test_the_allow_list_admits_named_hosts_addresses_and_networks(db, settings, monkeypatch) -> None:
    org = OrganizationFactory()
    monkeypatch.setattr(outbound, "resolve_host", lambda host, port: ["10.20.0.7"])
    settings.MONITORING_WEBHOOK_ALLOWED_HOSTS = ["hooks.lan", "127.0.0.1", "10.30.0.0/16"]
    for url in ("http://hooks.lan:8080/in", "http://127.0.0.1:9000/in", "http://10.30.4.5/in"):
        assert n.notification_settings_update(organization=org, webhook_url=url).webhook_url == url
    for url in ("http://other.lan/in", "http://127.0.0.2/in", "http://10.31.0.1/in", "http://localhost/in"):
        with pytest.raises(outbound.DestinationRefused):
            n.notification_settings_update(organization=org, webhook_url=url)


def test_a_real_loopback_listener_is_never_reached_without_the_allow_list(db, settings) -> None:
    """A URL stored before these checks (or by any way around the form) is checked again at send."""
    settings.MONITORING_WEBHOOK_ALLOWED_HOSTS = []
    with receiving() as listener:
        config = NotificationSettingsFactory(webhook_url=listener.url())
        for url in (listener.url(), listener.url(host="localhost"), f"http://2130706433:{listener.port}/"):
            with pytest.raises(outbound.DestinationRefused):
                n.notification_settings_update(organization=config.organization, webhook_url=url)
        delivery = n.webhook_ping(organization=config.organization)
        n.webhook_send_later(delivery.pk)
        delivery.refresh_from_db()
        assert listener.received == []
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)  # refused: not retried
    assert delivery.last_error.startswith("refused: 127.0.0.1 is a loopback address")


def test_the_allow_listed_test_receiver_gets_the_ping(db, receiver) -> None:
    org = OrganizationFactory()
    n.notification_settings_update(organization=org, webhook_url=receiver.url(), webhook_enabled=True)
    delivery = n.webhook_ping(organization=org)
    n.webhook_send_later(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and len(receiver.received) == 1
    assert json.loads(receiver.received[0].body)["event"] == "ping"


def test_a_name_that_resolves_elsewhere_at_send_is_refused_then(db, monkeypatch) -> None:
    """DNS rebinding: public when saved, loopback when sent. The send-time check sees it."""
    with receiving() as listener:
        answers = iter([["93.184.215.14"], ["127.0.0.1"]])
        monkeypatch.setattr(outbound, "resolve_host", lambda host, port: next(answers))
        org = OrganizationFactory()
        url = f"http://rebind.example.com:{listener.port}/hook"
        n.notification_settings_update(organization=org, webhook_url=url, webhook_enabled=True)
        delivery = n.webhook_ping(organization=org)
        n.webhook_send_later(delivery.pk)
        assert listener.received == []
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "rebind.example.com resolves to 127.0.0.1, a loopback address" in delivery.last_error


def test_the_attempt_connects_to_the_address_it_checked(db, settings, monkeypatch) -> None:
    """One resolution per attempt, by the check; the connection goes to that address with the
    URL's Host header, and the system resolver never sees the name again."""
    settings.MONITORING_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    lookups: list[str] = []

    def resolve(host, port):
        lookups.append(host)
        return ["127.0.0.1"]

    real_getaddrinfo = socket.getaddrinfo
    system_lookups: list[str] = []

    def getaddrinfo(host, *args, **kwargs):
        system_lookups.append(str(host))
        return real_getaddrinfo(host, *args, **kwargs)

    with receiving() as listener:
        org = OrganizationFactory()
        monkeypatch.setattr(outbound, "resolve_host", resolve)
        n.notification_settings_update(
            organization=org, webhook_url=f"http://hooks.internal.test:{listener.port}/in", webhook_enabled=True
        )
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        delivery = n.webhook_ping(organization=org)
        n.webhook_send_later(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert lookups == ["hooks.internal.test", "hooks.internal.test"]  # at save, at the one attempt
    assert "hooks.internal.test" not in system_lookups
    assert listener.received[0].headers["Host"] == f"hooks.internal.test:{listener.port}"


def test_redirects_are_not_followed(hook, receiver, sleeps) -> None:
    with receiving() as elsewhere:
        receiver.script = [Answer(status=302, body=b"", headers={"Location": elsewhere.url()})]
        delivery = n.webhook_ping(organization=hook.organization)
        n.webhook_deliver_within(delivery_id=delivery.pk, budget=100_000)
        assert elsewhere.received == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.FAILED, 4, 302)
    assert delivery.last_error == "HTTP 302 (redirects are not followed)"


def test_the_answer_is_kept_as_a_short_sanitised_excerpt(hook, receiver) -> None:
    receiver.script = [Answer(status=200, body=b"\x1b[2Jsecret\x00 dump\n\n" + "ü".encode() * 5000)]
    delivery = n.webhook_ping(organization=hook.organization)
    n.webhook_send_later(delivery.pk)
    attempt = delivery.attempt_log.get()
    assert attempt.succeeded and len(attempt.response_excerpt) <= n.RESPONSE_EXCERPT
    assert attempt.response_excerpt.startswith("[2Jsecret dump üü")
    assert all(ch.isprintable() for ch in attempt.response_excerpt)


# --- never inside the web request -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_a_slow_receiver_never_holds_the_request(settings, client) -> None:
    """Eager mode (no broker): the ping is sent from a background thread; the page answers at once
    and says the ping was queued; the delivery finishes in the background."""
    from tests.factories import MembershipFactory

    settings.BACKGROUND_THREADS = True
    settings.MONITORING_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with receiving() as slow:
        # The margin between the receiver's delay and the bound keeps the test true on a loaded
        # machine: a request that waited would take at least the full 8 s.
        slow.script = [Answer(status=200, hang_seconds=8)]
        member = MembershipFactory()
        NotificationSettingsFactory(organization=member.organization, webhook_url=slow.url())
        client.force_login(member.user)
        started = time.monotonic()
        response = client.post("/alerts/settings/test-webhook/", follow=True)
        elapsed = time.monotonic() - started
        delivery = WebhookDelivery.objects.get(organization=member.organization)
        assert elapsed < 6, f"the request waited {elapsed:.1f} s for the receiver"
        assert "Test ping queued" in response.content.decode()
        assert delivery.status == DeliveryStatus.PENDING
        assert wait_for_background(30)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and len(slow.received) == 1


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_a_delivery_stops_at_its_time_budget(settings) -> None:
    settings.BACKGROUND_THREADS = True
    settings.MONITORING_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.MONITORING_WEBHOOK_TIMEOUT_SECONDS = 1
    settings.MONITORING_WEBHOOK_EAGER_BUDGET_SECONDS = 3
    settings.MONITORING_WEBHOOK_EAGER_SLEEP_CAP = 1
    settings.MONITORING_WEBHOOK_MAX_ATTEMPTS = 50
    with receiving() as silent:
        silent.script = [Answer(hang_seconds=30)]
        config = NotificationSettingsFactory(webhook_url=silent.url())
        started = time.monotonic()
        delivery = n.webhook_ping(organization=config.organization)  # autocommit: sent at once
        assert time.monotonic() - started < 1
        assert wait_for_background(15)
        elapsed = time.monotonic() - started
    delivery.refresh_from_db()
    assert elapsed < 6, f"the budget of 3 s took {elapsed:.1f} s"
    assert delivery.status == DeliveryStatus.FAILED and "gave up after 3 s" in delivery.last_error
    assert 1 <= delivery.attempts <= 3


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

    from config.celery import app as celery_app
    from tests.workers import start_worker, wait_for

    url, received = flaky_receiver
    queue = f"monitoring-test-{os.getpid()}"  # a queue of our own: no other test's worker takes the task
    settings.MONITORING_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    routes_before = celery_app.conf.task_routes
    celery_app.conf.task_routes = {"vetting.tasks.deliver_webhook": {"queue": queue}}
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)  # the router caches the routes it was built with
    org = OrganizationFactory()
    n.notification_settings_update(organization=org, webhook_url=url, webhook_enabled=True)
    worker = start_worker(
        tmp_path,
        name="monitoring",
        queues=(queue,),
        env={
            "MONITORING_WEBHOOK_BACKOFF_SECONDS": "2",
            "MONITORING_WEBHOOK_MAX_ATTEMPTS": "3",
            "MONITORING_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",  # the test receiver listens on loopback
        },
    )
    try:
        delivery = n.webhook_ping(organization=org)  # autocommit: sent to the broker at once

        def finished() -> bool:
            delivery.refresh_from_db()
            return delivery.status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED)

        wait_for(finished, timeout=90, interval=0.5, alive=worker)
    finally:
        worker.stop()
        celery_app.conf.task_always_eager = True
        celery_app.conf.task_routes = routes_before
        celery_app.amqp.flush_routes()
        celery_app.amqp.__dict__.pop("router", None)
    assert delivery.status == DeliveryStatus.SUCCEEDED, worker.tail(3000)
    attempts = list(delivery.attempt_log.order_by("number"))
    assert [(a.number, a.status_code, a.retry_in_seconds) for a in attempts] == [(1, 500, 2), (2, 200, None)]
    assert len(received) == 2 and received[1]["at"] - received[0]["at"] >= 1.9  # the countdown was honoured
    assert received[0]["body"] == received[1]["body"]


@pytest.mark.django_db(transaction=True)
def test_without_a_worker_a_new_alerts_email_and_webhook_leave_the_request(settings) -> None:
    """What an evaluation does for each new alert (alert_notify_on_commit): without a worker the
    email and the webhook go to a background thread when the transaction commits."""
    from django.db import transaction

    settings.BACKGROUND_THREADS = True
    settings.MONITORING_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with receiving() as slow:
        slow.script = [Answer(status=200, hang_seconds=2)]
        config = NotificationSettingsFactory(webhook_url=slow.url(), email_recipients=["ops@example.com"])
        started = time.monotonic()
        with transaction.atomic():
            alert = AlertFactory(organization=config.organization)
            n.alert_notify_on_commit(alert)
        assert time.monotonic() - started < 1.5
        assert wait_for_background(20)
    delivery = WebhookDelivery.objects.get(alert=alert)
    assert delivery.status == DeliveryStatus.SUCCEEDED and len(slow.received) == 1
    assert [m.to for m in mail.outbox] == [["ops@example.com"]]


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
