"""Bilingual text similarity, value alignment and brand safety (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.words import en
from vetting.scoring.text_similarity import similarity, term_vector, tokens
from vetting.scoring.value_alignment import (
    COMPETITOR_PENALTY,
    KEYWORD_PENALTY,
    PostText,
    brand_safety_hits,
    hit_penalties,
    safety_matches,
    topic_terms,
    value_alignment,
)

BRAND_VALUES = ["sustainable", "natural skincare", "天然"]
BRAND_DESCRIPTION = "Clean skincare for sensitive skin, made with plant-based ingredients."


def test_chinese_is_tokenised_without_segmentation():
    toks = tokens("环保护肤分享")
    assert "b:环保" in toks and "b:护肤" in toks and "c:肤" in toks
    assert "concept:sustainability" in toks and "concept:skincare" in toks


def test_english_and_chinese_meet_through_concepts():
    assert similarity("eco-friendly skincare routine", "环保护肤日常") > 0.2
    assert similarity("eco-friendly skincare routine", "游戏直播 电竞") == 0.0


def test_related_texts_score_above_unrelated_ones():
    creator = ["My morning skincare routine with a gentle organic serum", "sunset hike in the alps"]
    gamer = ["ranked grind tonight, new gaming headset", "esports finals watch party"]
    assert similarity(BRAND_VALUES + [BRAND_DESCRIPTION], creator) > similarity(
        BRAND_VALUES + [BRAND_DESCRIPTION], gamer
    )


def test_term_vector_is_normalised_and_limited():
    vec = term_vector(["alpha beta gamma delta " * 3, "epsilon zeta"], limit=3)
    assert len(vec) == 3
    assert sum(w * w for w in vec.values()) == pytest.approx(1.0)


def test_excluded_keyword_in_a_caption_is_cited_with_its_post():
    posts = [
        PostText(1, dt.date(2026, 2, 1), "New serum day #skincare"),
        PostText(2, dt.date(2026, 2, 3), "Friday night at the casino, lucky again"),
        PostText(3, dt.date(2026, 2, 4), "周末去了澳门，赌博真刺激"),
    ]
    hits = brand_safety_hits(posts, excluded_keywords=["赌博"], excluded_topics=["gambling"])
    assert {h.post_id for h in hits} == {2, 3}
    casino = [h for h in hits if h.post_id == 2]
    assert casino[0].kind == "excluded_topic" and "casino" in casino[0].term and casino[0].date == "2026-02-03"
    keyword = [h for h in hits if h.post_id == 3 and h.kind == "excluded_keyword"]
    assert keyword and keyword[0].term == "赌博" and "赌博" in keyword[0].snippet
    # several hits in one post are charged once
    assert sum(h.penalty for h in hits if h.post_id == 3) == pytest.approx(0.25)


def test_keywords_match_whole_words_only():
    posts = [PostText(1, None, "A bettering routine"), PostText(2, None, "place your bet now")]
    assert [h.post_id for h in brand_safety_hits(posts, excluded_keywords=["bet"])] == [2]


def test_competitor_sponsorship_is_a_hit():
    posts = [
        PostText(7, None, "my favourite cream", is_sponsored=True, sponsor="GlowCo"),
        PostText(8, None, "GlowCo haul (not sponsored)"),
    ]
    hits = brand_safety_hits(posts, competitors=["glowco"])
    assert [(h.kind, h.post_id) for h in hits] == [("competitor_sponsored", 7)]


def test_the_bare_matcher_gives_positions_and_the_snippet_of_the_original_text():
    """`safety_matches` (what the catalogue-wide search runs on its rows): the post's position,
    kind, term and snippet; a literal inside a longer word is not a hit; a competitor named in
    the sponsor is cited with the sponsor as written."""
    posts = [
        ("A bettering routine", None, False, ""),
        ("Place your BET now", ["weekend"], False, ""),
        ("lunch", ["#Bet"], True, "GlowCo Ltd"),
        ("glowco haul", None, False, ""),
    ]
    found = safety_matches(posts, excluded_keywords=["bet", "bet"], competitors=["GlowCo"])
    assert found == [
        (1, "excluded_keyword", "bet", "Place your BET now #weekend"),
        (2, "excluded_keyword", "bet", "lunch #Bet"),
        (2, "competitor_sponsored", "GlowCo", "GlowCo Ltd"),
    ]


def reference_matches(posts, **rules):
    """`safety_matches` written plainly: every caption NFKC-normalised and lower-cased, each
    rule's pattern searched from the start of the text."""
    import unicodedata

    from vetting.scoring.value_alignment import _norm, _snippet, term_pattern

    terms = [("excluded_keyword", k, k) for k in rules.get("excluded_keywords", [])]
    terms += [
        ("excluded_topic", t if term == _norm(t).strip() else f"{t}: {term}", term)
        for t in rules.get("excluded_topics", [])
        for term in topic_terms(t)
    ]
    found = []
    for i, (caption, hashtags, sponsored, sponsor) in enumerate(posts):
        text = caption + "\n" + (" ".join(f"#{h.lstrip('#')}" for h in hashtags) if hashtags else "")
        low = unicodedata.normalize("NFKC", text).lower()
        seen = set()
        for kind, label, term in terms:
            match = term_pattern(term).search(low)
            if match and label not in seen:
                seen.add(label)
                found.append((i, kind, label, _snippet(text, match)))
        for rival in rules.get("competitors", []) if sponsored else []:
            in_sponsor = term_pattern(rival).search(_norm(sponsor))
            match = in_sponsor or term_pattern(rival).search(low)
            if match:
                found.append((i, "competitor_sponsored", rival, sponsor if in_sponsor else _snippet(text, match)))
                break
    return found


def test_the_matcher_finds_what_a_search_from_the_start_of_every_normalised_text_finds():
    """The matcher searches a term's pattern from where its literal first occurs (one character
    earlier, for a "#" before it) and skips NFKC for ASCII text: the same hits and snippets as
    searching every normalised text from its start. The literal inside a longer word first, a
    hashtag far enough in for its "#" to move the snippet, full-width letters that only NFKC
    turns into the term."""
    prefix = "a long enough introduction to push the match past forty chars: "
    posts = [
        (prefix + "alphabet soup, then #bet on it", None, False, ""),
        (prefix + "a#bet is no hashtag, but bet is", None, False, ""),
        ("#bet at the very start", None, False, ""),
        (prefix + "ＢＥＴ in full width, and ｃａｓｉｎｏ", None, False, ""),
        (prefix + "赌博赌博 twice", ["bet"], True, "Rival Co"),
        ("better not", None, True, "rivalco"),
        (prefix + "sponsored by rival co, see #rival", None, True, "someone"),
    ]
    rules = {"excluded_keywords": ["bet", "赌博"], "excluded_topics": ["gambling"], "competitors": ["Rival Co"]}
    found = safety_matches(posts, **rules)
    assert found == reference_matches(posts, **rules)
    assert (
        0,
        "excluded_keyword",
        "bet",
        "…h past forty chars: alphabet soup, then #bet on it ",
    ) in found
    assert {i for i, *_ in found} == {0, 1, 2, 3, 4, 6}


def test_each_post_is_charged_once_per_family_even_when_listed_twice():
    hits = [(1, "excluded_keyword"), (1, "excluded_topic"), (1, "competitor_sponsored"), (2, "excluded_topic")]
    assert hit_penalties(hits + [(1, "excluded_keyword")]) == [
        KEYWORD_PENALTY,
        0.0,
        COMPETITOR_PENALTY,
        KEYWORD_PENALTY,
        0.0,
    ]


def test_topic_terms_expand_through_the_concept_table():
    assert {"casino", "赌博", "gambling"} <= set(topic_terms("gambling"))
    assert "alcohol" in topic_terms("beer") and "啤酒" in topic_terms("alcohol")


def test_value_alignment_subtracts_safety_hits_and_explains():
    captions = ["Gentle organic skincare for sensitive skin 天然护肤", "plant-based serum, zero waste packaging"]
    clean = value_alignment(
        brand_values=BRAND_VALUES,
        brand_description=BRAND_DESCRIPTION,
        captions=captions,
        posts=[PostText(i, None, c) for i, c in enumerate(captions)],
        excluded_keywords=["gambling"],
    )
    unsafe_posts = [PostText(i, None, c) for i, c in enumerate(captions)] + [PostText(9, None, "gambling night!")]
    unsafe = value_alignment(
        brand_values=BRAND_VALUES,
        brand_description=BRAND_DESCRIPTION,
        captions=captions,
        posts=unsafe_posts,
        excluded_keywords=["gambling"],
    )
    assert clean.score > 0.5 and clean.safety_penalty == 0
    assert "skincare" in clean.shared_terms
    assert unsafe.score == pytest.approx(clean.score - 0.25, abs=1e-3)
    assert "gambling in post 9" in en(unsafe.explanation)


def test_moodboard_similarity_blends_in():
    base = value_alignment(brand_values=BRAND_VALUES, captions=["skincare"])
    with_images = value_alignment(brand_values=BRAND_VALUES, captions=["skincare"], moodboard_similarity=1.0)
    assert with_images.score > base.score
    assert "mood-board match vs the catalogue 1.00" in en(with_images.explanation)
