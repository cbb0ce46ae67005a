"""`rank_by_audience_fit`: discovery's sort by a brand's audience fit (vetting.selectors.reports)."""

from __future__ import annotations

import pytest

from tests.factories import AccountFactory, AudienceProfileFactory, BrandFactory
from vetting.selectors.reports import rank_by_audience_fit

pytestmark = pytest.mark.django_db


def test_best_fit_first_then_the_creators_without_a_fit_in_their_given_order():
    brand = BrandFactory(target_audience={"age": {"weight": 1.0, "values": {"18-24": 1.0}}})
    low, high, none_ = AccountFactory(), AccountFactory(), AccountFactory()
    AudienceProfileFactory(account=low, age={"18-24": 0.1, "35-44": 0.9})
    AudienceProfileFactory(account=high, age={"18-24": 0.9, "35-44": 0.1})
    rows = [
        (none_.creator_id, none_.pk),  # no audience profile: no fit
        (low.creator_id, low.pk),
        (99_001, None),  # no representative account
        (high.creator_id, high.pk),
    ]
    assert rank_by_audience_fit(brand=brand, rows=rows) == [high.creator_id, low.creator_id, none_.creator_id, 99_001]


def test_a_brand_without_target_keeps_the_given_order():
    brand = BrandFactory(target_audience={})
    a, b = AccountFactory(), AccountFactory()
    AudienceProfileFactory(account=a)
    AudienceProfileFactory(account=b)
    rows = [(b.creator_id, b.pk), (a.creator_id, a.pk)]
    assert rank_by_audience_fit(brand=brand, rows=rows) == [b.creator_id, a.creator_id]
