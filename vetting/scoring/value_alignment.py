"""Brand-value alignment and brand safety.

alignment = text part (brand values + description vs the creator's bio and recent captions,
`text_similarity`), blended with the mood-board score from the vision module when there is
one (60% text, 40% images), minus brand-safety penalties. The mood-board score is already on a
calibrated 0..1 scale (vision.services.profiles.moodboard_similarity: 0 = no closer to the board
than a typical catalogue account, 1 = three standard deviations above), the same for every
embedder, so it is blended as it comes:
- an excluded keyword, or a keyword of an excluded topic (topic → keywords via the bilingual
  concept table), found in a recent caption or hashtag: −0.25 per post that has one;
- a sponsored post for a competitor: −0.30 per post;
penalties are capped at 0.9 and every hit is listed with the post that triggered it.

The cosine similarity of short texts is small even when they agree (0.2 is a good match), so
the text part is 1 − exp(−cosine / 0.2): 0.1 → 0.39, 0.2 → 0.63, 0.4 → 0.86.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from core.messages import Message
from vetting import messages as m
from vetting.scoring.text_similarity import CONCEPTS, cosine, shared_terms, term_vector

TEXT_SCALE = 0.2
MOODBOARD_WEIGHT = 0.4
KEYWORD_PENALTY = 0.25
COMPETITOR_PENALTY = 0.30
MAX_PENALTY = 0.9
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")


@dataclass
class PostText:
    """The text of one post that alignment and brand safety read."""

    post_id: Any
    posted_at: dt.datetime | dt.date | None = None
    caption: str = ""
    hashtags: Sequence[str] = ()
    is_sponsored: bool = False
    sponsor: str = ""


@dataclass
class SafetyHit:
    """One brand-safety problem found in one post."""

    kind: str  # excluded_keyword | excluded_topic | competitor_sponsored
    term: str
    post_id: Any
    date: str | None
    snippet: str
    penalty: float = 0.0


@dataclass
class ValueAlignment:
    """Alignment score in [0, 1] with its parts and the evidence behind them."""

    score: float
    text_similarity: float
    text_score: float
    moodboard_similarity: float | None
    safety_penalty: float
    hits: list[SafetyHit] = field(default_factory=list)
    shared_terms: list[str] = field(default_factory=list)
    explanation: Message | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _term_needle(term: str) -> str:
    """The literal that `term_pattern(term)` matches (every match contains it)."""
    return _norm(term).strip().lstrip("#")


def term_pattern(term: str) -> re.Pattern[str]:
    """Case-insensitive matcher: substring for Chinese terms, whole words/phrases otherwise."""
    term = _term_needle(term)
    if _HAN.search(term):
        return re.compile(re.escape(term))
    return re.compile(r"(?<![\w])#?" + re.escape(term) + r"(?![\w])")


def _finder(term: str) -> tuple[str, Callable[..., re.Match[str] | None]]:
    """`term_pattern(term).search` and the literal each of its matches contains: the matcher
    looks for the literal first (`find`: most posts the database found hit one rule of several,
    and the pattern's lookbehind leaves the regex engine no literal prefix to skip ahead with),
    then searches from where it is."""
    return _term_needle(term), term_pattern(term).search


def topic_terms(topic: str) -> list[str]:
    """Keywords of an excluded topic: its concept-table forms when the topic is (or names) a
    concept, plus the topic itself."""
    key = _norm(topic).strip().replace(" ", "_").replace("-", "_")
    forms = list(CONCEPTS.get(key, ()))
    if not forms:
        for concept_forms in CONCEPTS.values():
            if _norm(topic).strip() in (f.lower() for f in concept_forms):
                forms = list(concept_forms)
                break
    return sorted({_norm(topic).strip(), *forms})


def _snippet(text: str, match: re.Match[str], width: int = 40) -> str:
    start, end = max(0, match.start() - width), min(len(text), match.end() + width)
    return ("…" if start else "") + text[start:end].replace("\n", " ") + ("…" if end < len(text) else "")


def _date(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()


def brand_safety_hits(
    posts: Sequence[PostText],
    *,
    excluded_keywords: Iterable[str] = (),
    excluded_topics: Iterable[str] = (),
    competitors: Iterable[str] = (),
) -> list[SafetyHit]:
    """Every post that uses an excluded keyword or topic keyword, or is sponsored by a competitor."""
    found = safety_matches(
        ((post.caption, post.hashtags, post.is_sponsored, post.sponsor) for post in posts),
        excluded_keywords=excluded_keywords,
        excluded_topics=excluded_topics,
        competitors=competitors,
    )
    hits = [
        SafetyHit(kind, term, posts[i].post_id, _date(posts[i].posted_at), snippet) for i, kind, term, snippet in found
    ]
    for hit, penalty in zip(hits, hit_penalties([(hit.post_id, hit.kind) for hit in hits]), strict=True):
        hit.penalty = penalty
    return hits


def safety_matches(
    posts: Iterable[tuple[str, Sequence[str] | None, bool, str]],
    *,
    excluded_keywords: Iterable[str] = (),
    excluded_topics: Iterable[str] = (),
    competitors: Iterable[str] = (),
) -> list[tuple[int, str, str, str]]:
    """The matcher of `brand_safety_hits` on bare posts (caption, hashtags, is_sponsored,
    sponsor): (the post's position, kind, term, snippet) of every hit, in the posts' order, so
    that a catalogue-wide search makes no object per post or hit (`brand_safety_hits` makes the
    SafetyHits, `hit_penalties` charges them)."""
    rules: list[tuple[str, str, str, Callable[..., re.Match[str] | None]]] = []
    for kw in excluded_keywords:
        if kw and str(kw).strip():
            rules.append(("excluded_keyword", str(kw).strip(), *_finder(str(kw))))
    for topic in excluded_topics:
        if topic and str(topic).strip():
            for term in topic_terms(str(topic)):
                label = f"{topic}: {term}" if term != _norm(topic).strip() else str(topic)
                rules.append(("excluded_topic", label, *_finder(term)))
    rivals = [(str(c).strip(), *_finder(str(c))) for c in competitors if c and str(c).strip()]
    found: list[tuple[int, str, str, str]] = []
    append = found.append
    normalize = unicodedata.normalize
    for i, (caption, hashtags, is_sponsored, post_sponsor) in enumerate(posts):
        text = (caption or "") + "\n"
        if hashtags:
            text += " ".join(f"#{h.lstrip('#')}" for h in hashtags)
        # _norm(text); NFKC leaves ASCII as it is (most captions: no normalisation pass)
        low = text.lower() if text.isascii() else normalize("NFKC", text).lower()
        seen: set[str] | None = None
        for kind, term, needle, search in rules:
            at = low.find(needle)
            if at >= 0 and (seen is None or term not in seen):
                # Every match holds the literal, at its start or after its "#": none starts
                # before `at - 1`, and the lookbehind still sees the character before that.
                match = search(low, at - 1 if at else 0)
                if match:
                    if seen is None:
                        seen = {term}
                    else:
                        seen.add(term)
                    append((i, kind, term, _snippet(text, match)))
        if is_sponsored:
            sponsor = _norm(post_sponsor or "")
            for name, needle, search in rivals:
                in_sponsor = search(sponsor) if needle in sponsor else None
                match = in_sponsor or (search(low) if needle in low else None)
                if match:
                    append((i, "competitor_sponsored", name, post_sponsor if in_sponsor else _snippet(text, match)))
                    break
    return found


def hit_penalties(hits: Sequence[tuple[Any, str]]) -> list[float]:
    """The penalty of each hit (post id, kind), in order (`charged_penalties`, the posts keyed
    by their ids)."""
    keys: dict[Any, int] = {}
    posts = np.array([keys.setdefault(post_id, len(keys)) for post_id, _ in hits], dtype=np.int64)
    competitor = np.array([kind == "competitor_sponsored" for _, kind in hits], dtype=bool)
    return charged_penalties(posts, competitor).tolist()


def charged_penalties(posts: np.ndarray, competitor: np.ndarray) -> np.ndarray:
    """The penalty of each hit, in order, given its post (an integer key) and whether it is a
    competitor's sponsorship: one per post and kind family, so ten hits in one caption count
    once (the post's first hit of the family is charged, the others 0)."""
    _, first = np.unique(posts * 2 + competitor, return_index=True)
    charged = np.zeros(len(posts), dtype=bool)
    charged[first] = True
    return np.where(competitor, COMPETITOR_PENALTY, KEYWORD_PENALTY) * charged


def brand_vector(values: Iterable[str], description: str = "") -> dict[str, float]:
    """Term vector of a brand's values and description (values count twice: they are the brief)."""
    values = [str(v) for v in values or () if v]
    return term_vector(values + values + ([description] if description else []))


def value_alignment(
    *,
    brand_values: Iterable[str],
    brand_description: str = "",
    bio: str = "",
    captions: Sequence[str] = (),
    posts: Sequence[PostText] = (),
    excluded_keywords: Iterable[str] = (),
    excluded_topics: Iterable[str] = (),
    competitors: Iterable[str] = (),
    moodboard_similarity: float | None = None,
    creator_vector: Mapping[str, float] | None = None,
    idf: Mapping[str, float] | None = None,
) -> ValueAlignment:
    """Alignment of a creator with a brand, minus brand-safety hits found in `posts`.

    `creator_vector` (a cached `term_vector` of bio + captions) replaces `bio`/`captions` when
    given; `idf` weights the brand's terms by how rare they are among the candidates."""
    query = brand_vector(brand_values, brand_description)
    doc = creator_vector if creator_vector is not None else term_vector([bio, *captions])
    sim = cosine(query, doc, idf)
    text_score = 1.0 - math.exp(-sim / TEXT_SCALE)
    base = text_score
    if moodboard_similarity is not None and not math.isnan(moodboard_similarity):
        base = (1 - MOODBOARD_WEIGHT) * text_score + MOODBOARD_WEIGHT * min(1.0, max(0.0, moodboard_similarity))
    hits = brand_safety_hits(
        posts, excluded_keywords=excluded_keywords, excluded_topics=excluded_topics, competitors=competitors
    )
    penalty = min(MAX_PENALTY, sum(h.penalty for h in hits))
    score = max(0.0, base - penalty)
    terms = shared_terms(query, doc)
    parts = [
        m.TEXT_SIMILARITY_SHARED(similarity=sim, score=text_score, terms=terms)
        if terms
        else m.TEXT_SIMILARITY(similarity=sim, score=text_score)
    ]
    if moodboard_similarity is not None:
        parts.append(m.MOOD_BOARD(similarity=moodboard_similarity))
    if hits:
        counted = [h for h in hits if h.penalty]
        parts.append(
            m.SAFETY_HITS(
                penalty=penalty,
                n=len(counted),
                hits=[m.SAFETY_HIT_IN_POST(term=h.term, post=str(h.post_id)) for h in counted[:5]],
            )
        )
    return ValueAlignment(
        score=round(score, 4),
        text_similarity=round(sim, 4),
        text_score=round(text_score, 4),
        moodboard_similarity=moodboard_similarity,
        safety_penalty=round(penalty, 4),
        hits=hits,
        shared_terms=terms,
        explanation=m.JOINED(items=parts),
    )
