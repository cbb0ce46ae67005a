"""Keyword search (`q=`): every word found anywhere in an account's names, handle, bio, its
creator's categories (in both languages) or its newest posts, through the database's index
(FTS5 trigram on SQLite, pg_trgm on PostgreSQL; run this module on both), ranked by relevance,
and kept in step by every way the catalogue is written."""

from __future__ import annotations

import pytest

from influencers.models import Account, AccountSearchText
from influencers.selectors import keyword
from influencers.selectors.creators import creator_list
from tests.factories import AccountFactory, AccountMetricsFactory, CreatorFactory, PostFactory

pytestmark = pytest.mark.django_db


def creator(name: str, *, handle: str, bio: str = "", categories=(), followers: int = 1000, posts=()):
    c = CreatorFactory(display_name=name, categories=list(categories))
    account = AccountFactory(creator=c, platform="instagram", handle=handle, bio=bio)
    AccountMetricsFactory(account=account, followers=followers)
    for caption, hashtags in posts:
        PostFactory(account=account, caption=caption, hashtags=list(hashtags))
    return c


def found(q: str, **filters) -> set[str]:
    return {c.display_name for c in creator_list(filters={"q": q, **filters})}


def ranked(q: str) -> list[str]:
    return [c.display_name for c in creator_list(filters={"q": q})]


@pytest.fixture
def catalogue(db):
    creator("Alex Rivera", handle="alexrivera_travel", bio="Slow travel and street food", categories=["travel"])
    creator("林小雨", handle="linxiaoyu", bio="护肤成分党 分享日常", categories=["skincare"])
    creator("Mei Beauty", handle="meimakeup", bio="Lipstick swatches", categories=["beauty"], followers=50_000)
    creator(
        "Night Owl",
        handle="nightowl",
        bio="",
        categories=["food"],
        posts=[("Night market 夜市 tour with @alexrivera_travel", ["streetfood"]), ("Tea time", [])],
    )
    creator("Gadget Guy", handle="gadgetguy", bio="Reviews of TV and AI gear", categories=["tech"])


@pytest.mark.parametrize(
    "q, expected",
    [
        ("alexriv", {"Alex Rivera", "Night Owl"}),  # partial handle (Night Owl mentions it in a post)
        ("@ALEXRIVERA_travel", {"Alex Rivera", "Night Owl"}),  # @ and case do not matter
        ("ＡＬＥＸ slow", {"Alex Rivera"}),  # full-width letters; every word must be found
        ("street food", {"Alex Rivera", "Night Owl"}),  # Night Owl: "food" category, #streetfood
        ("slow food", {"Alex Rivera"}),  # words from the bio and the category
        ("streetfood", {"Night Owl"}),  # a hashtag
        ("#streetfood", {"Night Owl"}),
        ("夜市", {"Night Owl"}),  # a two-character Chinese word inside a caption
        ("成分党", {"林小雨"}),  # three characters inside a bio
        ("小雨", {"林小雨"}),  # two characters of a name
        ("林", {"林小雨"}),  # one character: the scan path
        ("tv", {"Gadget Guy"}),  # two Latin letters: the scan path
        ("美妆", {"Mei Beauty"}),  # a category by its Chinese label
        ("makeup", {"Mei Beauty"}),  # ...by a synonym (also in the handle)
        ("美妆博主", {"Mei Beauty"}),  # ...named inside a longer Chinese phrase
        ("skin care", {"林小雨"}),  # ...by a two-word synonym
        ("护肤", {"林小雨"}),  # the Chinese label of skincare
        ("lipstick", {"Mei Beauty"}),
        ("nobody-has-this", set()),
        ("100%_", set()),  # LIKE wildcards are searched as characters
        ('"quoted"', set()),  # FTS5 syntax is searched as characters
    ],
)
def test_each_query_finds_exactly_the_creators_whose_text_holds_every_word(catalogue, q, expected):
    assert found(q) == expected


def test_keyword_combines_with_the_other_filters(catalogue):
    assert found("a", min_followers=10_000) == {"Mei Beauty"}


def test_a_bio_or_category_match_ranks_above_a_mention_in_a_post(catalogue):
    creator("Lip Fan", handle="lipfan", followers=900_000, posts=[("New lipstick haul", [])])
    assert ranked("lipstick") == ["Mei Beauty", "Lip Fan"]
    assert ranked("beauty") == ["Mei Beauty"]
    creator("Glow", handle="glow", followers=5_000_000, categories=["beauty"])
    creator("Beauty Too", handle="beautytoo", followers=10, categories=["travel"])
    # Name and category (3 points), name only (2), category only (1): followers only break ties.
    assert ranked("beauty") == ["Mei Beauty", "Beauty Too", "Glow"]


def test_a_name_match_ranks_above_a_mention_in_a_post(catalogue):
    # Night Owl has the smaller audience either way: only relevance puts Alex first...
    assert ranked("alexrivera") == ["Alex Rivera", "Night Owl"]
    # ...and an explicit sort still wins over relevance.
    creator("Alex Two", handle="alexrivera2", followers=900_000)
    by_followers = [c.display_name for c in creator_list(filters={"q": "alexrivera", "sort": "-followers"})]
    assert by_followers[0] == "Alex Two"
    assert ranked("alexrivera")[-1] == "Night Owl"


def test_sort_relevance_without_a_keyword_is_the_default_order(catalogue):
    names = [c.display_name for c in creator_list(filters={"sort": "relevance"})]
    assert names[0] == "Mei Beauty"  # the most followers


def test_edits_through_the_orm_are_found_at_once(catalogue):
    account = Account.objects.get(handle="gadgetguy")
    account.bio = "Mechanical keyboards"
    account.save()
    assert found("keyboards") == {"Gadget Guy"}
    assert found("reviews") == set()
    account.creator.categories = ["gaming"]
    account.creator.save()
    assert found("电竞") == {"Gadget Guy"}  # gaming's Chinese synonym
    post = PostFactory(account=account, caption="Unboxing 开箱")
    assert found("开箱") == {"Gadget Guy"}
    post.delete()
    assert found("开箱") == set()


def test_deleting_an_account_or_creator_takes_its_text_with_it(catalogue):
    Account.objects.get(handle="nightowl").creator.delete()
    assert found("夜市") == set()
    assert not AccountSearchText.objects.filter(account__handle="nightowl").exists()


def test_bulk_writes_are_indexed_by_the_follow_up(catalogue):
    # Writes that bypass the ORM's signals (the importer's SQL, queryset updates) announce the
    # accounts they changed; the follow-up rewrites their text.
    from influencers.follow_ups import accounts_changed

    Account.objects.filter(handle="linxiaoyu").update(bio="露营 and hiking")
    assert found("露营") == set()
    accounts_changed(
        Account.objects.filter(handle="linxiaoyu").values_list("pk", flat=True),
        recompute=False,
        report=lambda what, exc: pytest.fail(f"{what}: {exc}"),
    )
    assert found("露营") == {"林小雨"}


def test_an_import_is_searchable_when_it_returns(tmp_path):
    from influencers.services.imports import creators_import_file

    def import_row(handle: str, bio: str, *, refresh: bool) -> None:
        path = tmp_path / f"{handle}.csv"
        path.write_text(
            f"creator_key,creator_name,platform,handle,bio,snapshot_date,followers\n"
            f"{handle},周末探店,xiaohongshu,{handle},{bio},2026-03-01,5000\n",
            encoding="utf-8",
        )
        creators_import_file(path=path, refresh=refresh)

    import_row("zhoumo_eats", "上海咖啡探店", refresh=True)
    assert found("咖啡") == {"周末探店"}
    # --skip-refresh defers metrics (so discovery lists the account later), not the search text.
    import_row("zhoumo_two", "杭州茶馆", refresh=False)
    assert AccountSearchText.objects.get(account__handle="zhoumo_two").about.startswith("杭州茶馆")


def test_without_fts5_the_scan_finds_the_same_creators(catalogue, monkeypatch):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 fallback is SQLite's")
    assert keyword.fts_available()
    queries = ["alexriv", "夜市", "美妆博主", "street food", "林", "makeup"]
    with_index = {q: found(q) for q in queries}
    monkeypatch.setattr(keyword, "fts_available", lambda: False)
    assert {q: found(q) for q in queries} == with_index


def test_rebuild_command_restores_text_written_around_the_services(catalogue):
    from io import StringIO

    from django.core.management import call_command

    AccountSearchText.objects.all().delete()
    assert found("夜市") == set()
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert out.getvalue().startswith("search text of 5 account(s) written")
    assert found("夜市") == {"Night Owl"}


def test_the_matched_account_is_the_largest_one_holding_the_words(db):
    # The keyword is an account-level filter like the others: the creator is listed through
    # its largest account that matches, not through its largest account.
    c = creator("Two Accounts", handle="big_one", bio="gaming", followers=900_000)
    small = AccountFactory(creator=c, platform="tiktok", handle="small_one", bio="露营 camping")
    AccountMetricsFactory(account=small, followers=2_000)
    (row,) = creator_list(filters={"q": "露营"})
    assert row.rep_account_id == small.pk
    (row,) = creator_list(filters={"q": "gaming"})
    assert row.rep_account_id == c.accounts.get(handle="big_one").pk


@pytest.fixture
def tiers(catalogue):
    # Every tier filled, followers ties across tiers, and a creator whose largest matching account
    # ranks lower than a smaller one (the larger decides: relevance is the listed account's).
    creator("Beauty Base", handle="beautybase", bio="beauty tips", followers=1000)  # name + bio
    creator("Beauty Name", handle="beauty_only", followers=1000)  # name
    creator("Bio Fan", handle="biofan", bio="all about beauty", followers=70_000)  # bio
    creator("Poster", handle="poster", followers=2_000_000, posts=[("beauty haul", ["lipstick"])])  # post
    creator("Tied Poster", handle="tied", followers=1000, posts=[("my beauty shelf", [])])
    two = creator("Two Sides", handle="twosides", followers=3_000_000, posts=[("beauty 美妆 day", [])])
    small = AccountFactory(creator=two, platform="tiktok", handle="beauty_two", bio="beauty")
    AccountMetricsFactory(account=small, followers=10)


HEAD_QUERIES = ["beauty", "美妆", "lipstick", "beauty haul", "a", "林", "tv", "alexriv", "美妆博主", "nobody-has-this"]


@pytest.mark.parametrize("threshold", [None, 1, 3], ids=["index-lists", "walks", "some-of-each"])
def test_the_head_is_the_start_of_the_full_relevance_order(tiers, monkeypatch, threshold):
    # Discovery's page and capped count read the head tier by tier (creator_head); it must be
    # the same rows, in the same order, as ranking every match, whether a tier is read from the
    # index's list or walked by followers, and wherever the head is cut.
    from influencers.selectors.creators import creator_head

    if threshold is not None:
        monkeypatch.setattr(keyword, "WALK_THRESHOLD", threshold)
    for q in HEAD_QUERIES:
        full = [(c.pk, c.rep_account_id) for c in creator_list(filters={"q": q})]
        for limit in (1, 2, 3, 5, 100):
            assert creator_head(creator_list(filters={"q": q}), limit=limit) == full[:limit], (q, limit)
    assert [name for name, *_ in [(c.display_name,) for c in creator_list(filters={"q": "beauty"})]][:3] == [
        "Mei Beauty",
        "Beauty Base",
        "Beauty Name",
    ]


def test_without_fts5_the_head_walks_to_the_same_rows(tiers, monkeypatch):
    from django.db import connection

    from influencers.selectors.creators import creator_head

    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 fallback is SQLite's")
    monkeypatch.setattr(keyword, "fts_available", lambda: False)
    for q in ["beauty", "美妆", "beauty haul", "alexriv"]:
        full = [(c.pk, c.rep_account_id) for c in creator_list(filters={"q": q})]
        assert full
        assert creator_head(creator_list(filters={"q": q}), limit=100) == full, q


def test_the_head_leaves_the_planner_settings_as_it_found_them(tiers):
    # The head reads with its own planner settings (keyword_head_reads); a caller's
    # transaction must get its own back.
    from django.db import connection, transaction

    from influencers.selectors.creators import creator_head

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 3")
        cursor.execute("SET LOCAL random_page_cost = 7")
        assert creator_head(creator_list(filters={"q": "beauty"}), limit=5)
        cursor.execute("SELECT current_setting('max_parallel_workers_per_gather'), current_setting('random_page_cost')")
        assert cursor.fetchone() == ("3", "7")
