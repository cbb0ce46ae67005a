"""The catalogue-wide brand-safety search (`brand_safety._safety_posts` → `_row_matches` →
`_safety_search`) reads plain rows whose day the database computes, searches terms too short
for a trigram with strpos on PostgreSQL, and builds the stored arrays straight from the
matcher's hits: it must find exactly what the former path found (the ORM's rows with their
datetimes, a PostText per post, `brand_safety_hits`, `former_payload`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

import numpy as np
import orjson
import pytest
from django.db.models import Q
from django.utils import timezone

from influencers.models import Post
from tests.factories import AccountFactory, BrandFactory, CreatorFactory, PostFactory
from tests.vetting.former_safety import former_payload, former_safety_of
from vetting.features import stored_safety
from vetting.scoring.value_alignment import PostText, _date, brand_safety_hits, topic_terms
from vetting.services import brand_safety

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def former_safety(brand) -> brand_safety.Safety:
    """The search as it was: the ORM's rows (datetimes, decoded hashtags), a PostText per post,
    the matcher over all of them, hits grouped by creator; places of every post found."""
    terms = [str(k).strip() for k in brand.excluded_keywords or [] if str(k).strip()]
    for topic in brand.excluded_topics or []:
        terms.extend(topic_terms(str(topic)))
    rivals = [str(c).strip() for c in brand.competitors or [] if str(c).strip()]
    query = Q()
    for term in terms:
        query |= Q(caption__icontains=term)
    for rival in rivals:
        query |= Q(is_sponsored=True, sponsor__icontains=rival) | Q(is_sponsored=True, caption__icontains=rival)
    since = timezone.now() - dt.timedelta(days=brand_safety.SAFETY_DAYS)
    rows = (
        Post.objects.filter(posted_at__gte=since)
        .filter(query)
        .order_by("account__creator_id", "-posted_at", "id")
        .values_list(
            "id",
            "account_id",
            "account__creator_id",
            "posted_at",
            "caption",
            "hashtags",
            "is_sponsored",
            "sponsor",
            "url",
        )
    )
    by_creator: dict[int, list[PostText]] = defaultdict(list)
    where = {}
    for post_id, account_id, creator_id, posted_at, caption, hashtags, sponsored, sponsor, url in rows:
        by_creator[creator_id].append(PostText(post_id, posted_at, caption, hashtags or (), sponsored, sponsor))
        where[post_id] = {"url": url or "", "account_id": account_id}
    author = {post.post_id: creator for creator, own in by_creator.items() for post in own}
    hits: dict[int, list] = {}
    for hit in brand_safety_hits(
        [post for own in by_creator.values() for post in own],
        excluded_keywords=brand.excluded_keywords or [],
        excluded_topics=brand.excluded_topics or [],
        competitors=brand.competitors or [],
    ):
        hits.setdefault(author[hit.post_id], []).append(hit)
    return former_safety_of(hits, where)


def at_local(days_ago: int, hour: int, minute: int, zone: ZoneInfo) -> dt.datetime:
    """A moment `days_ago` days back at this local time of `zone` (posts near midnight there
    fall on another UTC day)."""
    day = (timezone.now() - dt.timedelta(days=days_ago)).astimezone(zone).date()
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


@pytest.fixture
def planted():
    """Creators (two with two accounts) whose recent posts hit long terms, the two-character
    "赌博" (strpos on PostgreSQL), both at once, a short competitor "XY" and a long one,
    hashtags only, or nothing; old posts outside the window; times near midnight elsewhere."""
    posts = [
        ("gambling night out", [], False, "", at_local(3, 23, 30, NEW_YORK)),
        ("周末去了澳门，赌博真刺激", ["travel"], False, "", at_local(4, 0, 30, SHANGHAI)),
        ("赌博 and gambling, both", ["gambling"], False, "", at_local(5, 23, 59, dt.UTC)),
        ("my favourite cream", [], True, "XY Labs", at_local(6, 0, 0, dt.UTC)),
        ("xy cream, not sponsored", [], False, "", at_local(7, 12, 0, NEW_YORK)),
        ("a haul for Rival Co", ["rival"], True, "Other brand", at_local(8, 20, 15, NEW_YORK)),
        ("lunch", ["赌博"], False, "", at_local(9, 9, 0, SHANGHAI)),  # hashtags only: never searched
        ("natural skincare routine", [], False, "", at_local(10, 10, 0, dt.UTC)),
        ("casino and gambling tips", ["casino"], False, "", at_local(11, 1, 5, SHANGHAI)),
        # both families in one post, each charged once: gambling twice (keyword, topic), a competitor
        ("gambling for XY, Rival Co and 赌博", ["gambling"], True, "XY Labs", at_local(12, 8, 0, dt.UTC)),
        ("赌博 long ago", [], False, "", timezone.now() - dt.timedelta(days=400)),
        ("gambling long ago", [], True, "XY Labs", timezone.now() - dt.timedelta(days=300)),
    ]
    creators = [CreatorFactory() for _ in range(6)]
    accounts = [AccountFactory(creator=creator) for creator in creators]
    accounts += [AccountFactory(creator=creators[0]), AccountFactory(creator=creators[3])]
    for i, (caption, hashtags, sponsored, sponsor, posted_at) in enumerate(posts):
        for j, account in enumerate(accounts):
            if (i + j) % 3 == 0:
                PostFactory(
                    account=account,
                    caption=caption,
                    hashtags=hashtags,
                    is_sponsored=sponsored,
                    sponsor=sponsor,
                    posted_at=posted_at + dt.timedelta(microseconds=j),
                )
    return accounts


RULES = [
    {"excluded_keywords": ["gambling", "赌博"], "excluded_topics": [], "competitors": ["Rival Co"]},
    {"excluded_keywords": ["gambling", "赌博"], "excluded_topics": [], "competitors": []},
    {"excluded_keywords": ["赌博"], "excluded_topics": [], "competitors": ["XY"]},
    {"excluded_keywords": [], "excluded_topics": ["gambling"], "competitors": ["XY", "Rival Co"]},
    {"excluded_keywords": ["gambling"], "excluded_topics": [], "competitors": ["Rival Co"]},
]


@pytest.mark.parametrize("rules", RULES)
def test_the_search_finds_what_the_former_path_found(planted, rules):
    brand = BrandFactory(**rules)
    former = former_safety(brand)
    assert former.hits_by_creator  # the planted posts hit every rule set
    safety = brand_safety.brand_safety(None, brand)
    assert safety.hits_by_creator == former.hits_by_creator
    assert list(safety.hits_by_creator) == list(former.hits_by_creator)
    for hits in former.hits_by_creator.values():
        for hit in hits:
            assert safety.post_places[hit.post_id] == former.post_places[hit.post_id]
    assert safety.penalties[1].tolist() == former.penalties[1].tolist()
    # The stored arrays made from the matcher's hits are the former payload's, byte for byte.
    searched = brand_safety._safety_search(brand)
    expected = former_payload(former)
    assert sorted(searched) == sorted(expected)
    for name, array in expected.items():
        assert searched[name].dtype == array.dtype
        assert searched[name].tobytes() == array.tobytes(), name
    # A creator list narrows the same search.
    some = sorted(former.hits_by_creator)[:2]
    narrowed = brand_safety.brand_safety(some, brand)
    assert narrowed.hits_by_creator == {c: former.hits_by_creator[c] for c in some}


def test_the_day_the_database_computes_is_the_day_date_gives(planted, settings):
    """Whatever the site's time zone: Django reads datetimes in the connection's (UTC)."""
    Post.objects.bulk_create(
        PostFactory.build(account=planted[0], posted_at=moment)
        for moment in (
            dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.UTC),
            dt.datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK),  # the repeated hour of a DST change
            dt.datetime(2026, 3, 8, 3, 0, tzinfo=NEW_YORK),
            dt.datetime(2024, 2, 29, 23, 0, tzinfo=SHANGHAI),
            dt.datetime(2026, 12, 31, 19, 30, tzinfo=NEW_YORK),  # next year in UTC
        )
    )
    for zone in ("UTC", "America/New_York", "Asia/Shanghai"):
        settings.TIME_ZONE = zone
        rows = Post.objects.annotate(day=brand_safety._PostDay("posted_at")).values_list("day", "posted_at")
        assert len(rows) > 20
        for day, posted_at in rows:
            assert day == _date(posted_at)


def test_a_term_is_indexable_when_it_has_a_trigram():
    assert brand_safety._indexable("gambling")
    assert brand_safety._indexable("赌博网站")
    assert brand_safety._indexable("Rival Co")
    assert not brand_safety._indexable("赌博")
    assert not brand_safety._indexable("XY")
    assert not brand_safety._indexable("a-b_c")


def test_rows_without_rules_are_not_searched(planted):
    brand = BrandFactory(excluded_keywords=[" "], excluded_topics=[], competitors=[])
    assert brand_safety._safety_posts(None, brand) == []
    arrays = brand_safety._safety_search(brand)
    assert len(arrays["charged"]) == 0 and len(arrays["blob"]) == 0
    assert np.array_equal(arrays["starts"], [0])


@pytest.mark.parametrize(
    "values",
    [
        [],
        [[[], []]],
        [[[["excluded_keyword", "赌博", 1, "2026-01-01", 'a "quoted", \\ text…', 0.25]], [[1, "", 2]]], [[], []]],
        # a value holding the separator's string itself: dumped one by one instead
        [[["\x00", ',"\x00",'], []], [[["k", "t", 2, None, "\x00", 0.0]], []], [[], []]],
    ],
)
def test_values_dumped_at_once_are_split_into_each_ones_json(values):
    assert stored_safety._each_dumped(values) == [orjson.dumps(value) for value in values]


def test_the_stored_hits_answer_get_as_the_matcher_found_them_without_a_key_error(planted, monkeypatch):
    """A ranking page asks `get` of every row's creator, most without hits: answered from the
    stored index, never by raising and catching a KeyError."""
    from vetting.features import stored_safety

    brand = BrandFactory(**RULES[0])
    former = former_safety(brand)
    hits = brand_safety.brand_safety(None, brand).hits_by_creator
    assert isinstance(hits, stored_safety._Hits)
    monkeypatch.setattr(stored_safety._Hits, "__getitem__", lambda *a: pytest.fail("get went through a KeyError"))
    charged = sorted(former.hits_by_creator)
    for creator in [*charged, max(charged) + 1, 0, -5]:
        assert hits.get(creator, []) == former.hits_by_creator.get(creator, [])
    assert hits.get(max(charged) + 1) is None
