"""Discovery from the in-memory columns (influencers.selectors.discovery_columns) gives exactly
the rows the database query gives: the same creators, representative accounts and order, over a
random catalogue and random filters; requests it cannot answer go to the database; a write is
never answered from the columns of before."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.utils import timezone

from influencers.filters import CreatorFilterSet
from influencers.models import AccountMetrics, Creator, Platform
from influencers.selectors import discovery_columns
from influencers.selectors.creators import KeptRows, creator_head, creator_rows
from influencers.selectors.discovery_columns import build_columns, discovery_head, head_from_columns
from tests.factories import (
    AccountFactory,
    AccountMetricsFactory,
    AudienceProfileFactory,
    CreatorFactory,
)

pytestmark = pytest.mark.django_db

PLATFORMS = [Platform.INSTAGRAM, Platform.TIKTOK, Platform.XIAOHONGSHU, Platform.YOUTUBE]
COUNTRIES = ["CN", "TW", "US", "SG", ""]
LEVELS = [("low", 0.1), ("medium", 0.45), ("high", 0.8), ("insufficient", 0.3), ("", None)]


@pytest.fixture
def catalogue():
    """70 creators: one to three accounts, some without metrics; followers with ties; unknown
    rates and growth; undated metrics; zero to two audience profiles per account (some with
    missing shares); languages and categories in mixed case; with and without email; display
    names shared by several creators, in mixed case, accented and Chinese (the name sorts follow
    the database's collation)."""
    rng = random.Random(5)
    names = random.Random(6)  # (its own draws: the rest of the catalogue stays as it was)
    today = timezone.localdate()
    for c in range(70):
        creator = CreatorFactory(
            country=rng.choice(COUNTRIES),
            languages=rng.sample(["zh", "en", "ja", "ZH"], k=rng.randint(0, 2)),
            categories=rng.sample(["beauty", "travel", "Food", "gaming"], k=rng.randint(0, 2)),
            contact_email=rng.choice(["", "a@example.com"]),
            display_name=names.choice(["Ana", "ana", "Émile", "Emile", "zoë", "Zoe", "李娜", "Bob", "bob 2"]),
        )
        for platform in rng.sample(PLATFORMS, k=rng.choice([1, 1, 2, 3])):
            account = AccountFactory(creator=creator, platform=platform, is_verified=rng.random() < 0.3)
            if c % 11 == 7:
                continue  # no metrics yet
            level, risk = rng.choice(LEVELS)
            AccountMetricsFactory(
                account=account,
                followers=rng.choice([5_000, 50_000, 120_000, int(10 ** rng.uniform(3, 6.5))]),
                fake_risk=risk,
                risk_level=level,
                engagement_rate=rng.choice([None, 0.02, rng.uniform(0.005, 0.08)]),
                growth_30d=rng.choice([None, 0.05, rng.uniform(-0.1, 0.2)]),
                data_as_of=rng.choice([None, today - dt.timedelta(days=rng.randint(0, 200))]),
            )
            for _ in range(rng.choice([0, 1, 1, 2])):
                female = round(rng.random(), 2)
                AudienceProfileFactory(
                    account=account,
                    as_of=today - dt.timedelta(days=rng.randint(0, 400)),
                    # (no JSON null shares: SQLite's key lookup reads null as greater than any number)
                    countries={rng.choice(["CN", "TW", "US"]): 0.6, **rng.choice([{"SG": 0.4}, {}])},
                    age={"18-24": round(rng.random(), 2), "25-34": round(rng.random(), 2)},
                    gender={"female": female, "male": round(1 - female, 2)},
                    languages=rng.choice([{}, {"zh": 0.9, "en": 0.1}]),
                    interests={},
                )


SORTS = ["", "-followers", "followers", "-engagement_rate", "engagement_rate", "-growth_30d", "growth_30d"]
SORTS += ["fake_risk", "-fake_risk", "-created", "name", "-name"]


def random_filters(rng: random.Random) -> dict[str, list[str]]:
    choices = [
        lambda: {"platform": rng.sample([p.value for p in PLATFORMS], k=rng.choice([1, 2]))},
        lambda: {"min_followers": [str(rng.choice([5_000, 50_000, 100_000]))]},
        lambda: {"max_followers": [str(rng.choice([5_000, 120_000, 1_000_000]))]},
        lambda: {"min_engagement_rate": [rng.choice(["0.02", "0.03"])]},
        lambda: {"max_engagement_rate": ["0.04"]},
        lambda: {"min_growth_30d": [rng.choice(["0.05", "0"])]},
        lambda: {"max_growth_30d": ["0.05"]},
        lambda: {"verified": [rng.choice(["true", "false"])]},
        lambda: {"stale": [rng.choice(["true", "false"])]},
        lambda: {"max_data_age_days": ["60"]},
        lambda: {"country": [rng.choice(["CN", "cn,tw", "US"])]},
        lambda: {"language": [rng.choice(["zh", "ZH", "ja"])]},
        lambda: {"category": [rng.choice(["beauty", "food", "美食"])]},
        lambda: {"has_contact_email": [rng.choice(["true", "false"])]},
        lambda: {"max_fake_risk": [rng.choice(["0.3", "0.5"])]},
        lambda: {"risk_level": rng.sample(["low", "medium", "high", "insufficient"], k=rng.choice([1, 2]))},
        lambda: {"audience_country": [rng.choice(["CN", "cn,SG", "US"])], "audience_country_min": ["0.5"]},
        lambda: {"audience_country": ["SG"]},
        lambda: {"audience_age": ["18-24", "25-34"], "audience_age_min": [rng.choice(["0.5", "0.9"])]},
        lambda: {"audience_gender": ["female"], "audience_gender_min": ["0.6"]},
        lambda: {"audience_language": ["zh"]},
    ]
    filters: dict[str, list[str]] = {}
    for build in rng.sample(choices, k=rng.choice([0, 1, 2, 3])):
        filters.update(build())
    sort = rng.choice(SORTS)
    if sort:
        filters["sort"] = [sort]
    return filters


def both_paths(filters: dict[str, list[str]], columns, limit: int = 1000) -> tuple[list, list | None]:
    data = QueryDict(mutable=True)
    for name, values in filters.items():
        data.setlist(name, values)
    filterset = CreatorFilterSet(data=data)
    assert filterset.is_valid(), filterset.errors
    cleaned = filterset.form.cleaned_data
    from_database = creator_head(filterset.qs, limit=limit)
    sort = cleaned.get("sort") or "-followers"
    if sort in ("-created", "name", "-name") and not any(
        cleaned.get(n) not in (None, "", []) for n in discovery_columns.ACCOUNT_FILTERS
    ):
        return from_database, None  # answered by the database (every creator, accounts or not)
    return from_database, head_from_columns(columns, cleaned, sort=sort, limit=limit, today=timezone.localdate())


@pytest.fixture(params=["chosen", "walk", "ordered"])
def strategy(request, monkeypatch):
    """How the head is found: as chosen per request, always by walking the sort order (in
    chunks of one row: a walk across many chunks, even for the most selective filters), or
    always by ordering every matching row (keeping one filter mask at a time: the kept masks
    are dropped and computed again between filters)."""
    if request.param == "walk":
        monkeypatch.setattr(discovery_columns, "_scan_pays", lambda *args: True)
        monkeypatch.setattr(discovery_columns, "_first_chunk", lambda *args: 1)
    elif request.param == "ordered":
        monkeypatch.setattr(discovery_columns, "_scan_pays", lambda *args: False)
        monkeypatch.setattr(discovery_columns, "TERM_MASK_BYTES", 1)
    return request.param


def test_the_columns_give_exactly_the_rows_of_the_database(catalogue, strategy):
    # One columns object for every query: the filter masks kept between requests must never
    # answer another filter value.
    columns = build_columns("test")
    rng = random.Random(11)
    compared = nonempty = 0
    for attempt in range(250):
        filters = random_filters(rng)
        # Every other query cut short: the columns order only the rows up to the limit.
        from_database, from_columns = both_paths(filters, columns, limit=1000 if attempt % 2 else 4)
        if from_columns is None:
            continue
        assert from_columns == from_database, filters
        compared += 1
        nonempty += bool(from_database)
    assert compared > 200 and nonempty > 150  # the comparison covered real answers


def test_a_filter_matching_a_few_accounts_finds_them_in_a_walk_of_one_row_at_a_time(catalogue, strategy):
    columns = build_columns("test")
    top = head_from_columns(
        columns, {"platform": [Platform.YOUTUBE]}, sort="growth_30d", limit=1000, today=timezone.localdate()
    )
    creator_id, account_id = top[-1]  # the last in the order: a walk reads every row before it
    metrics = AccountMetrics.objects.get(account_id=account_id)
    filters = {"platform": [Platform.YOUTUBE], "min_followers": metrics.followers, "max_followers": metrics.followers}
    found = head_from_columns(columns, filters, sort="growth_30d", limit=1000, today=timezone.localdate())
    assert (creator_id, account_id) in found
    assert all(AccountMetrics.objects.get(account_id=a).followers == metrics.followers for _, a in found)


@pytest.mark.parametrize("limit", [1, 3, 7])
def test_a_filtered_head_stops_at_the_limit_in_the_same_order(catalogue, strategy, limit):
    columns = build_columns("test")
    filters = {"platform": [Platform.INSTAGRAM, Platform.TIKTOK], "max_fake_risk": 0.5}
    for sort in ["-followers", "engagement_rate", "-created"]:
        full = head_from_columns(columns, filters, sort=sort, limit=1000, today=timezone.localdate())
        assert len(full) > 10
        assert head_from_columns(columns, filters, sort=sort, limit=limit, today=timezone.localdate()) == full[:limit]


@pytest.mark.parametrize("sort", SORTS[1:])
def test_an_empty_catalogue_has_an_empty_head(sort):
    columns = build_columns("test")
    assert head_from_columns(columns, {}, sort=sort, limit=10, today=timezone.localdate()) == []
    assert head_from_columns(columns, {"platform": ["tiktok"]}, sort=sort, limit=10, today=timezone.localdate()) == []


def test_the_head_is_cut_at_the_limit_in_the_same_order(catalogue):
    columns = build_columns("test")
    full = head_from_columns(columns, {}, sort="-followers", limit=1000, today=timezone.localdate())
    assert len(full) > 40
    assert head_from_columns(columns, {}, sort="-followers", limit=10, today=timezone.localdate()) == full[:10]


@pytest.fixture
def columns_on(settings):
    settings.DISCOVERY_COLUMNS = True
    cache.clear()
    discovery_columns.forget_columns()
    yield
    discovery_columns.forget_columns()


@pytest.mark.parametrize(
    "filters",
    [
        {"q": "skincare"},
        {"worked_with": "GlowLab"},
        {"sort": "name"},
        {"sort": "-name", "category": "beauty"},
        {"sort": "-created", "country": ["CN"]},
    ],
)
def test_what_the_columns_cannot_answer_goes_to_the_database(catalogue, columns_on, filters):
    assert discovery_head(filters, limit=10) is None


def test_off_without_the_setting(catalogue, settings):
    settings.DISCOVERY_COLUMNS = False
    discovery_columns.forget_columns()
    assert discovery_head({"sort": "-followers"}, limit=10) is None


def test_kept_rows_drop_the_oldest_beyond_their_capacity(catalogue):
    kept = KeptRows(capacity=2)
    ids = list(Creator.objects.order_by("pk").values_list("pk", flat=True)[:3])
    first = creator_rows([(pk, None) for pk in ids[:2]], kept=kept)
    assert [row.pk for row in first] == ids[:2] and len(kept) == 2
    creator_rows([(ids[2], None)], kept=kept)
    assert kept.get(ids[0]) is None  # the oldest went
    assert kept.get(ids[1]) is not None and kept.get(ids[2]) is not None


def test_row_json_values_read_as_the_orm_reads_them(db):
    # creator_rows reads JSON columns with orjson, which reads a number beyond 64 bits as a float
    # (json.loads: an int): the values must be the ORM's either way.
    odd = [
        ["zh", "en"],
        [],
        ["美妆", "a\u2028b", "\U0001f600"],
        [2**70, 1.5e300, -0.0, 12345678901234567890],
        [{"nested": [1, None, True]}],
        ["back\\slash \\u0041", "tab\t", 'quote"'],
    ]
    creators = [CreatorFactory(languages=value, categories=list(reversed(value))) for value in odd]
    for creator in creators:
        account = AccountFactory(creator=creator)
        AccountMetricsFactory(account=account, risk_missing=["history", "comments"])
    rows = creator_rows([(creator.pk, None) for creator in creators])
    for row, creator in zip(rows, Creator.objects.filter(pk__in=[c.pk for c in creators]).order_by("pk"), strict=True):
        assert (row.languages, row.categories) == (creator.languages, creator.categories)
        assert [type(v) for v in row.languages] == [type(v) for v in creator.languages]
        assert row.row_accounts[0].metrics.risk_missing == ["history", "comments"]
