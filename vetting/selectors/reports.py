"""Vetting reports as stored with each account's metrics."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from influencers.models import Account
from influencers.selectors.creators import account_has_metrics
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
