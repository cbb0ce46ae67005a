"""Continuous vetting: what an organisation watches, the alerts the watch raises, and how it is told.

A `Watch` names the creators to keep an eye on (a shortlist, or creators picked one by one) for an
organisation and optionally one of its brands; its `WatchRule`s say what to look for. Evaluating
the rules (`vetting.monitoring`) raises `Alert`s with their evidence; a new alert is
sent by email and signed webhook per the organisation's `NotificationSettings`, and every
webhook attempt is kept in `WebhookDelivery` / `WebhookAttempt`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models.tenancy import Organization
from influencers.models.catalogue import Account, Creator
from vetting.models.brands import Brand
from vetting.models.shortlists import Shortlist


class RuleKind(models.TextChoices):
    KEYWORD = "keyword", "Excluded keywords or topics"
    SENTIMENT = "sentiment", "Negative comment sentiment"
    GROWTH_ANOMALY = "growth_anomaly", "Follower growth anomaly"
    ENGAGEMENT_ANOMALY = "engagement_anomaly", "Engagement anomaly"
    COMPETITOR = "competitor", "Competitor sponsorship"


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


# Order of severities, for "at least medium" comparisons (looked up by the stored strings).
SEVERITY_RANK: dict[str, int] = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


class Watch(models.Model):
    """Creators an organisation keeps watching: every creator of `shortlist` (followed as the list
    changes), or the creators picked in `creators`. `brand` supplies excluded keywords/topics and
    competitors to rules that ask for the brand's own lists."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="watches")
    brand = models.ForeignKey(Brand, on_delete=models.SET_NULL, null=True, blank=True, related_name="watches")
    name = models.CharField(max_length=200)
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, null=True, blank=True, related_name="watches")
    creators = models.ManyToManyField(Creator, blank=True, related_name="watches")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "watches"
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="watch_unique_org_name")]

    def __str__(self) -> str:
        return self.name


class WatchRule(models.Model):
    """One thing to look for on a watch's creators. `params` holds the kind's thresholds (see
    `vetting.monitoring.rules.parse_params` for each kind's fields and defaults)."""

    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(max_length=30, choices=RuleKind.choices)
    name = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["watch_id", "kind", "id"]

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} on {self.watch}"


class Alert(models.Model):
    """A rule hit on a creator, with the evidence (posts, comments, dates, numbers) that raised it.
    Messages in the evidence (an anomaly's `why`) are stored as {"code", "params"} too.

    `cause_key` names the cause (creator, brand and the episode that fired, e.g. the first post of
    a keyword burst or the first day of a sentiment spike). The database refuses a second alert
    with the same cause in one organisation while one is open or acknowledged, so re-evaluating
    (or two watches seeing the same thing) never duplicates.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="alerts")
    watch = models.ForeignKey(Watch, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts")
    rule = models.ForeignKey(WatchRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts")
    kind = models.CharField(max_length=30, choices=RuleKind.choices, help_text="The rule's kind when raised")
    brand = models.ForeignKey(Brand, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="alerts")
    account = models.ForeignKey(Account, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts")
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    title = models.CharField(max_length=300, help_text="In English: emails, webhooks, search, the admin")
    summary = models.TextField(blank=True)
    # The same as messages ({"code", "params"}, core.messages), worded in each reader's language by
    # the faces; None for alerts raised before messages existed (their English text is shown).
    title_message = models.JSONField(null=True, blank=True)
    summary_message = models.JSONField(null=True, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    cause_key = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True, help_text="Last evaluation that still saw the cause")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(
        auto_now=True, help_text="Last change a client sees: raised, seen again, acknowledged, resolved (sync)"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "cause_key"],
                condition=~Q(status="resolved"),
                name="alert_unique_live_cause",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "status", "-created_at"], name="alert_org_status_created"),
            models.Index(fields=["organization", "cause_key"], name="alert_org_cause"),
            models.Index(fields=["organization", "updated_at"], name="alert_org_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} {self.kind} alert on {self.creator} ({self.status})"


class NotificationSettings(models.Model):
    """How an organisation hears about new alerts: emails to `email_recipients`, and a JSON POST
    to `webhook_url` signed with `webhook_secret` (HMAC-SHA256; see docs/monitoring.md). Only
    alerts of `min_severity` or above are sent."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="notification_settings"
    )
    email_enabled = models.BooleanField(default=True)
    email_recipients = models.JSONField(default=list, blank=True)
    webhook_enabled = models.BooleanField(default=False)
    webhook_url = models.URLField(max_length=1000, blank=True)
    webhook_secret = models.CharField(max_length=200, blank=True)
    min_severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.LOW)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"notification settings of {self.organization}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RETRYING = "retrying", "Retrying"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One webhook message (the exact body sent on every attempt) and how its delivery went."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="webhook_deliveries")
    alert = models.ForeignKey(Alert, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries")
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=50, help_text="e.g. alert.created, ping")
    url = models.URLField(max_length=1000)
    body = models.TextField(help_text="The JSON body, byte for byte as signed and sent")
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["organization", "-created_at"], name="delivery_org_created")]

    def __str__(self) -> str:
        return f"{self.event} to {self.url} ({self.status}, {self.attempts} attempts)"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a webhook delivery: when, the signed timestamp, the answer or the error,
    and the wait before the next attempt (None when there is none)."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    at = models.DateTimeField(auto_now_add=True)
    signed_timestamp = models.BigIntegerField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    succeeded = models.BooleanField(default=False)
    retry_in_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["delivery_id", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_unique_number")]

    def __str__(self) -> str:
        outcome = "ok" if self.succeeded else (self.status_code or self.error[:40])
        return f"attempt {self.number} of {self.delivery_id}: {outcome}"
