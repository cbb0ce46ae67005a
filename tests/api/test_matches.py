"""GET /api/brands/{id}/matches/: weights from w_* parameters (mapped to the ranking's part
names), hard filters passed through, every row with its parts and explanations. The matching
service is replaced at its boundary by a double returning a real RankingResult (the ranking
itself is tested in tests/vetting/test_matching.py)."""

from __future__ import annotations

import pytest

from tests.api.conftest import assert_error
from tests.factories import AccountMetricsFactory, BrandFactory, CreatorFactory
from vetting.services import matching as matching_service
from vetting.services.matching import RankingResult


def _part(name: str, score: float, weight: float, explanation: str) -> dict:
    return {
        "name": name,
        "label": name,
        "score": score,
        "weight": weight,
        "contribution": score * weight,
        "known": True,
        "explanation": explanation,
        "explanations": [explanation],
        "details": {},
    }


@pytest.fixture
def matching(monkeypatch, db):
    calls = []
    creators = [CreatorFactory(display_name="First"), CreatorFactory(display_name="Second")]

    def rank_creators_for_brand(*, brand, weights=None, filters=None, limit=50, offset=0, user_id=None):
        calls.append({"brand": brand.pk, "weights": weights, "filters": filters, "limit": limit, "offset": offset})
        rows = [
            {
                "rank": offset + i + 1,
                "creator_id": c.pk,
                "score": 0.9 - i / 10,
                "parts": [
                    _part("audience_fit", 0.8, 0.35, "62% of audience is 18-34 women"),
                    _part("authenticity", 0.9, 0.3, "fake share 8% ± 3%"),
                ],
                "explanations": ["62% of audience is 18-34 women", "fake share 8% ± 3%"],
            }
            for i, c in enumerate(creators)
        ]
        return RankingResult(rows, 2, weights or {"audience_fit": 0.35}, filters or {}, brand.pk)

    monkeypatch.setattr(matching_service, "rank_creators_for_brand", rank_creators_for_brand)
    return calls, creators


def test_matches_map_weights_and_filters_and_explain_rows(editor, matching):
    calls, creators = matching
    brand = BrandFactory(organization=editor.organization)
    response = editor.client.get(
        f"/api/brands/{brand.pk}/matches/?w_audience=0.4&w_value=0.2&platform=instagram&platform=tiktok"
        "&min_followers=1000&country=cn&max_risk=0.5&limit=10&offset=5"
    )
    assert response.status_code == 200, response.json()
    assert calls == [
        {
            "brand": brand.pk,
            "weights": {"audience_fit": 0.4, "value_alignment": 0.2},
            "filters": {
                "platforms": ["instagram", "tiktok"],
                "min_followers": 1000,
                "countries": ["CN"],
                "max_risk": 0.5,
            },
            "limit": 10,
            "offset": 5,
        }
    ]
    body = response.json()
    assert body["count"] == 2 and body["offset"] == 5
    assert [r["creator"]["id"] for r in body["results"]] == [c.pk for c in creators]
    assert [r["rank"] for r in body["results"]] == [6, 7]
    first = body["results"][0]
    assert first["parts"][0] == {
        "name": "audience_fit",
        "label": "Audience fit",
        "score": 0.8,
        "weight": 0.35,
        "explanation": "62% of audience is 18-34 women",
        "explanation_message": None,  # a plain string: no message behind it
        "explanations_messages": [],
        "details": {},
    }
    assert first["explanations"] == ["62% of audience is 18-34 women", "fake share 8% ± 3%"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("w_audience=-1", "w_audience"),
        ("w_audience=0&w_authenticity=0&w_value=0&w_engagement=0", "w_audience"),
        ("limit=1000", "limit"),
        ("platform=myspace", "platform"),
        ("min_followers=10&max_followers=5", "max_followers"),
    ],
)
def test_bad_match_parameters_are_400_naming_the_field(editor, matching, query, field):
    calls, _ = matching
    brand = BrandFactory(organization=editor.organization)
    response = editor.client.get(f"/api/brands/{brand.pk}/matches/?{query}")
    assert_error(response, field)
    assert calls == []


def test_the_real_ranking_reaches_the_api_with_every_part_explained(editor):
    from tests.factories import AccountFactory
    from vetting.scoring.ranking import PARTS

    brand = BrandFactory(organization=editor.organization)
    for followers in (5_000, 50_000, 500_000):
        AccountMetricsFactory(account=AccountFactory(), followers=followers, engagement_rate=0.03)
    response = editor.client.get(f"/api/brands/{brand.pk}/matches/?limit=2")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["brand"] == brand.pk and body["count"] == 3 and len(body["results"]) == 2
    assert [row["rank"] for row in body["results"]] == [1, 2]
    assert body["results"][0]["score"] >= body["results"][1]["score"]
    for row in body["results"]:
        assert [part["name"] for part in row["parts"]] == list(PARTS)
        assert set(row["parts"][0]) == {
            "name",
            "label",
            "score",
            "weight",
            "explanation",
            "explanation_message",
            "explanations_messages",
            "details",
        }
        assert all(part["explanation_message"]["code"] for part in row["parts"])
        assert all(part["explanation"] for part in row["parts"])
    assert set(body["weights"]) == set(PARTS)


def test_a_ranked_creator_lists_all_its_accounts_and_no_matched_account(editor):
    # The page's creators are read with creator_rows (no prefetch): every account of the creator,
    # in platform and handle order, with its metrics; a ranked row has no discovery match.
    from tests.factories import AccountFactory

    brand = BrandFactory(organization=editor.organization)
    creator = CreatorFactory(display_name="Two accounts")
    weibo = AccountFactory(creator=creator, platform="weibo", handle="b")
    instagram = AccountFactory(creator=creator, platform="instagram", handle="a")
    AccountMetricsFactory(account=weibo, followers=90_000, engagement_rate=0.02)
    AccountMetricsFactory(account=instagram, followers=10_000, engagement_rate=0.04)
    response = editor.client.get(f"/api/brands/{brand.pk}/matches/")
    assert response.status_code == 200, response.json()
    (row,) = response.json()["results"]
    assert row["creator"]["id"] == creator.pk and row["creator"]["matched_account"] is None
    assert [a["id"] for a in row["creator"]["accounts"]] == [instagram.pk, weibo.pk]
    assert [a["metrics"]["followers"] for a in row["creator"]["accounts"]] == [10_000, 90_000]


def test_a_rows_parts_are_written_around_each_parts_own_score_and_weight():
    import json

    from api.views.brands import _parts_json

    reasons = [(b'{"name":"%s","score":' % name.encode(), b',"explanation":"%s"}' % name.encode()) for name in "abc"]
    parts = [{"score": 0.25, "weight": 1.0}, {"score": None, "weight": 0.35}, {"score": 1e-05, "weight": 2}]
    assert json.loads(b"".join(_parts_json(reasons, parts))) == [
        {"name": "a", "score": 0.25, "weight": 1.0, "explanation": "a"},
        {"name": "b", "score": None, "weight": 0.35, "explanation": "b"},
        {"name": "c", "score": 1e-05, "weight": 2, "explanation": "c"},
    ]
    assert b"".join(_parts_json([], [])) == b"[]"
    with pytest.raises(ValueError):
        _parts_json(reasons, parts[:2])
