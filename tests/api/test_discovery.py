"""GET /api/creators/: each discovery filter narrows the results to exactly the creators that
meet it (constructed data), sorting, the page-size cap, errors naming the field."""

from __future__ import annotations

import pytest

from tests.api.conftest import assert_error
from tests.factories import AccountFactory, AccountMetricsFactory, AudienceProfileFactory, CreatorFactory, PostFactory


def make_creator(
    name: str,
    *,
    platform: str = "instagram",
    followers: int = 10_000,
    er: float = 0.03,
    growth: float = 0.01,
    fake: float = 0.1,
    country: str = "CN",
    languages=("zh",),
    categories=("beauty",),
    email: str = "x@example.com",
    bio: str = "",
    audience: dict | None = None,
    verified: bool = False,
    risk: str = "low",
):
    creator = CreatorFactory(
        display_name=name, country=country, languages=list(languages), categories=list(categories), contact_email=email
    )
    account = AccountFactory(creator=creator, platform=platform, bio=bio, is_verified=verified)
    AccountMetricsFactory(
        account=account,
        followers=followers,
        engagement_rate=er,
        growth_30d=growth,
        fake_risk=fake,
        risk_level=risk,
        er_formula="(likes+comments)/followers",
    )
    if audience is not None:
        AudienceProfileFactory(account=account, **audience)
    return creator


@pytest.fixture
def catalogue(db):
    c = {}
    c["big_ig"] = make_creator("Big IG", followers=1_000_000, er=0.01, growth=0.10, fake=0.40, risk="high")
    c["small_tt"] = make_creator(
        "Small TT",
        platform="tiktok",
        followers=5_000,
        er=0.08,
        growth=-0.02,
        country="TW",
        languages=("zh", "en"),
        categories=("travel",),
        email="",
    )
    c["mid_yt"] = make_creator(
        "Mid YT",
        platform="youtube",
        followers=80_000,
        er=0.04,
        fake=0.05,
        country="US",
        languages=("en",),
        categories=("tech",),
        bio="Gadget reviews 科技",
        verified=True,
        audience={
            "countries": {"US": 0.7, "CN": 0.3},
            "age": {"18-24": 0.6, "25-34": 0.4},
            "gender": {"male": 0.8, "female": 0.2},
            "languages": {"en": 0.9, "zh": 0.1},
        },
    )
    c["cn_aud"] = make_creator(
        "CN audience",
        followers=200_000,
        er=0.02,
        audience={
            "countries": {"CN": 0.9, "US": 0.1},
            "age": {"25-34": 0.5, "35-44": 0.5},
            "gender": {"female": 0.9, "male": 0.1},
            "languages": {"zh": 1.0},
        },
    )
    # A creator whose two accounts each meet one half of a filter must not match both halves.
    split = make_creator("Split", platform="instagram", followers=900_000, er=0.005)
    other = AccountFactory(creator=split, platform="tiktok")
    AccountMetricsFactory(account=other, followers=2_000, er_formula="x", engagement_rate=0.2)
    c["split"] = split
    PostFactory(account=c["small_tt"].accounts.get(), caption="Night market 夜市 food tour", hashtags=["streetfood"])
    PostFactory(account=c["mid_yt"].accounts.get(), is_sponsored=True, caption="Sponsored by @hyperclick #ad")
    PostFactory(account=c["big_ig"].accounts.get(), is_sponsored=False, caption="I like HyperClick mice")
    return c


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("platform=tiktok", {"small_tt", "split"}),
        ("platform=youtube&platform=tiktok", {"mid_yt", "small_tt", "split"}),
        ("min_followers=100000", {"big_ig", "cn_aud", "split"}),
        ("max_followers=10000", {"small_tt", "split"}),
        ("min_engagement_rate=0.035", {"mid_yt", "small_tt", "split"}),
        ("max_engagement_rate=0.015", {"big_ig", "split"}),
        ("min_growth_30d=0.05", {"big_ig"}),
        ("max_growth_30d=0", {"small_tt"}),
        ("max_fake_risk=0.06", {"mid_yt"}),
        ("risk_level=high", {"big_ig"}),
        ("verified=true", {"mid_yt"}),
        ("country=TW,US", {"small_tt", "mid_yt"}),
        ("language=en", {"small_tt", "mid_yt"}),
        ("category=travel", {"small_tt"}),
        ("has_contact_email=false", {"small_tt"}),
        ("q=gadget", {"mid_yt"}),
        ("q=夜市", {"small_tt"}),
        ("q=streetfood", {"small_tt"}),
        ("audience_country=CN&audience_country_min=0.5", {"cn_aud"}),
        ("audience_country=cn&audience_country_min=0.2", {"cn_aud", "mid_yt"}),
        ("audience_age=18-24&audience_age_min=0.5", {"mid_yt"}),
        ("audience_gender=female&audience_gender_min=0.5", {"cn_aud"}),
        ("audience_language=zh&audience_language_min=0.5", {"cn_aud"}),
        # Several values: the share of their union reaches the minimum (neither alone does).
        ("audience_age=25-34,35-44&audience_age_min=0.9", {"cn_aud"}),
        ("audience_age=25-34&audience_age=35-44&audience_age_min=0.9", {"cn_aud"}),
        ("audience_country=us&audience_country=tw&audience_country_min=0.5", {"mid_yt"}),
        ("audience_country=US,CN&audience_country_min=0.95", {"mid_yt", "cn_aud"}),
        ("audience_gender=Female,male&audience_gender_min=0.99", {"mid_yt", "cn_aud"}),
        ("audience_language=EN,zh&audience_language_min=0.99", {"mid_yt", "cn_aud"}),
        ("audience_language=en,fr", {"mid_yt"}),
        # Same-account semantics: Split has a TikTok (2k) and a big Instagram; no single TikTok ≥ 100k.
        ("platform=tiktok&min_followers=100000", set()),
        ("platform=tiktok&min_engagement_rate=0.1", {"split"}),
        ("worked_with=HyperClick", {"mid_yt"}),
        ("worked_with=%40hyperclick", {"mid_yt"}),
        ("not_worked_with=Razorback,HyperClick", {"big_ig", "small_tt", "cn_aud", "split"}),
    ],
)
def test_each_filter_narrows_to_exactly_the_matching_creators(editor, catalogue, query, expected):
    response = editor.client.get(f"/api/creators/?{query}")
    assert ids(response) == {catalogue[name].pk for name in expected}


def test_without_filters_every_creator_is_listed_once(editor, catalogue):
    response = editor.client.get("/api/creators/")
    rows = response.json()["results"]
    assert sorted(r["id"] for r in rows) == sorted(c.pk for c in catalogue.values())
    assert response.json()["count"] == len(catalogue)


def test_sort_by_followers_and_engagement(editor, catalogue):
    rows = editor.client.get("/api/creators/?sort=-followers").json()["results"]
    followers = [r["matched_account"]["followers"] for r in rows]
    assert followers == sorted(followers, reverse=True)
    assert rows[0]["id"] == catalogue["big_ig"].pk
    rows = editor.client.get("/api/creators/?sort=-engagement_rate&platform=instagram").json()["results"]
    rates = [r["matched_account"]["engagement_rate"] for r in rows]
    assert rates == sorted(rates, reverse=True)
    names = [r["display_name"] for r in editor.client.get("/api/creators/?sort=name").json()["results"]]
    assert names == sorted(names)


def test_matched_account_is_the_one_meeting_the_filters(editor, catalogue):
    rows = editor.client.get("/api/creators/?platform=tiktok&min_engagement_rate=0.1").json()["results"]
    assert rows[0]["matched_account"]["platform"] == "tiktok"
    assert rows[0]["matched_account"]["followers"] == 2_000
    assert len(rows[0]["accounts"]) == 2


def test_page_size_is_capped(editor, catalogue):
    from api.pagination import CappedPageNumberPagination

    response = editor.client.get("/api/creators/?page_size=100000")
    assert response.status_code == 200
    assert len(response.json()["results"]) <= CappedPageNumberPagination.max_page_size


@pytest.mark.parametrize(
    "query, field",
    [
        ("min_followers=lots", "min_followers"),
        ("platform=myspace", "platform"),
        ("sort=cheapest", "sort"),
        ("audience_country=C__N", "audience_country"),
        ("max_fake_risk=2", "max_fake_risk"),
        ("audience_age=12-99", "audience_age"),
        ("audience_country=CN,C__N", "audience_country"),
        ("audience_gender=female,robot", "audience_gender"),
    ],
)
def test_bad_filters_answer_400_naming_the_field(editor, catalogue, query, field):
    response = editor.client.get(f"/api/creators/?{query}")
    assert_error(response, field)


def test_creator_list_selector_raises_input_error_naming_the_field(catalogue):
    from core.errors import InputError
    from influencers.selectors.creators import creator_list

    assert {c.pk for c in creator_list(filters={"platform": ["tiktok"]})} == {
        catalogue["small_tt"].pk,
        catalogue["split"].pk,
    }
    with pytest.raises(InputError) as caught:
        creator_list(filters={"min_followers": "many"})
    assert caught.value.field == "min_followers"


def test_user_without_membership_gets_403(db):
    from tests.api.conftest import client_for
    from tests.factories import UserFactory

    response = client_for(UserFactory()).get("/api/creators/")
    assert response.status_code == 403
    assert "organisation" in response.json()["detail"]


def test_count_stops_at_the_cap_and_says_so(editor, catalogue, monkeypatch):
    from api.pagination import CountCappedPaginator

    monkeypatch.setattr(CountCappedPaginator, "count_cap", 3)
    body = editor.client.get("/api/creators/?page_size=2").json()
    assert body["count"] == 3 and body["count_exact"] is False
    assert editor.client.get("/api/creators/?page_size=2&page=2").status_code == 200
    assert editor.client.get("/api/creators/?page_size=2&page=3").status_code == 404
    body = editor.client.get("/api/creators/?platform=tiktok").json()
    assert body["count"] == 2 and body["count_exact"] is True


def test_hand_built_list_rows_match_the_declared_serializer(catalogue):
    """CreatorListSerializer builds rows by hand for speed; they must equal DRF's own output."""
    from rest_framework import serializers

    from api.serializers.creators import CreatorListSerializer
    from influencers.selectors.creators import creator_list

    for creator in creator_list(filters={"sort": "-followers"}):
        fast = CreatorListSerializer(creator).data
        slow = serializers.ModelSerializer.to_representation(CreatorListSerializer(creator), creator)
        assert fast == slow


def test_creator_list_takes_plain_dicts_and_query_dicts_alike(catalogue):
    from django.http import QueryDict

    from influencers.selectors.creators import creator_list

    expected = {catalogue["small_tt"].pk, catalogue["mid_yt"].pk, catalogue["split"].pk}
    as_dict = {"platform": ["tiktok", "youtube"], "sort": "-engagement_rate", "verified": False}
    as_query = QueryDict("platform=tiktok&platform=youtube&sort=-engagement_rate&verified=false")
    assert {c.pk for c in creator_list(filters=as_dict)} == {c.pk for c in creator_list(filters=as_query)}
    assert {c.pk for c in creator_list(filters=as_query)} == expected - {catalogue["mid_yt"].pk}


def test_data_age_filters_and_row_fields(editor, db, settings):
    """`stale` and `max_data_age_days` judge each account's data_as_of against today; rows and
    the detail carry data_as_of and stale."""
    import datetime as dt

    from django.utils import timezone

    settings.METRICS_STALE_AFTER_DAYS = 90
    today = timezone.localdate()
    ages = {"fresh": 10, "edge": 90, "old": 91, "ancient": 2000, "undated": None}
    creators = {}
    for name, age in ages.items():
        creator = CreatorFactory(display_name=name)
        AccountMetricsFactory(
            account=AccountFactory(creator=creator),
            data_as_of=None if age is None else today - dt.timedelta(days=age),
        )
        creators[name] = creator.pk

    def names(query: str) -> set[str]:
        return {n for n, pk in creators.items() if pk in ids(editor.client.get(f"/api/creators/?{query}"))}

    assert names("stale=true") == {"old", "ancient", "undated"}
    assert names("stale=false") == {"fresh", "edge"}
    assert names("max_data_age_days=30") == {"fresh"}
    assert names("max_data_age_days=100") == {"fresh", "edge", "old"}
    assert editor.client.get("/api/creators/?max_data_age_days=-1").status_code == 400

    rows = {r["display_name"]: r for r in editor.client.get("/api/creators/?sort=name").json()["results"]}
    old = rows["old"]["accounts"][0]["metrics"]
    assert old["data_as_of"] == (today - dt.timedelta(days=91)).isoformat() and old["stale"] is True
    assert rows["fresh"]["accounts"][0]["metrics"]["stale"] is False
    undated = rows["undated"]["accounts"][0]["metrics"]
    assert undated["data_as_of"] is None and undated["stale"] is True
    detail = editor.client.get(f"/api/creators/{creators['edge']}/").json()
    assert detail["accounts"][0]["metrics"]["stale"] is False
    assert detail["accounts"][0]["metrics"]["data_as_of"] == (today - dt.timedelta(days=90)).isoformat()
    matched = editor.client.get("/api/creators/?stale=true&sort=name").json()["results"][0]["matched_account"]
    assert matched["stale"] is True and matched["data_as_of"] == (today - dt.timedelta(days=2000)).isoformat()


def test_a_keyword_search_pages_and_counts_in_relevance_order(editor, catalogue, monkeypatch):
    # The page and the capped count come from the keyword head, read tier by tier
    # (influencers.selectors.creators.creator_head): same creators, same order as ranking all.
    from api.pagination import CountCappedPaginator
    from influencers.selectors import keyword
    from influencers.selectors.creators import creator_list

    make_creator("Beauty Name", followers=10, categories=("travel",))  # the word in its name only
    monkeypatch.setattr(keyword, "WALK_THRESHOLD", 2)  # some tiers listed, some walked
    expected = [c.display_name for c in creator_list(filters={"q": "beauty"})]
    assert len(expected) >= 3 and expected[0] == "Beauty Name"
    monkeypatch.setattr(CountCappedPaginator, "count_cap", len(expected) - 1)
    pages = [editor.client.get(f"/api/creators/?q=beauty&page_size=2&page={n}").json() for n in (1, 2)]
    assert pages[0]["count"] == len(expected) - 1 and pages[0]["count_exact"] is False
    assert [r["display_name"] for p in pages for r in p["results"]] == expected[:4]


@pytest.mark.parametrize("sort", ["name", "-followers"])
def test_discovery_page_rows_serialise_as_their_creators_do(catalogue, sort):
    """Discovery pages serialise plain rows (creator_rows); matching and search serialise Creator
    instances: both give the same JSON, for a creator without accounts and an account without
    metrics too."""
    from api.serializers.creators import CreatorListSerializer
    from influencers.selectors.creators import creator_head, creator_list, creator_rows

    CreatorFactory(display_name="No accounts")
    AccountFactory(creator=catalogue["big_ig"], platform="tiktok")  # no metrics row yet
    queryset = creator_list(filters={"sort": sort})
    head = creator_head(queryset, limit=100)
    rows = creator_rows(head)
    creators = {creator.pk: creator for creator in queryset}
    assert [row.pk for row in rows] == [creator_id for creator_id, _ in head] == list(creators)
    for row in rows:
        assert CreatorListSerializer(row).data == CreatorListSerializer(creators[row.pk]).data
    if sort == "name":  # a creator-field sort lists every creator, with accounts or not
        assert any(not row.row_accounts for row in rows)
    else:
        assert all(row.rep_account_id is not None for row in rows)
