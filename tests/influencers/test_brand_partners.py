"""Past brand partners per creator (`influencers.sponsorship.brand_partners` and its selector) and
the discovery filters `worked_with` / `not_worked_with`: the summary attributes each sponsored
post to its sponsor, the partner its marker names, its tagged handles, or a known brand its
caption names; the filter finds creators by the same names in the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from influencers.selectors.creators import creator_list
from influencers.selectors.partners import creator_brand_partners
from influencers.sponsorship import PartnerPost, brand_partners
from tests.factories import AccountFactory, AccountMetricsFactory, CreatorFactory, PostFactory

NOW = timezone.now()


def _day(days_ago: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days_ago)


def test_posts_are_attributed_grouped_and_counted():
    posts = [
        PartnerPost(1, _day(30), caption="Morning glow", sponsor="Lumiskin", url="https://x.test/1"),
        PartnerPost(2, _day(10), caption="Paid partnership with @lumiskin", marker="paid partnership with @lumiskin"),
        PartnerPost(
            3, _day(5), caption="#ad new kit from @trailwise and @photo_by_sam", mentions=("trailwise", "photo_by_sam")
        ),
        PartnerPost(4, _day(2), caption="#ad 感谢璐美肤 新品"),
    ]
    partners = brand_partners(posts, known_brands=["Lumiskin 璐美肤"])

    by_name = {p.name: p for p in partners}
    assert set(by_name) == {"Lumiskin 璐美肤", "@trailwise", "@photo_by_sam"}
    lumiskin = by_name["Lumiskin 璐美肤"]
    assert [p.id for p in lumiskin.posts] == [4, 2, 1]  # newest first
    assert lumiskin.count == 3 and lumiskin.last_posted_at == _day(2)
    assert lumiskin.how == {"sponsor", "marker", "caption"}
    assert partners[0] is lumiskin  # most posts first
    assert by_name["@trailwise"].how == {"mention"}


def test_a_sponsor_field_wins_over_tagged_handles():
    (partner,) = brand_partners([PartnerPost(1, _day(1), sponsor="Calmia", mentions=("friend",))])
    assert partner.name == "Calmia"


def test_latin_brand_names_are_whole_words_in_captions():
    posts = [
        PartnerPost(1, _day(1), caption="#ad Doveland trip"),
        PartnerPost(2, _day(1), caption="#ad with #dove soap"),
    ]
    (partner,) = brand_partners(posts, known_brands=["Dove"])
    assert [p.id for p in partner.posts] == [2]


@pytest.fixture
def creators(db):
    def creator(name: str, *posts: dict) -> object:
        c = CreatorFactory(display_name=name)
        account = AccountFactory(creator=c)
        AccountMetricsFactory(account=account)  # discovery lists accounts with metrics
        for fields in posts:
            PostFactory(account=account, **fields)
        return c

    return {
        "lumiskin": creator("A", {"is_sponsored": True, "sponsor": "Lumiskin 璐美肤"}),
        "handle": creator("B", {"is_sponsored": True, "caption": "#ad", "mentions": ["Dewlab"]}),
        "caption": creator("C", {"is_sponsored": True, "caption": "Sponsored by Summit Forge, summit day"}),
        "cjk": creator("D", {"is_sponsored": True, "caption": "感谢璐美肤的赞助"}),
        # Names only in posts that are not sponsored, or inside another word: never a partner.
        "unpaid": creator("E", {"is_sponsored": False, "sponsor": "", "caption": "I love Lumiskin and @dewlab"}),
        "substring": creator("F", {"is_sponsored": True, "caption": "#ad Dewlabs and Summit Forgeworks"}),
        "none": creator("G"),
    }


def _names(result, creators) -> set[str]:
    ids = {c.pk for c in result}
    return {key for key, c in creators.items() if c.pk in ids}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"worked_with": "Lumiskin"}, {"lumiskin"}),
        ({"worked_with": "璐美肤"}, {"lumiskin", "cjk"}),
        ({"worked_with": "Lumiskin 璐美肤"}, {"lumiskin", "cjk"}),
        ({"worked_with": "@dewlab"}, {"handle"}),
        ({"worked_with": "summit forge"}, {"caption"}),
        ({"worked_with": "SummitForge"}, set()),  # the caption writes it apart; the joined form is a different token
        ({"worked_with": "Dewlab, Summit Forge"}, {"handle", "caption"}),
        ({"not_worked_with": "Lumiskin 璐美肤，Dewlab"}, {"caption", "unpaid", "substring", "none"}),
        ({"worked_with": "Nobody"}, set()),
    ],
)
def test_worked_with_filters_find_exactly_the_creators_with_paid_posts_for_the_brand(creators, filters, expected):
    assert _names(creator_list(filters=filters), creators) == expected


def test_the_selector_and_the_filter_agree(creators):
    for key in ("lumiskin", "handle", "caption", "cjk"):
        partners = creator_brand_partners(creator=creators[key], known_brands=["Lumiskin 璐美肤", "Summit Forge"])
        names = {p.name for p in partners}
        for name in names:
            found = _names(creator_list(filters={"worked_with": name}), creators)
            assert key in found, (key, name, found)


def test_too_many_brands_is_a_clear_error(creators):
    from influencers.filters import CreatorFilterSet

    filterset = CreatorFilterSet(data={"not_worked_with": ",".join(f"b{i}" for i in range(60))})
    assert not filterset.is_valid()
    assert "at most 50 brands" in str(filterset.errors["not_worked_with"])
