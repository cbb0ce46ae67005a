"""Shapes selector and service results into what templates show. Presentation only: every
figure here was computed by a selector or a service; this module picks and arranges."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from core.errors import VettedError
from core.messages import label, render_message
from frontend.views.common import error_text
from influencers.models import Account, Creator
from influencers.risk import creator_risk_from_dict, creator_risk_of
from vetting.models import Brand
from vetting.selectors.reports import account_vetting_reports, brand_audience_fits

FILTER_KEYS_IGNORED = {"page", "sort", "brand", "look", "look_brand"}


def selected_brand(brands: Iterable[Brand], raw_id: str | None) -> Brand | None:
    """The brand picked in the discovery header (one of the organisation's brands), or None."""
    if not raw_id:
        return None
    for brand in brands:
        if str(brand.pk) == str(raw_id):
            return brand
    return None


def active_filter_count(query: Mapping[str, Any]) -> int:
    """How many filters are set (shown on the "Clear filters" control)."""
    return sum(1 for key, value in query.items() if key not in FILTER_KEYS_IGNORED and str(value).strip())


def representative_account(creator: Creator) -> Account | None:
    """The account a discovery row shows: the one the search matched (its `rep_account_id`
    annotation), else the creator's biggest account."""
    accounts = list(creator.accounts.all())
    rep_id = getattr(creator, "rep_account_id", None)
    for account in accounts:
        if account.pk == rep_id:
            return account
    with_metrics = [a for a in accounts if getattr(a, "metrics", None) is not None]
    if with_metrics:
        return max(with_metrics, key=lambda a: a.metrics.followers)
    return accounts[0] if accounts else None


def account_metrics(account: Account | None) -> Any:
    """The account's AccountMetrics row, or None when it has not been computed."""
    if account is None:
        return None
    try:
        return account.metrics
    except ObjectDoesNotExist:  # no metrics row yet
        return None


def er_benchmark(account: Account | None, metrics: Any) -> dict[str, Any] | None:
    """How the account's engagement compares with its platform/tier benchmark, as the vetting
    service stored it: {"ratio", "median", "tier", "position", "formula"}; None before vetting.
    The ratio is the vetting ER over the benchmark median (both by the benchmark's formula)."""
    if metrics is None:
        return None
    engagement = (metrics.vetting or {}).get("engagement") or {}
    benchmark = engagement.get("benchmark") or {}
    if not benchmark.get("median"):
        return None
    return {
        "ratio": engagement.get("er_ratio"),
        "median": benchmark.get("median"),
        "low": benchmark.get("low"),
        "high": benchmark.get("high"),
        "tier": benchmark.get("tier"),
        "position": engagement.get("position"),
        "engagement_rate": engagement.get("engagement_rate"),
        "formula": benchmark.get("formula") or engagement.get("formula"),
    }


def creator_rows(creators: list[Creator], *, brand: Brand | None = None) -> list[dict[str, Any]]:
    """One row per creator for the results table: representative account, its metrics, the ER
    benchmark and, with a brand, the audience fit from the matching service."""
    picked = [(creator, representative_account(creator)) for creator in creators]
    fits: dict[int, dict[str, Any]] = {}
    if brand is not None:
        by_account = brand_audience_fits(brand=brand, account_ids=[a.pk for _c, a in picked if a is not None])
        fits = {
            creator.pk: by_account[account.pk] for creator, account in picked if account and account.pk in by_account
        }
    rows = []
    for creator, account in picked:
        metrics = account_metrics(account)
        accounts = list(creator.accounts.all())
        rows.append(
            {
                "creator": creator,
                "account": account,
                "accounts": accounts,
                "risk": creator_risk_of(accounts),  # the creator's verdict: its worst vetted account's
                "metrics": metrics,
                "benchmark": er_benchmark(account, metrics),
                "fit": fits.get(creator.pk),
                "avatar_url": avatar_url(account),
            }
        )
    return rows


def avatar_url(account: Account | None) -> str:
    """The account's stored profile picture URL, or "" (templates then draw initials)."""
    if account is None:
        return ""
    if account.profile_picture:
        try:
            return account.profile_picture.url
        except ValueError:
            return ""
    return ""


def _get(obj: Any, name: str, default: Any = None) -> Any:
    return obj.get(name, default) if isinstance(obj, dict) else getattr(obj, name, default)


def look_match(hit: Any) -> dict[str, Any]:
    """One creator's match of a search by look, as the templates show it: {score, calibrated,
    match_share, top_share, small_feed, duplicate, image_urls}. `calibrated` is the score against
    the catalogue (0 = a typical creator); `match_share` draws it as a bar (3 = full); `top_share`
    = "top N %"."""
    calibrated = float(_get(hit, "calibrated", 0.0) or 0.0)
    return {
        "score": float(_get(hit, "score", 0.0) or 0.0),
        "calibrated": calibrated,
        "match_share": max(0.0, min(1.0, calibrated / 3.0)),
        "top_share": max(1, math.ceil(100.0 - float(_get(hit, "percentile", 0.0) or 0.0))),
        "small_feed": bool(_get(hit, "small_feed", False)),
        "duplicate": bool(_get(hit, "duplicate", False)),
        "image_urls": [u for u in (_get(m, "image_url", "") for m in _get(hit, "matches", []) or []) if u],
    }


def aesthetic_results(outcome: Any, *, exclude_creator_id: int | None = None) -> dict[str, Any]:
    """An aesthetic-search / lookalike outcome of the vision service as template rows:
    {"results": [{creator_id, display_name, handle, score, calibrated, match_share, top_share,
    small_feed, duplicate, image_urls}], "embedder": label, "index_state": "ready" | "rebuilding"
    | "empty", "pending_images": n} (the match fields: `look_match`)."""
    from influencers.selectors.creators import creators_by_ids

    hits = [h for h in list(_get(outcome, "results", []) or []) if _get(h, "creator_id") != exclude_creator_id]
    creators = creators_by_ids(_get(h, "creator_id") for h in hits)
    rows = []
    for hit in hits:
        creator = creators.get(_get(hit, "creator_id"))
        if creator is None:  # deleted since the index was built
            continue
        account = representative_account(creator)
        metrics = account_metrics(account)
        rows.append(
            {
                "creator_id": creator.pk,
                "display_name": creator.display_name,
                "account": account,
                "metrics": metrics,
                "handle": account.handle if account else "",
                "platform": account.platform if account else "",
                "followers": metrics.followers if metrics else None,
                "risk": creator_risk_of(creator.accounts.all()),
                **look_match(hit),
            }
        )
    return {
        "results": rows,
        "embedder": embedder_label(_get(outcome, "embedder", None)),
        "index_state": _get(outcome, "index_state", "ready"),
        "pending_images": int(_get(outcome, "pending_images", 0) or 0),
        "switching_to": _get(outcome, "switching_to", None),
    }


def embedder_label(embedder: Any) -> str | None:
    """The human label of the embedder that ranked a result (the vision service names it so a
    colour/texture descriptor is never taken for CLIP)."""
    if not embedder:
        return None
    if isinstance(embedder, dict):
        return str(embedder.get("label") or embedder.get("id") or "")
    return str(embedder)


# --- Creator page ----------------------------------------------------------------------------
# The reads below are plain, scoped look-ups the creator page needs and no shared selector
# offers yet; they move to influencers.selectors when one does.


def newest_audience(account: Account | None) -> Any:
    """The account's newest AudienceProfile (prefetched by `creator_detail`), or None."""
    if account is None:
        return None
    profiles = list(account.audience_profiles.all())
    return profiles[0] if profiles else None


def vetting_report(account: Account | None) -> dict[str, Any] | None:
    """The account's vetting report (every signal with value, benchmark, weight and evidence):
    the one the vetting service stored with the metrics, else computed now; None without one."""
    if account is None:
        return None
    return account_vetting_reports(accounts=[account])[account.pk] or None


def growth_anomalies(report: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The follower-growth anomalies the vetting report found, as [{date, label, kind}]."""
    if not report:
        return []
    found = []
    for item in (report.get("growth") or {}).get("anomalies") or []:
        if isinstance(item, dict) and item.get("date"):
            found.append(
                {
                    "date": str(item["date"])[:10],
                    "label": render_message(item.get("reason")) or item.get("kind") or "",
                    "kind": item.get("kind", ""),
                }
            )
    return found


def creator_images(creator: Creator, limit: int = 18) -> list[Any]:
    """The creator's newest images."""
    from influencers.selectors.creators import creator_images as select_images

    return [asset for asset in select_images(creator=creator, limit=limit) if asset.image]


def lookalikes(creator: Creator, limit: int = 6) -> dict[str, Any]:
    """Creators whose images look like this creator's, from the vision service:
    {"results": [...], "embedder": label, "error": text}."""
    from vision.services.search import lookalikes as find_lookalikes  # lazy: loads FAISS

    try:
        outcome = find_lookalikes(creator_id=creator.pk, top=limit)
    except VettedError as exc:  # no embedded images yet, index being rebuilt, embedder unavailable
        return {"results": [], "embedder": None, "error": error_text(exc)}
    context = aesthetic_results(outcome)
    context["error"] = None
    return context


# --- Brands ----------------------------------------------------------------------------------


def target_rows(brand: Brand) -> list[dict[str, Any]]:
    """The brand's target audience per dimension: label, importance and wanted shares."""
    from frontend.forms import DIMENSION_LABELS
    from frontend.templatetags.vetted_ui import sorted_shares

    rows = []
    for dimension, spec in (brand.target_audience or {}).items():
        if not isinstance(spec, dict):
            continue
        rows.append(
            {
                "label": DIMENSION_LABELS.get(dimension, dimension),
                "weight": spec.get("weight", 1.0),
                "shares": sorted_shares(spec.get("values") or {}, 8),
            }
        )
    return rows


def match_rows(ranked: list[Any]) -> list[dict[str, Any]]:
    """The matching service's ranked rows (dicts: creator, score, parts with explanations) with
    display values prepared once here (a page is 25 rows × 4 parts, each shown twice)."""
    from frontend.templatetags.vetted_ui import bar_class, width_pct

    rows = []
    for item in ranked:
        row = dict(item) if isinstance(item, dict) else dict(getattr(item, "__dict__", {}))
        parts = []
        for part in row.get("parts", []):
            score = part.get("score")
            parts.append(
                {
                    **part,
                    "label": label("match_part", part.get("name")),
                    "explanation": render_message(part.get("explanation")),
                    "explanations": [render_message(line) for line in part.get("explanations") or []],
                    "pct": None if score is None else round(score * 100),
                    "width": width_pct(score),
                    "css": bar_class(score) if part.get("known", True) else "",
                    "adds": round((part.get("contribution") or 0) * 100),
                    "images": (part.get("details") or {}).get("moodboard_images") or [],
                }
            )
        row["parts"] = parts
        row["pct"] = round((row.get("score") or 0) * 100)
        row["creator_risk"] = creator_risk_from_dict(row.get("risk"))
        row["competitor_posts"] = [
            {**post, "link": post_link(post, creator_id=row.get("creator_id"))}
            for post in row.get("competitor_posts") or []
        ]
        rows.append(row)
    return rows


def post_link(post: Mapping[str, Any], *, creator_id: Any) -> str:
    """Where a cited post can be seen: its own URL when it was imported, else the creator page
    showing that post (`?post=` puts it at the top, the anchor scrolls to it)."""
    from django.urls import reverse

    if post.get("url"):
        return str(post["url"])
    query = f"?post={post.get('post_id')}"
    if post.get("account_id"):
        query = f"?account={post['account_id']}&post={post.get('post_id')}"
    return reverse("frontend:creator", args=[creator_id]) + f"{query}#post-{post.get('post_id')}"


# --- Shortlists ------------------------------------------------------------------------------


def entry_rows(entries: list[Any]) -> list[dict[str, Any]]:
    """Shortlist entries with the creator's main account and its current metrics."""
    rows = []
    for entry in entries:
        account = representative_account(entry.creator)
        rows.append(
            {
                "entry": entry,
                "creator": entry.creator,
                "account": account,
                "risk": creator_risk_of(entry.creator.accounts.all()),
                "metrics": account_metrics(account),
                "avatar_url": avatar_url(account),
            }
        )
    return rows
