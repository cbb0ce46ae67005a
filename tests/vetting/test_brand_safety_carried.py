"""After an import or refresh changed a few accounts, a brand's stored brand-safety hits for the
new catalogue version are made from the previous version's (`_carried_safety`): the other
creators' hits copied, only the rewritten creators' posts searched again, and the result is
byte for byte what searching the whole catalogue gives."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from influencers.follow_ups import AccountsChanged
from influencers.models import Post
from tests.factories import AccountFactory, AccountMetricsFactory, BrandFactory, CreatorFactory, PostFactory
from vetting.features import snapshot as snapshots
from vetting.features.snapshot import features_after_change
from vetting.features.stored_safety import carried_arrays, packed_arrays
from vetting.scoring.text_similarity import term_vector
from vetting.services import brand_safety, matching

pytestmark = pytest.mark.django_db

PACKED = ("charged", "amounts", "starts", "blob", "posts", "owners")


def creator_with_post(caption: str, *, sponsor: str = "", days: int = 3):
    account = AccountFactory(creator=CreatorFactory())
    AccountMetricsFactory(
        account=account, followers=5_000, vetting_inputs={"text": {"terms": term_vector(["skincare"])}}
    )
    PostFactory(
        account=account,
        caption=caption,
        is_sponsored=bool(sponsor),
        sponsor=sponsor,
        posted_at=timezone.now() - dt.timedelta(days=days),
    )
    return account


def brand():
    return BrandFactory(excluded_keywords=["gambling", "赌博"], competitors=["Rival Co"], values=["skincare"])


def stored_now(the_brand) -> dict[str, np.ndarray]:
    """The brand's stored arrays for the current catalogue version (computed if missing)."""
    snapshots.forget_loaded()
    snapshot = snapshots.current_snapshot(wait=True)
    today = timezone.localdate()
    arrays = snapshot.stored_arrays(
        brand_safety.safety_key(brand_safety.safety_rules(the_brand), today),
        lambda: pytest.fail("expected the stored arrays to exist"),
    )
    return {name: np.asarray(arrays[name]) for name in PACKED}


def assert_same(found: dict[str, np.ndarray], expected: dict[str, np.ndarray]) -> None:
    for name in PACKED:
        assert found[name].dtype == expected[name].dtype, name
        assert found[name].tobytes() == expected[name].tobytes(), name


def test_a_follow_up_carries_the_other_creators_hits_and_searches_the_changed_ones(snapshot_on, monkeypatch):
    accounts = [creator_with_post(c) for c in ["gambling night", "lunch", "赌博 tips", "casino", "gambling again"]]
    accounts.append(creator_with_post("our new serum", sponsor="Rival Co"))
    the_brand = brand()
    matching.rank_creators_for_brand(brand=the_brand)  # stores the hits of the first version

    # An import: a new hit for a clean creator, a hit edited away, a new creator with a hit.
    PostFactory(account=accounts[1], caption="poker and gambling", posted_at=timezone.now() - dt.timedelta(days=1))
    Post.objects.filter(account=accounts[2]).update(caption="tea time")
    newcomer = creator_with_post("gambling weekend")
    changed = (accounts[1].pk, accounts[2].pk, newcomer.pk)
    searched: list[object] = []
    real = brand_safety._safety_posts
    monkeypatch.setattr(
        brand_safety, "_safety_posts", lambda creators, b: searched.append(creators) or real(creators, b)
    )
    features_after_change(AccountsChanged(account_ids=changed))
    snapshot = snapshots.current_snapshot(wait=True)
    assert snapshot.meta["base"] and set(snapshot.meta["rewrote_creators"]) >= {
        accounts[1].creator_id,
        accounts[2].creator_id,
        newcomer.creator_id,
    }

    matching.rank_creators_for_brand(brand=the_brand)

    assert searched and all(creators is not None for creators in searched), "the catalogue was searched"
    carried = stored_now(the_brand)
    with_hits = set(carried["charged"].tolist())
    assert accounts[1].creator_id in with_hits and newcomer.creator_id in with_hits
    assert accounts[2].creator_id not in with_hits and accounts[0].creator_id in with_hits
    assert_same(carried, {k: np.asarray(v) for k, v in brand_safety._safety_search(the_brand).items()})


def test_without_a_base_holding_the_brand_the_catalogue_is_searched(snapshot_on, monkeypatch):
    accounts = [creator_with_post(c) for c in ["gambling night", "lunch"]]
    the_brand = brand()
    snapshots.current_snapshot(wait=True)  # a first version, the brand never ranked in it
    PostFactory(account=accounts[1], caption="gambling", posted_at=timezone.now() - dt.timedelta(days=1))
    features_after_change(AccountsChanged(account_ids=(accounts[1].pk,)))
    searched: list[object] = []
    real = brand_safety._safety_posts
    monkeypatch.setattr(
        brand_safety, "_safety_posts", lambda creators, b: searched.append(creators) or real(creators, b)
    )

    matching.rank_creators_for_brand(brand=the_brand)

    assert searched == [None]
    assert set(stored_now(the_brand)["charged"].tolist()) == {a.creator_id for a in accounts}


def packed(creators_hits: dict[int, list[str]], amounts: dict[int, float]) -> dict[str, np.ndarray]:
    """Packed arrays of made-up hits: each creator's posts numbered from its id."""
    charged = np.array(sorted(creators_hits), dtype=np.int64)
    segments = []
    for creator in charged.tolist():
        posts = [creator * 10 + i for i in range(len(creators_hits[creator]))]
        hits = [
            ["excluded_keyword", term, post, "2026-12-01", term, 0.1]
            for term, post in zip(creators_hits[creator], posts)
        ]
        segments.append((hits, [[post, "", creator] for post in posts]))
    return packed_arrays(charged, np.array([amounts[c] for c in charged.tolist()]), segments)


@pytest.mark.parametrize(
    "rewritten, fresh_hits",
    [
        ([3, 5], {3: ["x"], 5: ["y", "z"]}),  # the same creators, other hits
        ([1, 9], {}),  # hits gone, no new ones
        ([2, 4, 11], {2: ["a"], 11: ["b"]}),  # new creators between and after the kept ones
        ([], {}),  # nothing rewritten
        ([1, 3, 5, 7, 9], {1: ["q"]}),  # every creator rewritten
    ],
)
def test_carried_arrays_equal_packing_the_merged_hits_at_once(rewritten, fresh_hits):
    base_hits = {1: ["a"], 3: ["b", "c"], 5: ["d"], 7: ["e", "f", "g"], 9: ["h"]}
    amounts = {c: 0.1 * len(h) for c, h in {**base_hits, **fresh_hits}.items()}
    merged = {c: h for c, h in base_hits.items() if c not in rewritten} | fresh_hits

    found = carried_arrays(packed(base_hits, amounts), np.array(rewritten, dtype=np.int64), packed(fresh_hits, amounts))

    assert_same(found, packed(merged, amounts))
