"""Notification settings page (/alerts/settings/): the form, the webhook secret shown exactly once,
the test ping, the delivery log; viewers read only; another organisation's data never shows."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.models import Role
from tests.factories import (
    MembershipFactory,
    NotificationSettingsFactory,
    WebhookAttemptFactory,
    WebhookDeliveryFactory,
)
from vetting.models import NotificationSettings, WebhookDelivery
from vetting.monitoring.notifications import notification_settings_get

pytestmark = pytest.mark.django_db

URL = "/alerts/settings/"


def text(response) -> str:
    return response.content.decode()


def field_errors(html: str, field: str) -> list[str]:
    return re.findall(rf'<span class="error" role="alert" data-error-for="{field}">(.*?)</span>', html, re.S)


def settings_data(**changes: str) -> dict[str, str]:
    data = {"email_enabled": "on", "email_recipients": "", "webhook_url": "", "min_severity": "low"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_url_and_defaults(ui, member):
    assert reverse("frontend:alert_settings") == URL
    body = text(ui.get(URL))
    assert 'name="email_enabled" id="id_email_enabled" checked' in body  # email on by default
    assert 'name="webhook_enabled"' in body and "No signing secret yet" in body
    assert 'data-testid="deliveries-empty"' in body


def test_save_recipients_and_minimum_severity(ui, member):
    recipients = "a@example.com\nb@example.com, a@example.com"
    response = ui.post(URL, settings_data(email_recipients=recipients, min_severity="high"))
    assert response.status_code == 302
    config = NotificationSettings.objects.get(organization=member.organization)
    assert config.email_recipients == ["a@example.com", "b@example.com"] and config.min_severity == "high"
    assert config.updated_by == member.user and not config.webhook_secret
    assert "a@example.com\nb@example.com</textarea>" in text(ui.get(URL))


def test_enabling_the_webhook_shows_the_new_secret_once(ui, member):
    response = ui.post(URL, settings_data(webhook_enabled="on", webhook_url="https://hooks.example.com/in"))
    config = NotificationSettings.objects.get(organization=member.organization)
    assert response.status_code == 200 and config.webhook_enabled and config.webhook_secret.startswith("whsec_")
    assert config.webhook_secret in text(response) and 'data-testid="webhook-secret"' in text(response)
    assert "no-store" in response["Cache-Control"]
    later = text(ui.get(URL))
    assert config.webhook_secret not in later and "A signing secret is set" in later
    # Saving again (secret already there) does not show it.
    again = ui.post(URL, settings_data(webhook_enabled="on", webhook_url="https://hooks.example.com/other"))
    assert again.status_code == 302 and config.webhook_secret not in text(ui.get(URL))


def test_rotate_shows_the_new_secret_once_and_replaces_the_old(ui, member):
    old = NotificationSettingsFactory(organization=member.organization).webhook_secret
    response = ui.post(reverse("frontend:alert_settings_rotate"))
    new = notification_settings_get(organization=member.organization).webhook_secret
    assert response.status_code == 200 and new != old and new in text(response) and old not in text(response)
    assert "no-store" in response["Cache-Control"]
    assert new not in text(ui.get(URL))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"webhook_enabled": "on", "webhook_url": ""}, "webhook_url", "a webhook needs a URL"),
        ({"webhook_url": "ftp://files.example.com/x"}, "webhook_url", "must be an http(s) URL"),
        ({"email_recipients": "ok@example.com\nnot-an-address"}, "email_recipients", "not-an-address"),
        ({"min_severity": "apocalyptic"}, "min_severity", "valid choice"),
    ],
)
def test_bad_settings_show_the_field_error_and_change_nothing(ui, member, data, field, message):
    before = notification_settings_get(organization=member.organization)
    response = ui.post(URL, settings_data(**{"min_severity": "high", **data}))
    assert response.status_code == 422
    errors = field_errors(text(response), field)
    assert any(message in e for e in errors), errors
    after = notification_settings_get(organization=member.organization)
    assert (after.min_severity, after.webhook_enabled, after.webhook_secret) == (before.min_severity, False, "")


def test_test_ping_is_queued_and_listed_with_its_status(
    ui,
    member,
    django_capture_on_commit_callbacks,
    monkeypatch,
) -> None:
    from vetting.monitoring import notifications

    NotificationSettingsFactory(organization=member.organization)
    sent: list[int] = []
    monkeypatch.setattr(notifications, "webhook_send_later", lambda pk: sent.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = ui.post(reverse("frontend:alert_settings_ping"))
    delivery = WebhookDelivery.objects.get(organization=member.organization)
    assert response.status_code == 302 and response["Location"] == URL + "#deliveries"
    assert delivery.event == "ping" and sent == [delivery.pk]
    body = text(ui.get(URL))
    row = re.search(rf'<tr id="delivery-{delivery.pk}">.*?</tr>', body, re.S).group(0)
    assert "<code>ping</code>" in row and "badge-pending" in row
    assert 'hx-trigger="every 3s"' in body  # the list polls while a delivery is pending


def test_ping_without_a_webhook_says_what_to_do(ui, member):
    response = ui.post(reverse("frontend:alert_settings_ping"), follow=True)
    assert "set a webhook URL (and enable it) first" in text(response)
    assert not WebhookDelivery.objects.exists()


def test_delivery_log_shows_the_last_20_with_attempts_and_only_this_organisation(ui, member):
    org = member.organization
    deliveries = WebhookDeliveryFactory.create_batch(21, organization=org)
    failed = WebhookDeliveryFactory(
        organization=org, status="failed", attempts=1, last_status_code=500, last_error="HTTP 500"
    )
    deliveries.append(failed)
    WebhookAttemptFactory(delivery=failed, number=1, status_code=500, error="HTTP 500", succeeded=False, duration_ms=12)
    foreign = WebhookDeliveryFactory(organization=MembershipFactory().organization, event="ping")
    body = text(ui.get(URL))
    shown = re.findall(r'<tr id="delivery-(\d+)">', body)
    assert len(shown) == 20 and str(deliveries[0].pk) not in shown and str(foreign.pk) not in shown
    row = re.search(rf'<tr id="delivery-{failed.pk}">.*?</tr>', body, re.S).group(0)
    assert "badge-failed" in row and "HTTP 500" in row and "12 ms" in row


def test_only_owners_see_what_a_receiver_answered(client, member):
    delivery = WebhookDeliveryFactory(organization=member.organization, status="succeeded", attempts=1)
    WebhookAttemptFactory(delivery=delivery, number=1, response_excerpt="receiver build 1.2.3")
    seen = {}
    for role in (Role.OWNER, Role.EDITOR, Role.VIEWER):
        someone = MembershipFactory(organization=member.organization, role=role)
        client.force_login(someone.user)
        body = text(client.get(URL))
        row = re.search(rf'<tr id="delivery-{delivery.pk}">.*?</tr>', body, re.S).group(0)
        seen[role] = ("HTTP 200" in row, "receiver build 1.2.3" in body)
    assert seen == {Role.OWNER: (True, True), Role.EDITOR: (True, False), Role.VIEWER: (True, False)}


def test_refused_webhook_urls_are_form_errors(ui, member):
    for target in ("http://127.0.0.1:5432/", "http://0x7f000001/", "http://metadata.google.internal/"):
        response = ui.post(URL, settings_data(webhook_enabled="on", webhook_url=target))
        assert response.status_code == 422, target
        assert "refused" in text(response)
    assert not notification_settings_get(organization=member.organization).webhook_url


def test_viewer_reads_the_settings_but_cannot_change_them(client, member):
    config = NotificationSettingsFactory(organization=member.organization)
    viewer = MembershipFactory(organization=member.organization, role=Role.VIEWER)
    client.force_login(viewer.user)
    body = text(client.get(URL))
    assert "alerts@example.com" in body and config.webhook_secret not in body
    assert 'name="webhook_url"' in body and re.search(r'name="webhook_url"[^>]*disabled', body)
    assert "settings-save" not in body and "rotate-secret" not in body and "send-ping" not in body
    assert client.post(URL, settings_data(min_severity="high")).status_code == 403
    assert client.post(reverse("frontend:alert_settings_rotate")).status_code == 403
    assert client.post(reverse("frontend:alert_settings_ping")).status_code == 403
    config.refresh_from_db()
    assert config.min_severity == "low" and config.webhook_secret == "whsec_test_secret"
    assert not WebhookDelivery.objects.exists()


def test_settings_page_in_chinese(ui, member):
    ui.post(reverse("set_language"), {"language": "zh-hans", "next": URL})
    body = text(ui.get(URL))
    assert "通知设置" in body and "最近的投递" in body
