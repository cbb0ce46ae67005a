"""Discovery's audience filters with several values (the union's share reaches the minimum) and
the sort by audience fit for the chosen brand."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.frontend.conftest import make_creator

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def _audience(creator, **shares) -> None:
    profile = creator.accounts.get().audience_profiles.get()
    for dimension, values in shares.items():
        setattr(profile, dimension, values)
    profile.save()


@pytest.fixture
def audiences(db):
    young = make_creator("Young Crowd", followers=50_000)
    _audience(young, age={"18-24": 0.5, "25-34": 0.3, "35-44": 0.2}, countries={"CN": 0.5, "TW": 0.4, "US": 0.1})
    older = make_creator("Older Crowd", followers=60_000)
    _audience(older, age={"18-24": 0.1, "25-34": 0.2, "35-44": 0.7}, countries={"US": 0.8, "CN": 0.2})
    return young, older


def test_audience_age_offers_every_band_as_a_checkbox_and_keeps_the_ticked_ones(ui, audiences):
    body = text(ui.get(reverse("frontend:discovery"), {"audience_age": ["18-24", "25-34"]}))
    assert 'name="audience_age" value="18-24" checked' in body
    assert 'name="audience_age" value="25-34" checked' in body
    assert 'name="audience_age" value="35-44" >' in body  # offered, not ticked
    assert 'name="audience_gender" value="female"' in body and 'name="audience_gender" value="male"' in body


def test_several_audience_values_filter_on_the_share_of_their_union(ui, audiences):
    # 18-24 + 25-34 = 80% for Young, 30% for Older; neither band alone reaches 60% for anyone.
    query = {"audience_age": ["18-24", "25-34"], "audience_age_min_pct": "60"}
    body = text(ui.get(reverse("frontend:discovery"), query))
    assert "Young Crowd" in body and "Older Crowd" not in body
    assert "Young Crowd" not in text(
        ui.get(reverse("frontend:discovery"), {"audience_age": "18-24", "audience_age_min_pct": "60"})
    )
    # Countries comma-separated, in any case: CN + TW = 90% for Young, 20% for Older.
    body = text(ui.get(reverse("frontend:discovery"), {"audience_country": "cn, tw", "audience_country_min_pct": "85"}))
    assert "Young Crowd" in body and "Older Crowd" not in body


def test_a_bad_code_among_several_is_an_error_state_not_a_500(ui, audiences):
    response = ui.get(reverse("frontend:discovery"), {"audience_country": "CN, China"})
    assert response.status_code == 422


@pytest.fixture
def young_brand(member):
    from tests.factories import BrandFactory

    return BrandFactory(
        organization=member.organization,
        name="Campus Tea",
        target_audience={"age": {"weight": 1.0, "values": {"18-24": 1.0}}},
    )


def _order(body: str, names: list[str]) -> list[str]:
    return sorted(names, key=body.index)


def test_sort_by_audience_fit_for_the_chosen_brand(ui, audiences, young_brand):
    # By followers Older (60k) comes first; the brand wants 18-24, Young's audience has 50% of it.
    plain = text(ui.get(reverse("frontend:discovery"), {"brand": young_brand.pk}))
    assert _order(plain, ["Young Crowd", "Older Crowd"]) == ["Older Crowd", "Young Crowd"]
    assert '<option value="audience_fit" >Best audience fit for Campus Tea</option>' in plain
    body = text(ui.get(reverse("frontend:discovery"), {"brand": young_brand.pk, "sort": "audience_fit"}))
    assert _order(body, ["Young Crowd", "Older Crowd"]) == ["Young Crowd", "Older Crowd"]
    assert '<option value="audience_fit" selected>Best audience fit for Campus Tea</option>' in body
    # The filters still apply.
    only_older = {"brand": young_brand.pk, "sort": "audience_fit", "min_followers": "55000"}
    body = text(ui.get(reverse("frontend:discovery"), only_older))
    assert "Older Crowd" in body and "Young Crowd" not in body


def test_sort_by_audience_fit_without_a_brand_asks_for_one(ui, audiences):
    response = ui.get(reverse("frontend:discovery"), {"sort": "audience_fit"})
    assert response.status_code == 422
    assert "Pick a brand to sort by its audience fit." in response.content.decode()


def test_sort_by_audience_fit_is_worded_in_chinese(ui, audiences, young_brand):
    body = ui.get(reverse("frontend:discovery"), {"brand": young_brand.pk}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "与 Campus Tea 受众匹配度最高" in body.content.decode()
