"""Categories and interests are searchable in both languages: 美妆 finds beauty creators, as do
"Beauty" and "makeup"; a Chinese page names the niche in Chinese."""

from __future__ import annotations

import pytest
from django.utils import translation

from core.messages import label
from influencers.selectors.creators import creator_list
from influencers.vocabulary import code_for, codes_matching
from tests.factories import AccountFactory, AccountMetricsFactory, CreatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def niches():
    beauty = CreatorFactory(display_name="Glow", categories=["beauty"])
    travel = CreatorFactory(display_name="Roam", categories=["travel"])
    for creator in (beauty, travel):
        account = AccountFactory(creator=creator, handle=f"{creator.display_name.lower()}_x", bio="", display_name="")
        AccountMetricsFactory(account=account)
    return beauty, travel


@pytest.mark.parametrize("query", ["美妆", "美妆博主", "Beauty", "beauty", "makeup", "彩妆"])
def test_a_keyword_naming_a_niche_in_either_language_finds_its_creators(niches, query):
    beauty, travel = niches
    found = set(creator_list(filters={"q": query}).values_list("pk", flat=True))
    assert beauty.pk in found and travel.pk not in found


def test_the_category_filter_takes_a_label_in_either_language(niches):
    beauty, travel = niches
    for value in ("beauty", "美妆", "Beauty"):
        assert list(creator_list(filters={"category": value}).values_list("pk", flat=True)) == [beauty.pk]


def test_short_or_unrelated_words_name_no_niche():
    assert codes_matching("美") == [] and codes_matching("xyzzy") == [] and codes_matching("") == []
    assert code_for("unknown-niche") == "unknown-niche"


def test_labels_follow_the_reader_language():
    assert label("category", "beauty", language="zh-hans") == "美妆"
    assert label("interest", "travel", language="en") == "Travel"
    with translation.override("zh-hans"):
        assert label("category", "home") == "家居"
