"""Watches for the synthetic demo catalogue, so the alert inbox has something to show.

`demo_watches_seed()` (command `python manage.py seed_demo_watches`) sets up, for the demo
organisation:
- "Spring launch shortlist": a watch on the demo shortlist (its brand's excluded keywords and
  competitors) with every rule kind at its default thresholds: what a customer would set up;
- "Demo: creators to watch": demo creators picked because they trip a rule, one group per rule
  kind, with thresholds widened to the demo's 180 days of history (a keyword rule that fires on
  a single post, anomalies and sponsorships within 180 days), and the competitors of every demo
  brand.

The demo catalogue has no comment pile-on of its own, so for the sentiment rule a clearly
marked SYNTHETIC scenario is added: a burst of negative comments (external ids starting with
`demo-watch-burst-`) on the latest post of one watched demo creator, over the last two days.
Then the watches are evaluated.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.errors import InvalidState
from core.models import Organization
from influencers.models import CommentSample, Creator, Post
from influencers.services.demo.seed import NOTE_PREFIX
from vetting import monitoring as svc
from vetting.models import Brand, RuleKind, Shortlist, Watch
from vetting.monitoring import rules as r
from vetting.services.demo import DEMO_ORGANIZATION

SHORTLIST_WATCH = "Spring launch shortlist"
PICKED_WATCH = "Demo: creators to watch"
BURST_PREFIX = "demo-watch-burst-"
PER_KIND = 2
DEMO_LOOKBACK = 180

# The synthetic pile-on: short, unambiguous complaints in both languages.
BURST_TEXTS = (
    "This is a scam, unfollowing",
    "骗子！退钱",
    "Disgusting, you sold out",
    "太失望了，再也不买了",
    "Worst product ever, my skin broke out",
    "什么垃圾产品，烂脸了",
    "So fake. Lost all respect",
    "这个广告太恶心了",
    "Terrible advice, stop lying",
    "取关了，恰烂钱",
)

DEMO_PARAMS: dict[str, dict[str, Any]] = {
    RuleKind.KEYWORD: {"min_count": 1, "window_days": 7, "lookback_days": DEMO_LOOKBACK},
    RuleKind.SENTIMENT: {"margin": 0.2, "z_threshold": 3.0, "window_days": 7, "min_comments": 5, "min_history_days": 3},
    RuleKind.GROWTH_ANOMALY: {"min_severity": "medium", "lookback_days": DEMO_LOOKBACK},
    RuleKind.ENGAGEMENT_ANOMALY: {"min_severity": "medium", "lookback_days": DEMO_LOOKBACK},
    RuleKind.COMPETITOR: {"lookback_days": DEMO_LOOKBACK},
}


def _demo_organization() -> Organization:

    org = Organization.objects.filter(name=DEMO_ORGANIZATION).first()
    if org is None or not org.brands.exists():
        raise InvalidState(
            f"the demo organisation {DEMO_ORGANIZATION!r} is not there: run `python manage.py seed_demo` first"
        )
    return org


def _demo_creators() -> list[Creator]:

    return list(Creator.objects.filter(notes__startswith=NOTE_PREFIX).order_by("id"))


def _pick(kind: str, params: Any, creators: list[Creator], brand: r.BrandContext, as_of: dt.datetime) -> list[int]:
    """The first demo creators (by id) on whom a rule of `kind` with `params` fires."""
    picked = []
    lookback = r.lookback_days(kind, params)
    for creator in creators:
        data = svc.load_creator_data(creator, kinds={kind}, lookback_days=lookback, as_of=as_of)
        if r.evaluate_rule(kind, params, data, brand, as_of=as_of):
            picked.append(creator.pk)
            if len(picked) >= PER_KIND:
                break
    return picked


def _candidates_by_posts(creators: list[Creator], kind: str, brand: r.BrandContext) -> list[Creator]:
    """Narrow the creators a rule could fire on with one query, before loading their data."""
    ids = {c.pk for c in creators}
    posts = Post.objects.filter(account__creator_id__in=ids)
    if kind == RuleKind.COMPETITOR:
        hit_ids = set(posts.exclude(sponsor="").values_list("account__creator_id", flat=True))
        hit_ids |= set(posts.filter(is_sponsored=True).values_list("account__creator_id", flat=True))
    else:
        terms = list(brand.excluded_keywords) + list(brand.excluded_topics)
        hit_ids = set()
        for term in terms:
            hit_ids |= set(posts.filter(caption__icontains=term).values_list("account__creator_id", flat=True))
    return [c for c in creators if c.pk in hit_ids]


def _sentiment_creator(creators: list[Creator], exclude: set[int], as_of: dt.datetime) -> Creator | None:
    """A demo creator with comments on at least three days in the 90 days before the last week,
    preferring one not watched for another reason (so each alert has one clear cause)."""
    window_start = as_of - dt.timedelta(days=7)
    ranked = sorted(creators, key=lambda c: (c.pk in exclude, c.pk))
    for creator in ranked:
        days = set(
            CommentSample.objects.filter(
                post__account__creator=creator,
                posted_at__gt=window_start - dt.timedelta(days=90),
                posted_at__lte=window_start,
            ).values_list("posted_at__date", flat=True)
        )
        if len(days) >= 3:
            return creator
    return None


def _add_burst(creator: Creator, as_of: dt.datetime) -> int:
    """The synthetic negative-comment burst on the creator's latest post (idempotent)."""
    post = Post.objects.filter(account__creator=creator, posted_at__lte=as_of).order_by("-posted_at").first()
    if post is None:
        return 0
    rows = [
        CommentSample(
            post=post,
            external_id=f"{BURST_PREFIX}{post.pk}-{i}",
            commenter=f"demo_critic_{i}",
            text=text,
            posted_at=as_of - dt.timedelta(hours=2 + 4 * i),
        )
        for i, text in enumerate(BURST_TEXTS)
    ]
    CommentSample.objects.bulk_create(rows, ignore_conflicts=True)
    return CommentSample.objects.filter(post=post, external_id__startswith=BURST_PREFIX).count()


def _set_rules(watch: Watch, params_by_kind: dict[str, dict[str, Any]]) -> None:
    """One active rule per kind with these params (existing rules are updated, not replaced)."""
    for kind, params in params_by_kind.items():
        rule = watch.rules.filter(kind=kind).order_by("id").first()
        if rule is None:
            svc.watch_rule_create(watch=watch, kind=kind, params=params, name=f"{RuleKind(kind).label} (demo)")
        else:
            svc.watch_rule_update(rule=rule, params=params, is_active=True)


def demo_watches_seed(*, as_of: dt.datetime | None = None, evaluate: bool = True) -> dict[str, Any]:
    """Set up the demo organisation's watches (see the module docstring), then evaluate them.
    Safe to run again: watches and rules are updated in place, alerts are never duplicated."""
    as_of = as_of or timezone.now()
    org = _demo_organization()
    creators = _demo_creators()
    if not creators:
        raise InvalidState("the demo catalogue has no creators: run `python manage.py seed_demo` first")
    brands = list(Brand.objects.filter(organization=org).order_by("id"))
    primary = brands[0]
    context = svc.brand_context(primary)
    all_competitors = sorted({c for b in brands for c in (b.competitors or [])})
    params_by_kind = dict(DEMO_PARAMS)
    params_by_kind[RuleKind.COMPETITOR] = {**DEMO_PARAMS[RuleKind.COMPETITOR], "competitors": all_competitors}
    all_terms = sorted({t for b in brands for t in (b.excluded_keywords or []) + (b.excluded_topics or [])})
    params_by_kind[RuleKind.KEYWORD] = {**DEMO_PARAMS[RuleKind.KEYWORD], "keywords": all_terms}
    parsed = {kind: r.parse_params(kind, p) for kind, p in params_by_kind.items()}
    everything = r.BrandContext(
        name=primary.name, excluded_keywords=tuple(all_terms), competitors=tuple(all_competitors)
    )

    picked: dict[str, list[int]] = {}
    picked[RuleKind.KEYWORD] = _pick(
        RuleKind.KEYWORD,
        parsed[RuleKind.KEYWORD],
        _candidates_by_posts(creators, RuleKind.KEYWORD, everything),
        context,
        as_of,
    )
    picked[RuleKind.COMPETITOR] = _pick(
        RuleKind.COMPETITOR,
        parsed[RuleKind.COMPETITOR],
        _candidates_by_posts(creators, RuleKind.COMPETITOR, everything),
        context,
        as_of,
    )
    picked[RuleKind.GROWTH_ANOMALY] = _pick(
        RuleKind.GROWTH_ANOMALY, parsed[RuleKind.GROWTH_ANOMALY], creators, context, as_of
    )
    picked[RuleKind.ENGAGEMENT_ANOMALY] = _pick(
        RuleKind.ENGAGEMENT_ANOMALY, parsed[RuleKind.ENGAGEMENT_ANOMALY], creators, context, as_of
    )
    already = {pk for ids in picked.values() for pk in ids}
    burst_creator = _sentiment_creator(creators, already, as_of)
    burst_comments = 0
    with transaction.atomic():
        if burst_creator is not None:
            burst_comments = _add_burst(burst_creator, as_of)
            picked[RuleKind.SENTIMENT] = [burst_creator.pk]
        else:
            picked[RuleKind.SENTIMENT] = []

        shortlist = Shortlist.objects.filter(organization=org).order_by("id").first()
        watches = []
        if shortlist is not None:
            watch = Watch.objects.filter(organization=org, name=SHORTLIST_WATCH).first()
            if watch is None:
                watch = svc.watch_create(organization=org, name=SHORTLIST_WATCH, shortlist=shortlist)
            _set_rules(watch, {kind: {} for kind in RuleKind.values})
            watches.append(watch)
        creator_ids = sorted({pk for ids in picked.values() for pk in ids})
        if creator_ids:
            watch = Watch.objects.filter(organization=org, name=PICKED_WATCH).first()
            if watch is None:
                watch = svc.watch_create(organization=org, name=PICKED_WATCH, brand=primary, creator_ids=creator_ids)
            else:
                svc.watch_update(watch=watch, creator_ids=creator_ids, brand=primary, is_active=True)
            _set_rules(watch, params_by_kind)
            watches.append(watch)

    summary: dict[str, Any] = {
        "organization": org.name,
        "watches": [w.name for w in watches],
        "picked": {kind: ids for kind, ids in picked.items()},
        "sentiment_scenario_comments": burst_comments,
    }
    if evaluate:
        result = svc.evaluate_watches(organization=org, as_of=as_of)
        summary["evaluation"] = result.counts()
        by_kind: dict[str, int] = defaultdict(int)
        for kind in org.alerts.values_list("kind", flat=True):
            by_kind[kind] += 1
        summary["alerts_by_kind"] = {kind: by_kind.get(kind, 0) for kind in RuleKind.values}
    return summary
