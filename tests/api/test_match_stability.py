"""Issue 15, item 6: a creator's match score for a brand and weights is the same in every
query, page, export and API response. Nothing is relative to the result set: the text IDF is
catalogue-wide and authenticity is the creator-level verdict."""

from __future__ import annotations

import json

import pytest

from tests.factories import (
    AccountFactory,
    AccountMetricsFactory,
    BrandFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
)
from tests.vetting.test_matching import GOOD_AUDIENCE, OFF_AUDIENCE, candidate, text_terms
from tests.words import en
from vetting.services.exports import export_rows
from vetting.services.matching import rank_creators_for_brand

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(editor):
    """A creator whose text shares two brand terms of different catalogue frequency, among
    others that only some filters let through, with a risky second account on Weibo."""
    brand = BrandFactory(
        organization=editor.organization,
        values=["sustainable", "skincare", "天然"],
        description="Sustainable skincare, refill packs",
        competitors=[],
        preferred_platforms=[],
        min_followers=None,
    )
    star = candidate(audience=GOOD_AUDIENCE, terms=text_terms("sustainable skincare refill 天然 glow"), name="Star")
    risky = AccountFactory(creator=star.creator, platform="weibo")
    AccountMetricsFactory(account=risky, followers=5_000, fake_risk=0.7, risk_level="high", risk_confidence=0.8)
    # "skincare" is common in the catalogue, "sustainable" rare; the TW and US creators carry
    # most of the "skincare" documents, so filtering by country changes the candidates' df.
    for i in range(4):
        candidate(audience=GOOD_AUDIENCE, country="TW", terms=text_terms(f"skincare routine serum {i}"))
    for i in range(3):
        candidate(audience=OFF_AUDIENCE, country="US", terms=text_terms(f"skincare gym protein {i}"))
    candidate(audience=GOOD_AUDIENCE, terms=text_terms("travel food 夜市"))
    return brand, star


def _parts(row: dict) -> str:
    """The row's score and parts as bytes (what a client compares)."""
    return json.dumps(
        {
            "score": row["score"],
            "parts": [(p["name"], p["score"], p["weight"], p["contribution"], p["known"]) for p in row["parts"]],
        },
        sort_keys=True,
    )


def _row(result, creator_id: int) -> dict:
    (row,) = [r for r in result.rows if r["creator_id"] == creator_id]
    return row


def test_the_same_creator_scores_identically_in_two_searches_the_api_and_the_export(catalogue, editor):
    brand, star = catalogue
    weights = {"audience_fit": 0.3, "authenticity": 0.3, "value_alignment": 0.3, "engagement": 0.1}
    everyone = rank_creators_for_brand(brand=brand, weights=weights, limit=100)
    narrowed = rank_creators_for_brand(
        brand=brand, weights=weights, filters={"countries": ["CN"], "platforms": ["instagram"]}, limit=100
    )
    alone = rank_creators_for_brand(brand=brand, weights=weights, filters={"creator_ids": [star.creator_id]})
    assert everyone.total > narrowed.total > alone.total == 1  # three different result sets
    reference = _parts(_row(everyone, star.creator_id))
    assert _parts(_row(narrowed, star.creator_id)) == reference
    assert _parts(_row(alone, star.creator_id)) == reference
    # The value-alignment part is not neutral (the IDF matters) and authenticity is the
    # creator's verdict (its Weibo account, outside the "instagram" filter, at 0.7).
    parts = {p["name"]: p for p in _row(narrowed, star.creator_id)["parts"]}
    assert parts["value_alignment"]["known"] and parts["value_alignment"]["score"] > 0.3
    assert parts["authenticity"]["score"] == pytest.approx(0.5 + 0.8 * (0.3 - 0.5))
    assert "Weibo @" in en(parts["authenticity"]["explanation"])

    # The API, with yet other filters and a page offset.
    response = editor.client.get(
        f"/api/brands/{brand.pk}/matches/",
        {"w_audience": 0.3, "w_authenticity": 0.3, "w_value": 0.3, "w_engagement": 0.1, "country": "CN"},
        HTTP_X_ORGANIZATION=str(editor.organization.pk),
    )
    assert response.status_code == 200, response.content
    (api_row,) = [r for r in response.json()["results"] if r["creator"]["id"] == star.creator_id]
    assert api_row["score"] == _row(everyone, star.creator_id)["score"]
    assert [p["score"] for p in api_row["parts"]] == [p["score"] for p in _row(everyone, star.creator_id)["parts"]]

    # The shortlist export (default weights): the same as a search with default weights.
    shortlist = ShortlistFactory(organization=editor.organization, brand=brand)
    ShortlistEntryFactory(shortlist=shortlist, creator=star.creator)
    rows, _title = export_rows(organization_id=editor.organization.pk, shortlist_id=shortlist.pk)
    default = _row(rank_creators_for_brand(brand=brand, filters={"countries": ["CN"]}, limit=100), star.creator_id)
    assert rows[0].values["match_score"] == default["score"]
    by_name = {p["name"]: p["score"] for p in default["parts"]}
    assert rows[0].values["value_alignment"] == by_name["value_alignment"]
    assert rows[0].values["authenticity"] == by_name["authenticity"]


def test_the_idf_is_catalogue_wide(catalogue):
    from vetting.services.matching import catalogue_idf

    idf = catalogue_idf({"sustainable": 1.0, "skincare": 1.0, "absent": 1.0})
    # 10 accounts with metrics (9 candidates + the Weibo one); "skincare" in 8 documents,
    # "sustainable" in 1, "absent" in none: log((1 + N) / (1 + df)) + 1.
    import math

    assert idf["skincare"] == pytest.approx(math.log(11 / 9) + 1)
    assert idf["sustainable"] == pytest.approx(math.log(11 / 2) + 1)
    assert idf["absent"] == pytest.approx(math.log(11 / 1) + 1)
