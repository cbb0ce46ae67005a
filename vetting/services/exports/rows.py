"""What an export contains: one row per creator with the figures, vetting and match evidence."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from influencers.models import Account, AccountSnapshot, AudienceProfile, Creator
from influencers.risk import CreatorRisk, creator_risk_of
from vetting.models import Brand, Shortlist
from vetting.monitoring import ESTIMATE_EXPORT_COLUMNS, estimate_export_fields

logger = logging.getLogger(__name__)

# Column name → how to read it from a row; the order is the CSV/XLSX column order.
COLUMNS: tuple[str, ...] = (
    "creator_id",
    "display_name",
    "country",
    "languages",
    "categories",
    "contact_email",
    "platform",
    "handle",
    "followers",
    "engagement_rate",
    "er_formula",
    "data_as_of",
    "data_stale",
    "growth_30d",
    "growth_90d",
    "posts_per_week",
    # The creator's verdict: its worst vetted account's (named in risk_account), with the
    # evidence behind it; the figures above are the primary (largest) account's.
    "fake_risk",
    "risk_level",
    "risk_account",
    "risk_confidence",
    "risk_missing",
    "accounts_without_verdict",
    "other_accounts",
    "status",
    "notes",
    "added_at",
    "added_by",
    "followers_when_added",
    "fake_risk_when_added",
    "match_score",
    "audience_fit",
    "authenticity",
    "value_alignment",
    "engagement_quality",
    *ESTIMATE_EXPORT_COLUMNS,
)


@dataclass
class ExportRow:
    """One creator in an export. `values` holds the COLUMNS; the rest feeds the PDF pages."""

    values: dict[str, Any]
    vetting: dict[str, Any] = field(default_factory=dict)
    growth: list[tuple[Any, int]] = field(default_factory=list)
    audience: dict[str, Any] = field(default_factory=dict)
    match: dict[str, Any] = field(default_factory=dict)
    brand: dict[str, Any] = field(default_factory=dict)
    risk: CreatorRisk | None = None  # the creator's verdict; `vetting` is the report of its account


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


def _matches(brand: Brand | None, creator_ids: list[int]) -> dict[int, dict[str, Any]]:
    """{creator_id: {"score", "parts": {name: {"score", "explanation"}}, "explanations"}}: the
    brand's match rows for these creators."""
    if brand is None or not creator_ids:
        return {}
    from vetting.services.matching import rank_creators_for_brand

    try:
        result = rank_creators_for_brand(
            brand=brand, filters={"creator_ids": creator_ids}, limit=len(creator_ids), offset=0
        )
    except Exception:
        logger.exception("matching failed for brand %s; exporting without match scores", brand.pk)
        return {}
    return {
        row["creator_id"]: {
            "score": row["score"],
            "competitor_posts": list(row.get("competitor_posts") or []),
            "parts": {
                part["name"]: {"score": part["score"], "explanation": part["explanation"]} for part in row["parts"]
            },
            "explanations": list(row["explanations"]),
        }
        for row in result.rows
    }


def _part_score(match: dict[str, Any], *names: str) -> Any:
    for name in names:
        for key, part in match.get("parts", {}).items():
            if key == name or key.startswith(name):
                return part.get("score")
    return None


def export_rows(
    *,
    organization_id: int,
    shortlist_id: int | None = None,
    filters: dict[str, Any] | None = None,
    limit: int = 200,
    with_history: bool = False,
) -> tuple[list[ExportRow], str]:
    """The rows of an export and its title. A shortlist must belong to `organization_id`."""
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
        title = f"{shortlist.name}"
        entries = list(entry_list(shortlist=shortlist, with_events=False)[:limit])
        entries_by_creator = {e.creator_id: e for e in entries}
        ids = [e.creator_id for e in entries]
    else:
        title = "search"
        ids = list(creator_list(filters=filters or {}).values_list("pk", flat=True)[:limit])
    creators = {
        c.pk: c for c in Creator.objects.filter(pk__in=ids).prefetch_related(Prefetch("accounts", queryset=accounts))
    }
    matches = _matches(brand, ids)
    primaries = {cid: _primary_account(c) for cid, c in creators.items()}
    risks = {cid: creator_risk_of(c.accounts.all()) for cid, c in creators.items()}
    # The PDF's signals are those of the account that sets the creator's risk (else the primary).
    by_id = {a.pk: a for c in creators.values() for a in c.accounts.all()}
    report_accounts = {}
    for cid in creators:
        deciding = risks[cid].account
        report_accounts[cid] = by_id.get(deciding.account_id) if deciding else primaries[cid]
    history: dict[int, list[tuple[Any, int]]] = {}
    reports: dict[int, dict[str, Any]] = {}
    if with_history:
        from vetting.selectors.reports import account_vetting_reports

        # The stored report, or one computed now when none is stored yet (PDF only: it costs queries).
        reports = account_vetting_reports(accounts=[a for a in report_accounts.values() if a is not None])
        account_ids = [a.pk for a in primaries.values() if a is not None]
        for snap in (
            AccountSnapshot.objects.filter(account_id__in=account_ids)
            .order_by("account_id", "date")
            .values("account_id", "date", "followers")
        ):
            history.setdefault(snap["account_id"], []).append((snap["date"], snap["followers"]))

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
            "languages": ", ".join(creator.languages or []),
            "categories": ", ".join(creator.categories or []),
            "contact_email": creator.contact_email,
            "platform": account.platform if account else "",
            "handle": account.handle if account else "",
            "followers": metrics.followers if metrics else None,
            "engagement_rate": metrics.engagement_rate if metrics else None,
            "er_formula": metrics.er_formula if metrics else "",
            # The date every figure of the row is measured back from, and whether it is older
            # than the staleness limit (docs/metrics.md, "Data age").
            "data_as_of": metrics.data_as_of.isoformat() if metrics and metrics.data_as_of else "",
            "data_stale": ("yes" if metrics.data_is_stale else "no") if metrics else "",
            "growth_30d": metrics.growth_30d if metrics else None,
            "growth_90d": metrics.growth_90d if metrics else None,
            "posts_per_week": metrics.posts_per_week if metrics else None,
            "fake_risk": risk.risk,
            "risk_level": risk.level,
            "risk_account": f"{risk.account.platform}:@{risk.account.handle}" if risk.account else "",
            "risk_confidence": risk.confidence,
            "risk_missing": ", ".join(risk.missing),
            "accounts_without_verdict": ", ".join(
                f"{a.platform}:@{a.handle} ({a.level or 'not vetted'})" for a in risk.without_verdict
            ),
            "other_accounts": ", ".join(
                f"{a.platform}:@{a.handle}" for a in creator.accounts.all() if account is None or a.pk != account.pk
            ),
            "status": entry.status if entry else "",
            "notes": entry.notes if entry else "",
            "added_at": entry.added_at.isoformat() if entry else "",
            "added_by": entry.added_by.username if entry and entry.added_by else "",
            "followers_when_added": when_added.get("followers"),
            "fake_risk_when_added": when_added.get("fake_risk"),
            "match_score": match.get("score"),
            "audience_fit": _part_score(match, "audience"),
            "authenticity": _part_score(match, "authenticity"),
            "value_alignment": _part_score(match, "value"),
            "engagement_quality": _part_score(match, "engagement"),
            **estimate_export_fields(account),
        }
        audience = {}
        if profiles:
            p = profiles[0]
            audience = {
                "source": p.source,
                "as_of": str(p.as_of),
                "age": p.age,
                "gender": p.gender,
                "countries": p.countries,
                "languages": p.languages,
                "interests": p.interests,
            }
        rows.append(
            ExportRow(
                values=values,
                vetting=(reports.get(report_account.pk) if report_account else None)
                or (report_metrics.vetting if report_metrics else None)
                or {},
                growth=history.get(account.pk, []) if account else [],
                audience=audience,
                match=match,
                brand={"name": brand.name, "values": brand.values, "target_audience": brand.target_audience}
                if brand
                else {},
                risk=risk,
            )
        )
    return rows, title
