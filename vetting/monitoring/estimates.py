"""Price and reach estimates per account, labelled as estimates, with the rate table's sources."""

from __future__ import annotations

import statistics
from functools import lru_cache
from typing import Any

from django.conf import settings

from influencers.models import Account, Post
from vetting.monitoring import pricing as est
from vetting.monitoring.creator_data import account_followers


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
    followers = account_followers(account)
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
