"""On the demo catalogue (the one `seed_demo` loads, here without the demo tenant, which adds no
creator image): a fresh image in a style finds creators of
that style with the weight-free embedder, and the planted reused images are the only ones flagged.

110 creators is the smallest size at which, with the demo's default seed, every style has at least
10 creators (fewer would cap precision@10 below 1 for the rarer styles, whatever the embedder).
"""

from __future__ import annotations

import pytest

from influencers.models import Account
from influencers.services.demo.images import DEMO_STYLES, draw_style_image
from influencers.services.demo.seed import seed_demo_catalogue
from vision.services.embedding import embed_pending_assets
from vision.services.reuse import reused_image_signal
from vision.services.search import aesthetic_search

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FRESH_SEEDS = (987_001, 987_002)  # the plan hashes its image seeds to 64-bit values; small ones like these are new


def test_fresh_images_find_creators_of_their_style_and_planted_reuse_is_flagged():
    summary = seed_demo_catalogue(creators=110)
    per_style = {style: sum(1 for s in summary.style_by_creator.values() if s == style) for style in DEMO_STYLES}
    assert min(per_style.values()) >= 10, per_style
    assert embed_pending_assets() == summary.counts["images"]

    precision = {}
    for style in DEMO_STYLES:
        hits = []
        for seed in FRESH_SEEDS:
            result = aesthetic_search(images=[draw_style_image(style, seed=seed)], top=10)
            assert result.embedder["kind"] == "style" and len(result.results) == 10
            hits.append(sum(summary.style_by_creator[m.creator_id] == style for m in result.results) / 10)
        precision[style] = min(hits)
    assert all(p >= 0.9 for p in precision.values()), precision  # measured: 1.0 for every style

    # Reused images: the accounts the plan made copy another creator's pictures, and those
    # creators' own accounts (the same picture appears there), are flagged; nobody else is.
    copiers = {a for a, marks in summary.fraud_accounts.items() if "reused_images" in marks}
    assert copiers
    flagged = {}
    for account_id in Account.objects.values_list("id", flat=True):
        signal = reused_image_signal(account_id=account_id)
        if signal:
            flagged[account_id] = signal
    for account_id in copiers:
        kinds = {item["kind"] for item in flagged.get(account_id, [])}
        assert kinds == {"identical", "near_duplicate"}, (account_id, flagged.get(account_id))
    sources = {item["other_account_id"] for a in copiers for item in flagged[a]}
    assert set(flagged) == copiers | sources
