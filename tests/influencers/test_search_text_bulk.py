"""The bulk paths of search indexing equal their one-by-one forms: the posts' text with every
post's hashtags written by one join, the hashtags of a chunk parsed in one pass, the accounts read
by plain SQL, and the texts written to SQLite in one JSON statement (influencers/search_text.py,
influencers/services/search_index.py)."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from influencers.models import Account, AccountSearchText
from influencers.search_text import MAX_POSTS, MAX_POSTS_CHARS, cjk_bigrams, fold, search_text
from influencers.services import search_index
from influencers.services.search_index import _account_rows, _json_list, _json_lists, index_accounts
from tests.factories import AccountFactory


def reference_posts_text(posts):
    """The posts part of search_text as it was: a string operation per hashtag."""
    chunks: list[str] = []
    size = 0
    for caption, hashtags in list(posts)[:MAX_POSTS]:
        tags = [f"#{str(tag).lstrip('#')}" for tag in hashtags or () if str(tag).strip()]
        chunk = " ".join([caption or "", *tags]).strip()
        if not chunk:
            continue
        chunks.append(chunk)
        size += len(chunk) + 1
        if size >= MAX_POSTS_CHARS:
            break
    return fold("\n".join(chunks))[:MAX_POSTS_CHARS]


# Hashtags the one-join path must hand back to the per-tag path: a leading "#", blank ones
# (ASCII and Unicode white space, empty), NUL (the join's separator), numbers.
_TAGS = ["food", "美食", "#b", "##c", "", " ", "\u3000", "\x00", "a\x00#b", "x ", " y", "ﬁ", 7, None]
_CAPTIONS = ["", " ", "Night market", " 夜市美食 ", "Ｂｅａｕｔｙ", None, "ß" * 300, "x" * 1999, "é\u0301" * 700]


def _random_posts(rng: random.Random, plain: bool) -> list[tuple[str | None, list]]:
    tags = ["food", "美食", "tea", "x y"] if plain else _TAGS
    return [
        (rng.choice(_CAPTIONS), rng.choices(tags, k=rng.randint(0, 3)) if rng.random() < 0.9 else None)
        for _ in range(rng.randint(0, MAX_POSTS + 3))
    ]


@pytest.mark.parametrize("plain", [True, False])
def test_posts_text_equals_the_per_hashtag_form_on_random_posts(plain):
    rng = random.Random(5 + plain)
    for _ in range(2000):
        posts = _random_posts(rng, plain)
        got = search_text(handle="h", display_name="", creator_name="", bio="", categories=[], posts=posts).posts
        expected = reference_posts_text(posts)
        assert got == expected + cjk_bigrams(expected), posts


@pytest.mark.parametrize(
    "hashtags", [["#a"], [""], [" "], ["\u3000"], ["\x00"], ["a", "#b"], ["a", ""], [1], ["a\x00", "b"]]
)
def test_special_hashtags_are_written_as_before(hashtags):
    posts = [("cap", hashtags), ("more", ["tea"])]
    got = search_text(handle="h", display_name="", creator_name="", bio="", categories=[], posts=posts).posts
    assert got == reference_posts_text(posts)  # no ideographs: no bigrams


_TEXTS = [
    "[]",
    '["coffee", "travel"]',
    '["#美食", "\\u591c\\u5e02"]',
    "[123456789012345678901234567890]",
    "[1, 2.5, true, null]",
    '[["nested"], {"a": 1}]',
    "[NaN]",
    '["\\ud800"]',
    '{"tags": ["a"]}',
    '"just text"',
    "null",
    "not json",
    None,
    ["already", "decoded"],
    b'["bytes"]',
]


def test_a_chunks_lists_are_parsed_as_one_by_one():
    rng = random.Random(9)
    plain = ['["coffee", "travel"]', "[]", '["美食"]']
    for _ in range(500):
        stored = rng.choices(plain, k=rng.randint(0, 6)) + rng.choices(_TEXTS, k=rng.randint(0, 2))
        rng.shuffle(stored)
        assert repr(_json_lists(stored)) == repr([_json_list(value) for value in stored]), stored


@pytest.mark.django_db
def test_account_rows_equal_the_orm_values():
    accounts = AccountFactory.create_batch(4)
    creator = accounts[1].creator
    for categories in (["beauty", "美食"], {"not": "a list"}, "text", 7):
        creator.categories = categories
        creator.save()
        ids = [a.pk for a in accounts] + [10**9]
        orm = Account.objects.filter(pk__in=ids).order_by("pk")
        expected = [
            (pk, handle, name, bio, creator_name, cats if isinstance(cats, list) else [])
            for pk, handle, name, bio, creator_name, cats in orm.values_list(
                "pk", "handle", "display_name", "bio", "creator__display_name", "creator__categories"
            )
        ]
        assert _account_rows(Account, ids) == expected


def _stored() -> dict[int, tuple]:
    return {row[0]: row for row in AccountSearchText.objects.values_list("account_id", "names", "about", "posts")}


@pytest.mark.django_db
def test_sqlite_writes_a_chunks_texts_in_one_statement_and_nul_texts_by_parameters(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("the JSON statement is SQLite's")
    accounts = AccountFactory.create_batch(5)
    ids = [a.pk for a in accounts]
    Account.objects.filter(pk=ids[2]).update(bio="nul \x00 inside, \\u0000 and 夜市")  # no signal
    AccountSearchText.objects.all().delete()
    json_statements, value_statements = [], []
    upsert_json, upsert_values = search_index._upsert_json_sql, search_index._upsert_sql
    monkeypatch.setattr(search_index, "_upsert_json_sql", lambda m: json_statements.append(1) or upsert_json(m))
    monkeypatch.setattr(
        search_index, "_upsert_sql", lambda m, rows: value_statements.append(rows) or upsert_values(m, rows)
    )

    assert index_accounts([i for i in ids if i != ids[2]]) == 4
    assert (json_statements, value_statements) == ([1], [])
    assert index_accounts(ids) == 5  # the text holding NUL: by parameters, whole
    assert (json_statements, value_statements) == ([1], [1])
    assert "nul \x00 inside, \\u0000 and 夜市" in _stored()[ids[2]][2]

    Account.objects.filter(pk=ids[0]).update(bio="changed")
    assert index_accounts(ids) == 5  # an update of the row, as the one statement
    assert (json_statements, value_statements) == ([1, 1], [1])
    assert _stored()[ids[0]][2].startswith("changed ")
    with connection.cursor() as cursor:  # the trigram index followed the rows the JSON statement wrote
        fts = "influencers_accountsearch_fts"
        cursor.execute(f"SELECT rowid FROM {fts} WHERE {fts} MATCH ? ORDER BY rowid", ['"changed"'])
        assert cursor.fetchall() == [(ids[0],)]
        cursor.execute(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH ?", ['"nul"'])
        assert cursor.fetchone() == (1,)
