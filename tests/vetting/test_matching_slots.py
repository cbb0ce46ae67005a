"""Fair sharing of ranking work: a user's rankings that must load and score features hold one of
MATCHING_CONCURRENCY_PER_USER slots; past them Throttled (a 429 with Retry-After in the faces),
while a ranking whose features this process already holds needs no slot."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from core.caching.limits import concurrency_slot
from core.errors import Throttled
from tests.vetting.test_matching import GOOD_AUDIENCE, brand, candidate, ids
from vetting.services import matching
from vetting.services.matching import rank_creators_for_brand

pytestmark = pytest.mark.django_db


@pytest.fixture
def memo_on(settings):
    settings.API_RESPONSE_CACHE_SECONDS = 60
    settings.MATCHING_CONCURRENCY_PER_USER = 2
    # The slots guard the path without the feature snapshot, which a CACHE_URL turns on by default.
    settings.RANKING_FEATURE_SNAPSHOT = False
    cache.clear()
    matching.features_memo.clear()
    yield
    matching.features_memo.clear()


@pytest.mark.django_db(transaction=True)  # commits its rows: memos never keep what an open write transaction read
def test_uncached_work_past_the_users_slots_is_refused_and_cached_work_is_not(memo_on):
    account = candidate(audience=GOOD_AUDIENCE)
    b = brand()
    with concurrency_slot("matching", 7, 2), concurrency_slot("matching", 7, 2):
        with pytest.raises(Throttled) as refused:
            rank_creators_for_brand(brand=b, user_id=7)
        assert refused.value.retry_after == 2 and "2 rankings running" in str(refused.value)
        assert ids(rank_creators_for_brand(brand=b, user_id=8)) == [account.pk]  # another user is served
        # The features are held now: other weights and pages of the same ranking need no slot.
        weighted = rank_creators_for_brand(brand=b, user_id=7, weights={"engagement": 1.0})
        assert ids(weighted) == [account.pk]
        with pytest.raises(Throttled):  # other filters are uncached work again
            rank_creators_for_brand(brand=b, user_id=7, filters={"min_followers": 10})
    assert ids(rank_creators_for_brand(brand=b, user_id=7, filters={"min_followers": 10})) == [account.pk]


def test_a_slot_is_given_back_when_the_ranking_fails(memo_on, monkeypatch):
    b = brand()
    candidate(audience=GOOD_AUDIENCE)
    with monkeypatch.context() as patched:
        patched.setattr(matching, "_features", lambda *a: (_ for _ in ()).throw(RuntimeError("database gone")))
        for _ in range(3):
            with pytest.raises(RuntimeError):
                rank_creators_for_brand(brand=b, user_id=9)
    with concurrency_slot("matching", 9, 2):  # one taken here, one left: none leaked
        assert len(rank_creators_for_brand(brand=b, user_id=9).rows) == 1
