"""Chinese concept forms in `tokens` (vetting.scoring.text_similarity): found by looking up the
run's substrings, with the same tokens, counts and order as searching the run for every form."""

from __future__ import annotations

import random

import pytest

from vetting.scoring import text_similarity as ts


def _searching_every_form(run: str) -> list[str]:
    # The former way: every form of the vocabulary searched in the run, in vocabulary order.
    out: list[str] = []
    for form, concept in ts._HAN_FORMS:
        if form in run:
            out.extend([f"concept:{concept}"] * run.count(form))
    return out


def test_hand_checked_caption():
    # 快时尚 is a fast_fashion form (twice here); 的 is a stopword unigram, kept in bigrams.
    found = ts.tokens("快时尚的快时尚")
    assert found.count("concept:fast_fashion") == 2
    assert "c:的" not in found and "b:尚的" in found


@pytest.mark.parametrize("seed", range(10))
def test_same_concepts_as_searching_every_form(seed):
    rng = random.Random(seed)
    forms = [form for form, _ in ts._HAN_FORMS]
    filler = list("日常分享探店护肤好物推荐美食旅行的了是")
    for _ in range(50):
        pieces = [rng.choice(forms) if rng.random() < 0.4 else rng.choice(filler) for _ in range(rng.randint(1, 12))]
        run = "".join(pieces)
        assert list(ts._han_forms_in(run)) == [(form, c) for form, c in ts._HAN_FORMS if form in run]
        concepts = [t for t in ts.tokens(run) if t.startswith("concept:")]
        assert concepts == _searching_every_form(run)
