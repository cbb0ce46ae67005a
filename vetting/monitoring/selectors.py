"""Monitoring reads (watches, rules, alerts, webhook deliveries), always within one organisation."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Exists, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from core.errors import InputError
from core.models import Organization
from core.selectors.lookup import MAX_ID, get_or_not_found
from influencers.models import Creator
from vetting.models import Alert, AlertStatus, RuleKind, Severity, Watch, WatchRule, WebhookAttempt, WebhookDelivery


def _watch_covers_alert(watches: QuerySet[Watch]) -> Exists:
    """Whether one of `watches` covers the outer Alert: it raised it, or it would have raised it
    now. An alert's cause is kept once per organisation (`Alert.cause_key`: creator, brand,
    episode), so a second watch of the same brand seeing the same cause does not get an alert
    of its own; it covers the existing one when it has an active rule of the alert's kind, the
    same brand (or none on both) and watches the alert's creator (picked or on its shortlist)."""
    same_cause = (
        Q(brand_key=Coalesce(OuterRef("brand_id"), Value(0)))
        & Q(rules__kind=OuterRef("kind"), rules__is_active=True)
        & (Q(creators=OuterRef("creator_id")) | Q(shortlist__entries__creator_id=OuterRef("creator_id")))
    )
    return Exists(
        watches.filter(organization_id=OuterRef("organization_id"))
        .annotate(brand_key=Coalesce("brand_id", Value(0)))
        .filter(Q(pk=OuterRef("watch_id")) | same_cause)
    )


def watch_list(*, organization: Organization) -> QuerySet[Watch]:
    """The organisation's watches with their rules, picked creators, brand and shortlist.
    `open_alerts` counts the open alerts each watch covers (`_watch_covers_alert`), also those
    raised first by another watch."""
    covered = (
        Alert.objects.filter(status=AlertStatus.OPEN)
        .filter(_watch_covers_alert(Watch.objects.filter(pk=OuterRef(OuterRef("pk")))))
        .order_by()
        .annotate(n=Func(Value(1), function="COUNT"))
        .values("n")
    )
    return (
        Watch.objects.filter(organization=organization)
        .select_related("brand", "shortlist", "created_by")
        .prefetch_related(
            Prefetch("rules", queryset=WatchRule.objects.order_by("kind", "id")),
            Prefetch("creators", queryset=Creator.objects.only("id", "display_name").order_by("id")),
        )
        .annotate(open_alerts=Coalesce(Subquery(covered, output_field=IntegerField()), 0))
        .order_by("name", "id")
    )


def watch_get(*, organization: Organization, watch_id: object) -> Watch:
    return get_or_not_found(watch_list(organization=organization), watch_id, what="watch")


def rule_get(*, organization: Organization, rule_id: object) -> WatchRule:
    return get_or_not_found(
        WatchRule.objects.select_related("watch").filter(watch__organization=organization), rule_id, what="rule"
    )


def _choice(value: str | None, choices: list[str], field: str) -> list[str] | None:
    """A comma-separated filter value checked against `choices` (None when not given)."""
    if value in (None, ""):
        return None
    wanted = [v.strip() for v in str(value).split(",") if v.strip()]
    unknown = [v for v in wanted if v not in choices]
    if unknown:
        raise InputError(f"unknown value(s) {', '.join(unknown)} (choose from {', '.join(choices)})", field=field)
    return wanted


def alert_list(
    *,
    organization: Organization,
    status: str | None = None,
    severity: str | None = None,
    kind: str | None = None,
    creator_id: object = None,
    brand_id: object = None,
    watch_id: object = None,
) -> QuerySet[Alert]:
    """The organisation's alerts, newest first, filtered by status/severity/kind (comma-separated
    values allowed), creator, brand or watch (the alerts the watch covers: `_watch_covers_alert`)."""
    alerts = Alert.objects.filter(organization=organization).select_related(
        "creator", "account", "brand", "watch", "acknowledged_by", "resolved_by"
    )
    statuses = _choice(status, list(AlertStatus.values), "status")
    if statuses:
        alerts = alerts.filter(status__in=statuses)
    severities = _choice(severity, list(Severity.values), "severity")
    if severities:
        alerts = alerts.filter(severity__in=severities)
    kinds = _choice(kind, list(RuleKind.values), "kind")
    if kinds:
        alerts = alerts.filter(kind__in=kinds)
    for field, value in (("creator_id", creator_id), ("brand_id", brand_id), ("watch_id", watch_id)):
        if value not in (None, ""):
            try:
                number = int(str(value))
                if not 0 < number < MAX_ID:  # no row has an id beyond the column's range
                    alerts = alerts.none()
                elif field == "watch_id":
                    alerts = alerts.filter(_watch_covers_alert(Watch.objects.filter(pk=number)))
                else:
                    alerts = alerts.filter(**{field: number})
            except ValueError as exc:
                raise InputError("must be a whole number", field=field.removesuffix("_id")) from exc
    return alerts.order_by("-created_at", "-id")


def alert_get(*, organization: Organization, alert_id: object) -> Alert:
    return get_or_not_found(alert_list(organization=organization), alert_id, what="alert")


def alert_counts(*, organization: Organization) -> dict[str, int]:
    """Number of alerts per status (for the inbox tabs)."""
    rows = Alert.objects.filter(organization=organization).values("status").annotate(n=Count("id"))
    counts = {s: 0 for s in AlertStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def delivery_list(*, organization: Organization) -> QuerySet[WebhookDelivery]:
    """The organisation's webhook deliveries with every attempt, newest first."""
    return (
        WebhookDelivery.objects.filter(organization=organization)
        .prefetch_related(Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number")))
        .order_by("-created_at", "-id")
    )


def recent_deliveries(*, organization: Organization, limit: int = 20) -> list[WebhookDelivery]:
    """The organisation's newest webhook deliveries (at most `limit`) with their alert and every
    attempt, for the notification settings page."""
    return list(delivery_list(organization=organization).select_related("alert")[:limit])


def watch_creator_choices(*, organization: Organization, include_ids: Iterable[int] = ()) -> QuerySet[Creator]:
    """Creators a person can pick for a watch: those on any of the organisation's shortlists,
    plus `include_ids` (a watch's current picks), by name. Only id and name are loaded."""
    ids = [int(i) for i in include_ids]
    return (
        Creator.objects.filter(Q(shortlist_entries__shortlist__organization=organization) | Q(pk__in=ids))
        .distinct()
        .only("id", "display_name")
        .order_by("display_name", "id")
    )
