"""Vetting reads: the reports stored with each account's metrics, and a brand's audience fit of accounts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from influencers.models import Account
from influencers.selectors.creators import account_has_metrics, newest_audience_profiles
from vetting.models import Brand
from vetting.scoring.audience_fit import DIMENSIONS, audience_fit
from vetting.services.reports import vetting_report


def account_vetting_reports(*, accounts: Iterable[Account]) -> dict[int, dict[str, Any]]:
    """The vetting report of each account: the one stored with its metrics, or, when none is
    stored yet, a freshly computed one."""
    reports: dict[int, dict[str, Any]] = {}
    for account in accounts:
        metrics = getattr(account, "metrics", None) if account_has_metrics(account) else None
        stored = (metrics.vetting if metrics else None) or {}
        if not stored:
            stored = vetting_report(account.pk) or {}
        reports[account.pk] = stored
    return reports


def brand_audience_fits(*, brand: Brand, account_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """{account_id: {"score", "confidence", "summary"}}: the brand's audience fit of each account
    with an audience profile, by the pure scorer over its newest profile (one query in all)."""
    fits: dict[int, dict[str, Any]] = {}
    for account_id, profile in newest_audience_profiles(account_ids=account_ids).items():
        result = audience_fit(brand.target_audience, {d: getattr(profile, d) for d in DIMENSIONS}, as_of=profile.as_of)
        if result.fit is not None:
            fits[account_id] = {"score": result.fit, "confidence": result.confidence, "summary": result.summary}
    return fits


def rank_by_audience_fit(*, brand: Brand, rows: Sequence[tuple[int, int | None]]) -> list[int]:
    """The creator ids of `rows` ((creator id, representative account id)), the brand's best
    audience fit first (`brand_audience_fits` of the representative account). Creators without
    a fit (no audience profile, or a brand without target) follow, in their given order; ties
    keep it too."""
    fits = brand_audience_fits(brand=brand, account_ids=[account for _creator, account in rows if account is not None])

    def key(item: tuple[int, tuple[int, int | None]]) -> tuple[bool, float, int]:
        index, (_creator, account) = item
        fit = fits.get(account) if account is not None else None
        return (fit is None, -float(fit["score"]) if fit else 0.0, index)

    return [creator for _index, (creator, _account) in sorted(enumerate(rows), key=key)]
