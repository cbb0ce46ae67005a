"""What an export contains: one row per creator with typed figures (numbers as numbers, shares as
fractions, codes rather than labels, messages rather than sentences), the vetting and match
evidence, and for the PDF the follower history and posts. The writers put it into words
(`columns.py`, `tabular.py`, `pdf.py`) in the export's language."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from core.messages import Message, as_message, is_message
from influencers.models import Account, AudienceProfile, Creator, Post
from influencers.risk import CreatorRisk, creator_risk_of
from influencers.selectors.history import account_histories
from vetting import messages as m
from vetting.models import Brand, Shortlist
from vetting.monitoring import estimate_export_fields, rate_table
from vetting.scoring.engagement import er_formula_message
from vetting.services.campaign_report import organization_prediction_error

logger = logging.getLogger(__name__)

TOP_POSTS = 3
SPONSORED_POSTS = 5


@dataclass
class ExportRow:
    """One creator in an export. `values` holds the typed column values (`columns.COLUMNS`);
    the rest feeds the PDF pages."""

    values: dict[str, Any]
    vetting: dict[str, Any] = field(default_factory=dict)
    growth: list[tuple[Any, int]] = field(default_factory=list)
    audience: dict[str, Any] = field(default_factory=dict)
    match: dict[str, Any] = field(default_factory=dict)
    brand: dict[str, Any] = field(default_factory=dict)
    risk: CreatorRisk | None = None  # the creator's verdict; `vetting` is the report of its account
    top_posts: list[dict[str, Any]] = field(default_factory=list)
    sponsored_posts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ExportContext:
    """What the whole export is about: its title, the shortlist and its brand (if any)."""

    title: str
    shortlist: str = ""
    brand: dict[str, Any] = field(default_factory=dict)
    is_search: bool = False
    # A shortlist's audience overlap (vetting.services.overlap.overlap_matrix), for the PDF and XLSX.
    overlap: dict[str, Any] | None = None


def _primary_account(creator: Creator) -> Account | None:
    """The creator's largest account (by followers), the one an export row describes."""
    accounts = list(creator.accounts.all())
    if not accounts:
        return None

    def followers(account: Account) -> int:
        metrics = _metrics(account)
        return metrics.followers if metrics else -1

    return max(accounts, key=lambda a: (followers(a), -a.pk))


def _metrics(account: Account) -> Any:
    from influencers.models import AccountMetrics

    try:
        return account.metrics
    except AccountMetrics.DoesNotExist:
        return None


def _matches(brand: Brand | None, creator_ids: list[int]) -> tuple[dict[int, dict[str, Any]], bool]:
    """({creator_id: {"score", "parts": {name: {"score", "explanation"}}, "explanations",
    "competitor_posts", "risk"}}, whether the matching ran): the brand's match rows for these
    creators."""
    if brand is None or not creator_ids:
        return {}, True
    from vetting.services.matching import rank_creators_for_brand

    try:
        # Every listed creator gets a score: the brand's preferred platforms and follower range
        # choose whom to suggest, not whom a client's shortlist may hold (scores do not depend on
        # the filters: docs/scoring.md, "Scores independent of the result set").
        everyone = {"creator_ids": creator_ids, "platforms": [], "min_followers": 0, "max_followers": 10**15}
        result = rank_creators_for_brand(brand=brand, filters=everyone, limit=len(creator_ids), offset=0)
    except Exception:
        logger.exception("matching failed for brand %s; exporting without match scores", brand.pk)
        return {}, False
    return {
        row["creator_id"]: {
            "score": row["score"],
            "competitor_posts": list(row.get("competitor_posts") or []),
            "parts": {
                part["name"]: {"score": part["score"], "explanation": part["explanation"], "known": part["known"]}
                for part in row["parts"]
            },
            "explanations": list(row["explanations"]),
        }
        for row in result.rows
    }, True


def main_reason(report: dict[str, Any], risk: CreatorRisk | None) -> Message | str | None:
    """The one sentence behind a creator's risk level: the explanation of the signal that adds
    the most to the risk; without a verdict, what evidence is missing (a message, or the stored
    English of a report from before messages)."""
    if risk is None or not risk.level:
        return m.NOT_VETTED_YET()
    if risk.level in ("insufficient", "unknown") and risk.missing:
        return m.MAIN_REASON_MISSING(missing=list(risk.missing))
    signals = [s for s in ((report.get("risk") or {}).get("signals") or []) if isinstance(s, dict)]
    rated = [s for s in signals if s.get("risk") is not None]
    if not rated:
        summary = (report.get("risk") or {}).get("summary")
        return as_message(summary) if is_message(summary) else summary
    top = max(rated, key=lambda s: (s.get("contribution") or 0.0, s.get("risk") or 0.0))
    explanation = top.get("explanation")
    return as_message(explanation) if is_message(explanation) else explanation


def _posts(accounts: list[int]) -> tuple[dict[int, list[dict[str, Any]]], dict[int, list[dict[str, Any]]]]:
    """Each account's top posts (by likes + comments) and newest sponsored posts."""
    top: dict[int, list[dict[str, Any]]] = {}
    sponsored: dict[int, list[dict[str, Any]]] = {}
    fields = ("account_id", "posted_at", "caption", "likes", "comments", "views", "url", "is_sponsored", "sponsor")
    for post in (
        Post.objects.filter(account_id__in=accounts).order_by("account_id", "-posted_at").values(*fields)[:5000]
    ):
        post["engagement"] = (post["likes"] or 0) + (post["comments"] or 0)
        top.setdefault(post["account_id"], []).append(post)
        if post["is_sponsored"]:
            sponsored.setdefault(post["account_id"], []).append(post)
    return (
        {a: sorted(p, key=lambda x: -x["engagement"])[:TOP_POSTS] for a, p in top.items()},
        {a: p[:SPONSORED_POSTS] for a, p in sponsored.items()},
    )


def export_rows(
    *,
    organization_id: int,
    shortlist_id: int | None = None,
    filters: dict[str, Any] | None = None,
    limit: int = 200,
    with_history: bool = False,
    with_overlap: bool = False,
) -> tuple[list[ExportRow], ExportContext]:
    """The rows of an export and what it is about. A shortlist must belong to `organization_id`.
    `with_history` (the PDF) adds the vetting reports, follower history and posts; `with_overlap`
    (PDF and XLSX of a shortlist) the audience overlap of the exported creators."""
    from influencers.selectors.creators import creator_list
    from vetting.selectors.shortlists import entry_list

    accounts = Account.objects.select_related("metrics").prefetch_related(
        Prefetch("audience_profiles", queryset=AudienceProfile.objects.order_by("account_id", "-as_of", "-id"))
    )
    entries_by_creator: dict[int, Any] = {}
    brand = None
    if shortlist_id is not None:
        shortlist = Shortlist.objects.select_related("brand").get(pk=shortlist_id, organization_id=organization_id)
        brand = shortlist.brand
        context = ExportContext(title=shortlist.name, shortlist=shortlist.name)
        entries = list(entry_list(shortlist=shortlist, with_events=False)[:limit])
        entries_by_creator = {e.creator_id: e for e in entries}
        ids = [e.creator_id for e in entries]
    else:
        context = ExportContext(title="search", is_search=True)
        ids = list(creator_list(filters=filters or {}).values_list("pk", flat=True)[:limit])
    if brand is not None:
        context.brand = {
            "name": brand.name,
            "values": list(brand.values or []),
            "competitors": list(brand.competitors or []),
            "target_audience": brand.target_audience,
        }
    creators = {
        c.pk: c for c in Creator.objects.filter(pk__in=ids).prefetch_related(Prefetch("accounts", queryset=accounts))
    }
    matches, matched = _matches(brand, ids)
    # The organisation's campaign outcomes re-size every row's estimate: measured once.
    estimate_error = organization_prediction_error(organization=organization_id)
    table = rate_table()
    primaries = {cid: _primary_account(c) for cid, c in creators.items()}
    risks = {cid: creator_risk_of(c.accounts.all()) for cid, c in creators.items()}
    # The signals shown are those of the account that sets the creator's risk (else the primary).
    by_id = {a.pk: a for c in creators.values() for a in c.accounts.all()}
    report_accounts = {}
    for cid in creators:
        deciding = risks[cid].account
        report_accounts[cid] = by_id.get(deciding.account_id) if deciding else primaries[cid]
    history: dict[int, list[tuple[Any, ...]]] = {}
    reports: dict[int, dict[str, Any]] = {}
    top_posts: dict[int, list[dict[str, Any]]] = {}
    sponsored: dict[int, list[dict[str, Any]]] = {}
    if with_history:
        from vetting.selectors.reports import account_vetting_reports

        # The stored report, or one computed now when none is stored yet (PDF only: it costs queries).
        reports = account_vetting_reports(accounts=[a for a in report_accounts.values() if a is not None])
        account_ids = [a.pk for a in primaries.values() if a is not None]
        history = account_histories(account_ids, fields=("date", "followers"))
        top_posts, sponsored = _posts(account_ids)

    rows: list[ExportRow] = []
    for cid in ids:
        creator = creators.get(cid)
        if creator is None:
            continue
        account = primaries[cid]
        metrics = _metrics(account) if account else None
        risk = risks[cid]
        report_account = report_accounts[cid]
        report_metrics = _metrics(report_account) if report_account else None
        report = (
            (reports.get(report_account.pk) if report_account else None)
            or (report_metrics.vetting if report_metrics else None)
            or {}
        )
        entry = entries_by_creator.get(cid)
        snapshot_accounts = (entry.vetting_snapshot or {}).get("accounts", []) if entry else []
        when_added: dict[str, Any] = next(
            (a for a in snapshot_accounts if account and a.get("account_id") == account.pk), {}
        )
        match = matches.get(cid, {})
        profiles = list(account.audience_profiles.all()) if account else []
        values = {
            "creator_id": creator.pk,
            "display_name": creator.display_name,
            "country": creator.country,
            "languages": list(creator.languages or []),
            "categories": list(creator.categories or []),
            "contact_email": creator.contact_email,
            "platform": account.platform if account else "",
            "handle": account.handle if account else "",
            "followers": metrics.followers if metrics else None,
            "engagement_rate": metrics.engagement_rate if metrics else None,
            "er_formula": er_formula_message(account.platform) if account else None,
            # The date every figure of the row is measured back from, and whether it is older
            # than the staleness limit (docs/metrics.md, "Data age").
            "data_as_of": metrics.data_as_of if metrics else None,
            "data_stale": metrics.data_is_stale if metrics else None,
            "growth_30d": metrics.growth_30d if metrics else None,
            "growth_90d": metrics.growth_90d if metrics else None,
            "posts_per_week": metrics.posts_per_week if metrics else None,
            "fake_risk": risk.risk,
            "risk_level": risk.level,
            "risk_reason": main_reason(report, risk),
            "risk_account": m.ACCOUNT(platform=risk.account.platform, handle=risk.account.handle)
            if risk.account
            else None,
            "risk_confidence": risk.confidence,
            "risk_missing": list(risk.missing),
            "accounts_without_verdict": [
                m.ACCOUNT_LEVEL(platform=a.platform, handle=a.handle, level=a.level or "") for a in risk.without_verdict
            ],
            "other_accounts": [
                m.ACCOUNT(platform=a.platform, handle=a.handle)
                for a in creator.accounts.all()
                if account is None or a.pk != account.pk
            ],
            "status": entry.status if entry else "",
            "notes": entry.notes if entry else "",
            "added_at": entry.added_at.date() if entry else None,
            "added_by": entry.added_by.username if entry and entry.added_by else "",
            "followers_when_added": when_added.get("followers"),
            "fake_risk_when_added": when_added.get("fake_risk"),
            "match_score": match.get("score"),
            "match_note": _match_note(match, context, brand, matched),
            **{name: (match.get("parts", {}).get(part) or {}).get("score") for name, part in MATCH_PARTS.items()},
            **estimate_export_fields(account, table=table, organization=organization_id, error=estimate_error),
        }
        audience = {}
        if profiles:
            p = profiles[0]
            audience = {
                "source": p.source,
                "as_of": p.as_of,
                "age": p.age,
                "gender": p.gender,
                "countries": p.countries,
                "languages": p.languages,
                "interests": p.interests,
            }
        rows.append(
            ExportRow(
                values=values,
                vetting=report,
                growth=history.get(account.pk, []) if account else [],
                audience=audience,
                match=match,
                brand=context.brand,
                risk=risk,
                top_posts=top_posts.get(account.pk, []) if account else [],
                sponsored_posts=sponsored.get(account.pk, []) if account else [],
            )
        )
    if with_overlap and shortlist_id is not None:
        from vetting.services.overlap import creators_overlap, overlap_matrix

        # The exported creators, in the export's order (a shortlist longer than the limit is cut).
        context.overlap = overlap_matrix(creators_overlap(creator_ids=[row.values["creator_id"] for row in rows]))
    return rows, context


# Export column → the match part it shows.
MATCH_PARTS = {
    "audience_fit": "audience_fit",
    "authenticity": "authenticity",
    "value_alignment": "value_alignment",
    "engagement_quality": "engagement",
}


def _match_note(match: dict[str, Any], context: ExportContext, brand: Brand | None, matched: bool) -> Message | None:
    """Why a row has no match score (a search, a shortlist without brand, a failed matching, or a
    creator the ranking could not rank); None when it has one."""
    if match.get("score") is not None:
        return None
    if context.is_search:
        return m.MATCH_SEARCH()
    if brand is None:
        return m.MATCH_NO_BRAND()
    return m.MATCH_NOT_RANKED() if matched else m.MATCH_FAILED()
