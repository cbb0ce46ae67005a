"""Price and reach estimates per account, labelled as estimates, with the rate table's sources."""

from __future__ import annotations

import statistics
from functools import lru_cache
from typing import Any

from django.conf import settings

from core.models import Organization
from influencers.models import Account, Post
from vetting.messages import RATE_TABLE_ADJUSTED, RATE_TABLE_AS_OF
from vetting.monitoring import pricing as est
from vetting.monitoring.creator_data import account_followers
from vetting.services.campaign_report import organization_prediction_error, track_record

# What the organisation's campaigns re-size (vetting.scoring.campaigns.calibrated_range), by the
# estimate's key: reach and cost per post.
TRACK_RECORD_KINDS = {"reach": "reach_per_post", "cost": "cost_per_post_usd"}


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


def organization_estimate(
    account: Account,
    *,
    organization: Organization | int | None,
    table: est.RateTable | None = None,
    error: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The estimate of `account` as `organization` sees it, the one the creator page, the API and
    the exports show: the rate table's figures (`estimate_for_account`) and `track_record`
    {reach, cost}: each the range re-sized by the organisation's own campaign outcomes
    ({low, high, message}), None below MIN_OUTCOMES outcomes (or without an organisation).
    `error`: the organisation's prediction error when the caller has computed it already."""
    estimate = estimate_for_account(account, table=table)
    adjusted = track_record(organization=organization, estimate=estimate, error=error) if organization else {}
    return {**estimate, "track_record": {kind: adjusted.get(kind) for kind in TRACK_RECORD_KINDS}}


def estimate_snapshot(account: Account, *, table: est.RateTable | None = None) -> dict[str, Any]:
    """What the product predicts per post of `account` now, compactly: kept in a shortlist
    entry's snapshot when the creator is added, and compared with the campaign's results
    (vetting.scoring.campaigns). Ranges are [low, high]."""
    table = table or rate_table()
    e = estimate_for_account(account, table=table)
    median_views, median_engagements = _recent_post_figures(account)

    def pair(figure: dict[str, Any]) -> list[float] | None:
        return None if figure.get("low") is None else [figure["low"], figure["high"]]

    return {
        "reach_per_post": pair(e["reach_per_post"]),
        "cost_per_post_usd": pair(e["cost_per_post_usd"]),
        "cpm_usd": pair(e["cpm_usd"]),
        "cpe_usd": pair(e["cpe_usd"]),
        "engagements_per_post": median_engagements,
        "views_per_post": median_views,
        "tier": e["tier"],
        "rate_table": {"name": table.name, "as_of": table.as_of},
    }


def estimates_for_creator(creator_id: int, *, organization: Organization | int | None = None) -> dict[str, Any]:
    """Estimates for every account of a creator (`organization_estimate`: with the organisation's
    track record), the primary (largest) account's figures as the creator's CPM/CPE, and the rate
    table's name, as-of date, sources and disclaimer."""
    table = rate_table()
    accounts = list(
        Account.objects.filter(creator_id=creator_id).select_related("metrics").order_by("platform", "handle")
    )
    error = organization_prediction_error(organization=organization) if organization and accounts else None
    per_account = [organization_estimate(a, organization=organization, table=table, error=error) for a in accounts]
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


# Numbers a client can sort (ranges as min/max columns), and what they rest on.
ESTIMATE_EXPORT_COLUMNS = (
    "est_reach_min",
    "est_reach_max",
    "est_cost_min_usd",
    "est_cost_max_usd",
    "est_cpm_min_usd",
    "est_cpm_max_usd",
    "est_cpe_min_usd",
    "est_cpe_max_usd",
    "est_tier",
    "est_rate_table",
)


def _rounded(value: float | None, digits: int) -> float | int | None:
    if value is None:
        return None
    return round(value) if digits == 0 else round(value, digits)


def estimate_export_fields(
    account: Account | None,
    *,
    table: est.RateTable | None = None,
    organization: Organization | int | None = None,
    error: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The ESTIMATE_EXPORT_COLUMNS of `account` for the exports: reach and fee per post as whole
    numbers, CPM to the cent, CPE to a tenth of a cent, the tier and the rate table (name and
    date), plus `est_cost_open_ended` (the tier's fee has no upper bound: the max is a floor).
    None everywhere when there is no account.

    With an `organization`, the same estimate as its creator page and API (`organization_estimate`):
    reach and fee ranges re-sized by its campaign outcomes where it has enough, CPM and CPE built
    from those ranges as the rate table's are, and `est_rate_table` saying how many outcomes
    re-sized them."""
    empty: dict[str, Any] = dict.fromkeys(ESTIMATE_EXPORT_COLUMNS, None)
    if account is None:
        return {**empty, "est_cost_open_ended": False}
    table = table or rate_table()
    e = organization_estimate(account, organization=organization, table=table, error=error)
    reach = e["track_record"]["reach"] or e["reach_per_post"]
    cost = e["track_record"]["cost"] or e["cost_per_post_usd"]
    cpm, cpe = e["cpm_usd"], e["cpe_usd"]
    adjusted = [kind for kind, figure in e["track_record"].items() if figure]
    if adjusted:
        cpm = est.ratio_range(cost["low"], cost["high"], reach["low"], reach["high"], 1000.0)
        if e["engagements_per_post"]:
            engagements = e["engagements_per_post"]
            cpe = est.ratio_range(cost["low"], cost["high"], engagements, engagements, 1.0)
        outcomes = max(e["track_record"][kind]["message"].params["n"] for kind in adjusted)
        source = RATE_TABLE_ADJUSTED(name=table.name, date=table.as_of, n=outcomes)
    else:
        source = RATE_TABLE_AS_OF(name=table.name, date=table.as_of)
    return {
        "est_reach_min": _rounded(reach["low"], 0),
        "est_reach_max": _rounded(reach["high"], 0),
        "est_cost_min_usd": _rounded(cost["low"], 0),
        "est_cost_max_usd": _rounded(cost["high"], 0),
        "est_cpm_min_usd": _rounded(cpm["low"], 2),
        "est_cpm_max_usd": _rounded(cpm["high"], 2),
        "est_cpe_min_usd": _rounded(cpe["low"], 3),
        "est_cpe_max_usd": _rounded(cpe["high"], 3),
        "est_tier": e["tier"],
        "est_rate_table": source,
        # A re-sized fee range has an upper bound: the outcomes set it.
        "est_cost_open_ended": bool(e["cost_per_post_usd"]["open_ended_high"]) and not e["track_record"]["cost"],
    }
