"""A creator's daily comment sentiment series with spike days."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

from django.utils import timezone

from core.errors import InputError
from influencers.models import Creator, Post
from vetting.models import RuleKind
from vetting.monitoring import rules as r
from vetting.monitoring.creator_data import MAX_LOOKBACK_DAYS, load_creator_data
from vetting.monitoring.sentiment import analyze
from vetting.monitoring.spikes import detect_spike_days


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
                "spike_stats": spikes[p.day].stats.as_dict() if p.day in spikes else None,
            }
            for p in series
        ],
    }
