"""On PostgreSQL the brand-safety search of recent posts (`brand_safety._safety_posts`) can use the
pg_trgm indexes of influencers migration 0014: Django writes `icontains` as
`UPPER(col::text) LIKE UPPER(...)`, and an index on another expression (the bare column, or
`LOWER`) would never be chosen. With sequential scans priced out, the plan of the generated query
must read both indexes when every term has 3 characters or more (on a few thousand recent posts,
analysed, so that the planner has statistics to prefer them)."""

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


def test_a_term_too_short_for_a_trigram_is_a_strpos_filter_not_a_whole_index_read():
    """'赌博' yields no trigram: as `UPPER(caption) LIKE '%赌博%'` the planner could read the
    whole caption index for it (1.2 s at 100k creators, where the scan takes ~0.2 s); as a
    strpos filter no trigram index is tried for it, and the search scans."""
    account = AccountFactory()
    Post.objects.bulk_create(
        PostFactory.build(account=account, caption=f"lunch {i}", is_sponsored=i % 2 == 0, sponsor="Acme")
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        for index in INDEXES:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cursor.execute("ANALYZE influencers_post")
    brand = BrandFactory(excluded_keywords=["gambling", "赌博"], excluded_topics=[], competitors=["Rival Co"])
    plan = plan_of_search(brand)
    assert "strpos(caption, '赌博'::text) > 0" in plan
    assert "~~ '%赌博%'" not in plan
    assert "~~ '%GAMBLING%'" in plan
