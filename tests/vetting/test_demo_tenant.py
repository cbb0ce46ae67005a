"""The demo tenant seeded with the synthetic catalogue: Demo Agency's brands (audiences, mood
boards, competitors among the catalogue's sponsors) and its shortlist, and a second seed refused.
One small demo is seeded once for the module (rolled back at the end) to keep the tests fast."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from core.errors import InvalidState
from core.models import Organization
from influencers.models import Creator, Post
from influencers.models.audience import DISTRIBUTION_FIELDS, distribution_error
from vetting.models import Brand, Shortlist
from vetting.services.demo import seed_demo

END = dt.date(2026, 3, 1)
CREATORS = 36  # the catalogue of tests/influencers/test_demo_catalogue.py: one demo described by both


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once inside a transaction that is rolled back after the module's tests."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield seed_demo(creators=CREATORS, seed=7, end_date=END, image_size=48, vet=False)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.django_db
def test_demo_tenant(seeded):
    org = Organization.objects.get(name="Demo Agency")
    assert Organization.objects.filter(name=settings.ADMIN_ORGANIZATION_NAME).exists()
    brands = list(Brand.objects.filter(organization=org))
    assert len(brands) == 3
    sponsors = set(Post.objects.exclude(sponsor="").values_list("sponsor", flat=True))
    for brand in brands:
        assert brand.values and brand.excluded_keywords and brand.competitors
        for dimension, spec in brand.target_audience.items():
            assert dimension in DISTRIBUTION_FIELDS and spec["weight"] > 0
            assert distribution_error(spec["values"]) is None
        assert brand.mood_board.count() == 3
    assert any(set(b.competitors) & sponsors for b in brands)
    shortlist = Shortlist.objects.get(organization=org)
    assert shortlist.brand in brands and shortlist.entries.count() >= 3


@pytest.mark.django_db
def test_seed_demo_if_empty_is_a_no_op_and_a_second_seed_is_refused(seeded):
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", "--creators", "3", stdout=out)
    assert "already has 36 creators" in out.getvalue()
    assert Creator.objects.count() == CREATORS
    with pytest.raises(InvalidState, match="already exist"):
        seed_demo(creators=3, seed=7, end_date=END, image_size=32, vet=False)
    assert Creator.objects.count() == CREATORS


@pytest.mark.django_db
def test_demo_campaign_report(seeded):
    from vetting.models import Campaign
    from vetting.services.campaign_report import campaign_report

    campaign = Campaign.objects.get(organization__name="Demo Agency")
    report = campaign_report(campaign=campaign)
    with_posts = [row for row in report["creators"] if row["actual"]["posts"]]
    assert len(with_posts) >= 3 and all(row["actual"]["posts"] == 2 for row in with_posts)
    assert all(row["actual"]["reach"] and row["fee_usd"] > 0 for row in with_posts)
    # every creator's figures compared with a prediction (made from today's data: the demo
    # entries were written before estimates were kept)
    assert all(row["comparison"]["reach"]["error"] is not None for row in with_posts)
    assert report["organisation_error"]["reach"]["n"] == len(with_posts)
