"""The aesthetic search and lookalike answers carry the calibrated score, the feed flags and
how many images are still pending (a real search on a small catalogue, style descriptor)."""

from __future__ import annotations

import pytest

from tests.factories import AccountFactory, CreatorFactory
from tests.vision.conftest import add_image_asset
from tests.vision.style_zoo import zoo_image
from vision.services.embedding import embed_pending_assets

pytestmark = pytest.mark.django_db


def test_lookalikes_answer_with_calibrated_scores_and_pending_count(viewer, isolated_vision):
    ids = {}
    for look in ("dark_moody", "vivid_pop"):
        for c in range(2):
            creator = CreatorFactory(display_name=f"{look} {c}")
            account = AccountFactory(creator=creator)
            for i in range(3 if c == 0 else 2):
                add_image_asset(account, zoo_image(look, seed=100 * c + i, size=48))
            ids[creator.pk] = look
    embed_pending_assets()
    first = next(iter(ids))
    response = viewer.client.get(f"/api/creators/{first}/lookalikes/?top=3")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["pending_images"] == 0 and body["calibration"]["method"] == "z"
    hits = body["results"]
    assert [ids[h["creator"]["id"]] for h in hits][:1] == [ids[first]]
    assert hits[0]["calibrated"] > hits[-1]["calibrated"]
    by_count = {h["image_count"]: h["small_feed"] for h in hits}
    assert by_count == {2: True, 3: False}  # fewer than 3 images: flagged
    assert all(0 <= h["percentile"] <= 100 and h["duplicate"] is False for h in hits)
