"""Aesthetic search ranks creators fairly (feed size), puts the owner of a copied query image
first, reports calibrated scores, and says how many images are still pending."""

from __future__ import annotations

import pytest
from PIL import Image

from influencers.models import MediaAsset
from tests.factories import AccountFactory, CreatorFactory
from tests.vision.conftest import add_image_asset
from tests.vision.style_zoo import zoo_image
from vision.services.embedding import embed_pending_assets
from vision.services.search import aesthetic_search, lookalikes

pytestmark = pytest.mark.django_db

LOOKS = ("bright_airy", "dark_moody", "bw_contrast", "vivid_pop", "sepia_vignette")


def _creator(name: str, images: list[Image.Image]) -> int:
    creator = CreatorFactory(display_name=name)
    account = AccountFactory(creator=creator)
    for image in images:
        add_image_asset(account, image)
    return creator.pk


@pytest.fixture
def looks():
    """3 creators per look, 4 images each: {creator_id: look}."""
    out = {}
    for look in LOOKS:
        for c in range(3):
            out[_creator(f"{look} {c}", [zoo_image(look, seed=300 * c + i, size=64) for i in range(4)])] = look
    embed_pending_assets()
    return out


def test_the_owner_of_a_copied_image_ranks_first_even_when_other_feeds_match_better(looks):
    # The owner posted one dark picture among bright ones; three dark creators match the picture's
    # look with every image, yet the picture is the owner's.
    picture = zoo_image("dark_moody", seed=777, size=64)
    owner = _creator("owner", [picture] + [zoo_image("bright_airy", seed=800 + i, size=64) for i in range(8)])
    embed_pending_assets()
    result = aesthetic_search(images=[picture], top=5)
    assert result.results[0].creator_id == owner and result.results[0].duplicate
    assert not any(m.duplicate for m in result.results[1:])
    # Without the copy the same owner is far down: its feed is mostly another look.
    fresh = aesthetic_search(images=[zoo_image("dark_moody", seed=778, size=64)], top=5)
    assert [looks.get(m.creator_id) for m in fresh.results[:3]] == ["dark_moody"] * 3
    assert owner not in [m.creator_id for m in fresh.results[:3]]


def test_a_re_encoded_copy_also_counts_but_a_same_look_picture_does_not(looks):
    import io

    own = MediaAsset.objects.filter(account__creator_id=next(iter(looks))).first()
    original = Image.open(own.image.path).convert("RGB")
    buffer = io.BytesIO()
    original.resize((96, 96)).save(buffer, format="JPEG", quality=70)
    copy = Image.open(io.BytesIO(buffer.getvalue()))
    result = aesthetic_search(images=[copy], top=3)
    assert result.results[0].creator_id == own.account.creator_id and result.results[0].duplicate
    other = aesthetic_search(images=[zoo_image(looks[own.account.creator_id], seed=4242, size=64)], top=3)
    assert not any(m.duplicate for m in other.results)


def test_cutting_a_feed_does_not_push_its_creator_down(looks):
    query = [zoo_image("vivid_pop", seed=9100 + i, size=64) for i in range(3)]
    vivid = [c for c, look in looks.items() if look == "vivid_pop"]
    before = [m.creator_id for m in aesthetic_search(images=query, top=15).results]
    # Add 4 more images of the same look to one creator, and cut another to 2 images.
    grown, cut = vivid[0], vivid[1]
    account = AccountFactory._meta.model.objects.get(creator_id=grown)
    for i in range(4):
        add_image_asset(account, zoo_image("vivid_pop", seed=60_000 + i, size=64))
    MediaAsset.objects.filter(account__creator_id=cut).order_by("id")[:2].first().delete()
    embed_pending_assets()
    from vision.services.index import index_sync

    index_sync()
    after = aesthetic_search(images=query, top=15)
    ranks = [m.creator_id for m in after.results]
    assert set(ranks[:3]) == set(before[:3]) == set(vivid)
    by_id = {m.creator_id: m for m in after.results}
    assert by_id[grown].image_count == 8 and by_id[cut].image_count == 3 and not by_id[cut].small_feed


def test_calibrated_scores_put_unrelated_creators_far_below_same_look_ones(looks):
    creator_id = next(c for c, look in looks.items() if look == "sepia_vignette")
    result = lookalikes(creator_id=creator_id, top=14)
    same = [m.calibrated for m in result.results if looks[m.creator_id] == "sepia_vignette"]
    other = [m.calibrated for m in result.results if looks[m.creator_id] != "sepia_vignette"]
    assert len(same) == 2 and len(other) == 12
    assert min(same) > 1.5 and max(other) < min(same) - 1.0, (same, other)
    assert all(0 <= m.percentile <= 100 for m in result.results)
    assert result.calibration["method"] == "z" and result.calibration["reference_creators"] == 15
    scores = [m.score for m in result.results]
    assert scores == sorted(scores, reverse=True)


def test_pending_images_are_reported_and_not_embedded_inside_the_search(looks, settings, monkeypatch):
    import vision.services.search as search

    started = []
    monkeypatch.setattr(search, "run_outside_request", lambda name, work: started.append(name))
    settings.BACKGROUND_THREADS = True
    search.reset_stale_checks()
    account = AccountFactory(creator=CreatorFactory())
    for i in range(3):
        add_image_asset(account, zoo_image("vivid_pop", seed=70_000 + i, size=64))
    result = aesthetic_search(images=[zoo_image("vivid_pop", seed=5, size=64)], top=3)
    assert result.pending_images == 3 and result.index_state == "ready"
    assert started == ["vision-embed"]  # handed to a job outside the request
    assert result.as_dict()["pending_images"] == 3

    embed_pending_assets()
    again = aesthetic_search(images=[zoo_image("vivid_pop", seed=5, size=64)], top=3)
    assert again.pending_images == 0
