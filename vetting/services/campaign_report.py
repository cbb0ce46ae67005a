"""A campaign's results against the predictions, per booked creator and in total, and the
organisation's prediction error over all its campaigns, which re-sizes the ranges the price and
reach estimates show (`track_record`). The formulas are in `vetting.scoring.campaigns`."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from core.models import Organization
from influencers.models import Account, Post
from vetting import messages as m
from vetting.models import Campaign, CampaignCreator, CampaignPost
from vetting.scoring.campaigns import (
    PREDICTION_TYPES,
    PostFigures,
    actuals,
    calibrated_range,
    compare,
    prediction_error,
    predictions,
)

COUNTERS = ("reach", "views", "likes", "comments", "shares", "saves")


def _bookings(campaigns: Any) -> list[CampaignCreator]:
    return list(
        CampaignCreator.objects.filter(campaign__in=campaigns)
        .select_related("creator", "entry", "campaign")
        .prefetch_related(
            Prefetch("posts", queryset=CampaignPost.objects.select_related("post").order_by("posted_at", "id")),
            Prefetch("creator__accounts", queryset=Account.objects.select_related("metrics").order_by("id")),
        )
        .order_by("campaign_id", "id")
    )


def _figures(post: CampaignPost) -> PostFigures:
    """A linked post's counters are the catalogued post's (refreshed by the connectors); reach
    only an import can give."""
    source: Post | CampaignPost = post.post if post.post is not None else post
    return PostFigures(
        platform=post.platform,
        likes=source.likes,
        comments=source.comments,
        views=source.views,
        shares=source.shares,
        saves=source.saves,
        reach=post.reach,
    )


def _predicted_account(booking: CampaignCreator, platform: str) -> tuple[dict[str, Any], str]:
    """The snapshot of the booked creator's account on the posts' platform (else its largest),
    and where the prediction comes from: "shortlisted" (kept when the creator was added) or
    "now" (the entry predates kept estimates: recomputed from today's data, and said so)."""
    from vetting.monitoring.estimates import estimate_snapshot

    snapshot = ((booking.entry.vetting_snapshot if booking.entry else None) or {}).get("accounts") or []
    same = [a for a in snapshot if a.get("platform") == platform] or snapshot
    chosen = max(same, key=lambda a: a.get("followers") or 0, default=None)
    if chosen is not None and chosen.get("estimate"):
        return chosen, "shortlisted"
    accounts = [a for a in booking.creator.accounts.all() if a.platform == platform] or list(
        booking.creator.accounts.all()
    )
    if not accounts:
        return {}, ""
    account = max(accounts, key=lambda a: getattr(getattr(a, "metrics", None), "followers", 0) or 0)
    metrics = getattr(account, "metrics", None)
    return {
        "account_id": account.pk,
        "platform": account.platform,
        "handle": account.handle,
        "followers": metrics.followers if metrics else None,
        "engagement_rate": metrics.engagement_rate if metrics else None,
        "estimate": estimate_snapshot(account),
    }, "now"


def _creator_row(booking: CampaignCreator) -> dict[str, Any]:
    posts = list(booking.posts.all())
    platform = posts[0].platform if posts else ""
    predicted_account, prediction_source = _predicted_account(booking, platform)
    if not platform:
        platform = predicted_account.get("platform", "")
    fee = float(booking.fee_usd)
    actual = actuals([_figures(p) for p in posts], fee=fee, followers=predicted_account.get("followers"))
    predicted = (
        predictions(predicted_account.get("estimate"), er=predicted_account.get("engagement_rate"), posts=len(posts))
        if posts
        else {}
    )
    return {
        "booking_id": booking.pk,
        "creator": {"id": booking.creator_id, "display_name": booking.creator.display_name},
        "platform": platform,
        "handle": predicted_account.get("handle", ""),
        "fee_usd": fee,
        "posts": [
            {
                "id": p.pk,
                "url": p.url,
                "source": p.source,
                "posted_at": p.posted_at.isoformat() if p.posted_at else None,
                **{name: getattr(_figures(p), name) for name in COUNTERS},
            }
            for p in posts
        ],
        "actual": actual,
        "predicted": {kind: list(pair) for kind, pair in predicted.items()},
        "comparison": compare(predicted, actual),
        "prediction_source": prediction_source,
        "followers_at_shortlisting": predicted_account.get("followers"),
    }


def _totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The campaign's totals: sums of the creators' figures (reach and views only when every
    creator's is known), and the sums of their predictions for reach, engagements and cost."""
    with_posts = [r for r in rows if r["actual"]["posts"]]

    def total(name: str) -> float | None:
        values = [r["actual"][name] for r in with_posts]
        return None if not values or any(v is None for v in values) else float(sum(values))

    # The measured part: the fees of the creators whose posts are in (a booking without posts yet
    # has cost but no results).
    cost = float(sum(r["fee_usd"] for r in with_posts))
    reach, views, engagements = total("reach"), total("views"), total("engagements")
    actual = {
        "posts": sum(r["actual"]["posts"] for r in rows),
        "reach": reach,
        "views": views,
        "engagements": engagements,
        "cost": cost,
        "cpe": cost / engagements if engagements else None,
        "cpv": cost / views if views else None,
        "cpm": cost / reach * 1000 if reach else None,
    }
    predicted: dict[str, tuple[float, float]] = {}
    for kind in ("reach", "engagements", "cost"):
        pairs = [r["predicted"].get(kind) for r in with_posts]
        if pairs and all(pairs):
            predicted[kind] = (sum(p[0] for p in pairs if p), sum(p[1] for p in pairs if p))
    return {
        "actual": actual,
        "predicted": {k: list(v) for k, v in predicted.items()},
        "comparison": compare(predicted, actual),
        "cost_all_bookings": float(sum(r["fee_usd"] for r in rows)),
    }


def campaign_report(*, campaign: Campaign) -> dict[str, Any]:
    """Per booked creator and in total: the actual figures, the predictions made when the
    creator was shortlisted, the error of each; the error of this campaign per prediction type,
    and the organisation's over all its campaigns."""
    rows = [_creator_row(b) for b in _bookings([campaign])]
    return {
        "campaign": {
            "id": campaign.pk,
            "name": campaign.name,
            "shortlist": {"id": campaign.shortlist_id, "name": campaign.shortlist.name},
            "brand": campaign.brand.name if campaign.brand else "",
            "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat() if campaign.ends_on else None,
        },
        "creators": rows,
        "total": _totals(rows),
        "error_by_type": prediction_error(r["comparison"] for r in rows if r["actual"]["posts"]),
        "organisation_error": organization_prediction_error(organization=campaign.organization),
    }


def organization_prediction_error(*, organization: Organization | int) -> dict[str, dict[str, Any]]:
    """The organisation's prediction error per type over every booked creator with campaign
    posts in any of its campaigns (vetting.scoring.campaigns.prediction_error)."""
    org_id = organization if isinstance(organization, int) else organization.pk
    bookings = _bookings(Campaign.objects.filter(organization_id=org_id))
    rows = [_creator_row(b) for b in bookings if b.posts.all()]
    error = prediction_error(r["comparison"] for r in rows)
    for kind in PREDICTION_TYPES:
        error[kind]["campaigns"] = len({b.campaign_id for b in bookings if b.posts.all()})
    return error


def track_record(
    *, organization: Organization | int, estimate: dict[str, Any], error: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The organisation's track record beside an account's estimate (`estimate_for_account`):
    for reach and cost per post, the range re-centred and re-sized by the past error when there
    are enough outcomes, with the sentence that says so. {kind: {low, high, message}}. `error`:
    the organisation's `organization_prediction_error`, when the caller has it already (an
    export computes it once for all its rows)."""
    if error is None:
        error = organization_prediction_error(organization=organization)
    out: dict[str, Any] = {}
    for kind, key in (("reach", "reach_per_post"), ("cost", "cost_per_post_usd")):
        figure = estimate.get(key) or {}
        if figure.get("low") is None or figure.get("high") is None:
            continue
        adjusted = calibrated_range(float(figure["low"]), float(figure["high"]), error.get(kind))
        if adjusted is None:
            continue
        row = error[kind]
        out[kind] = {
            "low": adjusted[0],
            "high": adjusted[1],
            "message": (m.TRACK_RECORD_REACH if kind == "reach" else m.TRACK_RECORD_COST)(
                n=row["n"],
                campaigns=row["campaigns"],
                error=row["median_abs_error"],
                bias=row["bias"],
                low=adjusted[0],
                high=adjusted[1],
            ),
        }
    return out


def error_lines(error: dict[str, dict[str, Any]]) -> list[Any]:
    """One sentence per prediction type with outcomes: its median error, bias and (ranges) how
    often the actual fell inside."""
    lines = []
    for kind in PREDICTION_TYPES:
        row = error.get(kind) or {}
        if not row.get("n"):
            continue
        if row.get("within_share") is not None and kind not in ("engagements", "er"):
            lines.append(
                m.CAMPAIGN_ERROR_LINE(
                    what=kind, error=row["median_abs_error"], n=row["n"], bias=row["bias"], within=row["within_share"]
                )
            )
        else:
            lines.append(m.CAMPAIGN_ERROR_POINT(what=kind, error=row["median_abs_error"], n=row["n"], bias=row["bias"]))
    return lines
