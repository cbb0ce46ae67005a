"""What keyword search reads, as pure functions: the search text of an account (from its names,
bio, the creator's categories and its newest posts) and the words of a search query.

Both sides are NFKC-normalised and case-folded here, once, so every engine compares plain
strings the same way: SQLite's FTS5 trigram index, PostgreSQL's pg_trgm/LIKE and the short-word
fallback (influencers.selectors.keyword) all see "Ｂｅａｕｔｙ" and "beauty" as one word.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from influencers.vocabulary import NICHES, search_words

# The newest posts of an account whose captions and hashtags are searched, and at most this much
# of their text: an account's voice is in its recent posts, and a bounded document keeps the
# index (and each relevance computation) small at 100k+ accounts.
MAX_POSTS = 12
MAX_POSTS_CHARS = 2000
# A query is at most this many words of at most this many characters (longer input is cut).
MAX_WORDS = 8
MAX_WORD_CHARS = 100
# Marks a creator's category in the text: `codes_matching` turns "美妆博主" into the marker of
# beauty, which no caption contains by accident.
CATEGORY_MARKER = "category:"
_ONLY_STRINGS = frozenset({str})


def only_strings(values: Iterable[object]) -> bool:
    """Whether every one of `values` is exactly a str (checked in C: no Python call per value)."""
    return _ONLY_STRINGS.issuperset(map(type, values))


def fold(text: str) -> str:
    """The comparable form of a text: NFKC (full-width → ASCII) and case-folded."""
    return unicodedata.normalize("NFKC", text or "").casefold()


_IDEOGRAPH = "\u3400-\u9fff\uf900-\ufaff"
_IDEOGRAPHS = re.compile(f"^[{_IDEOGRAPH}]+$")
# Every run of two or more ideographs, in the order they occur: scanned for by the regex engine in
# C, which finds runs faster than it tries a lookahead for a pair at every position. Spelled as
# one ideograph then more (not "{2,}"): a pattern that starts with a character set lets the engine
# skip to the next ideograph in a tight loop instead of trying a match at every position, and the
# possessive "++" gives up no characters of a run (a run ends where no ideograph follows anyway).
_IDEOGRAPH_RUNS = re.compile(f"[{_IDEOGRAPH}][{_IDEOGRAPH}]++")


def is_cjk(text: str) -> bool:
    """Whether every character is a CJK ideograph (Chinese and Japanese kanji)."""
    return _IDEOGRAPHS.match(text) is not None


def cjk_bigrams(text: str) -> str:
    """Every pair of neighbouring ideographs of `text`, space-delimited and space-padded
    (" 夜市 市美 美食 "): a two-character Chinese word is the most common Chinese query and too short
    for a trigram index, but " 夜市 " (four characters) is not, and it occurs here exactly when
    夜市 occurs in the text. Appended to each part of the search text: no query word (words hold
    no spaces) of three or more characters can match inside it, so nothing false is found."""
    if text.isascii():  # most texts: no ideograph to look for
        return ""
    # Repeated runs dropped first (in C): a repeat's pairs all occur earlier, so the pairs' order
    # of first occurrence is unchanged, and a text's words repeat a lot (its posts' hashtags).
    runs = dict.fromkeys(_IDEOGRAPH_RUNS.findall(text))
    # Most runs are a two-character word, their own only pair: then no pair is cut out in Python.
    pairs = runs if len("".join(runs)) == 2 * len(runs) else dict.fromkeys(_pairs_of(runs))
    return f" {' '.join(pairs)} " if pairs else ""


def _pairs_of(runs: Iterable[str]) -> Iterable[str]:
    """The overlapping pairs of each run, in order."""
    return (run[start : start + 2] for run in runs for start in range(len(run) - 1))


@dataclass(frozen=True)
class SearchText:
    """The parts of an account's search text, each followed by its Chinese bigrams
    (`cjk_bigrams`); a match in the names ranks above one in `about`, which ranks above posts."""

    names: str
    about: str
    posts: str


def _with_bigrams(text: str) -> str:
    return text + cjk_bigrams(text)


@functools.cache
def _category_text(code: str) -> str:
    words = search_words(code) if code in NICHES else [code]
    return " ".join([f"{CATEGORY_MARKER}{code}", *words])


def search_text(
    *,
    handle: str,
    display_name: str,
    creator_name: str,
    bio: str,
    categories: Iterable[str],
    posts: Iterable[tuple[str, Sequence[str]]],
) -> SearchText:
    """The search text of one account; `posts` are (caption, hashtags), newest first."""
    names = " ".join(part for part in (handle, display_name, creator_name) if part)
    about = " ".join([bio or "", *(_category_text(str(code)) for code in categories or () if str(code).strip())])
    return SearchText(
        names=_with_bigrams(fold(names)),
        about=_with_bigrams(fold(about.strip())),
        posts=_with_bigrams(fold(_posts_text(list(posts)[:MAX_POSTS]))[:MAX_POSTS_CHARS]),
    )


def _posts_text(posts: list[tuple[str, Sequence[str]]]) -> str:
    """The posts' captions and hashtags, a post a line, empty posts left out, up to the post
    that brings the text to MAX_POSTS_CHARS (cut after folding, which may change lengths)."""
    chunks = list(filter(None, _post_chunks(posts)))
    # Most accounts' posts (a line each) stay under the limit: then all are kept, without a
    # Python step per post (the sizes only grow, so the loop below would end at the last one).
    if sum(map(len, chunks)) + len(chunks) < MAX_POSTS_CHARS:
        return "\n".join(chunks)
    size = 0
    for count, chunk in enumerate(chunks, 1):
        size += len(chunk) + 1
        if size >= MAX_POSTS_CHARS:
            return "\n".join(chunks[:count])
    return "\n".join(chunks)


# A hashtag the one-join path of `_post_chunks` cannot write as "#" + itself: one starting with
# "#" (written once, not twice) or blank (left out); the hashtags are joined by NUL, which is
# not white space to `str.strip` nor to the regex's \s (both use Python's isspace), with a NUL
# before the first and after the last: a pattern starting with a literal character is searched
# for by a fast scan for it (one stop per hashtag), where one starting with "\A|\x00" tried a
# match at every character of every hashtag.
_SPECIAL_TAG = re.compile(r"\x00(?:#|\s*\x00)")
_NUL = "\x00"


def _post_chunks(posts: list[tuple[str, Sequence[str]]]) -> list[str]:
    """Each post's caption and hashtags (" #tag" each, a tag's own leading "#"s dropped, blank
    tags left out), stripped. When every hashtag is a plain string, the tags of a post are
    written by one join: checking all of the account's hashtags at once by one regex costs far
    less than a string operation per hashtag (two to three a post)."""
    tags = [tag for _, hashtags in posts for tag in hashtags or ()]
    if not tags or (only_strings(tags) and not _SPECIAL_TAG.search(f"{_NUL}{_NUL.join(tags)}{_NUL}")):
        return [
            f"{caption or ''} #{' #'.join(hashtags)}".strip() if hashtags else (caption or "").strip()
            for caption, hashtags in posts
        ]
    return [_post_chunk(caption, hashtags) for caption, hashtags in posts]


def _post_chunk(caption: str, hashtags: Sequence[str]) -> str:
    tags = [f"#{str(tag).lstrip('#')}" for tag in hashtags or () if str(tag).strip()]
    return " ".join([caption or "", *tags]).strip()


def query_words(query: str) -> list[str]:
    """The words a query asks for, each to be found in the text (all of them): folded, split on
    white space, a leading @ dropped (handles are stored without it), repeats dropped."""
    words = []
    for raw in fold(query).split():
        word = raw.lstrip("@")[:MAX_WORD_CHARS]
        if word and word not in words:
            words.append(word)
    return words[:MAX_WORDS]
