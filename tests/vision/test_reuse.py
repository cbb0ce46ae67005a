"""Reused images: the same picture on an unrelated account is a vetting signal, found by bytes
or by perceptual hash (verified on pixels); a creator's own accounts and look-alikes are not."""

from __future__ import annotations

import pytest
from PIL import ImageEnhance

from tests.factories import AccountFactory, CreatorFactory
from tests.vision.conftest import add_image_asset
from tests.vision.style_zoo import zoo_image
from vision.services.reuse import reused_image_signal

pytestmark = pytest.mark.django_db


def test_identical_and_re_encoded_copies_on_another_creators_account_are_flagged():
    original = zoo_image("vivid_pop", seed=1, size=160)
    other_picture = zoo_image("bw_contrast", seed=2, size=160)
    thief = AccountFactory(handle="copycat", platform="tiktok")
    victim = AccountFactory(handle="original_artist")
    stolen = add_image_asset(thief, original)
    stolen_jpeg = add_image_asset(thief, other_picture)
    own = add_image_asset(victim, original)
    # The victim's re-encoded, slightly resized and brightened version of the other picture.
    edited = ImageEnhance.Brightness(other_picture.resize((150, 150))).enhance(1.05)
    own_edit = add_image_asset(victim, edited, fmt="JPEG")

    signal = reused_image_signal(account_id=thief.pk)
    assert [(s["asset_id"], s["other_asset_id"], s["kind"]) for s in signal] == [
        (stolen.pk, own.pk, "identical"),
        (stolen_jpeg.pk, own_edit.pk, "near_duplicate"),
    ]
    near = signal[1]
    assert 0 <= near["hamming_distance"] <= 6
    assert (near["other_account_id"], near["other_handle"], near["other_platform"]) == (
        victim.pk,
        "original_artist",
        "instagram",
    )
    assert near["other_creator_id"] == victim.creator_id
    assert {s["other_asset_id"] for s in reused_image_signal(account_id=victim.pk)} == {stolen.pk, stolen_jpeg.pk}


def test_same_creators_other_account_and_similar_looking_pictures_are_not_flagged():
    creator = CreatorFactory()
    instagram = AccountFactory(creator=creator)
    weibo = AccountFactory(creator=creator, platform="weibo")
    picture = zoo_image("dark_moody", seed=3, size=128)
    add_image_asset(instagram, picture)
    add_image_asset(weibo, picture)  # cross-posting one's own picture is normal
    stranger = AccountFactory()
    for seed in range(4, 8):  # same style, different pictures
        add_image_asset(stranger, zoo_image("dark_moody", seed=seed, size=128))
    assert reused_image_signal(account_id=instagram.pk) == []
    assert reused_image_signal(account_id=stranger.pk) == []
    assert reused_image_signal(account_id=10**9) == []
