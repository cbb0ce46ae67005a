"""On PostgreSQL the brand-safety search of recent posts (`brand_safety._safety_posts`) can use the
pg_trgm indexes of influencers migration 0014: Django writes `icontains` as
`UPPER(col::text) LIKE UPPER(...)`, and an index on another expression (the bare column, or
`LOWER`) would never be chosen. With sequential scans priced out, the plan of the generated query
must read both indexes when every term has 3 characters or more (on a few thousand recent posts,
analysed, so that the planner has statistics to prefer them), and the Han-bigram index of
migration 0015 for a two-character Chinese term."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from influencers.models import Post
from tests.factories import AccountFactory, BrandFactory, PostFactory
from vetting.services import brand_safety

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm indexes exist on PostgreSQL only"),
]


INDEXES = ("influencers_post_caption_upper_trgm", "influencers_post_sponsor_upper_trgm")
BIGRAMS = "influencers_post_caption_han_bigrams"


def plan_of_search(brand) -> str:
    with CaptureQueriesContext(connection) as queries:
        brand_safety._safety_posts(None, brand)
    (query,) = [q["sql"] for q in queries.captured_queries if "influencers_post" in q["sql"]]
    with connection.cursor() as cursor:
        # A test's few rows would be read whole anyway: price that out (bitmap scans remain).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + query)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_post_search_reads_the_caption_and_sponsor_indexes():
    account = AccountFactory()
    Post.objects.bulk_create(
        PostFactory.build(
            account=account, caption=f"lunch {i}", is_sponsored=i % 2 == 0, sponsor="Acme" if i % 2 == 0 else ""
        )
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        for index in INDEXES:  # as VACUUM would: the new rows out of GIN's pending list
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE influencers_post")
    brand = BrandFactory(excluded_keywords=["gambling", "赌博网站"], excluded_topics=[], competitors=["Rival Co"])
    plan = plan_of_search(brand)
    assert all(index in plan for index in INDEXES)


def test_a_two_character_han_term_reads_the_bigram_index_not_the_whole_trigram_index():
    """'赌博' yields no trigram: as `UPPER(caption) LIKE '%赌博%'` the planner could read the
    whole caption index for it (1.2 s at 100k creators, where the scan takes ~0.2 s); it is a
    strpos test (no trigram index is tried for it) beside the containment of its Han bigram,
    which the bigram index serves: every arm is an index scan, none a scan of the posts."""
    account = AccountFactory()
    Post.objects.bulk_create(
        PostFactory.build(account=account, caption=f"lunch {i}", is_sponsored=i % 2 == 0, sponsor="Acme")
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        for index in (*INDEXES, BIGRAMS):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE influencers_post")
    brand = BrandFactory(excluded_keywords=["gambling", "赌博"], excluded_topics=[], competitors=["Rival Co"])
    plan = plan_of_search(brand)
    assert "strpos(caption, '赌博'::text) > 0" in plan
    assert "~~ '%赌博%'" not in plan
    assert "~~ '%GAMBLING%'" in plan
    assert BIGRAMS in plan
    assert "influencers_han_bigrams(caption) @> '{赌博}'::text[]" in plan
    assert "Seq Scan on influencers_post" not in plan


def test_the_database_takes_a_captions_han_bigrams_as_the_search_takes_a_terms():
    """`influencers_han_bigrams` (the index's expression) and `brand_safety._han_bigrams` (the
    bigrams a term is searched by) agree on what a Han bigram is: a caption holds a term's
    bigrams wherever it holds the term."""
    texts = [
        "",
        "gambling only",
        "赌",
        "赌博",
        "周末去了澳门，赌博真刺激",
        "内容不要有酒精和赌博 x 赌 ab 㐀㐁",
        "〇一二 ぁあ 한국어 赌🎲博 赌_博",
        "mixed赌博!",
    ]
    with connection.cursor() as cursor:
        for text in texts:
            cursor.execute("SELECT influencers_han_bigrams(%s)", [text])
            (found,) = cursor.fetchone()
            assert sorted(set(found)) == sorted(brand_safety._han_bigrams(text)), text


def test_the_search_finds_the_same_posts_with_and_without_the_bigram_index():
    """The bigram arm only narrows: without the index (the planner scans and tests the arm on
    every recent post) the same posts are found, and a term split by other characters is not."""
    account = AccountFactory()
    captions = ["周末去了澳门，赌博真刺激", "赌 博", "赌-博", "不赌博!", "赌博", "lunch", "博赌", "赌博网站"]
    Post.objects.bulk_create(PostFactory.build(account=account, caption=caption) for caption in captions)
    brands = [
        BrandFactory(excluded_keywords=terms, excluded_topics=[], competitors=[])
        for terms in (["赌博"], ["赌博!"], ["赌博", "gambling"])
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: the index read all the same
        query = brand_safety._safety_query(None, brands[0])
        sql, params = query.query.get_compiler(using=query.db).as_sql()
        cursor.execute("EXPLAIN " + sql, params)
        assert BIGRAMS in "\n".join(row[0] for row in cursor.fetchall())
    indexed = [brand_safety._safety_posts(None, brand) for brand in brands]
    for brand, found in zip(brands, indexed, strict=True):
        terms = brand.excluded_keywords
        assert sorted(row[4] for row in found) == sorted(c for c in captions if any(t in c for t in terms))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the posts' deferred checks, before the DDL
        cursor.execute(f"DROP INDEX {BIGRAMS}")  # rolled back with the test's transaction
    assert [brand_safety._safety_posts(None, brand) for brand in brands] == indexed


def _shown(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)  # outside any transaction: the settings must end with the search's own
def test_the_search_runs_with_its_own_work_mem_and_without_jit_and_leaves_the_session_as_it_was():
    """At 1M creators the default 4 MB made the caption bitmap lossy (every row of a lossy page
    rechecked, its Han bigrams computed: 7-9 s instead of 1.6 s) and JIT compiled the query for
    ~1 s: the search sets both for its own transaction only."""
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '64kB'")
        cursor.execute("SET jit = on")
    try:
        with brand_safety._search_settings(connection.alias) as cursor:
            cursor.execute("SELECT current_setting('work_mem'), current_setting('jit')")
            assert cursor.fetchone() == ("32MB", "off")
        assert (_shown("work_mem"), _shown("jit")) == ("64kB", "on")
        account = AccountFactory()
        PostFactory(account=account, caption="poker night, gambling tips")
        brand = BrandFactory(excluded_keywords=["gambling", "赌博"], excluded_topics=[], competitors=[])
        assert [row[4] for row in brand_safety._safety_posts(None, brand)] == ["poker night, gambling tips"]
        assert (_shown("work_mem"), _shown("jit")) == ("64kB", "on")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET work_mem")
            cursor.execute("RESET jit")
