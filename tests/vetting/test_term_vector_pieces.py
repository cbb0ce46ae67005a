"""`term_vector` (vetting.scoring.text_similarity) counting an account's distinct whitespace-separated
pieces (`_piece_counts`) instead of its tokens, and picking its top terms by count: the same
terms, in the same order, with the same floats as counting the tokens of each text in turn
(`tokens`) and sorting by (-weight, term), on hostile texts (CJK, NFKC-changing characters, a
Greek final sigma across texts, two-word forms within and across texts, empty and missing
texts, the break character and other whitespace inside a text) and random mixed-script texts."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter

import pytest

from vetting.scoring import text_similarity as ts


def _each(texts: list) -> list[str]:
    return list(itertools.chain.from_iterable(map(ts.tokens, texts)))


def _per_text_vector(texts: list, *, limit: int | None = None) -> dict[str, float]:
    # The term vector as it was: the tokens of each text in turn counted, sorted by a key per term.
    counts = Counter(_each(texts))
    weights = {t: 1.0 + math.log(c) for t, c in counts.items()}
    if limit is not None and len(weights) > limit:
        weights = dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:limit])
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def _same(ours: dict[str, float], theirs: dict[str, float]) -> None:
    assert list(ours) == list(theirs)  # the stored JSON follows the order
    assert [v.hex() for v in ours.values()] == [v.hex() for v in theirs.values()]  # bit for bit


# Accounts' texts (a bio, then captions) that the piece counts take.
FAST = [
    ["Bench account · 基准测试", "分享 探店 探店 推荐 review travel 护肤", "travel 探店 daily 分享"],
    ["探店 aa", "bb"],  # a text's CJK tokens come after all its words' (bb after 探店's)
    ["aa 探店 bb 探店", "探店 bb cc", "cc"],
    [None, "skincare routine", None],  # a missing bio
    ["", "", "glow"],
    ["ΟΔΟΣ", "Σ ΑΣ", "ΑΣ"],  # final sigma: no case context across texts
    ["e", "\u0301 accent at a text's start", "café naïve"],
    ["\u1100", "\u1161\u11a8 jamo"],  # Hangul jamo at the edges compose with nothing across texts
    ["ﬁne Ⅻ ｆｕｌｌ", "ＺＥＲＯ　ＷＡＳＴＥ"],  # compatibility forms, a full-width pair
    ["zero\u00a0waste", "x\u3000y", "a\u2003b"],  # spaces NFKC makes plain ones
    ["\u00a8 diaeresis", "¨x"],  # NFKC makes a space and a combining mark of it
    ["zero waste", "fast", "fashion fast fashion"],  # two-word forms within, not across, texts
    ["breakfast 早餐 breakfast", "breakfast"],  # a pair's first word inside another
    ["zero 环保 waste zero", "环保 eco", "zero waste 环保"],  # the same paired text twice
    ["环保护肤 零浪费", "快时尚的快时尚", "环保 #eco-friendly", "可持续 sustainable"],
    ["tab\tnew\nline\rcr\x0bvt\x0cff", "x  y"],
    ["İstanbul ß 'quoted' -dash-"],
    ["skin skins ladies glass bus"] * 20,
    ["a"] * 256,
]

# Texts it leaves to `texts_tokens`: whitespace bytes.split does not split at, the break character.
SLOW = [
    ["plain", "holds \x1f the break"],
    ["next\x85line", "x"],
    ["line\u2028separator 环保", "x"],
    ["file\x1cseparator", "x"],
    ["ogham\u1680space", "x"],
    [],
    ["a"] * 257,
]


@pytest.mark.parametrize("limit", [None, 3, 100])
@pytest.mark.parametrize("texts", FAST)
def test_piece_counts_as_the_tokens_of_each_text(texts, limit):
    counts = ts._piece_counts(texts)
    assert counts is not None
    assert list(counts.items()) == list(Counter(_each(texts)).items())
    _same(ts.term_vector(texts, limit=limit), _per_text_vector(texts, limit=limit))


@pytest.mark.parametrize("texts", SLOW)
def test_left_to_texts_tokens_with_the_same_vector(texts):
    assert ts._piece_counts(texts) is None
    _same(ts.term_vector(texts, limit=2), _per_text_vector(texts, limit=2))
    _same(ts.term_vector(texts), _per_text_vector(texts))


def test_hand_checked_order_and_counts():
    # Text 1's words (aa) then its CJK tokens (unigrams, the bigram, 探店's concept); text 2's
    # new word (bb) after them.
    counts = ts._piece_counts(["探店 aa aa", "bb 探店"])
    assert counts == {"aa": 2, "c:探": 2, "c:店": 2, "b:探店": 2, "concept:food": 2, "bb": 1}
    assert list(counts) == ["aa", "c:探", "c:店", "b:探店", "concept:food", "bb"]
    # A paired text's tokens as a whole: the pair's concept right after its first word.
    assert list(ts._piece_counts(["xx", "zero waste"])) == ["xx", "zero", "concept:sustainability", "waste"]


def test_top_terms_by_count_then_term():
    # Counts: cc 3, dd 2, aa 2, bb 1, ee 1: the top three are cc, then aa and dd (tied, by term).
    vector = ts.term_vector(["cc dd aa cc", "bb ee cc dd aa"], limit=3)
    assert list(vector) == ["cc", "aa", "dd"]
    assert vector["aa"] == vector["dd"] < vector["cc"]
    assert math.isclose(sum(w * w for w in vector.values()), 1.0)


def test_a_full_piece_cache_is_emptied_and_gives_the_same_counts(monkeypatch):
    monkeypatch.setattr(ts._PIECE_PARTS, "limit", 3)
    ts._PIECE_PARTS.clear()
    try:
        texts = ["skin 护肤 glow 日常 eco", "分享 vlog 探店 skin glow"]
        assert list(ts._piece_counts(texts).items()) == list(Counter(_each(texts)).items())
        assert len(ts._PIECE_PARTS) <= 3
    finally:
        ts._PIECE_PARTS.clear()


PIECES = [
    "zero",
    "waste",
    "fast",
    "Fashion",
    "breakfast",
    "Skincare",
    "#vegan",
    "eco-friendly",
    "ΟΔΟΣ",
    "Σ",
    "\u0301",
    "\u1100",
    "\u11a8",
    "ﬁne",
    "ｆｕｌｌ",
    "\u00a8",
    "环保护肤",
    "快时尚",
    "日常分享",
    "探店",
    "的",
    "İstanbul",
    "'quoted'",
    "the",
    "café",
    "·",
]


@pytest.mark.parametrize("seed", range(60))
def test_random_accounts(seed):
    rng = random.Random(seed)
    spaces = ["", " ", " ", "\t", "\n", "\u3000", "\xa0"]
    if seed % 10 == 0:
        spaces.extend(["\x1f", "\x85", "\u2028"])  # now and then texts left to texts_tokens
    texts: list = [
        "".join(rng.choice(PIECES) + rng.choice(spaces) for _ in range(rng.randint(0, 12)))
        for _ in range(rng.randint(0, 31))
    ]
    if texts and rng.random() < 0.3:
        texts[rng.randrange(len(texts))] = None
    counts = ts._piece_counts(texts)
    if counts is not None:
        assert list(counts.items()) == list(Counter(_each(texts)).items())
    for limit in (None, 5, 100):
        _same(ts.term_vector(texts, limit=limit), _per_text_vector(texts, limit=limit))
