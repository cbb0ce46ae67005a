"""On the demo tenant, a brand's mood board moves the order of its creator matches: accounts of
the mood board's look get a high calibrated mood-board score, the others about none."""

from __future__ import annotations

import numpy as np
import pytest

from vetting.models import Brand
from vetting.services.demo import DEMO_BRANDS, seed_demo
from vetting.services.matching import rank_creators_for_brand
from vision.services.embedding import embed_pending_assets

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _mood(row: dict) -> float | None:
    part = next(p for p in row["parts"] if p["name"] == "value_alignment")
    return part["details"]["moodboard"]


def test_a_matching_mood_board_moves_the_brand_ranking():
    summary = seed_demo(creators=40, seed=7, image_size=64, vet=False)
    embed_pending_assets()
    style_of = summary.style_by_creator
    board_style = {spec["name"]: spec["mood_board_style"] for spec in DEMO_BRANDS}
    for brand in Brand.objects.filter(name__in=board_style):
        ranked = rank_creators_for_brand(brand=brand, limit=500)
        same = [_mood(r) for r in ranked.rows if style_of[r["creator_id"]] == board_style[brand.name]]
        other = [_mood(r) for r in ranked.rows if style_of[r["creator_id"]] != board_style[brand.name]]
        assert same and other
        assert np.median(same) >= 0.5 and np.median(other) <= 0.1, (brand.name, same, other)
        look = board_style[brand.name]
        with_board = [r["creator_id"] for r in ranked.rows]
        brand.mood_board.all().delete()
        without = [r["creator_id"] for r in rank_creators_for_brand(brand=brand, limit=500).rows]
        assert with_board[:10] != without[:10]
        # The board's look rises: its creators' median rank is better with the board than without.
        rank_with = np.median([i for i, c in enumerate(with_board) if style_of[c] == look])
        rank_without = np.median([i for i, c in enumerate(without) if style_of[c] == look])
        assert rank_with < rank_without - 2, (brand.name, rank_with, rank_without)
