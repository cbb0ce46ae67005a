"""Audience overlap of a shortlist's creators: load their accounts, follower counts and follower
samples (three queries, however long the list) and hand them to the pure estimator
(`vetting.scoring.overlap`, which states the method). Nothing is stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Any

from core.messages import Message
from influencers.models import Account, Creator, FollowerSample
from vetting import messages as m
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


# --- the matrix the shortlist page and the exports show --------------------------------------------


def overlap_matrix(result: dict[str, Any]) -> dict[str, Any]:
    """`creators_overlap`'s result as a creators × creators matrix and the unique-reach lines.

    {"creators": [{id, display_name}], "rows": [{creator, cells: [cell]}], "reach": Message,
    "not_counted": Message | None, "method": Message}; a cell is {"kind", "share", "interval",
    "note": Message | None, "platform"} with kind "self" (the diagonal), "unknown" (either creator
    has no follower sample), "none" (no platform in common), "estimate", "too_small" (the samples
    cannot see overlap: only the interval) or "contradiction". When two creators share several
    platforms the cell shows the pair with the narrowest interval."""
    unknown = {u["creator"]: u["reason"] for u in result["unknown"]}
    best: dict[tuple[int, int], dict[str, Any]] = {}
    for pair in result["pairs"]:
        key = (min(pair["a"], pair["b"]), max(pair["a"], pair["b"]))
        if key not in best or _rank(pair) < _rank(best[key]):
            best[key] = pair
    creators = [{"id": c["id"], "display_name": c["display_name"]} for c in result["creators"]]
    rows = []
    for row in creators:
        cells = []
        for column in creators:
            key = (min(row["id"], column["id"]), max(row["id"], column["id"]))
            cells.append(_cell(row, column, best.get(key), unknown))
        rows.append({"creator": row, "cells": cells})
    reach = result["unique_reach"]
    if reach["estimate"] is None:
        reach_message = m.UNIQUE_REACH_NONE()
    else:
        reach_message = m.UNIQUE_REACH(
            estimate=reach["estimate"],
            low=reach["interval"][0],
            high=reach["interval"][1],
            total=reach["followers_total"],
            accounts=reach["accounts_counted"],
        )
    not_counted = reach["followers_not_counted"]
    return {
        "creators": creators,
        "rows": rows,
        "reach": reach_message,
        "not_counted": m.UNIQUE_REACH_NOT_COUNTED(n=not_counted) if not_counted else None,
        "method": m.OVERLAP_METHOD(),
        "unique_reach": reach,
    }


def _rank(pair: dict[str, Any]) -> tuple[int, float]:
    """Informative pairs first, then consistent ones, each by the width of their interval."""
    width = pair["interval"][1] - pair["interval"][0]
    return (0 if pair["informative"] else 1 if pair["consistent"] else 2, width)


def _cell(
    row: dict[str, Any], column: dict[str, Any], pair: dict[str, Any] | None, unknown: dict[int, str]
) -> dict[str, Any]:
    cell: dict[str, Any] = {"kind": "", "share": None, "interval": None, "note": None, "platform": ""}
    if row["id"] == column["id"]:
        cell["kind"] = "self"
        return cell
    missing = next((c for c in (row, column) if c["id"] in unknown), None)
    if missing is not None:
        cell["kind"] = "unknown"
        cell["note"] = m.OVERLAP_UNKNOWN(name=missing["display_name"], reason=unknown[missing["id"]])
        return cell
    if pair is None:
        cell["kind"] = "none"
        cell["note"] = m.OVERLAP_NO_COMMON_PLATFORM()
        return cell
    cell["platform"] = pair["platform"]
    cell["interval"] = pair["interval"]
    n_a, n_b = pair["sample_sizes"]
    note: Message
    if not pair["consistent"]:
        cell["kind"] = "contradiction"
        note = m.OVERLAP_CONTRADICTION(platform=pair["platform"], shared=pair["shared_in_sample"])
    elif not pair["informative"]:
        cell["kind"] = "too_small"
        low, high = pair["interval"]
        note = m.OVERLAP_TOO_SMALL(platform=pair["platform"], low=low, high=high, n_a=n_a, n_b=n_b)
    else:
        cell["kind"] = "estimate"
        cell["share"] = pair["overlap_share"]
        low, high = pair["interval"]
        note = m.OVERLAP_PAIR(
            share=pair["overlap_share"],
            low=low,
            high=high,
            platform=pair["platform"],
            shared=pair["shared_in_sample"],
            n_a=n_a,
            n_b=n_b,
        )
    cell["note"] = note
    return cell
