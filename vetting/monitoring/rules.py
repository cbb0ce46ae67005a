"""Watch-rule evaluation over plain data (no ORM): which rule hits a creator, why, with evidence.

Every evaluator returns `Hit`s. A hit's `cause` names the episode that fired (the first post of a
keyword burst, the first day of a sentiment spike, the date of an anomaly, the first sponsored
post for a competitor); the service turns (creator, brand, cause) into the alert's `cause_key`,
so the same episode seen again on the next evaluation updates its alert instead of raising another.

Kinds and their parameters (`parse_params` validates them and fills the defaults):
- keyword: `keywords`, `topics` (lists of words or phrases, any language), `use_brand_exclusions`
  (add the brand's excluded keywords and topics), `min_count` posts within `window_days` days,
  looking back `lookback_days`. Fires at `min_count` matching posts inside one window, not below.
- sentiment: the negative share of the last `window_days` days of comments must exceed the
  creator's own baseline (median daily negative share over the `history_days` before) by
  `margin`, with a robust z ≥ `z_threshold`; needs `min_comments` recent comments and
  `min_history_days` days of history.
- growth_anomaly / engagement_anomaly: anomalies of at least `min_severity` within
  `lookback_days` (detected by the vetting scorers; see the service).
- competitor: sponsored posts for any of `competitors` (plus the brand's competitors with
  `use_brand_competitors`) within `lookback_days`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.errors import InputError
from core.messages import (
    MUST_BE_BETWEEN,
    MUST_BE_BOOLEAN,
    MUST_BE_NUMBER,
    MUST_BE_ONE_OF,
    MUST_BE_TEXTS,
    MUST_BE_WHOLE,
    Message,
    message_safe,
)
from influencers.sponsorship import find_marker
from vetting import messages as m
from vetting.monitoring.spikes import DayPoint, LabelledText, daily_series, robust_z
from vetting.scoring.value_alignment import term_pattern, topic_terms

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

KEYWORD = "keyword"
SENTIMENT = "sentiment"
GROWTH_ANOMALY = "growth_anomaly"
ENGAGEMENT_ANOMALY = "engagement_anomaly"
COMPETITOR = "competitor"
KINDS = (KEYWORD, SENTIMENT, GROWTH_ANOMALY, ENGAGEMENT_ANOMALY, COMPETITOR)

LOW, MEDIUM, HIGH = "low", "medium", "high"
SEVERITIES = (LOW, MEDIUM, HIGH)
SEVERITY_RANK = {LOW: 1, MEDIUM: 2, HIGH: 3}

EVIDENCE_LIMIT = 25  # items listed per alert; the totals are always given
# A period's negative share enters the spread of the sentiment baseline only when measured on at
# least this many comments (at 30 its own sampling noise is about ±6 points at a 15% share).
RELIABLE_PERIOD_COMMENTS = 30


# --- plain inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostData:
    """What the rules read of a post."""

    id: int
    account_id: int
    platform: str
    handle: str
    posted_at: dt.datetime
    caption: str = ""
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    is_sponsored: bool = False
    sponsor: str = ""
    url: str = ""
    likes: int = 0
    comments: int = 0

    def evidence(self, **extra: Any) -> dict[str, Any]:
        return {
            "post_id": self.id,
            "account_id": self.account_id,
            "platform": self.platform,
            "handle": self.handle,
            "posted_at": self.posted_at.isoformat(),
            "url": self.url,
            "caption": self.caption[:280],
            **extra,
        }


@dataclass(frozen=True)
class CommentData:
    """A comment with its sentiment (label negative/neutral/positive, score −1..1)."""

    id: int
    post_id: int
    account_id: int
    commenter: str
    text: str
    posted_at: dt.datetime
    label: str
    score: float

    def evidence(self) -> dict[str, Any]:
        return {
            "comment_id": self.id,
            "post_id": self.post_id,
            "commenter": self.commenter,
            "text": self.text[:280],
            "posted_at": self.posted_at.isoformat(),
            "sentiment": round(self.score, 3),
        }


@dataclass(frozen=True)
class Anomaly:
    """A growth or engagement anomaly found by a vetting scorer: what, when, how big, how bad, why."""

    account_id: int
    kind: str  # e.g. "follower_jump", "follower_purge", "engagement_spike"
    day: dt.date
    size: float | None
    severity: str
    why: Message | str
    evidence: dict[str, Any] = field(default_factory=dict)
    headline: Message | str | None = None  # short description for the alert title, e.g. "jump of +20,000 followers"
    last_day: dt.date | None = None  # an episode's last day (its `day` is the first); None: one day


@dataclass(frozen=True)
class BrandContext:
    """The brand's own lists, for rules that use them."""

    name: str = ""
    excluded_keywords: tuple[str, ...] = ()
    excluded_topics: tuple[str, ...] = ()
    competitors: tuple[str, ...] = ()


@dataclass(frozen=True)
class CreatorData:
    """Everything the rules need about one creator, loaded by the service."""

    creator_id: int
    name: str
    posts: tuple[PostData, ...] = ()
    comments: tuple[CommentData, ...] = ()
    growth_anomalies: tuple[Anomaly, ...] = ()
    engagement_anomalies: tuple[Anomaly, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A rule firing on a creator: the episode (`cause`), severity, text and evidence."""

    kind: str
    cause: str
    severity: str
    title: Message
    summary: Message
    evidence: dict[str, Any]
    account_id: int | None = None


# --- parameters -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeywordParams:
    keywords: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    use_brand_exclusions: bool = True
    min_count: int = 2
    window_days: int = 7
    lookback_days: int = 90


@dataclass(frozen=True)
class SentimentParams:
    margin: float = 0.2
    z_threshold: float = 3.0
    window_days: int = 7
    history_days: int = 90
    min_comments: int = 5
    min_history_days: int = 3


@dataclass(frozen=True)
class AnomalyParams:
    min_severity: str = MEDIUM
    lookback_days: int = 90


@dataclass(frozen=True)
class CompetitorParams:
    competitors: tuple[str, ...] = ()
    use_brand_competitors: bool = True
    lookback_days: int = 90


PARAM_TYPES: dict[str, type[DataclassInstance]] = {
    KEYWORD: KeywordParams,
    SENTIMENT: SentimentParams,
    GROWTH_ANOMALY: AnomalyParams,
    ENGAGEMENT_ANOMALY: AnomalyParams,
    COMPETITOR: CompetitorParams,
}

# (minimum, maximum) of numeric parameters.
_BOUNDS: dict[str, tuple[float, float]] = {
    "min_count": (1, 1000),
    "window_days": (1, 365),
    "lookback_days": (1, 730),
    "history_days": (7, 730),
    "min_comments": (1, 100_000),
    "min_history_days": (1, 365),
    "margin": (0.0, 1.0),
    "z_threshold": (0.0, 50.0),
}


def parse_params(kind: str, raw: object, *, source: str = "rule") -> Any:
    """The validated parameters of a rule of `kind`, defaults filled in. Unknown fields, wrong
    types and out-of-range numbers are an InputError naming the field."""
    if kind not in PARAM_TYPES:
        raise InputError(f"unknown rule kind {kind!r} (choose from {', '.join(KINDS)})", source=source, field="kind")
    if raw in (None, ""):
        raw = {}
    if not isinstance(raw, dict):
        raise InputError("must be an object", source=source, field="params")
    params_type = PARAM_TYPES[kind]
    defaults = params_type()
    known = set(params_type.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise InputError(
            f"unknown parameter(s) {', '.join(unknown)} for a {kind} rule (known: {', '.join(sorted(known))})",
            source=source,
            field=f"params.{unknown[0]}",
        )
    values: dict[str, Any] = {}
    for name in known:
        if name not in raw:
            continue
        value, default = raw[name], getattr(defaults, name)
        where = f"params.{name}"
        if isinstance(default, tuple):
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(MUST_BE_TEXTS(), source=source, field=where)
            value = tuple(dict.fromkeys(v.strip() for v in value if v.strip()))
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise InputError(MUST_BE_BOOLEAN(), source=source, field=where)
        elif isinstance(default, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InputError(MUST_BE_NUMBER(), source=source, field=where)
            if isinstance(default, int) and not float(value).is_integer():
                raise InputError(MUST_BE_WHOLE(), source=source, field=where)
            low, high = _BOUNDS[name]
            if not low <= value <= high:
                raise InputError(MUST_BE_BETWEEN(low=low, high=high, value=value), source=source, field=where)
            value = int(value) if isinstance(default, int) else float(value)
        elif name == "min_severity":
            if value not in SEVERITIES:
                raise InputError(MUST_BE_ONE_OF(choices=list(SEVERITIES)), source=source, field=where)
        values[name] = value
    params = params_type(**{**defaults.__dict__, **values})
    # PARAM_TYPES gives each of these kinds its own class: the isinstance checks test the kind.
    if isinstance(params, SentimentParams) and params.history_days <= params.window_days:
        raise InputError(m.LONGER_THAN_WINDOW(), source=source, field="params.history_days")
    if isinstance(params, KeywordParams) and params.window_days > params.lookback_days:
        raise InputError(m.WINDOW_LONGER_THAN_LOOKBACK(), source=source, field="params.window_days")
    return params


def params_as_dict(params: Any) -> dict[str, Any]:
    """Parameters as JSON-ready data (tuples become lists)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.__dict__.items()}


# --- text matching ----------------------------------------------------------------------------------

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def normalise(text: str) -> str:
    """Case-folded NFKC text (full-width letters and digits become ASCII)."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def term_matcher(terms: Sequence[str]) -> Callable[[str], list[str]]:
    """A function text → the terms it contains (each once, in the order of `terms`): whole words
    for Latin script, substrings for Chinese, case- and width-insensitive."""
    compiled = [(t, term_pattern(t)) for t in dict.fromkeys(t.strip() for t in terms if t and t.strip())]

    def match(text: str) -> list[str]:
        folded = normalise(text)
        return [term for term, pattern in compiled if pattern.search(folded)]

    return match


def expand_topic(topic: str) -> list[str]:
    """The keywords of an excluded topic, from the vetting scorer's bilingual concept table
    (`vetting.scoring.value_alignment.topic_terms`: "gambling" → 赌博, casino, betting, ...)."""
    return list(topic_terms(topic)) or [topic.strip()]


def _post_text(post: PostData) -> str:
    return "\n".join([post.caption, " ".join(f"#{h.lstrip('#')}" for h in post.hashtags)])


# --- evaluators -------------------------------------------------------------------------------------


def _recent(items: Sequence[Any], attr: str, as_of: dt.datetime, days: int) -> list[Any]:
    start = as_of - dt.timedelta(days=days)
    return [i for i in items if start < getattr(i, attr) <= as_of]


def evaluate_keyword(
    data: CreatorData,
    params: KeywordParams,
    brand: BrandContext,
    *,
    as_of: dt.datetime,
    matcher: Callable[[Sequence[str]], Callable[[str], list[str]]] = term_matcher,
) -> list[Hit]:
    """Bursts of `min_count` or more posts matching the excluded terms within `window_days`.

    Windows are anchored on each matching post (the window of days ending at that post); windows
    that share posts are merged into one episode, so a creator who keeps posting such content has
    one alert that grows, named by the episode's first post.
    """
    keywords = list(params.keywords) + (list(brand.excluded_keywords) if params.use_brand_exclusions else [])
    topics = list(params.topics) + (list(brand.excluded_topics) if params.use_brand_exclusions else [])
    shown: dict[str, str] = {}  # search term → how the evidence names it
    for keyword in keywords:
        if keyword.strip():
            shown.setdefault(keyword.strip(), keyword.strip())
    for topic in topics:
        for term in expand_topic(topic) if topic.strip() else []:
            same = normalise(term).strip() == normalise(topic).strip()
            shown.setdefault(term, topic.strip() if same else f"{topic.strip()}: {term}")
    if not shown:
        return []
    search = matcher(list(shown))

    def match(text: str) -> list[str]:
        return list(dict.fromkeys(shown[t] for t in search(text)))

    matched: list[tuple[PostData, list[str]]] = []
    for post in sorted(
        _recent(data.posts, "posted_at", as_of, params.lookback_days), key=lambda p: (p.posted_at, p.id)
    ):
        found = match(_post_text(post))
        if found:
            matched.append((post, found))
    window = dt.timedelta(days=params.window_days)
    episodes: list[list[int]] = []  # indices into `matched`
    for i, (post, _) in enumerate(matched):
        members = [j for j in range(i + 1) if post.posted_at - matched[j][0].posted_at < window]
        if len(members) < params.min_count:
            continue
        if episodes and members[0] <= episodes[-1][-1]:
            episodes[-1] = sorted(set(episodes[-1]) | set(members))
        else:
            episodes.append(members)
    hits = []
    for members in episodes:
        posts = [matched[j] for j in members]
        first, last = posts[0][0], posts[-1][0]
        found_terms = list(dict.fromkeys(t for _, ts in posts for t in ts))
        severity = HIGH if len(posts) >= 2 * params.min_count else MEDIUM
        span_days = (last.posted_at - first.posted_at).total_seconds() / 86_400
        hits.append(
            Hit(
                kind=KEYWORD,
                cause=f"keyword:post{first.id}",
                severity=severity,
                title=(
                    m.KEYWORD_TITLE_MANY(n=len(posts), terms=found_terms[:5], days=span_days)
                    if len(posts) > 1
                    else m.KEYWORD_TITLE_ONE(terms=found_terms[:5])
                ),
                summary=m.KEYWORD_SUMMARY(
                    creator=data.name,
                    n=len(posts),
                    terms=found_terms,
                    first=first.posted_at.date(),
                    last=last.posted_at.date(),
                    min=params.min_count,
                    window=params.window_days,
                ),
                evidence={
                    "terms": found_terms,
                    "threshold": {"min_count": params.min_count, "window_days": params.window_days},
                    "count": len(posts),
                    "first_post_at": first.posted_at.isoformat(),
                    "last_post_at": last.posted_at.isoformat(),
                    "posts": [p.evidence(matched_terms=ts) for p, ts in posts[:EVIDENCE_LIMIT]],
                },
                account_id=first.account_id,
            )
        )
    return hits


def comment_day(comment: CommentData) -> dt.date:
    return comment.posted_at.date()


def sentiment_series(comments: Sequence[CommentData]) -> list[DayPoint]:
    """The creator's daily comment sentiment (counts per label, negative share, mean score)."""
    return daily_series(LabelledText(day=comment_day(c), label=c.label, score=c.score) for c in comments)


def _period_shares(
    comments: Sequence[CommentData], *, end: dt.datetime, days: int, periods: int
) -> list[tuple[float, int]]:
    """(negative share, comments) of each `days`-long period back from `end`, empty periods skipped."""
    shares = []
    for k in range(periods):
        stop = end - dt.timedelta(days=days * k)
        start = stop - dt.timedelta(days=days)
        group = [c for c in comments if start < c.posted_at <= stop]
        if group:
            shares.append((sum(1 for c in group if c.label == "negative") / len(group), len(group)))
    return shares


def evaluate_sentiment(data: CreatorData, params: SentimentParams, *, as_of: dt.datetime) -> list[Hit]:
    """Negative comments well above the creator's own baseline in the recent window.

    Like is compared with like: the baseline is the median negative share of the creator's
    earlier periods of the same length (`window_days`, over the `history_days` before the window),
    never below 10% (`spikes.P_FLOOR`); the spread is the scaled MAD of the periods with at least
    RELIABLE_PERIOD_COMMENTS comments (smaller periods swing by sampling noise alone), floored by
    the binomial noise of a share measured on as many comments as the window has. The window's
    negative share must exceed the baseline by `margin` and score a robust z ≥ `z_threshold`.
    The episode is named by its onset: the first day in the window whose own share exceeds
    baseline + margin.
    """
    window_start = as_of - dt.timedelta(days=params.window_days)
    history_start = window_start - dt.timedelta(days=params.history_days)
    recent = [c for c in data.comments if window_start < c.posted_at <= as_of]
    history = [c for c in data.comments if history_start < c.posted_at <= window_start]
    if len(recent) < params.min_comments:
        return []
    if len(sentiment_series(history)) < params.min_history_days:
        return []
    periods = max(1, params.history_days // params.window_days)
    periods_seen = _period_shares(history, end=window_start, days=params.window_days, periods=periods)
    negatives = [c for c in recent if c.label == "negative"]
    share = len(negatives) / len(recent)
    stats = robust_z(
        share,
        [s for s, _ in periods_seen],
        n=len(recent),
        spread_history=[s for s, n in periods_seen if n >= RELIABLE_PERIOD_COMMENTS],
    )
    if share < stats.center + params.margin or stats.z < params.z_threshold:
        return []
    recent_days = sentiment_series(recent)
    elevated = [p for p in recent_days if p.negative and p.negative_share >= stats.center + params.margin]
    onset = elevated[0].day if elevated else min(comment_day(c) for c in negatives)
    severity = HIGH if (share >= stats.center + 2 * params.margin or stats.z >= 2 * params.z_threshold) else MEDIUM
    negatives.sort(key=lambda c: (c.posted_at, c.id))
    account_id = max({c.account_id for c in negatives}, key=lambda a: sum(1 for c in negatives if c.account_id == a))
    return [
        Hit(
            kind=SENTIMENT,
            cause=f"sentiment:{onset.isoformat()}",
            severity=severity,
            title=m.SENTIMENT_TITLE(share=share, baseline=stats.center),
            summary=m.SENTIMENT_SUMMARY(
                negative=len(negatives),
                comments=len(recent),
                creator=data.name,
                days=params.window_days,
                share=share,
                baseline=stats.center,
                periods=stats.n,
                z=stats.z,
                margin=params.margin,
                z_threshold=params.z_threshold,
            ),
            evidence={
                "window": {"from": window_start.isoformat(), "to": as_of.isoformat(), "days": params.window_days},
                "negative_share": round(share, 4),
                "negative_comments": len(negatives),
                "comments": len(recent),
                "baseline": stats.as_dict(),
                "threshold": {"margin": params.margin, "z_threshold": params.z_threshold},
                "onset": onset.isoformat(),
                "days": [p.as_dict() for p in recent_days],
                "comment_ids": [c.id for c in negatives],
                "comment_list": [c.evidence() for c in negatives[:EVIDENCE_LIMIT]],
            },
            account_id=account_id,
        )
    ]


def evaluate_anomalies(data: CreatorData, params: AnomalyParams, *, kind: str, as_of: dt.datetime) -> list[Hit]:
    """One hit per anomaly (or anomaly episode) of at least `min_severity` reaching into the last
    `lookback_days`."""
    anomalies = data.growth_anomalies if kind == GROWTH_ANOMALY else data.engagement_anomalies
    start = (as_of - dt.timedelta(days=params.lookback_days)).date()
    floor = SEVERITY_RANK[params.min_severity]
    title = m.GROWTH_ANOMALY_TITLE if kind == GROWTH_ANOMALY else m.ENGAGEMENT_ANOMALY_TITLE
    hits = []
    for anomaly in sorted(anomalies, key=lambda a: (a.day, a.account_id, a.kind)):
        # An episode counts while its last day is in the lookback; its first day names it.
        if not (start < (anomaly.last_day or anomaly.day) and anomaly.day <= as_of.date()):
            continue
        if SEVERITY_RANK.get(anomaly.severity, 0) < floor:
            continue
        headline = anomaly.headline or anomaly.why
        hits.append(
            Hit(
                kind=kind,
                cause=f"{kind}:a{anomaly.account_id}:{anomaly.kind}:{anomaly.day.isoformat()}",
                severity=anomaly.severity,
                title=title(headline=headline, date=anomaly.day),
                summary=m.ANOMALY_SUMMARY(creator=data.name, why=anomaly.why),
                evidence={
                    "anomaly": anomaly.kind,
                    "date": anomaly.day.isoformat(),
                    "size": anomaly.size,
                    "severity": anomaly.severity,
                    "why": message_safe(anomaly.why),
                    "min_severity": params.min_severity,
                    **anomaly.evidence,
                },
                account_id=anomaly.account_id,
            )
        )
    return hits


def _is_paid(post: PostData) -> bool:
    """The catalogue's decision (`influencers.sponsorship`, stored on the post when it was
    imported or refreshed); posts built by hand are read for markers by the same rule."""
    return post.is_sponsored or bool(find_marker(post.caption, post.hashtags))


def _name_variants(name: str) -> list[str]:
    """A competitor's full name and its script parts ("Lumiskin 璐美肤" → also "Lumiskin", "璐美肤")."""
    full = normalise(name).strip()
    parts = [full]
    latin = " ".join(re.findall(r"[^\W\d_]+(?:\s+[^\W\d_]+)*", _CJK.sub(" ", full))).strip()
    cjk = "".join(_CJK.findall(full))
    parts += [p for p in (latin, cjk) if p and p != full and len(p) >= 2]
    return parts


def _compact(text: str) -> str:
    return re.sub(r"[\W_]+", "", normalise(text))


def evaluate_competitor(
    data: CreatorData, params: CompetitorParams, brand: BrandContext, *, as_of: dt.datetime
) -> list[Hit]:
    """Paid posts for a competitor within `lookback_days`, one hit per competitor.

    A post is paid when the catalogue decided it is sponsored: the platform's flag, a sponsor
    named, or a disclosure marker (#ad, #sponsored, 广告, 品牌合作, 赞助 …, whole tokens). It is
    for a competitor when the sponsor field, a mention or the caption names the competitor (its
    full name or either script part of a bilingual name).
    """
    competitors = list(params.competitors) + (list(brand.competitors) if params.use_brand_competitors else [])
    competitors = list(dict.fromkeys(c.strip() for c in competitors if c and c.strip()))
    if not competitors:
        return []
    posts = sorted(
        (p for p in _recent(data.posts, "posted_at", as_of, params.lookback_days) if _is_paid(p)),
        key=lambda p: (p.posted_at, p.id),
    )
    hits = []
    for competitor in competitors:
        variants = _name_variants(competitor)
        compact_variants = [_compact(v) for v in variants if _compact(v)]
        text_match = term_matcher(variants)
        found: list[tuple[PostData, str]] = []
        for post in posts:
            sponsor = _compact(post.sponsor)
            mentions = [_compact(m) for m in post.mentions]
            if sponsor and any(v in sponsor or sponsor in v for v in compact_variants):
                found.append((post, "sponsor"))
            elif any(m and any(v == m or v in m for v in compact_variants) for m in mentions):
                found.append((post, "mention"))
            elif text_match(post.caption):
                found.append((post, "caption"))
        if not found:
            continue
        first = found[0][0]
        severity = HIGH if len(found) >= 2 else MEDIUM
        hits.append(
            Hit(
                kind=COMPETITOR,
                cause=f"competitor:{_compact(competitor)}:post{first.id}",
                severity=severity,
                title=m.COMPETITOR_TITLE(n=len(found), competitor=competitor),
                summary=m.COMPETITOR_SUMMARY(
                    creator=data.name,
                    n=len(found),
                    competitor=competitor,
                    days=params.lookback_days,
                    date=found[-1][0].posted_at.date(),
                ),
                evidence={
                    "competitor": competitor,
                    "count": len(found),
                    "lookback_days": params.lookback_days,
                    "posts": [p.evidence(sponsor=p.sponsor, matched_by=how) for p, how in found[:EVIDENCE_LIMIT]],
                },
                account_id=first.account_id,
            )
        )
    return hits


def evaluate_rule(
    kind: str,
    params: Any,
    data: CreatorData,
    brand: BrandContext,
    *,
    as_of: dt.datetime,
    matcher: Callable[[Sequence[str]], Callable[[str], list[str]]] = term_matcher,
) -> list[Hit]:
    """Dispatch to the evaluator of `kind` (params from `parse_params`)."""
    if kind == KEYWORD:
        return evaluate_keyword(data, params, brand, as_of=as_of, matcher=matcher)
    if kind == SENTIMENT:
        return evaluate_sentiment(data, params, as_of=as_of)
    if kind in (GROWTH_ANOMALY, ENGAGEMENT_ANOMALY):
        return evaluate_anomalies(data, params, kind=kind, as_of=as_of)
    if kind == COMPETITOR:
        return evaluate_competitor(data, params, brand, as_of=as_of)
    raise ValueError(f"unknown rule kind {kind!r}")


def lookback_days(kind: str, params: Any) -> int:
    """How many days of posts/comments a rule needs before `as_of`."""
    if kind == SENTIMENT:
        return params.window_days + params.history_days
    return params.lookback_days
