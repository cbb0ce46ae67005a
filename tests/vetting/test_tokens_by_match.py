"""`tokens` (vetting.scoring.text_similarity) with each distinct word match cleaned and looked up
once (`_latin_match`), no CJK search of ASCII texts, and the tokens of whitespace-separated pieces
looked up (`_PIECE_WORDS`, `_PIECE_RUNS`) in texts without a two-word form's first word: the same
tokens in the same order as the former word-by-word loop, on named edge cases and random
mixed-script texts; and `term_vector`,
counting the tokens of its texts in one pass, the same terms in the same order as before."""

from __future__ import annotations

import math
import random
import unicodedata
from collections import Counter

import pytest

from vetting.scoring import text_similarity as ts


def _former_tokens(text: str) -> list[str]:
    # The loop `tokens` replaced, kept as the reference.
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text).lower()
    out: list[str] = []
    words = [w.lstrip("#").strip("'-") for w in ts._LATIN.findall(text)]
    words = [w for w in words if w]
    last = len(words) - 1
    for i, word in enumerate(words):
        own = ts._word_tokens(word)
        if own is None:
            continue
        out.extend(own)
        if i < last and word in ts._PAIR_FIRST:
            pair = ts._LATIN_FORMS.get(f"{word} {words[i + 1]}")
            if pair:
                out.append(f"concept:{pair}")
    for run in ts._HAN.findall(text):
        out.extend(ts._han_tokens(run))
    return out


NAMED = [
    "",
    "a",
    "Zero Waste",  # a two-word form
    "zero",  # a pair's first word as the last word
    "zero the waste",  # a stop word between: not a pair (stop words stay neighbours)
    "#zero #waste",  # hashtags
    "zero-- waste''",  # trailing apostrophes and dashes stripped
    "fast fashion fast fashion",
    "ＺＥＲＯ　ＷＡＳＴＥ",  # full-width: NFKC first
    "环保护肤 zero waste 快时尚的快时尚",  # mixed scripts
    "café naïve résumé",  # non-ASCII Latin, no CJK
    "skincare's eco-friendly routines",
    "123 4u i a",
    # Pieces: whitespace of every kind between them, words and runs glued by punctuation, a
    # pair's first word inside another word (walked, no pair), pairs across any separator.
    "zero\twaste",
    "zero\u3000waste",  # NFKC makes the ideographic space a space
    "zero\u00a0waste",
    "zero,waste",
    "zero-waste",
    "breakfast waste skincare",
    "护肤,skincare;环保!eco 日常\n分享\x1cvlog",
    "#护肤#skincare #eco-friendly",
    "skincare\u2028环保\u0085日常",  # separators str.split() splits on
]


@pytest.mark.parametrize("text", NAMED)
def test_named_cases(text):
    assert ts.tokens(text) == _former_tokens(text)


def test_a_full_piece_cache_is_emptied_and_gives_the_same_tokens(monkeypatch):
    for cache in (ts._PIECE_WORDS, ts._PIECE_RUNS):
        monkeypatch.setattr(cache, "limit", 3)
        cache.clear()
    text = "skin 护肤 glow 日常 eco 分享 vlog 探店 skin glow"
    assert ts.tokens(text) == _former_tokens(text)
    assert len(ts._PIECE_WORDS) <= 3 and len(ts._PIECE_RUNS) <= 3
    assert ts.tokens(text) == _former_tokens(text)  # a cache filled by the previous text


def test_pairs_found():
    assert "concept:sustainability" in ts.tokens("zero waste")
    assert ts.tokens("zero the waste").count("concept:sustainability") == _former_tokens("zero the waste").count(
        "concept:sustainability"
    )


@pytest.mark.parametrize("seed", range(20))
def test_random_texts(seed):
    rng = random.Random(seed)
    latin_forms = list(ts._LATIN_FORMS)
    han_forms = [form for form, _ in ts._HAN_FORMS]
    pieces = [*latin_forms, *han_forms, *sorted(ts.STOPWORDS)[:40], "#", "-", "'", " ", "  ", "\n", "É", "ｚｅｒｏ"]
    pieces += ["skin", "skins", "ladies", "glass", "bus", "the", "zero", "fast", "x", "1", "日常", "分享"]
    for _ in range(100):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", " ", "#", "-"]) for _ in range(rng.randint(0, 25)))
        assert ts.tokens(text) == _former_tokens(text), text


def _former_term_vector(texts, *, limit=None):
    # `term_vector` before its tokens were counted in one pass: a Counter.update per text.
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(ts.tokens(text))
    weights = {t: 1.0 + math.log(c) for t, c in counts.items()}
    if limit is not None and len(weights) > limit:
        weights = dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:limit])
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


@pytest.mark.parametrize("limit", [None, 1, 5, 100])
@pytest.mark.parametrize("seed", range(10))
def test_term_vector_same_terms_in_the_same_order(seed, limit):
    rng = random.Random(seed)
    vocabulary = [*list(ts._LATIN_FORMS)[:30], "skin", "glow", "the", "日常分享", "环保", "快时尚", "zero", "waste"]
    texts = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 12))) for _ in range(rng.randint(0, 14))]
    ours, theirs = ts.term_vector(texts, limit=limit), _former_term_vector(texts, limit=limit)
    assert list(ours.items()) == list(theirs.items())  # the stored JSON follows the order


def test_term_vector_edge_cases():
    assert ts.term_vector([]) == {} and ts.term_vector(["", "the a"]) == {}
    assert list(ts.term_vector(["b a", "a c"]).items()) == list(_former_term_vector(["b a", "a c"]).items())
