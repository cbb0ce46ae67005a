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


def fold(text: str) -> str:
    """The comparable form of a text: NFKC (full-width → ASCII) and case-folded."""
    return unicodedata.normalize("NFKC", text or "").casefold()


_IDEOGRAPH = "\u3400-\u9fff\uf900-\ufaff"
_IDEOGRAPHS = re.compile(f"^[{_IDEOGRAPH}]+$")
# Every pair of neighbouring ideographs, overlapping, in the order they occur: found by the regex
# engine in C (a lookahead matches the empty string before each pair and captures the pair).
_IDEOGRAPH_PAIRS = re.compile(f"(?=([{_IDEOGRAPH}]{{2}}))")


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
    pairs = dict.fromkeys(_IDEOGRAPH_PAIRS.findall(text))
    return f" {' '.join(pairs)} " if pairs else ""


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
    return SearchText(
        names=_with_bigrams(fold(names)),
        about=_with_bigrams(fold(about.strip())),
        posts=_with_bigrams(fold("\n".join(chunks))[:MAX_POSTS_CHARS]),
    )


def query_words(query: str) -> list[str]:
    """The words a query asks for, each to be found in the text (all of them): folded, split on
    white space, a leading @ dropped (handles are stored without it), repeats dropped."""
    words = []
    for raw in fold(query).split():
        word = raw.lstrip("@")[:MAX_WORD_CHARS]
        if word and word not in words:
            words.append(word)
    return words[:MAX_WORDS]
