"""The search text of an account and the words of a query (influencers/search_text.py)."""

from __future__ import annotations

from influencers.search_text import MAX_POSTS, MAX_POSTS_CHARS, cjk_bigrams, query_words, search_text


def text(**overrides):
    fields = {"handle": "h", "display_name": "", "creator_name": "", "bio": "", "categories": [], "posts": []}
    return search_text(**{**fields, **overrides})


def test_parts_are_folded_and_categories_carry_their_words_in_both_languages():
    t = text(handle="MeiMakeup", display_name="Ｍｅｉ", creator_name="美美", bio="Lipstick", categories=["beauty"])
    assert t.names == "meimakeup mei 美美 美美 "  # followed by its Chinese bigrams
    assert t.about.startswith("lipstick category:beauty beauty ")
    assert "美妆" in t.about and "makeup" in t.about
    assert text(categories=["knitting"]).about == "category:knitting knitting"  # outside the vocabulary


def test_posts_are_captions_and_hashtags_newest_first_and_bounded():
    t = text(posts=[("Night market", ["streetfood", "#food"]), ("", []), ("Tea", [])])
    assert t.posts == "night market #streetfood #food\ntea"  # no ideographs: no bigrams
    many = text(posts=[(f"post{i}", []) for i in range(MAX_POSTS + 5)])
    assert many.posts.split("\n")[-1] == f"post{MAX_POSTS - 1}"
    long = text(posts=[("x" * 3000, [])] * 5)
    assert len(long.posts) == MAX_POSTS_CHARS


def test_bigrams_cover_every_pair_of_neighbouring_ideographs_and_nothing_else():
    assert cjk_bigrams("夜市美食 ab 林") == " 夜市 市美 美食 "
    assert cjk_bigrams("abc") == ""
    assert text(bio="夜市美食").about == "夜市美食 夜市 市美 美食 "


def test_query_words_are_folded_without_at_signs_or_repeats():
    assert query_words("  @AlexRivera  ＴＶ tv 美妆 ") == ["alexrivera", "tv", "美妆"]
    assert query_words("@") == []
    assert len(query_words(" ".join(f"w{i}" for i in range(20)))) == 8
