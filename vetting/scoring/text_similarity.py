"""Small offline text similarity for Chinese and English (and other Latin-script languages).

Tokens: Latin words (lower-cased, accents kept, a light plural strip, stop words dropped),
hashtags as words, and for runs of Chinese characters their single characters and bigrams
(the usual word-segmentation-free approach for Chinese retrieval). A bilingual concept table maps
English and Chinese surface forms of the same idea ("sustainable", "eco-friendly", "环保", "可持续")
to one concept token, so "eco skincare" and "环保护肤" meet. Documents become sublinear-tf
vectors (1 + log tf), L2-normalised; similarity is the cosine, with IDF weights on the query side
when a corpus is given. No model, no download.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import cast

from core.memo import Memo

CONCEPTS: dict[str, tuple[str, ...]] = {
    "sustainability": (
        "sustainable",
        "sustainability",
        "eco",
        "eco-friendly",
        "ecofriendly",
        "green",
        "recycle",
        "recycled",
        "recycling",
        "zero waste",
        "zerowaste",
        "planet",
        "climate",
        "环保",
        "可持续",
        "绿色",
        "低碳",
        "回收",
        "零浪费",
    ),
    "natural": (
        "natural",
        "organic",
        "clean",
        "plant-based",
        "plantbased",
        "botanical",
        "vegan",
        "天然",
        "有机",
        "纯净",
        "植物",
        "无添加",
    ),
    "skincare": (
        "skincare",
        "skin",
        "moisturizer",
        "moisturiser",
        "serum",
        "sunscreen",
        "cleanser",
        "护肤",
        "保湿",
        "精华",
        "肌肤",
        "面霜",
        "防晒",
        "洁面",
    ),
    "sensitive_skin": ("sensitive", "gentle", "soothing", "敏感肌", "温和", "舒缓"),
    "makeup": (
        "makeup",
        "cosmetics",
        "lipstick",
        "foundation",
        "eyeshadow",
        "beauty",
        "美妆",
        "化妆",
        "口红",
        "彩妆",
        "粉底",
    ),
    "fashion": ("fashion", "outfit", "style", "ootd", "streetwear", "wardrobe", "穿搭", "时尚", "搭配", "衣橱"),
    "travel": ("travel", "trip", "journey", "wanderlust", "vacation", "holiday", "旅行", "旅游", "出行", "度假"),
    "food": (
        "food",
        "recipe",
        "foodie",
        "cooking",
        "restaurant",
        "dessert",
        "美食",
        "食谱",
        "做饭",
        "料理",
        "探店",
        "甜品",
    ),
    "fitness": (
        "fitness",
        "workout",
        "gym",
        "yoga",
        "running",
        "training",
        "pilates",
        "健身",
        "运动",
        "瑜伽",
        "跑步",
        "训练",
        "普拉提",
    ),
    "wellness": (
        "wellness",
        "wellbeing",
        "mindfulness",
        "health",
        "healthy",
        "selfcare",
        "meditation",
        "健康",
        "养生",
        "冥想",
        "自律",
    ),
    "luxury": ("luxury", "premium", "designer", "haute", "奢侈", "高端", "轻奢", "奢华"),
    "minimalism": ("minimalist", "minimal", "minimalism", "simple", "simplicity", "极简", "简约", "简单"),
    "handmade": ("handmade", "craft", "crafted", "artisan", "handcrafted", "手工", "匠心", "手作"),
    "family": ("mom", "mum", "mother", "baby", "parenting", "kids", "family", "母婴", "宝宝", "育儿", "亲子", "妈妈"),
    "tech": ("tech", "technology", "gadget", "smartphone", "laptop", "科技", "数码", "手机", "电脑"),
    "gaming": ("gaming", "gamer", "esports", "videogame", "游戏", "电竞", "手游"),
    "pets": ("pet", "pets", "dog", "puppy", "cat", "kitten", "宠物", "猫咪", "狗狗", "萌宠", "铲屎官"),
    "home": ("home", "interior", "decor", "homedecor", "家居", "装修", "软装", "居家"),
    "art": ("art", "artist", "design", "illustration", "painting", "艺术", "设计", "插画", "绘画"),
    "photography": ("photography", "photographer", "photo", "camera", "摄影", "拍照", "相机"),
    "cruelty_free": ("cruelty-free", "crueltyfree", "零残忍", "不做动物实验"),
    "innovation": ("innovation", "innovative", "science", "research", "创新", "科研", "研发"),
    "quality": ("quality", "craftsmanship", "durable", "品质", "质量", "耐用"),
    "affordable": ("affordable", "budget", "cheap", "value", "平价", "性价比", "实惠"),
    # topics brands commonly exclude (brand safety)
    "alcohol": (
        "alcohol",
        "beer",
        "wine",
        "whisky",
        "whiskey",
        "vodka",
        "cocktail",
        "drunk",
        "酒精",
        "啤酒",
        "白酒",
        "红酒",
        "喝酒",
        "醉",
    ),
    "gambling": (
        "gambling",
        "casino",
        "betting",
        "bet",
        "poker",
        "slots",
        "lottery",
        "赌博",
        "博彩",
        "赌场",
        "彩票",
        "下注",
    ),
    "tobacco": ("smoking", "cigarette", "cigarettes", "vape", "vaping", "tobacco", "吸烟", "香烟", "电子烟", "烟草"),
    "politics": ("politics", "political", "election", "protest", "政治", "选举", "抗议"),
    "adult": ("nsfw", "onlyfans", "xxx", "成人", "色情", "擦边"),
    "weapons": ("gun", "guns", "weapon", "weapons", "rifle", "枪支", "武器"),
    "drugs": ("drugs", "cannabis", "weed", "marijuana", "cocaine", "毒品", "大麻"),
    "fast_fashion": ("fast fashion", "haul", "shein", "快时尚"),
}

STOPWORDS = set(
    "a an the and or but if of to in on at by for with from as is are was were be been being it its this that these "
    "those i me my we our you your he she they them his her their what which who whom so very just not no yes do does "
    "did have has had will would can could should about into over under more most some any all each other than then "
    "too also only own same there here when where why how up down out off again once my your our new get got like "
    "der die das und ist nicht ein eine mit für auf le la les et est un une des pour avec el los las y es que con por "
    "的 了 是 在 我 你 他 她 和 也 就 都 很 还 这 那 有 一 个 吧 啊 呢 吗".split()
)

_LATIN = re.compile(r"[#]?[0-9a-zà-öø-ÿ][0-9a-zà-öø-ÿ'\-]*")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]+")

# surface form → concept, split by script for matching
_LATIN_FORMS: dict[str, str] = {}
_HAN_FORMS: list[tuple[str, str]] = []
for _concept, _forms in CONCEPTS.items():
    for _form in _forms:
        if _HAN.fullmatch(_form):
            _HAN_FORMS.append((_form, _concept))
        else:
            _LATIN_FORMS[_form.lower()] = _concept
# Where each Chinese form is in _HAN_FORMS, and the lengths there are: `tokens` looks up the
# substrings of a run of these lengths instead of searching the run for every form (that search
# was most of the cost of vetting an account with Chinese captions).
_HAN_FORM_INDEX: dict[str, list[int]] = {}
for _index, (_form, _concept) in enumerate(_HAN_FORMS):
    _HAN_FORM_INDEX.setdefault(_form, []).append(_index)
_HAN_FORM_LENGTHS = sorted({len(form) for form in _HAN_FORM_INDEX})


@functools.lru_cache(maxsize=65536)  # captions repeat their words: most runs were seen before
def _han_forms_in(run: str) -> tuple[tuple[str, str], ...]:
    """The (form, concept) pairs of _HAN_FORMS found in `run`, in _HAN_FORMS order."""
    found = {
        index
        for size in _HAN_FORM_LENGTHS
        for start in range(len(run) - size + 1)
        for index in _HAN_FORM_INDEX.get(run[start : start + size], ())
    }
    return tuple(_HAN_FORMS[index] for index in sorted(found))


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def concept_label(token: str) -> str:
    """Readable form of a token ("concept:skincare" → "skincare", "b:环保" → "环保")."""
    return token.split(":", 1)[1].replace("_", " ") if ":" in token else token


# First words of the two-word forms ("zero" of "zero waste"): only after one of these is the
# next word looked at.
_PAIR_FIRST = frozenset(form.split(" ", 1)[0] for form in _LATIN_FORMS if " " in form)


@functools.lru_cache(maxsize=65536)  # captions repeat their words
def _word_tokens(word: str) -> tuple[str, ...] | None:
    """The tokens of one Latin word on its own (its stem, its concept); None for a stop word."""
    if word in STOPWORDS or len(word) < 2:
        return None
    stem = _stem(word)
    concept = _LATIN_FORMS.get(word) or _LATIN_FORMS.get(stem)
    return (stem, f"concept:{concept}") if concept else (stem,)


@functools.lru_cache(maxsize=65536)
def _han_tokens(run: str) -> tuple[str, ...]:
    """The tokens of one run of CJK characters: unigrams, bigrams, then its concepts."""
    out = [f"c:{ch}" for ch in run if ch not in STOPWORDS]
    out.extend(f"b:{run[i : i + 2]}" for i in range(len(run) - 1))
    for form, concept in _han_forms_in(run):
        out.extend([f"concept:{concept}"] * run.count(form))
    return tuple(out)


@functools.lru_cache(maxsize=65536)
def _latin_match(match: str) -> tuple[str, tuple[str, ...] | None, bool]:
    """One match of _LATIN as (its word, the word's tokens or None, whether it may start a
    two-word form): the cleaning and lookups of a caption's words, once per distinct match."""
    word = match.lstrip("#").strip("'-")
    return word, _word_tokens(word) if word else None, word in _PAIR_FIRST


def _words_of(piece: str) -> tuple[str, ...]:
    """The tokens of the Latin words of one piece in turn (two-word forms aside)."""
    return tuple(itertools.chain.from_iterable(own for _, own, _ in map(_latin_match, _LATIN.findall(piece)) if own))


def _runs_of(piece: str) -> tuple[str, ...]:
    """The tokens of the runs of CJK characters of one piece in turn."""
    return tuple(itertools.chain.from_iterable(map(_han_tokens, _HAN.findall(piece))))


# The tokens of whitespace-free pieces of texts by piece, found once: read in C by
# `map(cache.__getitem__, pieces)` (an lru_cache hit costs about three times as much, and a
# caption has a dozen pieces). Bounded: emptied when full.
_PIECE_WORDS: Memo[str, tuple[str, ...]] = Memo(_words_of, limit=65_536)
_PIECE_RUNS: Memo[str, tuple[str, ...]] = Memo(_runs_of, limit=65_536)
_PAIR_FIRSTS = tuple(sorted(_PAIR_FIRST))


def _paired_tokens(matches: list[str]) -> list[str]:
    """The tokens of a text's matches of _LATIN in turn, each two-word form's concept after its
    first word ("zero waste", "fast fashion")."""
    out: list[str] = []
    # Empty words (none can match _LATIN, kept as a guard) are not neighbours of a pair.
    words = [found for found in map(_latin_match, matches) if found[0]]
    last = len(words) - 1
    for i, (word, own, pair_first) in enumerate(words):
        if own is None:
            continue
        out.extend(own)
        if pair_first and i < last:
            pair = _LATIN_FORMS.get(f"{word} {words[i + 1][0]}")
            if pair:
                out.append(f"concept:{pair}")
    return out


def tokens(text: str) -> list[str]:
    """Tokens of a text: words, CJK unigrams ("c:") and bigrams ("b:"), concepts ("concept:")."""
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text).lower()
    # No match of _LATIN or _HAN holds whitespace, so a text's matches are those of its
    # whitespace-separated pieces in turn; pieces repeat from caption to caption, so their
    # tokens are looked up rather than found by the two regular expressions (most of the cost
    # of an account's term vector). A two-word form spans two pieces: texts that may hold one
    # are walked word by word.
    # (A substring test: "breakfast" is walked too, and has no pair.)
    pieces = text.split()
    if any(map(text.__contains__, _PAIR_FIRSTS)):
        out = _paired_tokens(_LATIN.findall(text))
    else:
        out = list(itertools.chain.from_iterable(map(_PIECE_WORDS.__getitem__, pieces)))
    if not text.isascii():  # an ASCII text has no run of CJK characters
        out.extend(itertools.chain.from_iterable(map(_PIECE_RUNS.__getitem__, pieces)))
    return out


# Between the texts of `texts_tokens`: a control character that NFKC keeps as it is, neither
# cased nor case-ignorable (no context for a final sigma) and a starter that composes with nothing.
_TEXT_BREAK = "\x1f"


def texts_tokens(texts: Iterable[str]) -> Iterable[str]:
    """The `tokens` of each of `texts` in turn. A vetted account's bio and captions (a dozen
    texts) are normalised, lower-cased and checked for two-word forms and CJK runs as one text
    joined by _TEXT_BREAK rather than one by one (those calls per text were a fifth of its term
    vector): NFKC and lower-casing of the joined text are those of its texts joined (a control
    character between them neither composes with nor gives case context to its neighbours), and a
    text is walked word by word, or for CJK runs, only when the joined text asks for it.
    (`term_vector` counts these only for texts `_piece_counts` leaves.)"""
    texts = list(texts)
    try:
        joined = _TEXT_BREAK.join(texts)
    except TypeError:  # a text that is not one (None: no tokens)
        joined = ""
    if len(texts) < 2 or joined.count(_TEXT_BREAK) != len(texts) - 1:  # or a text holds the break
        return itertools.chain.from_iterable(map(tokens, texts))
    text = unicodedata.normalize("NFKC", joined).lower()
    parts = text.split(_TEXT_BREAK)
    if len(parts) != len(texts):  # (NFKC made a break: never seen; kept exact anyway)
        return itertools.chain.from_iterable(map(tokens, texts))
    paired = any(map(text.__contains__, _PAIR_FIRSTS))
    runs = not text.isascii()
    out: list[str] = []
    for original, part in zip(texts, parts):
        if not original:
            continue
        pieces = part.split()
        if paired and any(map(part.__contains__, _PAIR_FIRSTS)):
            out.extend(_paired_tokens(_LATIN.findall(part)))
        else:
            out.extend(itertools.chain.from_iterable(map(_PIECE_WORDS.__getitem__, pieces)))
        if runs and not part.isascii():
            out.extend(itertools.chain.from_iterable(map(_PIECE_RUNS.__getitem__, pieces)))
    return out


def term_vector(texts: Iterable[str], *, limit: int | None = None) -> dict[str, float]:
    """L2-normalised sublinear-tf vector of some texts (the top `limit` terms if given)."""
    texts = list(texts)
    counts = _piece_counts(texts)
    if counts is None:
        # One count over the texts' tokens in turn: the same counts, first seen in the same order.
        counts = Counter(texts_tokens(texts))
    if limit is not None and len(counts) > limit:
        # The top terms by (-weight, term): the weight 1 + log(count) rises with the count, so
        # by (-count, term), sorted in C (by term, then stably by count) instead of by a key
        # made per term in Python.
        top = sorted(counts)
        top.sort(key=counts.__getitem__, reverse=True)  # stable: equal counts stay by term
        del top[limit:]
        counts = dict(zip(top, map(counts.__getitem__, top)))
    # The weights, their squares' sum and the quotients by C calls alone (the same numbers, added
    # in the same order, as the comprehensions they replace).
    values = list(map(_SUBLINEAR.__getitem__, counts.values()))
    norm = math.sqrt(sum(map(operator.mul, values, values)))
    return dict(zip(counts, map(operator.truediv, values, itertools.repeat(norm)))) if norm else {}


# Whitespace that str.split splits at and bytes.split does not (bytes split at ASCII space, tab,
# newline, CR, VT and FF only): the ones NFKC keeps (it makes the others, such as the no-break
# and ideographic spaces, a space); _TEXT_BREAK aside, counted on its own.
_OTHER_SPACES = "".join(
    ch
    for ch in map(chr, range(0x3001))  # (no whitespace beyond U+3000)
    if ch.isspace() and ch not in " \t\n\r\x0b\x0c" + _TEXT_BREAK and unicodedata.normalize("NFKC", ch) == ch
)
_BREAK_BYTES = _TEXT_BREAK.encode()
_PAIR_FIRST_BYTES = tuple(first.encode() for first in _PAIR_FIRSTS)
# A mark before each text's pieces in an account's stream of pieces (`_piece_counts`): 1-tuples,
# so that chain.from_iterable yields the number.
_MARKS = tuple((i,) for i in range(256))


def _piece_parts(piece: bytes) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A piece's (UTF-8) tokens as (those of its Latin words, those of its CJK runs), as
    _PIECE_WORDS and _PIECE_RUNS give them."""
    text = piece.decode()
    return _words_of(text), _runs_of(text)


# `_piece_parts` of each distinct piece, worked out once. Bounded: emptied when full.
_PIECE_PARTS: Memo[bytes, tuple[tuple[str, ...], tuple[str, ...]]] = Memo(_piece_parts, limit=65_536)


def _paired_part_tokens(part: str) -> tuple[str, ...]:
    """The tokens of one normalised text that may hold a two-word form, as `texts_tokens` finds them."""
    out = _paired_tokens(_LATIN.findall(part))
    if not part.isascii():
        out.extend(itertools.chain.from_iterable(map(_PIECE_RUNS.__getitem__, part.split())))
    return tuple(out)


def _piece_counts(texts: Sequence[str | None]) -> dict[str, int] | None:
    """The counts of the tokens of `texts` in turn (as `Counter(texts_tokens(texts))`, first seen
    in the same order), or None where this way does not apply (texts that are not str or None,
    the break character in a text, too many texts).

    Why: a dozen captions are some 150 whitespace-separated pieces and twice as many tokens, but
    only a score of distinct pieces. So the pieces are counted, not the tokens: one pass of NFKC
    and lower-casing over the texts joined by _TEXT_BREAK (as in `texts_tokens`), one UTF-8
    encoding, the pieces split as bytes (a third cheaper than str.split on a non-ASCII text, and
    the same pieces when no whitespace but the six ASCII ones is left), and a Counter over them
    with a mark before each text's; then each distinct piece's tokens, looked up once, counted
    times its count. The order: a text's tokens are its words' then its CJK runs', so a token is
    first seen in the first text holding a piece that makes it, and in that text with the pieces
    first seen there, their words' tokens before their runs'. The Counter keeps its keys in
    first-seen order, so the pieces between two marks are those first seen in the text after
    the first mark, in order. A text with a two-word form's first word is tokenised whole (one
    key: the tuple of its tokens, counted as its own words' tokens)."""
    n = len(texts)
    if n > len(_MARKS):
        return None
    try:
        joined = _TEXT_BREAK.join([text if text is not None else "" for text in texts])
    except TypeError:  # not a text: `texts_tokens` says what it makes of it
        return None
    if joined.count(_TEXT_BREAK) != n - 1:  # a text holds the break (or there are none)
        return None
    text = unicodedata.normalize("NFKC", joined).lower()
    if text.count(_TEXT_BREAK) != n - 1 or any(map(text.__contains__, _OTHER_SPACES)):
        return None
    parts = text.encode().split(_BREAK_BYTES)
    if any(map(text.__contains__, _PAIR_FIRSTS)):
        stream: list[object] = []
        for i, part in enumerate(parts):
            stream.append(i)
            if any(map(part.__contains__, _PAIR_FIRST_BYTES)):
                stream.append(_paired_part_tokens(part.decode()))
            else:
                stream.extend(part.split())
        pieces = Counter(stream)
    else:
        pieces = Counter(
            itertools.chain.from_iterable(itertools.chain.from_iterable(zip(_MARKS, map(bytes.split, parts))))
        )
    counts: dict[str, int] = {}
    get = counts.get
    parts_of = _PIECE_PARTS.__getitem__
    group: list[tuple[tuple[str, ...], tuple[str, ...], int]] = []  # the pieces first seen in a text
    for key, times in itertools.chain(pieces.items(), ((0, 0),)):  # (a last mark ends the last text)
        if key.__class__ is int:
            for words, _, seen in group:
                for token in words:
                    counts[token] = get(token, 0) + seen
            for _, runs, seen in group:
                for token in runs:
                    counts[token] = get(token, 0) + seen
            group.clear()
        elif key.__class__ is bytes:
            group.append((*parts_of(key), times))
        else:  # a text's tokens, two-word forms and all
            group.append((cast(tuple[str, ...], key), (), times))
    return counts


def _sublinear(count: int) -> float:
    """A term's weight by its count: 1 + log(count)."""
    return 1.0 + math.log(count)


# Computed once per count (a term vector takes one per term).
_SUBLINEAR: Memo[int, float] = Memo(_sublinear)


def idf_from(documents: Sequence[Mapping[str, float]], terms: Iterable[str]) -> dict[str, float]:
    """Smoothed IDF of `terms` over `documents` (term vectors): log((1+N)/(1+df)) + 1."""
    n = len(documents)
    out = {}
    for term in set(terms):
        df = sum(1 for doc in documents if term in doc)
        out[term] = math.log((1 + n) / (1 + df)) + 1.0
    return out


def cosine(query: Mapping[str, float], document: Mapping[str, float], idf: Mapping[str, float] | None = None) -> float:
    """Cosine of two term vectors, IDF-weighting the query side when `idf` is given."""
    if not query or not document:
        return 0.0
    q = {t: w * (idf.get(t, 1.0) if idf else 1.0) for t, w in query.items()}
    norm = math.sqrt(sum(w * w for w in q.values()))
    if norm == 0:
        return 0.0
    return sum(w * document.get(t, 0.0) for t, w in q.items()) / norm


def shared_terms(query: Mapping[str, float], document: Mapping[str, float], top: int = 5) -> list[str]:
    """The readable terms that contribute most to the similarity (concepts and words first)."""
    scored = [(query[t] * document[t], t) for t in query if t in document]
    scored.sort(key=lambda st: (-st[0], st[1]))
    out: list[str] = []
    for _, term in scored:
        label = concept_label(term)
        if term.startswith("c:") or label in out:
            continue  # single CJK characters are too small to show
        out.append(label)
        if len(out) == top:
            break
    return out


def similarity(a: str | Sequence[str], b: str | Sequence[str]) -> float:
    """Cosine similarity of two texts (or lists of texts), 0..1."""
    texts_a = [a] if isinstance(a, str) else list(a)
    texts_b = [b] if isinstance(b, str) else list(b)
    return cosine(term_vector(texts_a), term_vector(texts_b))
