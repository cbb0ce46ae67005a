"""vet_accounts pauses the cyclic garbage collector while it reads and vets a chunk, and turns it
back on after."""

from __future__ import annotations

import gc

import pytest

from influencers.models import AccountMetrics
from tests.factories import AccountFactory
from tests.vetting.test_reports import add_history, add_posts
from vetting.services import reports

pytestmark = pytest.mark.django_db


def _recording_collector(monkeypatch, name: str) -> list[bool]:
    """Record whether the collector is on each time `reports.<name>` is called."""
    seen: list[bool] = []
    original = getattr(reports, name)

    def recorded(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(reports, name, recorded)
    return seen


def test_reports_are_built_with_the_collector_paused_then_it_is_back_on(monkeypatch):
    accounts = [AccountFactory() for _ in range(3)]
    for account in accounts:
        add_history(account, days=20)
        add_posts(account, n=4)
    loads = _recording_collector(monkeypatch, "load_evidence")
    reports_built = _recording_collector(monkeypatch, "_report_values")
    assert gc.isenabled()
    assert reports.vet_accounts([a.pk for a in accounts], chunk_size=2) == 3
    assert loads == [False, False] and reports_built == [False, False, False]
    assert gc.isenabled()
    assert AccountMetrics.objects.filter(vetting__isnull=False).count() == 3
