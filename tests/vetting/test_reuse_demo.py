"""On the demo catalogue the planted image theft is caught by the reused-image signal: each
copier's risk rises with the pictures' original account named, and the accounts it copied from
(and everybody else) get no risk from it.

The catalogue is seeded once for the module (36 creators, seed 7: one copier) inside a
transaction rolled back at the end; seeding vets every account. Images are drawn at the demo's
default 256 px: at very small sizes the planted re-encoded copy is no longer a near-duplicate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from influencers.models import AccountMetrics, MediaAsset
from vetting.services.demo import seed_demo

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def vetted(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            summary = seed_demo(creators=36, seed=7, end_date=dt.date(2026, 3, 1), image_size=256)
            metrics = {m.account_id: m for m in AccountMetrics.objects.all()}
            yield summary, metrics
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def reuse_signal(metrics: AccountMetrics) -> dict:
    return {s["name"]: s for s in metrics.vetting["risk"]["signals"]}["reused_images"]


def originals_of(account_id: int) -> set[int]:
    """Accounts of other creators holding byte-identical copies of this account's images."""
    mine = MediaAsset.objects.filter(account_id=account_id)
    return set(
        MediaAsset.objects.filter(sha256__in=mine.values("sha256"))
        .exclude(account__creator=mine.values("account__creator")[:1])
        .values_list("account_id", flat=True)
    )


def test_planted_reuse_is_caught_and_names_the_original_account(vetted):
    summary, metrics = vetted
    copiers = [a for a, marks in summary.fraud_accounts.items() if "reused_images" in marks]
    assert copiers
    for account_id in copiers:
        signal = reuse_signal(metrics[account_id])
        assert signal["risk"] >= 0.3, signal["explanation"]
        assert metrics[account_id].risk_level in ("medium", "high")
        copied = [e for e in signal["evidence"] if e["direction"] == "copied"]
        assert {e["kind"] for e in copied} == {"identical", "near_duplicate"}
        named = {place["account_id"] for e in copied for place in e["seen_on"]}
        assert originals_of(account_id) and originals_of(account_id) <= named


def test_the_accounts_copied_from_and_all_others_get_no_risk_from_it(vetted):
    summary, metrics = vetted
    copiers = {a for a, marks in summary.fraud_accounts.items() if "reused_images" in marks}
    sources = set().union(*(originals_of(a) for a in copiers))
    assert sources and not sources & copiers
    for account_id in sources:
        signal = reuse_signal(metrics[account_id])
        assert signal["risk"] == 0.0
        assert signal["evidence"] and {e["direction"] for e in signal["evidence"]} == {"first_here"}
    for account_id, m in metrics.items():
        if account_id not in copiers | sources:
            assert not reuse_signal(m)["evidence"], account_id
