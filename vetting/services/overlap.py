"""Audience overlap of a shortlist's creators: load their accounts, follower counts and follower
samples (three queries, however long the list) and hand them to the pure estimator
(`vetting.scoring.overlap`, which states the method). Nothing is stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Any

from influencers.models import Account, Creator, FollowerSample
from vetting.models import Shortlist
from vetting.scoring.overlap import LEVEL, METHOD, Audience, UniqueReach, combined_reach, unique_reach


def shortlist_overlap(*, shortlist: Shortlist) -> dict[str, Any]:
    """Pairwise overlap and unique reach of the creators on `shortlist` (see `creators_overlap`)."""
    creator_ids = list(shortlist.entries.order_by("added_at", "id").values_list("creator_id", flat=True))
    return creators_overlap(creator_ids=creator_ids)


def creators_overlap(*, creator_ids: Iterable[int]) -> dict[str, Any]:
    """{method, level, creators, pairs, unique_reach, unknown} for these creators, in this order.

    Overlap is measured within a platform (usernames identify a person on one platform only);
    pairs are between accounts of different creators on the same platform. A creator none of
    whose accounts has both a follower count and a follower sample is `unknown`; an account
    without them counts in `unique_reach.followers_not_counted`."""
    ids = list(dict.fromkeys(int(i) for i in creator_ids))
    creators = {c.pk: c for c in Creator.objects.filter(pk__in=ids).only("id", "display_name")}
    accounts = list(
        Account.objects.filter(creator_id__in=ids)
        .select_related("metrics")
        .only("id", "creator_id", "platform", "handle", "metrics__followers")
        .order_by("creator_id", "platform", "handle")
    )
    samples: dict[int, list[str]] = defaultdict(list)
    for account_id, username in FollowerSample.objects.filter(account__in=[a.pk for a in accounts]).values_list(
        "account_id", "username"
    ):
        samples[account_id].append(username)

    by_creator: dict[int, list[dict[str, Any]]] = defaultdict(list)
    by_platform: dict[str, list[Audience]] = defaultdict(list)
    owner: dict[Hashable, int] = {}
    not_counted = 0
    for account in accounts:
        metrics = getattr(account, "metrics", None)
        followers = metrics.followers if metrics is not None else None
        audience = Audience.of(account.pk, followers or 0, samples.get(account.pk, ()))
        usable = bool(followers) and audience.n > 0
        by_creator[account.creator_id].append(
            {
                "id": account.pk,
                "platform": account.platform,
                "handle": account.handle,
                "followers": followers,
                "sample_size": audience.n,
                "counted": usable,
            }
        )
        if usable:
            by_platform[account.platform].append(audience)
            owner[account.pk] = account.creator_id
        else:
            not_counted += followers or 0

    # Each platform's interval at 1 − α/P so that their sum holds at 1 − α (Bonferroni).
    platforms = sorted(by_platform)
    union_level = 1 - (1 - LEVEL) / max(len(platforms), 1)
    reaches: dict[str, UniqueReach] = {
        platform: unique_reach(by_platform[platform], union_level=union_level) for platform in platforms
    }
    total = combined_reach(list(reaches.values()))
    pairs = [
        {
            "a": owner[pair.a],
            "b": owner[pair.b],
            "platform": platform,
            "accounts": [pair.a, pair.b],
            "overlap_share": _round(pair.overlap_share),
            "interval": [_round(x) for x in pair.interval],
            "shared_in_sample": pair.shared_in_sample,
            "sample_sizes": list(pair.sample_sizes),
            "followers": list(pair.followers),
            "shared_followers": {
                "estimate": _whole(pair.shared_followers),
                "interval": [_whole(x) for x in pair.shared_interval],
            },
            "detectable_share": _round(pair.detectable_share),
            "informative": pair.informative,
            "consistent": pair.consistent,
        }
        for platform, reach in reaches.items()
        for pair in reach.pairs
        if owner[pair.a] != owner[pair.b]  # two accounts of one creator are not a pair to compare
    ]
    unknown = [
        {"creator": pk, "display_name": creators[pk].display_name, "reason": _why_unknown(by_creator.get(pk, []))}
        for pk in ids
        if pk in creators and not any(a["counted"] for a in by_creator.get(pk, []))
    ]
    return {
        "method": METHOD,
        "level": LEVEL,
        "creators": [
            {"id": pk, "display_name": creators[pk].display_name, "accounts": by_creator.get(pk, [])}
            for pk in ids
            if pk in creators
        ],
        "pairs": pairs,
        "unique_reach": {
            "estimate": _whole(total.estimate) if total.accounts else None,
            "interval": [_whole(x) for x in total.interval] if total.accounts else None,
            "followers_total": total.followers_total,
            "accounts_counted": total.accounts,
            "followers_not_counted": not_counted,
            "by_platform": [
                {
                    "platform": platform,
                    "estimate": _whole(reach.estimate),
                    "interval": [_whole(x) for x in reach.interval],
                    "followers_total": reach.followers_total,
                    "accounts": reach.accounts,
                }
                for platform, reach in reaches.items()
            ],
        },
        "unknown": unknown,
    }


def _why_unknown(accounts: list[dict[str, Any]]) -> str:
    if not accounts:
        return "no account"
    if not any(a["sample_size"] for a in accounts):
        return "no follower sample"
    return "no follower count"


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 4)


def _whole(value: float | None) -> int | None:
    return None if value is None else int(round(float(value)))
