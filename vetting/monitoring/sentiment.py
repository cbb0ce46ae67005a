"""Sentiment of captions and comments, Chinese and English, offline.

Two well-known libraries that ship their own lexicon or model inside the package (nothing is
downloaded at run time):
- English and other Latin-script text: VADER (`vaderSentiment`, Hutto & Gilbert 2014), a lexicon
  and rules tuned for social-media text. Its `compound` score is already in −1..1; the authors'
  thresholds are used for the label: ≥ 0.05 positive, ≤ −0.05 negative.
- Chinese: SnowNLP, a naive-Bayes classifier trained on product reviews, giving P(positive) in
  0..1. Mapped to −1..1 as 2·p − 1. Its scores on short comments are noisy (questions such as
  "请问是什么牌子？" lean negative), so its neutral band is wide: score ≤ −0.4 (p ≤ 0.3) negative,
  ≥ 0.4 (p ≥ 0.7) positive. The watch rules compare a creator with their own baseline, which
  absorbs such a constant bias.

Language is decided per text by script: Han characters go to SnowNLP, the rest to VADER; a mixed
text ("Love this 好看") is scored by both, weighted by the amount of text each part has (a Han
character counts as 1/1.5 word, the average length of a Chinese word).

One domain adjustment: a few emojis that VADER reads literally are used as praise or scorn in
comments (🔥 "fire" would be negative, 😡 neutral); they are replaced by a plain word before
scoring (`SOCIAL_EMOJI`).
"""

from __future__ import annotations

import gc
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

NEGATIVE = "negative"
NEUTRAL = "neutral"
POSITIVE = "positive"

VADER_THRESHOLD = 0.05  # Hutto & Gilbert's recommended cut on the compound score
SNOWNLP_THRESHOLD = 0.4  # on 2p − 1, i.e. p ≤ 0.3 negative, p ≥ 0.7 positive
HAN_CHARS_PER_WORD = 1.5

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f']+")

SOCIAL_EMOJI = {
    "🔥": " great ",
    "💯": " great ",
    "😍": " love ",
    "🥰": " love ",
    "❤️": " love ",
    "❤": " love ",
    "👏": " great ",
    "🙌": " great ",
    "😡": " awful ",
    "🤬": " awful ",
    "👎": " bad ",
    "🤮": " disgusting ",
    "💩": " awful ",
    "🙄": " annoying ",
    "😒": " annoying ",
    "😤": " angry ",
}
_EMOJI_RE = re.compile("|".join(re.escape(e) for e in sorted(SOCIAL_EMOJI, key=len, reverse=True)))


@dataclass(frozen=True)
class SentimentResult:
    """The sentiment of one text: score in −1..1, its label, the language route and the method."""

    score: float
    label: str
    language: str  # "zh", "en", "mixed" or "none" (no scorable text)
    method: str

    def as_dict(self) -> dict[str, Any]:
        return {"score": round(self.score, 4), "label": self.label, "language": self.language, "method": self.method}


def _label(score: float, threshold: float) -> str:
    if score <= -threshold:
        return NEGATIVE
    if score >= threshold:
        return POSITIVE
    return NEUTRAL


class _Engines:
    """The two analysers, loaded once per process on first use (SnowNLP's segmenter takes a few
    seconds to unpickle, so it is never loaded by code that only scores English)."""

    _lock = threading.Lock()
    _vader: Any = None
    _snownlp: Any = None

    @classmethod
    def vader(cls) -> Any:
        if cls._vader is None:
            with cls._lock:
                if cls._vader is None:
                    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

                    cls._vader = SentimentIntensityAnalyzer()
        return cls._vader

    @classmethod
    def snownlp(cls) -> Any:
        if cls._snownlp is None:
            with cls._lock:
                if cls._snownlp is None:
                    # The segmenter unmarshals millions of small objects: with the cyclic GC
                    # running that takes far longer, and every later full collection would walk
                    # them again. Load with GC paused, then freeze them out of its way.
                    enabled = gc.isenabled()
                    gc.disable()
                    try:
                        from snownlp import SnowNLP
                    finally:
                        gc.freeze()
                        if enabled:
                            gc.enable()
                    cls._snownlp = SnowNLP
        return cls._snownlp


def detect_language(text: str) -> str:
    """ "zh" when the text has Han characters and no Latin words, "en" for Latin words only,
    "mixed" for both, "none" for neither (emoji or punctuation only)."""
    han = len(_HAN.findall(text))
    words = len(_LATIN_WORD.findall(text))
    if han and words:
        return "mixed"
    if han:
        return "zh"
    if words:
        return "en"
    return "none"


def _vader_score(text: str) -> float:
    return float(_Engines.vader().polarity_scores(text)["compound"])


def _snownlp_score(text: str) -> float:
    return 2.0 * float(_Engines.snownlp()(text).sentiments) - 1.0


@lru_cache(maxsize=50_000)
def analyze(text: str) -> SentimentResult:
    """Sentiment of one caption or comment (cached: comment texts repeat a lot)."""
    text = (text or "").strip()
    prepared = _EMOJI_RE.sub(lambda m: SOCIAL_EMOJI[m.group(0)], text)
    language = detect_language(prepared)
    if language == "none":
        # Emoji/punctuation only: VADER still reads its emoji lexicon; no Chinese model needed.
        score = _vader_score(prepared) if prepared else 0.0
        return SentimentResult(score, _label(score, VADER_THRESHOLD), "none", "vader")
    if language == "en":
        score = _vader_score(prepared)
        return SentimentResult(score, _label(score, VADER_THRESHOLD), "en", "vader")
    han_text = "".join(_HAN_RUN.findall(prepared))
    if language == "zh":
        score = _snownlp_score(han_text)
        return SentimentResult(score, _label(score, SNOWNLP_THRESHOLD), "zh", "snownlp")
    latin_text = _HAN_RUN.sub(" ", prepared)
    zh_weight = len(_HAN.findall(han_text)) / HAN_CHARS_PER_WORD
    en_weight = float(len(_LATIN_WORD.findall(latin_text)))
    zh_score, en_score = _snownlp_score(han_text), _vader_score(latin_text)
    score = (zh_weight * zh_score + en_weight * en_score) / (zh_weight + en_weight)
    # The label follows the part with more text, with that engine's own threshold.
    if zh_weight >= en_weight:
        label = _label(score, SNOWNLP_THRESHOLD)
    else:
        label = _label(score, VADER_THRESHOLD)
    return SentimentResult(score, label, "mixed", "snownlp+vader")


def analyze_many(texts: list[str]) -> list[SentimentResult]:
    """`analyze` over a list, in order."""
    return [analyze(t) for t in texts]
