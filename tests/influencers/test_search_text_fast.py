"""The fast paths of search indexing equal what they replaced: the bigrams found by a regex, the
posts read by plain SQL with their hashtags parsed by orjson, and the texts written by one upsert
statement per batch (influencers/search_text.py, influencers/services/search_index.py)."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import defaultdict

import pytest
from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from influencers.models import Account, AccountSearchText, Post
from influencers.search_text import MAX_POSTS, cjk_bigrams, search_text
from influencers.services import search_index
from influencers.services.search_index import _json_list, _newest_posts, index_accounts
from tests.factories import AccountFactory

_IDEOGRAPH_RUNS = re.compile("[\u3400-\u9fff\uf900-\ufaff]{2,}")


def reference_bigrams(text: str) -> str:
    """cjk_bigrams as it was: runs of ideographs, then each run's pairs in Python."""
    pairs = dict.fromkeys(run[i : i + 2] for run in _IDEOGRAPH_RUNS.findall(text) for i in range(len(run) - 1))
    return f" {' '.join(pairs)} " if pairs else ""


def reference_newest_posts(account_ids: list[int]) -> dict[int, list[tuple[str, list]]]:
    """_newest_posts as it was: the ORM's window query, hashtags decoded by the JSON field."""
    newest = Window(RowNumber(), partition_by=F("account_id"), order_by=[F("posted_at").desc(), F("id").desc()])
    rows = (
        Post.objects.filter(account_id__in=account_ids)
        .annotate(rn=newest)
        .filter(rn__lte=MAX_POSTS)
        .order_by("account_id", "rn")
        .values_list("account_id", "caption", "hashtags")
    )
    posts: dict[int, list[tuple[str, list]]] = defaultdict(list)
    for account_id, caption, hashtags in rows:
        posts[account_id].append((caption, hashtags if isinstance(hashtags, list) else []))
    return posts


# Ideographs at the edges of both ranges, characters just outside them, kana, Latin, space.
_ALPHABET = [
    "\u3400",
    "\u4e00",
    "美",
    "食",
    "夜",
    "市",
    "\u9fff",
    "\uf900",
    "\ufaff",
    "\u33ff",
    "\ua000",
    "の",
    "a",
    " ",
    "é",
]


@pytest.mark.parametrize(
    "text",
    ["", "a", "美", "美食", "美食美食", "夜市美食 ab 林", "\u9fff\uf900", "美\u33ff食", "ab美の食cd", "é美食é"],
)
def test_bigrams_equal_the_run_by_run_pairs_on_named_cases(text):
    assert cjk_bigrams(text) == reference_bigrams(text)


def test_bigrams_equal_the_run_by_run_pairs_on_random_texts():
    rng = random.Random(20261206)
    for _ in range(3000):
        text = "".join(rng.choices(_ALPHABET, k=rng.randint(0, 40)))
        assert cjk_bigrams(text) == reference_bigrams(text), text


def django_hashtags(text):
    """What the JSON column reads back as through the ORM, then kept only if a list."""
    value = Post._meta.get_field("hashtags").from_db_value(text, None, connection)
    return value if isinstance(value, list) else []


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        '["coffee", "travel"]',
        '["#美食", "\\u591c\\u5e02", "a\\"b", "\\ud83d\\ude00"]',
        "[123456789012345678901234567890]",  # beyond 64 bits: orjson would read a float
        "[-9223372036854775809, 1, 2.5, true, null]",
        '[["nested"], {"a": 1}]',
        "[NaN, Infinity]",  # the standard library's extension, refused by orjson
        "[1e400]",
        '["\\ud800"]',  # a lone surrogate: refused by orjson
        '{"tags": ["a"]}',
        '"just text"',
        "null",
        "7",
        "not json",
    ],
)
def test_hashtags_read_back_as_the_json_column_reads_them(text):
    assert repr(_json_list(text)) == repr(django_hashtags(text))


def test_hashtags_already_decoded_by_the_driver_are_kept_if_a_list():
    assert _json_list(["a", 1]) == ["a", 1]
    assert _json_list({"a": 1}) == []
    assert _json_list(None) == []


def _random_posts(rng: random.Random, accounts: list[Account], sizes: list[int]) -> None:
    base = timezone.now().replace(microsecond=0)
    posts = []
    for account, size in zip(accounts, sizes, strict=True):
        for i in range(size):
            # Few distinct times: many ties, broken by id (newest id first).
            posted_at = base - dt.timedelta(hours=rng.randint(0, 5))
            hashtags = rng.choice([[], ["美食"], ["a", "#b"], [1, "x"], {"k": 1}, "text"])
            caption = rng.choice(["", "夜市美食", f"post {i}", "Ｂｅａｕｔｙ"])
            posts.append(
                Post(account=account, platform_post_id=f"p{i}", posted_at=posted_at, caption=caption, hashtags=hashtags)
            )
    rng.shuffle(posts)  # ids in no particular order of time
    Post.objects.bulk_create(posts)


@pytest.mark.django_db
def test_newest_posts_equal_the_orm_window_on_random_histories():
    rng = random.Random(7)
    # No posts, one, exactly MAX_POSTS, one more (read through the window), many.
    sizes = [0, 1, MAX_POSTS, MAX_POSTS + 1, 3 * MAX_POSTS] + [rng.randint(0, 2 * MAX_POSTS) for _ in range(15)]
    accounts = AccountFactory.create_batch(len(sizes))
    _random_posts(rng, accounts, sizes)
    ids = [account.pk for account in accounts] + [10**9]  # an id without an account
    assert _newest_posts(Post, ids) == reference_newest_posts(ids)
    assert _newest_posts(Post, ids[:1]) == {}


def _reference_texts(account_ids: list[int]) -> dict[int, tuple[int, str, str, str]]:
    posts = reference_newest_posts(account_ids)
    texts = {}
    for pk, handle, name, bio, creator, categories in Account.objects.filter(pk__in=account_ids).values_list(
        "pk", "handle", "display_name", "bio", "creator__display_name", "creator__categories"
    ):
        text = search_text(
            handle=handle, display_name=name, creator_name=creator, bio=bio, categories=categories, posts=posts[pk]
        )
        texts[pk] = (pk, text.names, text.about, text.posts)
    return texts


def _stored_texts() -> dict[int, tuple[int, str, str, str]]:
    return {row[0]: row for row in AccountSearchText.objects.values_list("account_id", "names", "about", "posts")}


@pytest.mark.django_db
def test_index_accounts_writes_every_text_in_batches_and_rewrites_only_changed_ones(monkeypatch):
    rng = random.Random(11)
    accounts = AccountFactory.create_batch(9)
    _random_posts(rng, accounts, [rng.randint(0, 2 * MAX_POSTS) for _ in accounts])
    ids = [account.pk for account in accounts]
    AccountSearchText.objects.all().delete()
    # A parameter limit of 9: two rows a statement, so the 9 texts take five statements (the
    # path of PostgreSQL and of texts SQLite's one JSON statement cannot carry).
    monkeypatch.setattr(type(connection.features), "max_query_params", 9)
    monkeypatch.setattr(search_index, "_json_rows", lambda rows: None)
    statements = []
    monkeypatch.setattr(search_index, "_upsert_sql", _recorded(search_index._upsert_sql, statements))
    assert index_accounts(ids) == len(ids)
    assert _stored_texts() == _reference_texts(ids)
    assert statements == [2, 2, 2, 2, 1]

    Account.objects.filter(pk=ids[3]).update(bio="夜市 night market")  # no signal: as a bulk write
    statements.clear()
    assert index_accounts(ids) == len(ids)
    assert _stored_texts() == _reference_texts(ids)
    assert statements == [1]  # only the changed text is written, as an update of its row


def _recorded(upsert_sql, statements):
    def recording(text_model, rows):
        statements.append(rows)
        return upsert_sql(text_model, rows)

    return recording


@pytest.mark.django_db(transaction=True)
def test_a_failing_batch_leaves_none_of_its_chunk_written(monkeypatch):
    accounts = AccountFactory.create_batch(5)
    AccountSearchText.objects.all().delete()
    monkeypatch.setattr(type(connection.features), "max_query_params", 8)
    monkeypatch.setattr(search_index, "_json_rows", lambda rows: None)
    calls = []

    def failing_on_the_second(text_model, rows):
        calls.append(rows)
        sql = upsert_sql(text_model, rows)
        # The second batch's statement fails (after the first one's rows were sent).
        return sql.replace(AccountSearchText._meta.db_table, "no_such_table") if len(calls) == 2 else sql

    upsert_sql = search_index._upsert_sql
    monkeypatch.setattr(search_index, "_upsert_sql", failing_on_the_second)
    with pytest.raises(Exception, match="no_such_table"):
        index_accounts([account.pk for account in accounts])
    assert not AccountSearchText.objects.exists()


@pytest.mark.django_db
def test_migration_0010s_historical_models_are_indexed_alike():
    from django.db.migrations.loader import MigrationLoader

    rng = random.Random(3)
    accounts = AccountFactory.create_batch(4)
    _random_posts(rng, accounts, [0, 1, MAX_POSTS + 2, 5])
    ids = [account.pk for account in accounts]
    AccountSearchText.objects.all().delete()
    apps = MigrationLoader(connection).project_state(("influencers", "0010_keyword_search_index")).apps
    models = tuple(apps.get_model("influencers", name) for name in ("Account", "Post", "AccountSearchText"))
    assert index_accounts(ids, models=models) == len(ids)
    assert _stored_texts() == _reference_texts(ids)
