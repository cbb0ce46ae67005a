"""Continuous vetting: watches and rules, evaluation into alerts, alert triage, price estimates.

- `watch_*` / `watch_rule_*`: an organisation's watches (a shortlist or picked creators, with an
  optional brand) and their rules, validated by `influencers.monitoring.rules.parse_params`.
- `evaluate_watches`: loads the data of the watched creators, runs the pure rule evaluators and
  raises alerts idempotently: one live (open or acknowledged) alert per cause, enforced by the
  database (`alert_unique_live_cause`); a cause already resolved is not raised again. New alerts
  are sent by email and webhook after the transaction commits (`influencers.services.notifications`).
- `evaluate_after_data_change(account_ids)`: called at the end of every import and refresh;
  queues a WATCH job for the watched creators among the changed accounts.
- `alert_acknowledge` / `alert_resolve`: triage, recording who and when.
- `estimates_for_creator` / `estimate_for_account`: reach, cost per post, CPM and CPE, labelled
  as estimates, with the rate table's sources and date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from influencers.errors import InputError, InvalidState
from influencers.models import (
    Account,
    AccountSnapshot,
    Alert,
    AlertStatus,
    Brand,
    CommentSample,
    Creator,
    Job,
    JobKind,
    Organization,
    Post,
    RuleKind,
    Shortlist,
    ShortlistEntry,
    Watch,
    WatchRule,
)
from influencers.models.monitoring import SEVERITY_RANK
from influencers.monitoring import estimates as est
from influencers.monitoring import rules as r
from influencers.monitoring.sentiment import analyze
from influencers.monitoring.spikes import detect_spike_days

logger = logging.getLogger(__name__)

MAX_LOOKBACK_DAYS = 730
CAUSE_KEY_LENGTH = 200


# --- watches and rules -----------------------------------------------------------------------------


def _clean_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InputError("must not be empty", field="name")
    if len(name.strip()) > 200:
        raise InputError("at most 200 characters", field="name")
    return name.strip()


def _check_owned(organization: Organization, brand: Brand | None, shortlist: Shortlist | None) -> None:
    if brand is not None and brand.organization_id != organization.pk:
        raise InputError("is not a brand of this organisation", field="brand")
    if shortlist is not None and shortlist.organization_id != organization.pk:
        raise InputError("is not a shortlist of this organisation", field="shortlist")


def _creators(creator_ids: Iterable[int]) -> list[Creator]:
    ids = list(dict.fromkeys(creator_ids))
    found = list(Creator.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {c.pk for c in found})
    if missing:
        raise InputError(f"unknown creator id(s) {', '.join(map(str, missing[:10]))}", field="creator_ids")
    return found


@transaction.atomic
def watch_create(
    *,
    organization: Organization,
    name: str,
    brand: Brand | None = None,
    shortlist: Shortlist | None = None,
    creator_ids: Sequence[int] = (),
    is_active: bool = True,
    rules: Sequence[dict[str, Any]] = (),
    user=None,  # noqa: ANN001
) -> Watch:
    """A watch on a shortlist (followed as it changes) or on picked creators, not both, with
    optional `rules` ({kind, params, name, is_active} each) created in the same transaction."""
    name = _clean_name(name)
    _check_owned(organization, brand, shortlist)
    if shortlist is None and not creator_ids:
        raise InputError("name a shortlist or at least one creator to watch", field="creator_ids")
    if shortlist is not None and creator_ids:
        raise InputError("watch either a shortlist or picked creators, not both", field="creator_ids")
    if Watch.objects.filter(organization=organization, name=name).exists():
        raise InputError(f"a watch named {name!r} exists already", field="name")
    creators = _creators(creator_ids)
    watch = Watch.objects.create(
        organization=organization,
        name=name,
        brand=brand if brand is not None else (shortlist.brand if shortlist is not None else None),
        shortlist=shortlist,
        is_active=is_active,
        created_by=user if user is not None and user.pk else None,
    )
    watch.creators.set(creators)
    for i, spec in enumerate(rules):
        try:
            watch_rule_create(
                watch=watch,
                kind=spec.get("kind", ""),
                params=spec.get("params") or {},
                name=spec.get("name", ""),
                is_active=spec.get("is_active", True),
            )
        except InputError as exc:
            raise InputError(exc.reason, field=f"rules[{i}].{exc.field or 'kind'}") from exc
    return watch


_UNSET: Any = object()


@transaction.atomic
def watch_update(
    *,
    watch: Watch,
    name: str = _UNSET,
    brand: Brand | None = _UNSET,
    shortlist: Shortlist | None = _UNSET,
    creator_ids: Sequence[int] = _UNSET,
    is_active: bool = _UNSET,
) -> Watch:
    """Change what a watch looks at; fields not given stay as they are."""
    organization = watch.organization
    if name is not _UNSET:
        name = _clean_name(name)
        if Watch.objects.filter(organization=organization, name=name).exclude(pk=watch.pk).exists():
            raise InputError(f"a watch named {name!r} exists already", field="name")
        watch.name = name
    if brand is not _UNSET:
        _check_owned(organization, brand, None)
        watch.brand = brand
    if shortlist is not _UNSET:
        _check_owned(organization, None, shortlist)
        watch.shortlist = shortlist
    if is_active is not _UNSET:
        watch.is_active = bool(is_active)
    new_creators = _creators(creator_ids) if creator_ids is not _UNSET else None
    has_creators = bool(new_creators) if new_creators is not None else watch.creators.exists()
    if watch.shortlist_id is None and not has_creators:
        raise InputError("name a shortlist or at least one creator to watch", field="creator_ids")
    if watch.shortlist_id is not None and has_creators:
        raise InputError("watch either a shortlist or picked creators, not both", field="creator_ids")
    watch.save()
    if new_creators is not None:
        watch.creators.set(new_creators)
    return watch


def watch_delete(*, watch: Watch) -> None:
    """Delete a watch and its rules; its alerts stay (their watch and rule become empty)."""
    watch.delete()


def watch_rule_create(
    *, watch: Watch, kind: str, params: dict[str, Any] | None = None, name: str = "", is_active: bool = True
) -> WatchRule:
    """A rule on `watch`; `params` are validated and completed with the kind's defaults."""
    if kind not in RuleKind.values:
        raise InputError(f"unknown rule kind {kind!r} (choose from {', '.join(RuleKind.values)})", field="kind")
    parsed = r.parse_params(kind, params or {})
    if len(name or "") > 200:
        raise InputError("at most 200 characters", field="name")
    return WatchRule.objects.create(
        watch=watch, kind=kind, name=(name or "").strip(), params=r.params_as_dict(parsed), is_active=is_active
    )


def watch_rule_update(
    *, rule: WatchRule, params: dict[str, Any] | None = _UNSET, name: str = _UNSET, is_active: bool = _UNSET
) -> WatchRule:
    """Change a rule's thresholds, name or active flag (the kind is fixed: make a new rule)."""
    if params is not _UNSET:
        rule.params = r.params_as_dict(r.parse_params(rule.kind, params or {}))
    if name is not _UNSET:
        if len(name or "") > 200:
            raise InputError("at most 200 characters", field="name")
        rule.name = (name or "").strip()
    if is_active is not _UNSET:
        rule.is_active = bool(is_active)
    rule.save()
    return rule


def watch_rule_delete(*, rule: WatchRule) -> None:
    rule.delete()


# --- who is watched ---------------------------------------------------------------------------------


def _active_watches(organization: Organization | None = None) -> list[Watch]:
    watches = (
        Watch.objects.filter(is_active=True, rules__is_active=True)
        .distinct()
        .select_related("organization", "brand")
        .prefetch_related("creators")
        .order_by("organization_id", "id")
    )
    if organization is not None:
        watches = watches.filter(organization=organization)
    return list(watches)


def _targets(watches: Sequence[Watch]) -> dict[int, set[int]]:
    """watch id → creator ids it covers now (shortlist members or picked creators)."""
    by_shortlist: dict[int, set[int]] = defaultdict(set)
    shortlist_ids = [w.shortlist_id for w in watches if w.shortlist_id]
    if shortlist_ids:
        for shortlist_id, creator_id in ShortlistEntry.objects.filter(shortlist_id__in=shortlist_ids).values_list(
            "shortlist_id", "creator_id"
        ):
            by_shortlist[shortlist_id].add(creator_id)
    targets = {}
    for watch in watches:
        creators = {c.pk for c in watch.creators.all()}
        if watch.shortlist_id:
            creators |= by_shortlist.get(watch.shortlist_id, set())
        targets[watch.pk] = creators
    return targets


def watched_creator_ids(
    *, creator_ids: Iterable[int] | None = None, organization: Organization | None = None
) -> set[int]:
    """Creators covered by an active watch with an active rule (optionally among `creator_ids`)."""
    watched: set[int] = set()
    for creators in _targets(_active_watches(organization)).values():
        watched |= creators
    if creator_ids is not None:
        watched &= set(creator_ids)
    return watched


# --- loading the plain data the rules read -----------------------------------------------------------


def _severity_from_z(z: float, *, high: float, medium: float) -> str:
    z = abs(z)
    return r.HIGH if z >= high else (r.MEDIUM if z >= medium else r.LOW)


CHURN_EPISODE_GAP_DAYS = 30


def _churn_episodes(churn: Sequence[Any]) -> list[list[Any]]:
    """Following-churn moves grouped into episodes (moves less than 30 days apart)."""
    episodes: list[list[Any]] = []
    for move in sorted(churn, key=lambda a: a.date):
        if episodes and (move.date - episodes[-1][-1].date).days <= CHURN_EPISODE_GAP_DAYS:
            episodes[-1].append(move)
        else:
            episodes.append([move])
    return episodes


def _growth_anomalies(account: Account, since: dt.date) -> list[r.Anomaly]:
    """Growth anomalies of an account from the vetting scorer
    (`influencers.scoring.growth.growth_anomalies`) with a severity for the watch rule:
    - jump: high when it matches a bought-follower package or |z| ≥ 12 (medium when a viral post
      just before may explain it), else medium; purge (bought followers removed): high;
      drop: medium; burst (the decaying shape of organic virality): low;
    - following churn: every move of one episode (moves < 30 days apart) is one anomaly dated by
      the episode's first move, so an account that keeps churning has one alert, not one per move;
      medium, high from three waves on.
    Only anomalies (episodes) reaching into the lookback (after `since`) are returned."""
    try:
        from influencers.scoring.growth import growth_anomalies
    except ImportError:  # the scorer is not installed: nothing to report rather than a guess
        return []
    snapshots = list(
        AccountSnapshot.objects.filter(account=account).order_by("date").values_list("date", "followers", "following")
    )
    if not snapshots:
        return []
    report = growth_anomalies([s[0] for s in snapshots], [s[1] for s in snapshots], [s[2] for s in snapshots])
    base = {"handle": account.handle, "platform": account.platform, "detector": "influencers.scoring.growth"}
    out = []
    for a in report.anomalies:
        if a.kind == "following_churn" or a.date <= since:
            continue
        package = getattr(a, "round_package", None)
        if a.kind == "purge":
            severity = r.HIGH
        elif a.kind == "burst":
            severity = r.LOW
        elif a.kind == "jump":
            severity = r.HIGH if (package or abs(a.robust_z) >= 12) else r.MEDIUM
            if getattr(a, "explained_by_post", None) and not package:
                severity = r.MEDIUM
        else:
            severity = r.MEDIUM
        headline = f"{a.kind} of {a.size:+,} followers"
        if package:
            headline += f" (a {package:,} package?)"
        out.append(
            r.Anomaly(account.pk, a.kind, a.date, float(a.size), severity, a.reason, {**a.as_dict(), **base}, headline)
        )
    for episode in _churn_episodes([a for a in report.anomalies if a.kind == "following_churn"]):
        first, last = episode[0], episode[-1]
        if last.date <= since:
            continue
        waves = 1 + sum(1 for x, y in zip(episode, episode[1:], strict=False) if (y.date - x.date).days > 7)
        why = (
            f"{len(episode)} outlying following-count moves in {waves} follow/unfollow wave(s) between "
            f"{first.date.isoformat()} and {last.date.isoformat()}; latest: {last.reason}"
        )
        evidence = {
            **base,
            "moves": [m.as_dict() for m in episode[-20:]],
            "waves": waves,
            "first_move": first.date.isoformat(),
            "last_move": last.date.isoformat(),
        }
        severity = r.HIGH if waves >= 3 else r.MEDIUM
        out.append(
            r.Anomaly(
                account.pk,
                "following_churn",
                first.date,
                float(len(episode)),
                severity,
                why,
                evidence,
                f"follow/unfollow churn, {waves} wave(s) from",
                last_day=last.date,
            )
        )
    return out


def _engagement_anomalies(account: Account, posts: Sequence[dict[str, Any]], since: dt.date) -> list[r.Anomaly]:
    """Engagement anomalies from `influencers.scoring.engagement.engagement_report`: post-level
    spikes/dips (high at |z| ≥ 8, medium at ≥ 4), a level shift (medium; high at ×5), and an
    engagement rate far below or far above its platform/tier benchmark (medium)."""
    try:
        from influencers.scoring.engagement import PostStats, engagement_report
    except ImportError:
        return []
    metrics = getattr(account, "metrics", None)
    followers = float(metrics.followers) if metrics is not None and metrics.followers else 0.0
    if not followers:
        latest = (
            AccountSnapshot.objects.filter(account=account)
            .order_by("-date")
            .values_list("followers", flat=True)
            .first()
        )
        followers = float(latest or 0)
    stats = [
        PostStats(
            post_id=p["id"],
            posted_at=p["posted_at"],
            likes=p["likes"],
            comments=p["comments"],
            shares=p["shares"],
            saves=p["saves"],
            views=p["views"],
            is_sponsored=p["is_sponsored"],
        )
        for p in posts
    ]
    if not stats:
        return []
    report = engagement_report(platform=account.platform, followers=followers, posts=stats)
    base = {"handle": account.handle, "platform": account.platform, "detector": "influencers.scoring.engagement"}
    out = []
    for change in report.changes:
        day = dt.date.fromisoformat(change.date)
        if day <= since:
            continue
        if change.kind == "shift":
            factor = max(change.engagement_rate, change.expected) / max(
                min(change.engagement_rate, change.expected), 1e-9
            )
            severity = r.HIGH if factor >= 5 else r.MEDIUM
        else:
            severity = _severity_from_z(change.robust_z, high=8, medium=4)
        evidence = {
            **base,
            "post_id": change.post_id,
            "engagement_rate": change.engagement_rate,
            "expected": change.expected,
            "robust_z": None if change.robust_z != change.robust_z else round(change.robust_z, 1),
        }
        if change.kind == "shift":
            headline = f"engagement level shift {change.expected:.2%} → {change.engagement_rate:.2%}"
        else:
            headline = f"engagement {change.kind} {change.engagement_rate:.2%} vs {change.expected:.2%} expected"
        out.append(
            r.Anomaly(
                account.pk,
                f"engagement_{change.kind}",
                day,
                change.engagement_rate,
                severity,
                change.reason,
                evidence,
                headline,
            )
        )
    if report.available and report.position in ("far below", "far above") and report.benchmark:
        bench = report.benchmark
        latest = max(p["posted_at"] for p in posts).date()
        why = (
            f"engagement rate {report.engagement_rate:.2%} is {report.position} the "
            f"{bench['platform']} {bench['tier']} "
            f"benchmark ({bench['low']:.2%}–{bench['high']:.2%}, median {bench['median']:.2%}; {report.formula})"
        )
        evidence = {
            **base,
            "engagement_rate": report.engagement_rate,
            "benchmark": {k: bench.get(k) for k in ("tier", "low", "median", "high", "as_of")},
            "posts_used": report.posts_used,
        }
        kind = "engagement_far_below_benchmark" if report.position == "far below" else "engagement_far_above_benchmark"
        # Dated by the latest post so it sits in the lookback; the cause key keeps the tier, not
        # the date, so the standing condition stays one alert (see _anomaly_cause).
        headline = f"engagement {report.position} the {bench['tier']} benchmark ({report.engagement_rate:.2%})"
        out.append(r.Anomaly(account.pk, kind, latest, report.er_ratio, r.MEDIUM, why, evidence, headline))
    return out


POST_FIELDS = (
    "id", "account_id", "posted_at", "caption", "hashtags", "mentions", "is_sponsored", "sponsor", "url", "likes",
    "comments",
)  # fmt: skip
ENGAGEMENT_FIELDS = ("id", "posted_at", "likes", "comments", "shares", "saves", "views", "is_sponsored")
ENGAGEMENT_POSTS = 60  # the engagement scorer compares each post with its neighbours


def _post_data(row: dict[str, Any], account: Account) -> r.PostData:
    return r.PostData(
        id=row["id"],
        account_id=account.pk,
        platform=account.platform,
        handle=account.handle,
        posted_at=row["posted_at"],
        caption=row["caption"] or "",
        hashtags=tuple(str(h) for h in (row["hashtags"] or [])),
        mentions=tuple(str(m) for m in (row["mentions"] or [])),
        is_sponsored=row["is_sponsored"],
        sponsor=row["sponsor"] or "",
        url=row["url"] or "",
        likes=row["likes"],
        comments=row["comments"],
    )


def _scored_comments(accounts: Sequence[Account], since: dt.datetime, as_of: dt.datetime) -> tuple[r.CommentData, ...]:
    rows = (
        CommentSample.objects.filter(post__account__in=accounts)
        .filter(Q(posted_at__gt=since, posted_at__lte=as_of) | Q(posted_at__isnull=True, post__posted_at__gt=since))
        .order_by("posted_at", "id")
        .values_list("id", "post_id", "post__account_id", "commenter", "text", "posted_at", "post__posted_at")
    )
    scored = []
    for pk, post_id, account_id, commenter, text, posted_at, post_posted_at in rows:
        sentiment = analyze(text)
        scored.append(
            r.CommentData(
                id=pk,
                post_id=post_id,
                account_id=account_id,
                commenter=commenter,
                text=text,
                posted_at=posted_at or post_posted_at,
                label=sentiment.label,
                score=sentiment.score,
            )
        )
    return tuple(scored)


def load_creator_data(creator: Creator, *, kinds: set[str], lookback_days: int, as_of: dt.datetime) -> r.CreatorData:
    """The posts, scored comments and anomalies of `creator` that rules of `kinds` read (plain
    values, not model instances: evaluation runs over every watched creator)."""
    since = as_of - dt.timedelta(days=min(lookback_days, MAX_LOOKBACK_DAYS))
    accounts = list(Account.objects.filter(creator=creator).select_related("metrics"))
    by_id = {a.pk: a for a in accounts}
    post_data: tuple[r.PostData, ...] = ()
    if kinds & {RuleKind.KEYWORD, RuleKind.COMPETITOR}:
        rows = (
            Post.objects.filter(account__in=accounts, posted_at__gt=since, posted_at__lte=as_of)
            .order_by("posted_at", "id")
            .values(*POST_FIELDS)
        )
        post_data = tuple(_post_data(row, by_id[row["account_id"]]) for row in rows)
    comments = _scored_comments(accounts, since, as_of) if RuleKind.SENTIMENT in kinds else ()
    growth: list[r.Anomaly] = []
    engagement: list[r.Anomaly] = []
    if RuleKind.GROWTH_ANOMALY in kinds:
        for account in accounts:
            growth += _growth_anomalies(account, since.date())
    if RuleKind.ENGAGEMENT_ANOMALY in kinds:
        for account in accounts:
            # Give the scorer the account's recent history even beyond the lookback (it compares
            # posts with their neighbours), then keep the anomalies inside the lookback.
            recent = list(
                Post.objects.filter(account=account, posted_at__lte=as_of)
                .order_by("-posted_at")
                .values(*ENGAGEMENT_FIELDS)[:ENGAGEMENT_POSTS]
            )
            engagement += _engagement_anomalies(account, recent[::-1], since.date())
    return r.CreatorData(
        creator_id=creator.pk,
        name=creator.display_name,
        posts=post_data,
        comments=comments,
        growth_anomalies=tuple(growth),
        engagement_anomalies=tuple(engagement),
    )


def brand_context(brand: Brand | None) -> r.BrandContext:
    if brand is None:
        return r.BrandContext()
    return r.BrandContext(
        name=brand.name,
        excluded_keywords=tuple(str(k) for k in brand.excluded_keywords or []),
        excluded_topics=tuple(str(t) for t in brand.excluded_topics or []),
        competitors=tuple(str(c) for c in brand.competitors or []),
    )


# --- raising alerts -----------------------------------------------------------------------------------


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
        if live is not None:
            live.evidence = hit.evidence
            live.title = hit.title[:300]
            live.summary = hit.summary
            if SEVERITY_RANK.get(hit.severity, 0) > SEVERITY_RANK.get(live.severity, 0):
                live.severity = hit.severity  # escalate, never quietly downgrade
            live.last_seen_at = as_of
            live.save(update_fields=["evidence", "title", "summary", "severity", "last_seen_at"])
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
                    title=hit.title[:300],
                    summary=hit.summary,
                    evidence=hit.evidence,
                    cause_key=key,
                )
        except IntegrityError:
            # Another evaluation raised the same cause between our read and our insert: the
            # database constraint kept it to one alert, which is what we wanted.
            return "updated", Alert.objects.filter(organization=organization, cause_key=key).exclude(
                status=AlertStatus.RESOLVED
            ).first()
    from influencers.services.notifications import alert_notify_on_commit

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
    watches = _active_watches(organization)
    targets = _targets(watches)
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
    from influencers.services.job_runner import enqueue_job
    from influencers.services.jobs import job_create

    ids = list(dict.fromkeys(int(a) for a in account_ids))
    if not ids:
        return None
    creator_ids = set(Account.objects.filter(pk__in=ids).values_list("creator_id", flat=True))
    watched = watched_creator_ids(creator_ids=creator_ids)
    if not watched:
        return None
    job = job_create(kind=JobKind.WATCH, params={"creator_ids": sorted(watched), "trigger": "data change"})
    enqueue_job(job)
    return job


def watch_evaluation_enqueue(*, organization: Organization | None = None, user=None) -> Job:  # noqa: ANN001
    """A WATCH job over every watched creator (of `organization` when given), e.g. on demand or
    from the scheduler."""
    from influencers.services.job_runner import enqueue_job
    from influencers.services.jobs import job_create

    params: dict[str, Any] = {"trigger": "on demand" if user is not None else "schedule"}
    if organization is not None:
        params["organization_id"] = organization.pk
    job = job_create(kind=JobKind.WATCH, params=params, organization=organization, user=user)
    enqueue_job(job)
    return job


def run_watch_job(job: Job) -> dict[str, Any]:
    """JobKind.WATCH handler: params `creator_ids` (optional) and `organization_id` (optional)."""
    from influencers.services.jobs import job_log, job_progress

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
    job_log(job=job, message=f"watch evaluation: {counts}")
    return {"counts": counts, "alert_ids": outcome.alert_ids[:1000]}


# --- triage ---------------------------------------------------------------------------------------------


def alert_acknowledge(*, alert: Alert, user) -> Alert:  # noqa: ANN001
    """Mark an open alert acknowledged by `user` now. Acknowledging twice is a no-op; a resolved
    alert cannot be acknowledged."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.status == AlertStatus.RESOLVED:
            raise InvalidState(f"alert {alert.pk} is resolved already")
        if alert.status == AlertStatus.OPEN:
            alert.status = AlertStatus.ACKNOWLEDGED
            alert.acknowledged_by = user if user is not None and user.pk else None
            alert.acknowledged_at = timezone.now()
            alert.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
    return alert


def alert_resolve(*, alert: Alert, user, note: str = "") -> Alert:  # noqa: ANN001
    """Mark an alert resolved by `user` now, with an optional note. The same cause will not raise
    a new alert; a new episode (new posts, a later spike) will."""
    if not isinstance(note, str):
        raise InputError("must be text", field="note")
    if len(note) > 5000:
        raise InputError("at most 5000 characters", field="note")
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.status == AlertStatus.RESOLVED:
            raise InvalidState(f"alert {alert.pk} is resolved already")
        now = timezone.now()
        if alert.status == AlertStatus.OPEN:  # resolving straight from open acknowledges too
            alert.acknowledged_by = user if user is not None and user.pk else None
            alert.acknowledged_at = now
        alert.status = AlertStatus.RESOLVED
        alert.resolved_by = user if user is not None and user.pk else None
        alert.resolved_at = now
        alert.resolution_note = note.strip()
        alert.save()
    return alert


# --- sentiment series -----------------------------------------------------------------------------------


def sentiment_series_for_creator(
    *, creator: Creator, days: int = 90, as_of: dt.datetime | None = None
) -> dict[str, Any]:
    """The creator's daily comment sentiment over `days`, with spike days flagged against their own
    earlier days (robust z), and the mean caption sentiment of the period."""
    if not 1 <= days <= MAX_LOOKBACK_DAYS:
        raise InputError(f"must be between 1 and {MAX_LOOKBACK_DAYS}", field="days")
    as_of = as_of or timezone.now()
    data = load_creator_data(creator, kinds={RuleKind.SENTIMENT}, lookback_days=days, as_of=as_of)
    series = r.sentiment_series(data.comments)
    spikes = {s.point.day: s for s in detect_spike_days(series)}
    caption_texts = Post.objects.filter(
        account__creator=creator, posted_at__gt=as_of - dt.timedelta(days=days), posted_at__lte=as_of
    ).values_list("caption", flat=True)
    captions = [analyze(text) for text in caption_texts if (text or "").strip()]
    return {
        "creator_id": creator.pk,
        "days": days,
        "as_of": as_of.isoformat(),
        "method": (
            "comments: VADER (English) / SnowNLP (Chinese), labels per docs/monitoring.md; "
            "spikes: robust z (median/MAD) against the creator's earlier days"
        ),
        "comments": len(data.comments),
        "captions": {
            "count": len(captions),
            "mean_score": round(statistics.fmean(c.score for c in captions), 4) if captions else None,
            "negative": sum(1 for c in captions if c.label == "negative"),
        },
        "series": [
            {
                **p.as_dict(),
                "spike": p.day in spikes,
                **({"spike_stats": spikes[p.day].stats.as_dict()} if p.day in spikes else {}),
            }
            for p in series
        ],
    }


# --- price and reach estimates ----------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _table(path: str) -> est.RateTable:
    return est.load_rate_table(path or None)


def rate_table() -> est.RateTable:
    """The rate table named by settings.MONITORING_RATE_TABLE (default: the bundled one)."""
    return _table(str(getattr(settings, "MONITORING_RATE_TABLE", "") or ""))


def _recent_post_figures(account: Account, *, limit: int = 12) -> tuple[float | None, float | None]:
    """(median views, median engagements) of the account's `limit` newest posts."""
    rows = list(
        Post.objects.filter(account=account)
        .order_by("-posted_at")
        .values("likes", "comments", "saves", "views")[:limit]
    )
    if not rows:
        return None, None
    views = [row["views"] for row in rows if row["views"]]
    with_saves = account.platform == "xiaohongshu"  # RED counts saves as engagement (赞藏评)
    engagements = [row["likes"] + row["comments"] + ((row["saves"] or 0) if with_saves else 0) for row in rows]
    return (statistics.median(views) if views else None), float(statistics.median(engagements))


def estimate_for_account(account: Account, *, table: est.RateTable | None = None) -> dict[str, Any]:
    """Estimated reach per post, cost range per post, CPM and CPE of one account (an ESTIMATE:
    see the `label`, `basis` and the rate table's sources and date)."""
    table = table or rate_table()
    metrics = getattr(account, "metrics", None)
    followers = int(metrics.followers) if metrics is not None and metrics.followers else 0
    if not followers:
        followers = int(
            AccountSnapshot.objects.filter(account=account)
            .order_by("-date")
            .values_list("followers", flat=True)
            .first()
            or 0
        )
    median_views, median_engagements = _recent_post_figures(account)
    estimate = est.estimate_account(
        table,
        platform=account.platform,
        followers=followers,
        median_views=median_views,
        median_engagements=median_engagements,
    )
    return {"account_id": account.pk, "handle": account.handle, **estimate}


def estimates_for_creator(creator_id: int) -> dict[str, Any]:
    """Estimates for every account of a creator, the primary (largest) account's figures as the
    creator's CPM/CPE, and the rate table's name, as-of date, sources and disclaimer."""
    table = rate_table()
    accounts = list(
        Account.objects.filter(creator_id=creator_id).select_related("metrics").order_by("platform", "handle")
    )
    per_account = [estimate_for_account(a, table=table) for a in accounts]
    primary = max(per_account, key=lambda e: e["followers"], default=None)
    return {
        "label": est.LABEL,
        "creator_id": creator_id,
        "disclaimer": table.disclaimer,
        "rate_table": table.describe(),
        "primary_account_id": primary["account_id"] if primary else None,
        "cost_per_post_usd": primary["cost_per_post_usd"] if primary else None,
        "cpm_usd": primary["cpm_usd"] if primary else None,
        "cpe_usd": primary["cpe_usd"] if primary else None,
        "accounts": per_account,
    }


ESTIMATE_EXPORT_COLUMNS = (
    "est_reach_per_post",
    "est_cost_per_post_usd",
    "est_cpm_usd",
    "est_cpe_usd",
    "est_tier",
    "est_rate_table",
)


def _range_text(low: float | None, high: float | None, digits: int = 0) -> str:
    if low is None or high is None:
        return ""
    fmt = f"{{:,.{digits}f}}"
    return fmt.format(low) if low == high else f"{fmt.format(low)}–{fmt.format(high)}"


def estimate_export_fields(account: Account | None, *, table: est.RateTable | None = None) -> dict[str, str]:
    """Flat, labelled text columns (ESTIMATE_EXPORT_COLUMNS) for CSV/XLSX/PDF exports: reach, cost
    per post, CPM and CPE ranges of `account` and the rate table's name and date. Empty strings
    when there is no account."""
    if account is None:
        return dict.fromkeys(ESTIMATE_EXPORT_COLUMNS, "")
    table = table or rate_table()
    e = estimate_for_account(account, table=table)
    cost = e["cost_per_post_usd"]
    return {
        "est_reach_per_post": _range_text(e["reach_per_post"]["low"], e["reach_per_post"]["high"]),
        "est_cost_per_post_usd": _range_text(cost["low"], cost["high"]) + ("+" if cost["open_ended_high"] else ""),
        "est_cpm_usd": _range_text(e["cpm_usd"]["low"], e["cpm_usd"]["high"], 2),
        "est_cpe_usd": _range_text(e["cpe_usd"]["low"], e["cpe_usd"]["high"], 3),
        "est_tier": f"{e['platform']} {e['tier']}",
        "est_rate_table": f"estimate; {table.name}, as of {table.as_of}",
    }
