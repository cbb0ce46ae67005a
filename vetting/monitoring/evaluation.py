"""Evaluating watches into alerts, idempotently, and the WATCH job around it."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import InputError
from core.messages import message_safe, render_message
from core.models import Job, JobKind, Organization
from core.services.jobs import job_submit
from influencers.follow_ups import AccountsChanged
from influencers.models import Account, Creator
from vetting import messages as m
from vetting.models import Alert, AlertStatus, RuleKind, Watch, WatchRule
from vetting.models.monitoring import SEVERITY_RANK
from vetting.monitoring import rules as r
from vetting.monitoring.creator_data import brand_context, load_creator_data
from vetting.monitoring.watches import active_watches, watch_targets, watched_creator_ids

logger = logging.getLogger(__name__)


CAUSE_KEY_LENGTH = 200


def cause_key(*, creator_id: int, brand_id: int | None, cause: str) -> str:
    """The alert's cause key within its organisation: creator, brand and episode (hashed when too
    long for the column). Not the rule or the watch: two watches of one brand that see the same
    posts (or the same spike) raise one alert, and editing or re-creating a rule does not re-raise."""
    key = f"c{creator_id}:b{brand_id or 0}:{cause}"
    if len(key) > CAUSE_KEY_LENGTH:
        key = f"c{creator_id}:b{brand_id or 0}:sha1:{hashlib.sha1(cause.encode()).hexdigest()}"
    return key


def _anomaly_cause(hit: r.Hit) -> str:
    # A standing condition (engagement far below/above its benchmark) is one cause per account
    # and tier, not one per evaluation day.
    anomaly = hit.evidence.get("anomaly", "")
    if anomaly.startswith("engagement_far_"):
        tier = (hit.evidence.get("benchmark") or {}).get("tier", "")
        return f"{hit.kind}:a{hit.account_id}:{anomaly}:{tier}"
    return hit.cause


@dataclass
class EvaluationResult:
    """What an evaluation did."""

    creators: int = 0
    rules: int = 0
    hits: int = 0
    created: int = 0
    updated: int = 0
    suppressed: int = 0
    invalid_rules: int = 0
    alert_ids: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "creators": self.creators,
            "rules": self.rules,
            "hits": self.hits,
            "alerts_created": self.created,
            "alerts_updated": self.updated,
            "alerts_suppressed": self.suppressed,
            "invalid_rules": self.invalid_rules,
        }


def _alert_words(hit: r.Hit) -> dict[str, Any]:
    """An alert's texts: English for emails, webhooks and search; the messages for the faces."""
    return {
        "title": render_message(hit.title, "en")[:300],
        "summary": render_message(hit.summary, "en"),
        "title_message": hit.title.as_dict(),
        "summary_message": hit.summary.as_dict(),
        "evidence": message_safe(hit.evidence),
    }


def _raise_alert(
    *, watch: Watch, rule: WatchRule, creator_id: int, hit: r.Hit, as_of: dt.datetime
) -> tuple[str, Alert | None]:
    """Create the alert of `hit`, or refresh the live one with the same cause. Returns
    ("created" | "updated" | "suppressed", alert)."""
    cause = _anomaly_cause(hit) if hit.kind in (RuleKind.GROWTH_ANOMALY, RuleKind.ENGAGEMENT_ANOMALY) else hit.cause
    key = cause_key(creator_id=creator_id, brand_id=watch.brand_id, cause=cause)
    organization = watch.organization
    with transaction.atomic():
        live = (
            Alert.objects.select_for_update()
            .filter(organization=organization, cause_key=key)
            .exclude(status=AlertStatus.RESOLVED)
            .first()
        )
        words = _alert_words(hit)
        if live is not None:
            live.evidence = words["evidence"]
            for name in ("title", "summary", "title_message", "summary_message"):
                setattr(live, name, words[name])
            if SEVERITY_RANK.get(hit.severity, 0) > SEVERITY_RANK.get(live.severity, 0):
                live.severity = hit.severity  # escalate, never quietly downgrade
            live.last_seen_at = as_of
            live.save(
                update_fields=[
                    "evidence",
                    "title",
                    "summary",
                    "title_message",
                    "summary_message",
                    "severity",
                    "last_seen_at",
                    "updated_at",
                ]
            )
            return "updated", live
        if Alert.objects.filter(organization=organization, cause_key=key, status=AlertStatus.RESOLVED).exists():
            return "suppressed", None
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    organization=organization,
                    watch=watch,
                    rule=rule,
                    kind=rule.kind,
                    brand=watch.brand,
                    creator_id=creator_id,
                    account_id=hit.account_id,
                    severity=hit.severity,
                    cause_key=key,
                    **words,
                )
        except IntegrityError:
            # Another evaluation raised the same cause between our read and our insert: the
            # database constraint kept it to one alert, which is what we wanted.
            return "updated", Alert.objects.filter(organization=organization, cause_key=key).exclude(
                status=AlertStatus.RESOLVED
            ).first()
    from vetting.monitoring.notifications import alert_notify_on_commit

    alert_notify_on_commit(alert)
    return "created", alert


def evaluate_watches(
    *,
    creator_ids: Iterable[int] | None = None,
    organization: Organization | None = None,
    as_of: dt.datetime | None = None,
) -> EvaluationResult:
    """Evaluate every active rule of every active watch on its creators (only `creator_ids` when
    given; only `organization`'s watches when given) and raise alerts idempotently."""
    as_of = as_of or timezone.now()
    result = EvaluationResult()
    watches = active_watches(organization)
    targets = watch_targets(watches)
    wanted = set(creator_ids) if creator_ids is not None else None
    rules_by_watch: dict[int, list[tuple[WatchRule, Any]]] = defaultdict(list)
    for rule in WatchRule.objects.filter(watch__in=watches, is_active=True).order_by("id"):
        try:
            parsed = r.parse_params(rule.kind, rule.params, source=f"rule {rule.pk}")
        except InputError as exc:
            logger.warning("skipping watch rule %s: %s", rule.pk, exc)
            result.invalid_rules += 1
            continue
        rules_by_watch[rule.watch_id].append((rule, parsed))
    work: dict[int, list[tuple[Watch, WatchRule, Any]]] = defaultdict(list)
    for watch in watches:
        creators = targets.get(watch.pk, set())
        if wanted is not None:
            creators &= wanted
        for creator_id in creators:
            for rule, parsed in rules_by_watch.get(watch.pk, []):
                work[creator_id].append((watch, rule, parsed))
    result.rules = sum(len(v) for v in rules_by_watch.values())
    creators_by_id = Creator.objects.in_bulk(list(work))
    for creator_id in sorted(work):
        items = work[creator_id]
        creator = creators_by_id.get(creator_id)
        if creator is None:
            continue
        kinds = {rule.kind for _, rule, _ in items}
        lookback = max(r.lookback_days(rule.kind, parsed) for _, rule, parsed in items)
        data = load_creator_data(creator, kinds=kinds, lookback_days=lookback, as_of=as_of)
        result.creators += 1
        for watch, rule, parsed in items:
            hits = r.evaluate_rule(rule.kind, parsed, data, brand_context(watch.brand), as_of=as_of)
            result.hits += len(hits)
            for hit in hits:
                outcome, alert = _raise_alert(watch=watch, rule=rule, creator_id=creator_id, hit=hit, as_of=as_of)
                if outcome == "created":
                    result.created += 1
                elif outcome == "updated":
                    result.updated += 1
                else:
                    result.suppressed += 1
                if alert is not None:
                    result.alert_ids.append(alert.pk)
    return result


def evaluate_after_data_change(account_ids: Iterable[int]) -> Job | None:
    """Hook for the end of every import and refresh: queue a WATCH job that evaluates the watched
    creators among the changed accounts (none when nobody watches them)."""
    ids = list(dict.fromkeys(int(a) for a in account_ids))
    if not ids:
        return None
    creator_ids = set(Account.objects.filter(pk__in=ids).values_list("creator_id", flat=True))
    watched = watched_creator_ids(creator_ids=creator_ids)
    if not watched:
        return None
    return job_submit(kind=JobKind.WATCH, params={"creator_ids": sorted(watched), "trigger": "data change"})


def watch_evaluation_enqueue(*, organization: Organization | None = None, user=None) -> Job:  # noqa: ANN001
    """A WATCH job over every watched creator (of `organization` when given), e.g. on demand or
    from the scheduler."""
    params: dict[str, Any] = {"trigger": "on demand" if user is not None else "schedule"}
    if organization is not None:
        params["organization_id"] = organization.pk
    return job_submit(kind=JobKind.WATCH, params=params, organization=organization, user=user)


def run_watch_job(job: Job) -> dict[str, Any]:
    """JobKind.WATCH handler: params `creator_ids` (optional) and `organization_id` (optional)."""
    from core.services.jobs import job_log, job_progress

    params = job.params or {}
    creator_ids = params.get("creator_ids")
    if creator_ids is not None and (
        not isinstance(creator_ids, list)
        or not all(isinstance(c, int) and not isinstance(c, bool) for c in creator_ids)
    ):
        raise InputError("must be a list of creator ids", source=f"job {job.pk}", field="creator_ids")
    organization = None
    if params.get("organization_id") is not None:
        organization = Organization.objects.filter(pk=params["organization_id"]).first()
        if organization is None:
            raise InputError("unknown organisation", source=f"job {job.pk}", field="organization_id")
    outcome = evaluate_watches(creator_ids=creator_ids, organization=organization)
    counts = outcome.counts()
    job_progress(job=job, done=job.total, counts=counts)
    job_log(
        job=job,
        message=m.WATCH_EVALUATED(
            creators=outcome.creators,
            rules=outcome.rules,
            hits=outcome.hits,
            created=outcome.created,
            updated=outcome.updated,
            suppressed=outcome.suppressed,
            invalid=outcome.invalid_rules,
        ),
    )
    return {"counts": counts, "alert_ids": outcome.alert_ids[:1000]}


def watches_after_change(change: AccountsChanged) -> str | None:
    """Follow-up of a catalogue change: re-evaluate the watches that follow the changed accounts."""
    if not change.recompute:
        return None
    job = evaluate_after_data_change(change.account_ids)
    return None if job is None else f"watches re-evaluated by job {job.pk}"
