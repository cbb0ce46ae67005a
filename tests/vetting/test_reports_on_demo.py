"""The vetting flags the fraud the demo catalogue plants, and leaves clean accounts alone.

One small demo catalogue (36 creators, enough for every fraud kind to appear) is
seeded once for the module inside a transaction rolled back at the end. Seeding calls
vet_accounts itself; the test reads what it stored."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest
from django.db import transaction

from influencers.models import AccountMetrics
from vetting.services.demo import seed_demo

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PLANTED = {"follower_jump", "following_churn", "engagement_pod", "fake_follower_sample", "low_engagement"}


@pytest.fixture(scope="module")
def vetted(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            summary = seed_demo(creators=36, seed=7, end_date=dt.date(2026, 3, 1), image_size=32)
            metrics = {m.account_id: m for m in AccountMetrics.objects.all()}
            yield summary, metrics
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _marks(summary, account_id: int) -> set[str]:
    return set(summary.fraud_accounts.get(account_id, [])) & PLANTED


def test_every_account_was_vetted(vetted):
    summary, metrics = vetted
    assert metrics and all(m.vetting.get("version") == 3 for m in metrics.values())
    assert summary.counts.get("vetted") == len(metrics)


def test_fraud_marked_accounts_score_higher_than_clean_ones(vetted):
    summary, metrics = vetted
    fraud = [m.fake_risk or 0.0 for a, m in metrics.items() if _marks(summary, a)]
    clean = [m.fake_risk or 0.0 for a, m in metrics.items() if not summary.fraud_accounts.get(a)]
    assert len(fraud) >= 5 and len(clean) >= 10
    assert min(fraud) > statistics.median(clean)
    assert statistics.mean(fraud) > statistics.mean(clean) + 0.4
    assert sum(r >= 0.3 for r in clean) / len(clean) <= 0.1  # few clean accounts reach medium


@pytest.mark.parametrize(
    ("mark", "signal"),
    [
        ("follower_jump", "growth_anomalies"),
        ("following_churn", "following_churn"),
        ("engagement_pod", "comment_authenticity"),
        ("fake_follower_sample", "audience_quality"),
        ("low_engagement", "engagement_rate"),
    ],
)
def test_each_fraud_kind_is_caught_by_its_signal(vetted, mark, signal):
    summary, metrics = vetted
    accounts = [a for a in metrics if mark in _marks(summary, a)]
    assert accounts, mark
    for account_id in accounts:
        report = metrics[account_id].vetting
        by_name = {s["name"]: s for s in report["risk"]["signals"]}
        names = [signal]
        if signal == "engagement_rate" and "views_per_follower" in by_name:
            names.append("views_per_follower")  # on video platforms bought followers show as views far below followers
        assert max(by_name[n]["risk"] or 0.0 for n in names) >= 0.3, (mark, [by_name[n]["explanation"] for n in names])
        assert metrics[account_id].risk_level in ("medium", "high")
    if mark == "engagement_pod":
        pod = metrics[accounts[0]].vetting["comments"]["pod"]
        assert pod and len(pod["commenters"]) >= 3 and len(pod["post_ids"]) >= 3
    if mark == "follower_jump":
        jumps = [a for a in metrics[accounts[0]].vetting["growth"]["anomalies"] if a["kind"] == "jump"]
        assert jumps and jumps[0]["date"]
