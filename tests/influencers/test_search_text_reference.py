"""search_text's fast paths equal the general form they replaced (influencers/search_text.py):
runs of ideographs found by a pattern the regex engine can skip to, repeated runs dropped
before their pairs are cut, every post kept without a per-post size count when all fit, and the
hashtags that need the per-tag path found by a search starting at a literal NUL."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from influencers.search_text import _SPECIAL_TAG, MAX_POSTS, MAX_POSTS_CHARS, cjk_bigrams, search_text
from influencers.vocabulary import NICHES, search_words

_RUNS = re.compile("[\u3400-\u9fff\uf900-\ufaff]{2,}")
_SPECIAL_TAG_BEFORE = re.compile(r"(?:\A|\x00)(?:#|\s*(?:\x00|\Z))")


def reference_fold(text):
    return unicodedata.normalize("NFKC", text or "").casefold()


def reference_bigrams(text):
    """Every run's pairs, each run cut in Python, in order of first occurrence."""
    pairs = dict.fromkeys(run[i : i + 2] for run in _RUNS.findall(text) for i in range(len(run) - 1))
    return f" {' '.join(pairs)} " if pairs else ""


def reference_posts(posts):
    """The posts' text with a string operation per hashtag and a size count per post."""
    chunks = []
    for caption, hashtags in list(posts)[:MAX_POSTS]:
        tags = [f"#{str(tag).lstrip('#')}" for tag in hashtags or () if str(tag).strip()]
        chunk = " ".join([caption or "", *tags]).strip()
        if chunk:
            chunks.append(chunk)
    size = 0
    for count, chunk in enumerate(chunks, 1):
        size += len(chunk) + 1
        if size >= MAX_POSTS_CHARS:
            return "\n".join(chunks[:count])
    return "\n".join(chunks)


def reference_search_text(*, handle, display_name, creator_name, bio, categories, posts):
    def category(code):
        words = search_words(code) if code in NICHES else [code]
        return " ".join([f"category:{code}", *words])

    names = reference_fold(" ".join(part for part in (handle, display_name, creator_name) if part))
    about = reference_fold(
        " ".join([bio or "", *(category(str(code)) for code in categories or () if str(code).strip())]).strip()
    )
    posts_text = reference_fold(reference_posts(posts))[:MAX_POSTS_CHARS]
    return tuple(part + reference_bigrams(part) for part in (names, about, posts_text))


# Empty and blank texts, CJK (both ideograph ranges and their edges, compatibility ideographs
# that NFKC maps into the main range), mixed scripts, full-width letters, ligatures, final sigma,
# the Turkish dotted I, German sharp s (casefold lengthens it), combining marks, NUL.
_PIECES = [
    "",
    " ",
    "夜市",
    "美食",
    "夜市美食",
    "\u3400\u9fff",
    "\uf900\ufaff",
    "\u33ff美",
    "ＢＥＡＵＴＹ",
    "ﬁﬂ",
    "ΟΔΟΣ",
    "İstanbul",
    "ß",
    "e\u0301",
    "の美",
    "Ｃａｆé咖啡",
    "\x00",
    "\u3000",
    "\n",
]


def _random_text(rng, count):
    return "".join(rng.choices(_PIECES, k=rng.randint(0, count)))


@pytest.mark.parametrize(
    "text", ["", "a", "美", "美食", "美食 美食 美食", "夜市美食 美食 夜市美食", "美食美 食美食", "\u9fff\uf900"]
)
def test_bigrams_equal_the_general_form_on_named_cases(text):
    assert cjk_bigrams(text) == reference_bigrams(text)


def test_bigrams_equal_the_general_form_on_random_repetitive_texts():
    rng = random.Random(41)
    for _ in range(3000):
        text = " ".join(
            rng.choices(["美食", "夜市美食", "食美", "美", "a", "é美食", "\uf900\u4e00"], k=rng.randint(0, 12))
        )
        assert cjk_bigrams(text) == reference_bigrams(text), text


@pytest.mark.parametrize(
    "tags",
    [[], [""], ["a"], ["#a"], ["a", "#b"], [" "], ["\u3000"], ["\t\n"], ["a", ""], ["", "a"], ["a\x00"], ["\x00a"],
     ["a\x00#b"], ["a\x00 \x00b"], ["a #b"], ["b#"], ["a", " b"]],
)  # fmt: skip
def test_special_hashtags_are_found_as_before(tags):
    joined = "\x00".join(tags)
    assert bool(_SPECIAL_TAG.search(f"\x00{joined}\x00")) == bool(_SPECIAL_TAG_BEFORE.search(joined))


def test_special_hashtags_are_found_as_before_on_random_tags():
    rng = random.Random(43)
    alphabet = ["a", "#", " ", "\u3000", "\x00", "\t", "美", "\x85"]
    for _ in range(5000):
        tags = ["".join(rng.choices(alphabet, k=rng.randint(0, 3))) for _ in range(rng.randint(1, 4))]
        joined = "\x00".join(tags)
        assert bool(_SPECIAL_TAG.search(f"\x00{joined}\x00")) == bool(_SPECIAL_TAG_BEFORE.search(joined)), tags


def _parts(**fields):
    text = search_text(**fields)
    return (text.names, text.about, text.posts)


def _account(**overrides):
    return {
        "handle": "x",
        "display_name": "",
        "creator_name": "",
        "bio": "",
        "categories": [],
        "posts": [],
        **overrides,
    }


_MIXED_POSTS = [(None, None), ("", []), ("夜市美食 ß", ["美食", "#夜市"])]


@pytest.mark.parametrize(
    "fields",
    [
        _account(handle=""),
        _account(display_name=None, creator_name=None, bio=None, categories=None),
        _account(
            handle="ΟΔΟΣ", display_name="İ", creator_name="ﬁ", bio="ＢＥＡＵＴＹ 夜市美食", categories=["beauty", "", 7]
        ),
        _account(posts=_MIXED_POSTS),
        # Over the limit: by ideographs, by ligatures that folding lengthens, at the limit's edge.
        _account(posts=[("美食" * 600, []), ("夜市", []), ("ﬁ" * 998, []), ("tail", [])]),
        _account(posts=[("ﬁ" * 900, []), ("ﬂ" * 900, []), ("tail", [])]),
        _account(posts=[("a" * 1998, []), ("b", [])]),
        _account(posts=[("a" * 1997, []), ("b", []), ("c", [])]),  # cut after "b": no "\n" at the end
        _account(posts=[("a" * 1997, []), ("b", [])]),
        _account(posts=[("a" * 1996, []), ("", []), ("b", [])]),
    ],
)
def test_search_text_equals_the_general_form_on_edge_cases(fields):
    assert _parts(**fields) == reference_search_text(**fields)


def _random_posts(rng):
    tags = ["美食", "#夜市", "ＴＡＧ", "ﬁ", "", " ", "İ", 3, None]
    captions = [None, _random_text(rng, 10), "长文" * rng.randint(0, 700)]
    return [
        (rng.choice(captions), rng.choices(tags, k=rng.randint(0, 3))) for _ in range(rng.randint(0, MAX_POSTS + 2))
    ]


def test_search_text_equals_the_general_form_on_random_accounts():
    rng = random.Random(47)
    for _ in range(1500):
        fields = {
            "handle": _random_text(rng, 3),
            "display_name": rng.choice([None, _random_text(rng, 4)]),
            "creator_name": _random_text(rng, 4),
            "bio": rng.choice([None, _random_text(rng, 8)]),
            "categories": rng.choice([[], ["food"], ["beauty", " "], None]),
            "posts": _random_posts(rng),
        }
        assert _parts(**fields) == reference_search_text(**fields), fields
