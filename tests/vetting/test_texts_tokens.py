"""An account's texts tokenised at once (`text_similarity.texts_tokens`, what `term_vector` counts)
give the tokens of each text in turn (`tokens`), whatever the texts hold: case context (a Greek
final sigma), combining marks and Hangul jamo at a text's edges, compatibility forms, two-word
forms within and across texts, CJK runs, empty and missing texts, the joining character itself."""

from __future__ import annotations

import itertools
import random

import pytest

from vetting.scoring import text_similarity as ts

PIECES = [
    "zero",
    "waste",
    "fast",
    "Fashion",
    "ZERO WASTE",
    "Skincare",
    "#vegan",
    "eco-friendly",
    "ΟΔΟΣ",
    "Σ",
    "ΑΣ",
    "\u0301",
    "e\u0301",
    "\u1100",
    "\u1161",
    "\u11a8",
    "ﬁne",
    "Ⅻ",
    "ｆｕｌｌ",
    "环保护肤",
    "快时尚",
    "日常分享",
    "İstanbul",
    "'quoted'",
    "\x1f",
    "\n",
    " ",
    "  ",
    "routine",
    "the",
    "café",
    "ß",
]


def _each(texts: list) -> list[str]:
    return list(itertools.chain.from_iterable(map(ts.tokens, texts)))


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) + rng.choice(["", " ", " ", "\t"]) for _ in range(rng.randint(0, 8)))


@pytest.mark.parametrize("seed", range(40))
def test_the_texts_tokens_are_each_texts_in_turn(seed):
    rng = random.Random(seed)
    texts = [_random_text(rng) for _ in range(rng.randint(0, 14))]
    if texts and rng.random() < 0.2:
        texts[rng.randrange(len(texts))] = None  # a caption that is not there
    assert list(ts.texts_tokens(texts)) == _each(texts)
    assert ts.term_vector(texts) == _vector_of_each(texts)


@pytest.mark.parametrize(
    "texts",
    [
        [],
        ["only one zero waste"],
        ["ends with zero", "waste starts the next"],
        ["ΑΣ", "Σ ΟΔΟΣ"],
        ["e", "\u0301 accent at the start"],
        ["\u1100", "\u1161\u11a8"],
        ["plain", "holds \x1f the break"],
        ["", "", ""],
        ["Fast", "FASHION", "fast fashion 快时尚"],
    ],
)
def test_named_cases(texts):
    assert list(ts.texts_tokens(texts)) == _each(texts)


def _vector_of_each(texts: list) -> dict[str, float]:
    # term_vector as it counted the tokens of each text in turn.
    import math
    from collections import Counter

    counts = Counter(_each(texts))
    weights = {t: 1.0 + math.log(c) for t, c in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}
