"""The per-process memo of a brand's candidate features (vetting.services.matching.features_memo):
other weights and pages of a ranking reuse them, and any catalogue, brand or vision write, or a
cache that cannot be reached, makes the next ranking compute afresh."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from influencers.models import AccountMetrics
from tests.vetting.test_matching import GOOD_AUDIENCE, OFF_AUDIENCE, brand, candidate, ids, text_terms
from vetting.models import Brand
from vetting.services import matching
from vetting.services.matching import rank_creators_for_brand

pytestmark = pytest.mark.django_db

BY_AUDIENCE = {"audience_fit": 1.0, "authenticity": 0.0, "value_alignment": 0.0, "engagement": 0.0}
BY_RISK = {"audience_fit": 0.0, "authenticity": 1.0, "value_alignment": 0.0, "engagement": 0.0}


@pytest.fixture
def memo_on(settings):
    settings.API_RESPONSE_CACHE_SECONDS = 60  # the memo needs the shared cache, as response caching does
    # The memo is the path without the feature snapshot, which a CACHE_URL turns on by default.
    settings.RANKING_FEATURE_SNAPSHOT = False
    cache.clear()
    matching.features_memo.clear()
    yield
    matching.features_memo.clear()


def ranked(b: Brand, **kwargs) -> tuple[list[int], int]:
    """The ranking's account ids and how many queries it ran."""
    with CaptureQueriesContext(connection) as captured:
        result = rank_creators_for_brand(brand=b, **kwargs)
    return ids(result), len(captured.captured_queries)


@pytest.fixture
def two(db):
    fits = candidate(audience=GOOD_AUDIENCE, risk=0.8, terms=text_terms("skincare"), name="Fits, risky")
    clean = candidate(audience=OFF_AUDIENCE, risk=0.05, terms=text_terms("skincare"), name="Clean, off")
    return fits, clean


@pytest.mark.django_db(transaction=True)  # commits its rows: memos never keep what an open write transaction read
def test_other_weights_and_pages_reuse_the_features(memo_on, two):
    fits, clean = two
    b = brand()
    first, cold = ranked(b, weights=BY_AUDIENCE)
    by_risk, warm = ranked(b, weights=BY_RISK)
    second_page, _ = ranked(b, weights=BY_RISK, limit=1, offset=1)
    assert first == [fits.pk, clean.pk] and by_risk == [clean.pk, fits.pk] and second_page == [fits.pk]
    assert warm == 2 < cold  # the page's rows and audiences only


def test_the_memo_gives_the_same_rows_as_a_fresh_ranking(memo_on, two, settings):
    b = brand()
    rank_creators_for_brand(brand=b)
    memoised = rank_creators_for_brand(brand=b, weights=BY_RISK).rows
    settings.API_RESPONSE_CACHE_SECONDS = 0
    assert rank_creators_for_brand(brand=b, weights=BY_RISK).rows == memoised


def test_a_metrics_write_is_seen_by_the_next_ranking(memo_on, two):
    fits, clean = two
    b = brand()
    assert ranked(b, weights=BY_RISK)[0] == [clean.pk, fits.pk]
    AccountMetrics.objects.filter(account=clean).update(fake_risk=0.95)
    assert ranked(b, weights=BY_RISK)[0] == [fits.pk, clean.pk]


def test_a_brand_edit_is_seen_by_the_next_ranking(memo_on, two):
    fits, clean = two
    b = brand()
    assert ranked(b, weights=BY_AUDIENCE)[0] == [fits.pk, clean.pk]
    b.target_audience = {"countries": {"weight": 1.0, "values": {"US": 1.0}}}
    b.save()
    assert ranked(b, weights=BY_AUDIENCE)[0] == [clean.pk, fits.pk]


def test_every_ranking_computes_without_a_reachable_cache(memo_on, two, monkeypatch):
    from core.caching import memo as caching_memo

    monkeypatch.setattr(caching_memo, "current_versions", lambda scopes: (None, {}))
    b = brand()
    _, cold = ranked(b)
    assert ranked(b)[1] == cold


@pytest.mark.django_db(transaction=True)  # commits its rows: memos never keep what an open write transaction read
def test_memoised_arrays_cannot_be_changed_in_place(memo_on, two):
    b = brand()
    rank_creators_for_brand(brand=b)
    (features,) = matching.features_memo._entries.values()
    with pytest.raises(ValueError):
        features.cands.risk[0] = 0.0


@pytest.mark.django_db(transaction=True)
def test_the_passing_creators_are_counted_once_per_filter_set(memo_on, two, monkeypatch):
    fits, clean = two
    b = brand()
    counted: list[int] = []
    real = matching.Features.passing_total

    def passing_total(self, filters, count):
        return real(self, filters, lambda: counted.append(1) or count())

    monkeypatch.setattr(matching.Features, "passing_total", passing_total)
    assert rank_creators_for_brand(brand=b, weights=BY_AUDIENCE).total == 2
    assert rank_creators_for_brand(brand=b, weights=BY_RISK, offset=1).total == 2
    assert len(counted) == 1  # other weights and pages: the kept count
    narrowed = rank_creators_for_brand(brand=b, weights=BY_RISK, filters={"max_risk": 0.5})
    assert ids(narrowed) == [clean.pk] and narrowed.total == 1 and len(counted) == 2
