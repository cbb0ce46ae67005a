"""Aesthetic profiles (centroid + k-means prototypes) and mood-board similarity."""

from __future__ import annotations

import numpy as np
import pytest

from influencers.models import MediaAsset
from tests.factories import AccountFactory
from tests.vision.conftest import add_image_asset
from tests.vision.style_zoo import zoo_image
from vision.embedders import get_embedder
from vision.models import AestheticProfile
from vision.services.embedding import embed_pending_assets
from vision.services.index import index_sync
from vision.services.profiles import (
    moodboard_similarity,
    profile_refresh,
    prototype_count,
    spherical_kmeans,
)


def test_prototype_count_grows_with_the_feed():
    assert [prototype_count(n) for n in (1, 3, 4, 8, 9, 50)] == [1, 1, 2, 2, 3, 3]


def test_spherical_kmeans_separates_two_looks_and_is_deterministic():
    rng = np.random.default_rng(0)
    a, b = np.eye(16)[0], np.eye(16)[1]
    x = np.concatenate([a + 0.05 * rng.normal(size=(6, 16)), b + 0.05 * rng.normal(size=(4, 16))])
    x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    centres, labels = spherical_kmeans(x, 2, seed=3)
    assert len(set(labels[:6])) == 1 and len(set(labels[6:])) == 1 and labels[0] != labels[6]
    assert np.allclose(np.linalg.norm(centres, axis=1), 1.0, atol=1e-5)
    again, _ = spherical_kmeans(x, 2, seed=3)
    assert np.array_equal(centres, again)


@pytest.mark.django_db
def test_profiles_follow_the_accounts_images():
    account = AccountFactory()
    for k in range(5):
        add_image_asset(account, zoo_image("bright_airy", seed=k, size=64))
    for k in range(4):
        add_image_asset(account, zoo_image("dark_moody", seed=k, size=64))
    embed_pending_assets()
    profile = AestheticProfile.objects.get(account=account)
    assert profile.image_count == 9 and profile.embedder_id == get_embedder().id
    prototypes = profile.prototype_array()
    assert prototypes.shape == (3, profile.dim)
    assert np.isclose(sum(profile.prototype_weights), 1.0, atol=1e-3)
    assert np.isclose(np.linalg.norm(profile.centroid_array()), 1.0, atol=1e-5)
    assert 0 < profile.consistency < 1

    # Images deleted: the sync refreshes the profile of the account they belonged to.
    MediaAsset.objects.filter(account=account).exclude(
        pk=MediaAsset.objects.filter(account=account).first().pk
    ).delete()
    result = index_sync()
    assert account.pk in result["account_ids"]
    profile_refresh(account_ids=result["account_ids"])
    profile.refresh_from_db()
    assert profile.image_count == 1 and len(profile.prototype_weights) == 1


@pytest.mark.django_db
def test_moodboard_similarity_ranks_accounts_of_the_moodboards_look_higher_with_evidence():
    pastel, moody, noir, empty = AccountFactory(), AccountFactory(), AccountFactory(), AccountFactory()
    for k in range(3):
        add_image_asset(pastel, zoo_image("pastel_soft", seed=k, size=64))
        add_image_asset(moody, zoo_image("dark_moody", seed=k, size=64))
        add_image_asset(noir, zoo_image("bw_contrast", seed=k, size=64))
    embed_pending_assets()
    board = [zoo_image("pastel_soft", seed=50 + k, size=64) for k in range(2)]
    scores = moodboard_similarity(images=board, account_ids=[pastel.pk, moody.pk, noir.pk, empty.pk])
    assert set(scores) == {pastel.pk, moody.pk, noir.pk}  # no images, no score
    assert all(0.0 <= score <= 1.0 for score, _ in scores.values())
    assert scores[pastel.pk][0] > scores[moody.pk][0] and scores[pastel.pk][0] > scores[noir.pk][0]
    evidence = scores[pastel.pk][1]
    assert len(evidence) == 3 and {m.account_id for m in evidence} == {pastel.pk}
    assert [m.similarity for m in evidence] == sorted((m.similarity for m in evidence), reverse=True)
    assert all(m.image_url for m in evidence)
    assert moodboard_similarity(images=[], account_ids=[pastel.pk]) == {}


@pytest.mark.django_db
def test_moodboard_similarity_needs_no_query_per_account(django_assert_max_num_queries):
    accounts = [AccountFactory() for _ in range(6)]
    for i, account in enumerate(accounts):
        add_image_asset(account, zoo_image("vivid_pop", seed=i, size=48))
    embed_pending_assets()
    with django_assert_max_num_queries(4):
        scores = moodboard_similarity(
            images=[zoo_image("vivid_pop", seed=99, size=48)], account_ids=[a.pk for a in accounts]
        )
    assert len(scores) == 6
