"""The plain data the rules read: posts, scored comments and growth/engagement anomalies of a creator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Q

from influencers.models import Account, CommentSample, Creator, Post
from influencers.selectors.history import account_histories, latest_followers
from vetting import messages as m
from vetting.models import Brand, RuleKind
from vetting.monitoring import rules as r
from vetting.monitoring.sentiment import analyze
from vetting.scoring.engagement import PostStats, engagement_report, er_formula_message
from vetting.scoring.growth import growth_anomalies

MAX_LOOKBACK_DAYS = 730


def account_followers(account: Account) -> int:
    """The account's follower count from its metrics, or its latest snapshot's (0 if neither)."""
    metrics = getattr(account, "metrics", None)
    if metrics is not None and metrics.followers:
        return int(metrics.followers)
    return int(latest_followers(account.pk) or 0)


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
    (`vetting.scoring.growth.growth_anomalies`) with a severity for the watch rule:
    - jump: high when it matches a bought-follower package or |z| ≥ 12 (medium when a viral post
      just before may explain it), else medium; purge (bought followers removed): high;
      drop: medium; burst (the decaying shape of organic virality): low;
    - following churn: every move of one episode (moves < 30 days apart) is one anomaly dated by
      the episode's first move, so an account that keeps churning has one alert, not one per move;
      medium, high from three waves on.
    Only anomalies (episodes) reaching into the lookback (after `since`) are returned."""
    snapshots = account_histories([account.pk], fields=("date", "followers", "following")).get(account.pk, [])
    if not snapshots:
        return []
    report = growth_anomalies([s[0] for s in snapshots], [s[1] for s in snapshots], [s[2] for s in snapshots])
    base = {"handle": account.handle, "platform": account.platform, "detector": "vetting.scoring.growth"}
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
        headline = (
            m.GROWTH_HEADLINE_PACKAGE(kind=a.kind, size=a.size, package=package)
            if package
            else m.GROWTH_HEADLINE(kind=a.kind, size=a.size)
        )
        out.append(
            r.Anomaly(account.pk, a.kind, a.date, float(a.size), severity, a.reason, {**a.as_dict(), **base}, headline)
        )
    for episode in _churn_episodes([a for a in report.anomalies if a.kind == "following_churn"]):
        first, last = episode[0], episode[-1]
        if last.date <= since:
            continue
        waves = 1 + sum(1 for x, y in zip(episode, episode[1:], strict=False) if (y.date - x.date).days > 7)
        why = m.CHURN_WHY(moves=len(episode), waves=waves, first=first.date, last=last.date, latest=last.reason)
        evidence = {
            **base,
            "moves": [move.as_dict() for move in episode[-20:]],
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
                m.CHURN_HEADLINE(waves=waves),
                last_day=last.date,
            )
        )
    return out


def _engagement_anomalies(account: Account, posts: Sequence[dict[str, Any]], since: dt.date) -> list[r.Anomaly]:
    """Engagement anomalies from `vetting.scoring.engagement.engagement_report`: post-level
    spikes/dips (high at |z| ≥ 8, medium at ≥ 4), a level shift (medium; high at ×5), and an
    engagement rate far below or far above its platform/tier benchmark (medium)."""
    followers = float(account_followers(account))
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
    base = {"handle": account.handle, "platform": account.platform, "detector": "vetting.scoring.engagement"}
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
            headline = m.SHIFT_HEADLINE(older=change.expected, newer=change.engagement_rate)
        else:
            headline = (m.SPIKE_HEADLINE if change.kind == "spike" else m.DIP_HEADLINE)(
                rate=change.engagement_rate, expected=change.expected
            )
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
        why = m.FAR_FROM_BENCHMARK_WHY(
            er=report.engagement_rate,
            position=report.position,
            platform=bench["platform"],
            tier=bench["tier"],
            low=bench["low"],
            high=bench["high"],
            median=bench["median"],
            formula=er_formula_message(bench["platform"]),
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
        headline = m.FAR_FROM_BENCHMARK_HEADLINE(
            position=report.position, tier=bench["tier"], er=report.engagement_rate
        )
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
        mentions=tuple(str(mention) for mention in (row["mentions"] or [])),
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
