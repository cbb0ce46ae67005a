"""Migrations 0016-0018 make writing posts cheaper without changing what is stored or found:
the Han-bigram function of the posts' GIN index returns exactly the arrays of migration 0015's
(so the index built with the old one stays right), the posts lose only their redundant
account_id index, and negative counts are still refused once the duplicate named CHECKs are gone.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from influencers.models import AccountHistory
from tests.factories import AccountFactory, HistoryPointFactory, PostFactory
from tests.migrations import migrate_to

BEFORE = [("influencers", "0015_post_caption_han_bigrams")]
ACCOUNT_INDEX = "influencers_post_account_id_67358e74"
NAMED_CHECKS = {"snapshot_followers_non_negative", "post_counts_non_negative"}

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the function exists on PostgreSQL only")

# Both Han ranges and their edges (U+3400, U+4DBF, U+4E00, U+9FFF), characters just outside them
# (U+33FF, U+4DC0, U+A000, 〇, a compatibility ideograph, an Extension B one), other scripts,
# whitespace, emoji and the characters an array literal or a LIKE pattern would treat specially.
ALPHABET = [
    *"\u3400\u4dbf\u4e00\u9fff赌博一㐀",
    *"\u33ff\u4dc0\ua000\u3007\uf900\U00020000",
    *"aZ_-ぁ한，。🎲",
    *" \n\t",
    *"'\\%{},\"",
]
CAPTIONS = [
    "",
    " ",
    "gambling only",
    "赌",
    "赌博",
    "赌博网站",
    "x赌y博博z 㐀㐁一",
    "周末去了澳门，赌博真刺激",
    "赌 x赌博 y 赌",
    "a\n赌博\t一二三四 五",
    "〇一二 ぁあ 한국어 赌🎲博 赌_博",
    "\u4dbf\u4e00 \u33ff\u3400 \u9fff\ua000 \u4dc0\u4dbf",
    "好物好物好物",
    "vlog 好物 探店 skincare travel coffee 分享 护肤 vlog daily 护肤 coffee",
]


def _random_captions(count: int) -> list[str]:
    rng = random.Random(20)
    return ["".join(rng.choices(ALPHABET, k=rng.choice([1, 2, 3, 5, 8, 20, 60]))) for _ in range(count)]


@postgresql_only
@pytest.mark.django_db
def test_the_han_bigram_function_returns_the_former_functions_arrays():
    """Same elements in the same order, repeats included, for every caption (NULL too)."""
    former = importlib.import_module("influencers.migrations.0016_han_bigrams_function_without_subquery")
    captions = [*CAPTIONS, *_random_captions(5000)]
    with connection.cursor() as cursor:
        # Rolled back with the test's transaction.
        cursor.execute(former.FORMER_FUNCTION.replace("influencers_han_bigrams", "former_han_bigrams"))
        cursor.execute(
            "SELECT c FROM unnest(%s::text[]) AS c"
            " WHERE influencers_han_bigrams(c) IS DISTINCT FROM former_han_bigrams(c)",
            [captions],
        )
        assert cursor.fetchall() == []
        cursor.execute("SELECT influencers_han_bigrams(NULL), influencers_han_bigrams(%s)", ["x赌y博博z 周末去了 赌"])
        assert cursor.fetchone() == (None, ["博博", "周末", "末去", "去了"])
        cursor.execute(
            "SELECT count(*) FROM unnest(%s::text[]) AS c WHERE cardinality(influencers_han_bigrams(c)) > 0", [captions]
        )
        assert cursor.fetchone()[0] > 500  # the random captions do exercise the bigrams


@pytest.mark.django_db
def test_negative_counts_are_still_refused_by_the_columns_own_checks():
    account = AccountFactory()
    for make in (
        lambda: PostFactory(account=account, likes=-1),
        lambda: PostFactory(account=account, comments=-1),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            make()
    # A history's counts are packed arrays, with no column CHECK: their one writer refuses them.
    with pytest.raises(ValueError, match="negative count"):
        HistoryPointFactory(account=account, followers=-1)
    assert not AccountHistory.objects.filter(account=account).exists()


def _schema() -> tuple[set[str], set[str], str]:
    """The posts' index names, the named CHECKs left of NAMED_CHECKS, and the function's body."""
    with connection.cursor() as cursor:
        indexes = set(connection.introspection.get_constraints(cursor, "influencers_post"))
        checks = NAMED_CHECKS & (
            set(connection.introspection.get_constraints(cursor, "influencers_accountsnapshot")) | indexes
        )
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'influencers_han_bigrams'")
        (body,) = cursor.fetchone()
    return indexes, checks, body


@postgresql_only
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_migrations_reverse_to_the_former_schema_and_apply_again():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate_to(BEFORE)
        indexes, checks, body = _schema()
        assert ACCOUNT_INDEX in indexes and checks == NAMED_CHECKS and "generate_series" in body
        migrate_to(latest)
        indexes, checks, body = _schema()
        assert ACCOUNT_INDEX not in indexes and checks == set() and "generate_series" not in body
        assert {"post_unique_account_post_id", "post_sponsored_account_idx"} <= indexes
        account = AccountFactory()
        PostFactory(account=account, posted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), caption="周末赌博")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM influencers_post WHERE influencers_han_bigrams(caption) @> '{赌博}'")
            assert cursor.fetchone()[0] == 1
    finally:
        migrate_to(latest)
