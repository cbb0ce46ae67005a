"""`parse_brief(text)`: a brief in plain Chinese or English → discovery filters, a brand target
audience, excluded brands and topics, notes, and what was not understood.

Pure and offline: regular expressions over the vocabularies of `vetting.briefs.vocabulary`, no
network, no model, no database. The rules (docs/briefs.md):

- Recognisers run in a fixed order over the normalised text (NFKC, one kind of dash, single
  spaces); each consumes the characters it read, so a later one cannot read them again (a brand
  name is not also a category; "10-100k" is followers, not an age range).
- Filters use the discovery API's own parameter names and values (influencers/filters.py).
  What has no parameter (a city; a second category when `category` takes one) is searched as
  closely as the parameters allow and said in `notes`.
- Age, gender and interests describe people, and the catalogue knows people only through
  audiences: they become audience filters and the target audience. A place names where the
  creators are (`country`) unless it is said of the audience ("UK audience", "粉丝在英国"),
  which gives `audience_country`; either way it joins the target audience's countries.
- A `*_min` share is set only when the brief states one ("80% female", "mostly", "主要") —
  except gender: "women" alone means most of the audience (0.5), since "any female share" would
  match every audience.
- Whatever is left once every recogniser has run, fillers ("creators", "who", "博主", "的")
  trimmed, is returned in `unknown`, as typed: nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from vetting.briefs import vocabulary as v

MAX_BRIEF_CHARS = 2000
# The `worked_with` / `not_worked_with` filters take at most 50 names of at most 100 characters
# (influencers/filters.py): beyond that a phrase is left unread (and so reported unknown).
MAX_BRANDS, MAX_BRAND_CHARS = 50, 100
DEFAULT_GENDER_SHARE = 0.5  # "women" alone: most of the audience
MOSTLY_SHARE = 0.5  # "mostly", "majority", "主要", "以…为主"
APPROXIMATE = 0.2  # "around 50k followers": ± 20 %

_HOLE = "\x00"  # what a consumed character becomes in the working text
_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d\u301c]")
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_EDGE = re.compile(r"[A-Za-z0-9]")
# Clause boundaries for what is left over (also between brand names and topics in lists).
_CLAUSE = re.compile(r"[,，。;；!！?？\n、:：()（）\"“”]|\.(?!\d)|\s-\s")


# --- result ----------------------------------------------------------------------------------


@dataclass
class BriefParse:
    """What a brief says, in the product's own terms."""

    filters: dict[str, Any] = field(default_factory=dict)
    target_audience: dict[str, Any] = field(default_factory=dict)
    excluded_brands: list[str] = field(default_factory=list)
    excluded_topics: list[str] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- pattern helpers -------------------------------------------------------------------------


def _key(text: str) -> str:
    """How an alias is looked up: case-folded, single spaces, one apostrophe."""
    return _SPACES.sub(" ", text.replace("’", "'")).strip().casefold()


_ALTERNATIONS: dict[tuple[str, ...], str] = {}


def _alternation(aliases: Iterable[str]) -> str:
    """A regex alternative of `aliases`, longest first; Latin aliases as whole words (built once
    per set of aliases)."""
    ordered = tuple(sorted(set(aliases), key=lambda a: (-len(a), a)))
    built = _ALTERNATIONS.get(ordered)
    if built is None:
        built = _ALTERNATIONS[ordered] = _build_alternation(ordered)
    return built


def _build_alternation(ordered: tuple[str, ...]) -> str:
    parts = []
    for alias in ordered:
        body = re.escape(alias).replace(r"\ ", r"\s+")
        if _LATIN_EDGE.match(alias[0]):
            body = r"(?<![A-Za-z0-9])" + body
        if _LATIN_EDGE.match(alias[-1]):
            body += r"(?![A-Za-z0-9])"
        parts.append(body)
    return "(?:" + "|".join(parts) + ")"


def _lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_key(alias): name for name, aliases in table.items() for alias in aliases}


_PLATFORM_OF = _lookup(v.PLATFORMS)
_PLATFORM = re.compile(_alternation(_PLATFORM_OF), re.I)
# Written as is: "RED" (Xiaohongshu), and "X" only where it can be nothing else ("on X", "X 上").
_PLATFORM_CASED = re.compile(
    r"(?<![A-Za-z0-9])RED(?![A-Za-z0-9])|(?:(?<=\bon\s)|(?<=在))X(?![A-Za-z0-9])|X(?=\s*(?:上|平台))"
)
_PLATFORM_CASED_OF = {alias: name for name, aliases in v.CASE_SENSITIVE_PLATFORMS.items() for alias in aliases}

_COUNTRY_OF = _lookup(v.COUNTRIES)
_CITY_OF = {_key(city): value for city, value in v.CITIES.items()}
_PLACE_ALT = _alternation(list(_COUNTRY_OF) + list(_CITY_OF))
_PLACE_CASED_ALT = _alternation(
    [a for aliases in v.CASE_SENSITIVE_COUNTRIES.values() for a in aliases] + list(v.CASE_SENSITIVE_CITIES)
)
_PLACE = rf"(?:the\s+)?(?:{_PLACE_ALT}|(?-i:{_PLACE_CASED_ALT}))"
# "新加坡和马来西亚", "the US and Canada": places said together of one audience
_PLACES = rf"{_PLACE}(?:\s*(?:和|与|、|及|或|,|\band\b|\bor\b|&)\s*{_PLACE})*"
_COUNTRY_CASED_OF = {alias: code for code, aliases in v.CASE_SENSITIVE_COUNTRIES.items() for alias in aliases}

_LANGUAGE_OF = _lookup(v.LANGUAGES)
_LANGUAGE = _alternation(_LANGUAGE_OF)
_GENDER_OF = _lookup(v.GENDERS)
_GENDER = _alternation(_GENDER_OF)
_PERSONA_OF = {_key(k): val for k, val in v.PERSONAS.items()}
_CATEGORY_OF = _lookup(v.CATEGORIES)
_TIER_OF = _lookup(v.TIER_WORDS)
_TIER = _alternation(list(_TIER_OF) + list(v.TOP_TIER_WORDS))
_BRAND_OF = _lookup(v.BRANDS)
_BRAND_KNOWN = _alternation(_BRAND_OF)
_TOPIC_OF: dict[str, tuple[str, ...]] = {_key(a): (topic,) for topic, aliases in v.TOPICS.items() for a in aliases}
_TOPIC_OF.update({_key(a): topics for a, topics in v.TOPIC_PAIRS.items()})
# "酒" is alcohol, "酒店" a hotel.
_TOPIC = _alternation(_TOPIC_OF).replace("|酒)", r"|酒(?!店))")
# Words of the other vocabularies: never read as a brand name.
_OTHER_WORDS = frozenset(
    list(_CATEGORY_OF) + list(_TOPIC_OF) + list(_PLATFORM_OF) + list(_COUNTRY_OF) + list(_CITY_OF) + list(_LANGUAGE_OF)
)
_AGE_WORD_OF = {_key(word): span for span, words in v.AGE_WORDS.items() for word in words}
_GENERATION_OF = {_key(k): years for k, years in v.GENERATIONS.items()}

_FOLLOWER_WORD = r"(?:个)?(?:粉丝(?:数量|数|量级|量)?|粉|followers?|subscribers?|subs|fans)"
_AUDIENCE_WORD = r"(?:audiences?|followers|fans|viewers|readers|subscribers|consumers|users|shoppers|market)"
_AUDIENCE_ZH = r"(?:粉丝|受众|用户|观众|消费者|人群|市场)"
_MOSTLY = r"(?:mostly|mainly|majority|predominantly|primarily|largely|主要是|主要|大部分是|大部分|大多是|大多|多为)"

# Numbers: 50k, 1.5万, 10,000, 2m, 3 千, 十万, 百万 (units bind to the number before them).
_UNIT = (
    r"(?:million|thousand|mil|mn|百万|千万|万|千|亿|"
    r"k(?![A-Za-z])|K(?![A-Za-z])|m(?![A-Za-z])|M(?![A-Za-z])|w(?![A-Za-z])|W(?![A-Za-z]))"
)
_ARABIC = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN_NUMERAL = r"[一二两三四五六七八九十百千万]+"
_NUMBER = rf"(?:(?<!\d)(?<!\d[.,])(?:{_ARABIC})(?!\d)\s*{_UNIT}?|{_CN_NUMERAL})"
_UNIT_VALUE = {
    "k": 1e3,
    "thousand": 1e3,
    "千": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mil": 1e6,
    "million": 1e6,
    "百万": 1e6,
    "w": 1e4,
    "万": 1e4,
    "千万": 1e7,
    "亿": 1e8,
}
_CN_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_BIG_UNIT = {"万": 10_000, "亿": 100_000_000}

_MIN_BEFORE = (
    r"(?:at\s+least|minimum(?:\s+of)?|min\.?|over|more\s+than|above|upwards\s+of|no\s+fewer\s+than|"
    r"no\s+less\s+than|not\s+less\s+than|greater\s+than|>=|≥|>|至少|最少|不少于|不低于|超过|大于|高于|多于|起码|超)"
)
_MIN_AFTER = r"(?:及以上|或以上|以上|起|or\s+more|and\s+up|and\s+above|plus|\+|往上|at\s+minimum|minimum|min(?![a-z]))"
_MAX_BEFORE = (
    r"(?:under|below|less\s+than|fewer\s+than|up\s+to|at\s+most|maximum(?:\s+of)?|max\.?|no\s+more\s+than|"
    r"not\s+more\s+than|<=|≤|<|别超过|不要超过|不能超过|不超过|低于|少于|小于|最多|不到|不高于|最高)"
)
_MAX_AFTER = r"(?:以下|以内|之内|or\s+less|or\s+fewer|and\s+under|max|封顶)"
_APPROX_BEFORE = r"(?:around|about|roughly|approximately|approx\.?|~|约|大约|大概)"
_APPROX_AFTER = r"(?:左右|上下|ish)"

# 30%, 30 percent, 百分之30, and tenths: 六成 / 6成 (60 %)
_PERCENT = (
    r"(?:(?<!\d)(?<!\d\.)(?P<pct>\d+(?:\.\d+)?)\s*(?:%|percent|per\s+cent)|百分之(?P<pct_zh>\d+(?:\.\d+)?)|"
    r"(?P<tenths>[一二两三四五六七八九]|(?<!\d)\d)成(?!都))"
)
_SHARE_MIN_BEFORE = r"(?:at\s+least|over|above|more\s+than|>=|≥|>|超过|不低于|高于|大于|至少|达到|在)"
_SHARE_MIN_AFTER = r"(?:\+|及以上|或以上|以上|or\s+more|and\s+up)"


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


# --- the working text ------------------------------------------------------------------------


class _Text:
    """The normalised brief and what has been consumed of it."""

    def __init__(self, text: str) -> None:
        text = unicodedata.normalize("NFKC", text or "")
        text = _DASHES.sub("-", text).replace("’", "'")
        self.text = _SPACES.sub(" ", text).strip()
        self.work = self.text

    def matches(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """Matches of `pattern` in the text not consumed yet (each read against the text as it
        is when the search starts; overlapping a span consumed meanwhile skips it)."""
        snapshot = self.work
        for match in pattern.finditer(snapshot):
            if match.end() > match.start() and _HOLE not in self.work[match.start() : match.end()]:
                yield match

    def take(self, match: re.Match[str], group: int | str = 0) -> None:
        start, end = match.span(group)
        self.work = self.work[:start] + _HOLE * (end - start) + self.work[end:]

    def leftovers(self) -> list[tuple[int, str]]:
        """(position, text) of the runs nothing consumed, split at clause boundaries."""
        runs = []
        for match in re.finditer(f"[^{_HOLE}]+", self.work):
            base, chunk, last = match.start(), match.group(0), 0
            for separator in [*_CLAUSE.finditer(chunk), None]:
                end = separator.start() if separator else len(chunk)
                piece = chunk[last:end]
                if piece.strip():
                    runs.append((base + last + len(piece) - len(piece.lstrip()), piece.strip()))
                last = separator.end() if separator else len(chunk)
        return runs


@dataclass
class _Found:
    """What the recognisers found, in the order the brief says it."""

    platforms: list[str] = field(default_factory=list)
    creator_countries: list[str] = field(default_factory=list)
    audience_countries: list[str] = field(default_factory=list)
    country_min: float | None = None
    ages: list[tuple[int, int, str]] = field(default_factory=list)  # (first, last, phrase)
    age_min: float | None = None
    genders: list[str] = field(default_factory=list)
    gender_min: float | None = None
    categories: list[str] = field(default_factory=list)
    creator_languages: list[str] = field(default_factory=list)
    audience_languages: list[str] = field(default_factory=list)
    min_followers: int | None = None
    max_followers: int | None = None
    tiers: list[tuple[int, int | None]] = field(default_factory=list)
    excluded_brands: list[str] = field(default_factory=list)
    worked_with: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    verified: bool = False
    has_email: bool = False
    low_risk: bool = False
    min_er: float | None = None
    max_er: float | None = None
    min_growth: float | None = None
    notes: list[dict[str, Any]] = field(default_factory=list)
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (position, phrase) said but not usable


def _add(items: list[str], *values: str) -> None:
    for value in values:
        if value and value not in items:
            items.append(value)


def _note(found: _Found, kind: str, phrase: str, text: str, **params: Any) -> None:
    if not any(n["kind"] == kind and n["phrase"] == phrase for n in found.notes):
        found.notes.append({"kind": kind, "phrase": phrase, "text": text, **params})


# --- numbers ---------------------------------------------------------------------------------


def chinese_numeral(text: str) -> int | None:
    """十万 → 100000, 五十万 → 500000, 一百万 → 1000000, 百万 → 1000000, 两千 → 2000."""
    total, section, digit = 0, 0, None
    for char in text:
        if char in _CN_DIGIT:
            digit = _CN_DIGIT[char]
        elif char in _CN_SMALL_UNIT:
            section += (1 if digit is None else digit) * _CN_SMALL_UNIT[char]
            digit = None
        elif char in _CN_BIG_UNIT:
            section += digit or 0
            total += (section or 1) * _CN_BIG_UNIT[char]
            section, digit = 0, None
        else:
            return None
    total += section + (digit or 0)
    return total or None


def _number(text: str) -> tuple[float, bool] | None:
    """(value, has a magnitude unit) of a matched number."""
    text = text.strip()
    match = re.fullmatch(rf"({_ARABIC})\s*({_UNIT})?", text)
    if match:
        value = float(match.group(1).replace(",", ""))
        unit = match.group(2)
        if unit:
            value *= _UNIT_VALUE[unit.lower() if unit.lower() in _UNIT_VALUE else unit]
        return value, bool(unit)
    numeral = chinese_numeral(text)
    if numeral is None:
        return None
    return float(numeral), any(c in text for c in "千万亿百")


def _unit_of(text: str) -> float:
    match = re.fullmatch(rf"(?:{_ARABIC})\s*({_UNIT})", text.strip())
    if not match:
        return 1.0
    unit = match.group(1)
    return _UNIT_VALUE[unit.lower() if unit.lower() in _UNIT_VALUE else unit]


def _percent(match: re.Match[str]) -> float:
    tenths = match.group("tenths")
    if tenths:
        return round((_CN_DIGIT.get(tenths) or int(tenths)) / 10, 4)
    raw = match.group("pct") or match.group("pct_zh")
    return round(float(raw) / 100, 4)


# --- recognisers (in the order they run) -----------------------------------------------------

_BRAND_SPLIT = re.compile(r"\s*(?:、|,|，|/|&(?!M)|\band\b|\bor\b|和|与|跟|或者|或|及)\s*", re.I)
# A known brand (any case), else a run of Capitalised words (as written), else a Chinese name.
_BRAND_NAME_EN = (
    rf"(?:{_BRAND_KNOWN}|(?-i:[A-Z0-9][\w'&\-]*(?:\s+[A-Z0-9][\w'&\-]*)*)|[\u4e00-\u9fff]+(?:\s*[A-Za-z][\w'&\-]*)?)"
)
_BRAND_LIST_EN = rf"{_BRAND_NAME_EN}(?:\s*(?:,|/|&|\band\b|\bor\b)\s*{_BRAND_NAME_EN})*"
_NOT_CLAUSE_ZH = r"[^\x00,，。;；!！?？\n]"

_BRAND_EXCLUDE = [
    # 不要和雅诗兰黛合作过的 / 没跟兰蔻、欧莱雅合作过 / 排除与X有过合作的
    _compile(
        rf"(?:不要|别|不找|不考虑|不能是|排除|没有|没|未|从未|从没|不曾)\s*(?:和|跟|与|同)\s*"
        rf"(?P<brands>{_NOT_CLAUSE_ZH}+?)\s*(?:有过合作|合作过|合作|接触过)(?:的)?"
    ),
    # 没接过欧莱雅广告的 / 不要接过X商单的
    _compile(
        rf"(?:不要|别|没有|没|未|从未|从没|不曾)\s*(?:接过|做过|投过|拍过|接)\s*"
        rf"(?P<brands>{_NOT_CLAUSE_ZH}+?)\s*(?:的)?\s*(?:广告|推广|商单|合作|单子|软广)(?:的)?"
    ),
    # 排除合作过雅诗兰黛的 / 排除接过X的
    _compile(rf"排除\s*(?:合作过|接过|投放过)\s*(?P<brands>{_NOT_CLAUSE_ZH}+?)\s*(?:的|$)"),
    # 竞品：兰蔻、雅诗兰黛
    _compile(rf"(?:避开|排除)?\s*竞品\s*(?:是|有|为|[:：])?\s*(?P<brands>{_NOT_CLAUSE_ZH}+)"),
    # English: "not worked with X", "haven't partnered with X or Y"
    re.compile(
        r"(?<![A-Za-z])(?:(?:have|has)\s+not|haven't|hasn't|never|not|did\s+not|didn't|no\s+one\s+who(?:'s|\s+has)?|"
        r"nobody\s+who(?:'s|\s+has)?)\s+(?:yet\s+|ever\s+|previously\s+|already\s+)?(?:been\s+)?"
        r"(?:worked|partnered|collaborated|collabed|teamed\s+up|sponsored|paid)\s+(?:with|by)\s+"
        rf"(?P<brands>{_BRAND_LIST_EN})",
        re.I,
    ),
    # "no past collabs with X", "exclude anyone who worked with X", "avoid creators sponsored by X"
    re.compile(
        r"(?<![A-Za-z])(?:no|without|excluding|exclude|avoid|avoiding|not)\s+(?:any\s+)?(?:past\s+|prior\s+|previous\s+|recent\s+)?"
        r"(?:(?:collabs?|collaborations?|partnerships?|deals|sponsorships?|work|ads)\s+(?:with|for)|"
        r"(?:anyone|creators|influencers|people|those|accounts)\s+(?:who(?:'ve|\s+have|\s+has)?\s+)?"
        r"(?:worked\s+with|partnered\s+with|sponsored\s+by|done\s+ads\s+for|promoted))\s+"
        rf"(?P<brands>{_BRAND_LIST_EN})",
        re.I,
    ),
    # "competitors: X, Y" / "no competitors like X and Y"
    re.compile(
        r"(?<![A-Za-z])(?:no\s+|avoid\s+|exclude\s+)?(?:competitors?|rival\s+brands?|rivals)\s*(?::|are|like|such\s+as|include|incl\.?)?"
        rf"\s*(?P<brands>{_BRAND_LIST_EN})",
        re.I,
    ),
]
_BRAND_POSITIVE = [
    _compile(rf"(?:和|跟|与|同)\s*(?P<brands>{_NOT_CLAUSE_ZH}+?)\s*(?:有过合作|合作过)(?:的)?"),
    _compile(rf"接过\s*(?P<brands>{_NOT_CLAUSE_ZH}+?)\s*(?:的)?\s*(?:广告|推广|商单)(?:的)?"),
    re.compile(
        r"(?:who\s+)?(?:have\s+|has\s+|who've\s+)?(?:already\s+|previously\s+)?"
        r"(?:worked|partnered|collaborated)\s+with\s+"
        rf"(?P<brands>{_BRAND_LIST_EN})",
        re.I,
    ),
]
# "no Nike", "不要兰蔻": a known brand after a plain negation.
_BRAND_PLAIN_NEGATION = _compile(
    rf"(?<![A-Za-z])(?:no|not|avoid|exclude|excluding|without|不要|别|不找|排除|拒绝)\s*(?P<brands>{_BRAND_KNOWN}(?:\s*(?:,|/|、|和|或|\bor\b|\band\b)\s*{_BRAND_KNOWN})*)"
)


def _brand_names(raw: str) -> list[str]:
    """Brand names in a list ("兰蔻、欧莱雅", "Zara or H&M"); [] when a part is a word of another
    vocabulary ("接过游戏广告": 游戏 is a category, not a brand)."""
    names = []
    for part in _BRAND_SPLIT.split(raw.strip()):
        part = part.strip(" '\"“”‘’「」《》.")
        if not part:
            continue
        key = _key(part)
        if key not in _BRAND_OF and key in _OTHER_WORDS:
            return []
        if len(part) > MAX_BRAND_CHARS:  # not a name: the discovery filter would refuse it
            return []
        names.append(v_brand_canonical(part))
    return names


def v_brand_canonical(name: str) -> str:
    """A known brand's canonical (bilingual) name, else the name as written."""
    return _BRAND_OF.get(_key(name), name)


def _brands(text: _Text, found: _Found) -> None:
    for pattern in _BRAND_EXCLUDE:
        for match in text.matches(pattern):
            names = _brand_names(match.group("brands"))
            if names and len(set(found.excluded_brands) | set(names)) <= MAX_BRANDS:
                _add(found.excluded_brands, *names)
                text.take(match)
    for pattern in _BRAND_POSITIVE:
        for match in text.matches(pattern):
            names = _brand_names(match.group("brands"))
            if names and len(set(found.worked_with) | set(names)) <= MAX_BRANDS:
                _add(found.worked_with, *names)
                text.take(match)


_TOPIC_LIST = rf"{_TOPIC}(?:\s*(?:,|/|、|&|\band\b|\bor\b|\bnor\b|和|或|及|与)\s*(?:no\s+|不要)?{_TOPIC})*"
_TOPIC_TAIL_EN = (
    r"(?:\s+(?:content|posts?|videos?|brands?|related(?:\s+content)?|stuff|promotions?|ads?|sponsors?|hauls?))*"
)
_TOPIC_EXCLUDE = [
    re.compile(
        r"(?<![A-Za-z])(?:no|not|without|avoid|avoiding|exclude|excluding|skip|never|nothing\s+(?:about|with|on)|"
        r"free\s+of|stay\s+away\s+from|steer\s+clear\s+of|(?:do\s+not|don't|dont)\s+(?:want|promote|show)|"
        r"must\s+not\s+(?:promote|show|post))\s+(?:any\s+)?"
        # "skip anyone who's done …", "never promoted …"
        r"(?:(?:anyone|creators|people|those|accounts)\s+(?:who(?:'s|'ve|\s+has|\s+have)?\s+)?)?"
        r"(?:(?:done|posted|promoted|shown|made|shared|worked\s+on|promote|post|show|do)\s+)?(?:any\s+)?"
        rf"(?P<topics>{_TOPIC_LIST}){_TOPIC_TAIL_EN}",
        re.I,
    ),
    re.compile(rf"(?P<topics>{_TOPIC_LIST})-free{_TOPIC_TAIL_EN}", re.I),
    _compile(
        r"(?:不要|不能|不碰|不涉及|不含|不接|不做|不可以|避开|避免|排除|拒绝|禁止|不得|别|无|不沾|远离|杜绝|不允许)"
        r"\s*(?:有|涉及|出现|碰|发|拍|做|接)?\s*"
        rf"(?P<topics>{_TOPIC_LIST})\s*(?:类|相关|的内容|内容|广告|题材|的)*"
    ),
]


def _topics(text: _Text, found: _Found) -> None:
    for pattern in _TOPIC_EXCLUDE:
        for match in text.matches(pattern):
            topics: list[str] = []
            for alias in re.finditer(_TOPIC, match.group("topics"), re.I):
                topics.extend(_TOPIC_OF[_key(alias.group(0))])
            _add(found.topics, *topics)
            text.take(match)
    for match in text.matches(_BRAND_PLAIN_NEGATION):
        names = _brand_names(match.group("brands"))
        if names and len(set(found.excluded_brands) | set(names)) <= MAX_BRANDS:
            _add(found.excluded_brands, *names)
            text.take(match)


_NEGATION = (
    r"(?:(?<![A-Za-z])(?:no|not|non|without|except|excluding|exclude|avoid|never|nothing|other\s+than)(?:\s+|-)"
    r"(?:on\s+|in\s+|from\s+|for\s+|about\s+)?(?:the\s+)?|"
    r"(?:不要|不是|不找|不做|不在|别|非|除了|排除)\s*(?:在|是|做)?\s*)"
)


def _negated(text: _Text, found: _Found) -> None:
    """A category, platform, place, language or gender said with a negation ("no kids content",
    "not on TikTok", "不要游戏博主"): discovery has no filter excluding one, and reading it as the
    positive would be wrong, so it is reported as not understood (brands and topics, which do
    have exclusions, were read before)."""
    words = list(_CATEGORY_OF) + list(_PLATFORM_OF) + list(_COUNTRY_OF) + list(_CITY_OF) + list(_LANGUAGE_OF)
    words += list(_GENDER_OF) + list(_TIER_OF)
    said = rf"(?:{_alternation(words)}|(?-i:{_PLACE_CASED_ALT}))"
    pattern = _compile(rf"{_NEGATION}{said}(?:\s+(?:content|creators?|videos?|posts?))?")
    for match in text.matches(pattern):
        found.unknown.append((match.start(), match.group(0).strip()))
        text.take(match)


def _shares(text: _Text, found: _Found) -> None:
    """Percentages said of a gender, a country, an age band, the engagement rate or growth."""
    minimum = rf"(?:{_SHARE_MIN_BEFORE}\s*)?"
    tail = rf"(?:\s*{_SHARE_MIN_AFTER})?"
    of_audience = r"(?:of\s+(?:the\s+|their\s+)?(?:audience|followers|fans|viewers)\s+)?(?:(?:are|is)\s+)?"
    gender_first = _compile(
        rf"(?P<g>{_GENDER})\s*(?:audience|followers|fans|粉丝|用户|受众|观众)?\s*(?:占比|比例|占|share|ratio)?\s*"
        rf"{minimum}{_PERCENT}{tail}"
    )
    percent_first = _compile(rf"{minimum}{_PERCENT}{tail}\s*{of_audience}(?P<g>{_GENDER})")
    for pattern in (gender_first, percent_first):
        for match in text.matches(pattern):
            _add(found.genders, _GENDER_OF[_key(match.group("g"))])
            found.gender_min = _percent(match)
            text.take(match)

    place_audience = (
        rf"(?P<p>{_PLACE})\s*(?:的)?\s*(?:{_AUDIENCE_WORD}|{_AUDIENCE_ZH})\s*(?:占比|比例|占|share)?\s*"
        rf"{minimum}{_PERCENT}{tail}"
    )
    percent_place = (
        rf"{minimum}{_PERCENT}{tail}\s*{of_audience}(?:(?:in|from|based\s+in)\s+)?(?P<p>{_PLACE})"
        rf"(?:\s*(?:{_AUDIENCE_WORD}|{_AUDIENCE_ZH}))?"
    )
    for place_pattern in (place_audience, percent_place):
        for match in text.matches(_compile(place_pattern)):
            if _place(found, match.group("p"), audience=True):
                found.country_min = _percent(match)
                text.take(match)

    age_range = r"(?<![\d.])(?P<a>\d{1,2})\s*(?:-|~|to|到|至)\s*(?P<b>\d{1,2})\s*(?:岁|years?(?:\s+old)?)?"
    age_patterns = (
        rf"{minimum}{_PERCENT}{tail}\s*{of_audience}(?:aged?\s+|between\s+)?{age_range}",
        rf"{age_range}\s*(?:的)?\s*(?:audience|followers|粉丝|用户|受众)?\s*(?:占比|比例|占)?\s*{minimum}{_PERCENT}{tail}",
    )
    for age_pattern in age_patterns:
        for match in text.matches(_compile(age_pattern)):
            first, last = int(match.group("a")), int(match.group("b"))
            if first < last:
                found.ages.append((first, last, match.group(0).strip()))
                found.age_min = _percent(match)
                text.take(match)

    engagement = r"(?:(?<![A-Za-z])engagement(?:\s+rate)?|(?<![A-Za-z])(?-i:ER)(?![A-Za-z])|互动率|参与率|互动)"
    before = rf"(?P<kw>{_SHARE_MIN_BEFORE}|{_MAX_BEFORE})?"
    after = rf"(?P<after>{_SHARE_MIN_AFTER}|{_MAX_AFTER}|or\s+higher)?"
    for er_pattern in (
        rf"{engagement}\s*(?:of\s+)?{before}\s*(?:of\s+)?{_PERCENT}\s*{after}",
        rf"{before}\s*{_PERCENT}\s*{after}\s*{engagement}",
    ):
        for match in text.matches(_compile(er_pattern)):
            words = " ".join(filter(None, (match.group("kw"), match.group("after"))))
            if words and re.fullmatch(rf"(?:{_MAX_BEFORE}|{_MAX_AFTER})", words.strip(), re.I):
                found.max_er = _percent(match)
            else:
                found.min_er = _percent(match)
            text.take(match)

    growth = r"(?:30-day\s+growth|monthly\s+growth|growth|growing|涨粉率|涨粉|粉丝增长率|粉丝增长|月增长)"
    monthly = r"(?:\s*(?:a|per|each)\s+month|/月|每月)?"
    for match in text.matches(
        _compile(rf"{growth}\s*(?:of\s+|by\s+)?(?:{_SHARE_MIN_BEFORE})?\s*{_PERCENT}{tail}{monthly}")
    ):
        found.min_growth = _percent(match)
        text.take(match)


_MONEY_BEFORE = re.compile(
    r"(?:[$¥€£]|预算|budget|fee|price|费用|报价|价格|rmb|usd)\s*(?:of\s+|is\s+|为|是)?\s*$", re.I
)
_MONEY_AFTER = re.compile(r"^\s*(?:元|块|rmb|usd|dollars|yuan|budget|预算|的预算)", re.I)


def _money(text: str, match: re.Match[str]) -> bool:
    """Whether a number is an amount of money (a budget is not a follower count)."""
    return bool(_MONEY_BEFORE.search(text[max(0, match.start() - 12) : match.start()])) or bool(
        _MONEY_AFTER.match(text[match.end() : match.end() + 12])
    )


def _followers(text: _Text, found: _Found) -> None:
    """Follower ranges and bounds: "1 万到 10 万", "10k-100k", "at least 50k", "50万粉以下"."""
    word_before = rf"(?:(?P<w1>{_FOLLOWER_WORD})\s*(?:[:：]|在|of|from|between)?\s*)?"
    word_after = rf"(?:\s*(?P<w2>{_FOLLOWER_WORD}))?(?:\s*之间)?"
    range_pattern = _compile(
        rf"{word_before}(?:between\s+|from\s+)?(?P<a>{_NUMBER})\s*(?:-|~|to|到|至|and)\s*(?P<b>{_NUMBER}){word_after}(?!\s*%)"
    )
    for match in text.matches(range_pattern):
        a, b = _number(match.group("a")), _number(match.group("b"))
        if a is None or b is None:
            continue
        (low, low_unit), (high, high_unit) = a, b
        worded = match.group("w1") or match.group("w2")
        if not (worded or low_unit or high_unit or max(low, high) >= 1000) or _money(text.text, match):
            continue
        if not low_unit and high_unit:  # "1-5万", "10-100k": the unit is said once
            scaled = low * _unit_of(match.group("b"))
            if scaled <= high:
                low = scaled
        if low > high:
            low, high = high, low
        found.min_followers, found.max_followers = int(low), int(high)
        text.take(match)

    bound_pattern = _compile(
        rf"(?:(?P<w1>{_FOLLOWER_WORD})\s*(?:[:：]|of)?\s*)?"
        rf"(?:(?P<min_b>{_MIN_BEFORE})|(?P<max_b>{_MAX_BEFORE})|(?P<approx_b>{_APPROX_BEFORE}))?\s*"
        rf"(?P<n>{_NUMBER})\s*(?P<plus>\+)?"
        rf"(?:\s*(?P<w2>{_FOLLOWER_WORD}))?\s*"
        rf"(?:(?P<min_a>{_MIN_AFTER})|(?P<max_a>{_MAX_AFTER})|(?P<approx_a>{_APPROX_AFTER}))?"
        r"(?!\s*(?:%|岁|years?|yo\b|-year))"
    )
    for match in text.matches(bound_pattern):
        parsed = _number(match.group("n"))
        if parsed is None:
            continue
        value, has_unit = parsed
        worded = match.group("w1") or match.group("w2")
        bounded = any(match.group(g) for g in ("min_b", "max_b", "approx_b", "min_a", "max_a", "approx_a", "plus"))
        # A Chinese numeral alone is an ordinary word ("千禧", "千万不要"): it needs a follower
        # word or a bound beside it.
        spelled = not re.search(r"\d", match.group("n"))
        if not (worded or (has_unit and not spelled) or (bounded and value >= 1000)) or _money(text.text, match):
            continue
        if match.group("max_b") or match.group("max_a"):
            found.max_followers = int(value)
        elif match.group("approx_b") or match.group("approx_a"):
            found.min_followers = int(round(value * (1 - APPROXIMATE)))
            found.max_followers = int(round(value * (1 + APPROXIMATE)))
            _note(
                found,
                "approximate",
                match.group(0).strip(),
                f"“{match.group(0).strip()}” read as {found.min_followers:,}–{found.max_followers:,} followers "
                "(± 20 %)",
            )
        else:  # "at least", "+", "以上", or a bare count: a floor
            found.min_followers = int(value)
        text.take(match)


def _age(found: _Found, first: int, last: int, phrase: str) -> None:
    found.ages.append((first, last, phrase))


def _ages(text: _Text, found: _Found, today: dt.date) -> None:
    unit = r"(?:岁|周岁|years?\s+olds?|year-olds?|yrs?(?:\s+old)?|years?(?:\s+old)?|yo|y/o)"
    prefix = r"(?:aged?|ages|age\s+range|年龄(?:段)?(?:在)?)"
    ranged = _compile(
        rf"(?P<prefix>{prefix}\s*)?(?:between\s+|from\s+)?(?<![\d.])(?P<a>\d{{1,2}})\s*(?:岁)?\s*(?:-|~|to|到|至|and)\s*"
        rf"(?P<b>\d{{1,2}})(?:\s*(?P<unit>{unit}))?(?:\s*之间)?(?![\d.%kKmMwW万千])"
    )
    for match in text.matches(ranged):
        first, last = int(match.group("a")), int(match.group("b"))
        explicit = match.group("prefix") or match.group("unit")
        if first < last and (explicit or (10 <= first and last <= 80)):
            _age(found, first, last, match.group(0).strip())
            text.take(match)

    lower = _compile(
        rf"(?:(?:over|above|older\s+than|at\s+least|aged)\s+(?P<a>\d{{1,2}})(?:\s*{unit})?(?![\d%kKmMwW万千+])|"
        rf"(?<![\d.])(?P<b>\d{{1,2}})\s*(?:\+\s*{unit}|{unit}\s*(?:及以上|以上|\+|and\s+(?:over|older|above|up)))|"
        rf"(?<![\d.])(?P<c>\d{{1,2}})\+(?![\d%kKmMwW万千]))"
    )
    for match in text.matches(lower):
        first = int(match.group("a") or match.group("b") or match.group("c"))
        if 10 <= first <= 80:
            _age(found, first, v.OLDEST_AGE, match.group(0).strip())
            text.take(match)
    upper = _compile(
        rf"(?:(?:under|below|younger\s+than)\s+(?P<a>\d{{1,2}})(?:\s*{unit})?(?![\d%kKmMwW万千])|"
        rf"(?<![\d.])(?P<b>\d{{1,2}})\s*{unit}\s*(?:以下|以内|之内))"
    )
    for match in text.matches(upper):
        last = int(match.group("a") or match.group("b"))
        if 14 <= last <= 80:
            # "under 25" is 13–24: the catalogue's youngest band starts at 13
            _age(found, v.YOUNGEST_AGE, last - 1 if match.group("a") else last, match.group(0).strip())
            text.take(match)

    decades = _compile(
        r"(?:(?P<d>[1-6])0多岁|(?P<zh>二|三|四|五|六)十多岁|in\s+their\s+(?P<e>[2-6])0s|"
        r"in\s+their\s+(?P<w>twenties|thirties|forties|fifties)|(?P<f>[2-6])0-somethings?)"
    )
    words = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5}
    for match in text.matches(decades):
        digit = (
            int(match.group("d") or match.group("e") or match.group("f") or 0)
            or _CN_DIGIT.get(match.group("zh") or "", 0)
            or words.get((match.group("w") or "").lower(), 0)
        )
        _age(found, digit * 10, digit * 10 + 9, match.group(0).strip())
        text.take(match)

    born = _compile(r"(?<!\d)(?P<d>[0-9])(?P<h>[05])后")
    for match in text.matches(born):
        decade = int(match.group("d"))
        first_year = (2000 if decade <= today.year % 100 // 10 else 1900) + decade * 10 + int(match.group("h"))
        last_year = first_year + (9 if match.group("h") == "0" else 4)
        _generation(found, match.group(0), first_year, last_year, today)
        text.take(match)
    generation = _compile(_alternation(_GENERATION_OF))
    for match in text.matches(generation):
        first_year, last_year = _GENERATION_OF[_key(match.group(0))]
        _generation(found, match.group(0), first_year, last_year, today)
        text.take(match)

    for match in text.matches(_compile(_alternation(_AGE_WORD_OF))):
        first, last = _AGE_WORD_OF[_key(match.group(0))]
        _age(found, first, last, match.group(0).strip())
        text.take(match)


def _generation(found: _Found, phrase: str, first_year: int, last_year: int, today: dt.date) -> None:
    first, last = max(today.year - last_year, v.YOUNGEST_AGE), min(today.year - first_year, v.OLDEST_AGE)
    if first > last:
        return
    found.ages.append((first, last, phrase))
    _note(
        found,
        "generation",
        phrase,
        f"{phrase}: born {first_year}–{last_year}, aged {first}–{last} in {today.year}",
        first=first,
        last=last,
    )


def _tiers(text: _Text, found: _Found) -> None:
    pattern = _compile(rf"{_TIER}(?:\s*(?:-|\s)\s*(?:influencers?|creators?|kols?|bloggers?|tier))?")
    for match in text.matches(pattern):
        word = _key(re.sub(r"[\s-]*(?:influencers?|creators?|kols?|bloggers?|tier)$", "", match.group(0), flags=re.I))
        if word in {_key(w) for w in v.TOP_TIER_WORDS}:
            found.tiers.append((v.TIERS["macro"][0], None))
        else:
            tier = _TIER_OF.get(word) or _TIER_OF.get(_key(match.group(0)))
            if tier is None:
                continue
            found.tiers.append(v.TIERS[tier])
        text.take(match)


def _platforms(text: _Text, found: _Found) -> None:
    for match in text.matches(_PLATFORM):
        _add(found.platforms, _PLATFORM_OF[_key(match.group(0))])
        text.take(match)
    for match in text.matches(_PLATFORM_CASED):
        _add(found.platforms, _PLATFORM_CASED_OF[match.group(0)])
        text.take(match)


def _place(found: _Found, phrase: str, *, audience: bool) -> bool:
    """Record a country or city (a city adds a note); False when `phrase` is neither."""
    phrase = re.sub(r"^the\s+", "", phrase.strip(), flags=re.I)
    city = v.CASE_SENSITIVE_CITIES.get(phrase) or _CITY_OF.get(_key(phrase))
    code = _COUNTRY_CASED_OF.get(phrase) or _COUNTRY_OF.get(_key(phrase)) or (city[0] if city else None)
    if code is None:
        return False
    _add(found.audience_countries if audience else found.creator_countries, code)
    if city:
        _note(
            found,
            "city",
            phrase,
            f"{city[1]}: there is no city filter; searched by its country, {code}",
            city=city[1],
            country=code,
        )
    return True


def _places(text: _Text, found: _Found) -> None:
    mostly = rf"(?:(?P<mostly>{_MOSTLY})\s*)?"
    audience_patterns = [
        rf"{_AUDIENCE_WORD}\s+(?:(?:are|is|based|located)\s+)*(?:(?P<mostly>{_MOSTLY})\s+)?(?:in|from)\s+(?P<p>{_PLACES})",
        rf"{mostly}(?P<p>{_PLACES})(?:-based)?\s+{_AUDIENCE_WORD}",
        rf"(?:targeting|targetting|aimed\s+at|reaching)\s+(?P<p>{_PLACES})",
        rf"{_AUDIENCE_ZH}\s*{mostly}(?:在|来自|集中在|位于|分布在)\s*(?P<p>{_PLACES})",
        rf"{mostly}(?:面向|针对)?\s*(?P<p>{_PLACES})\s*(?:的)?\s*{_AUDIENCE_ZH}",
        rf"(?:面向|针对)\s*(?P<p>{_PLACES})",
        rf"以\s*(?P<p>{_PLACES})\s*(?:的)?\s*{_AUDIENCE_ZH}?\s*为主",
    ]
    for pattern in audience_patterns:
        for match in text.matches(_compile(pattern)):
            places = [m.group(0) for m in _compile(_PLACE).finditer(match.group("p"))]
            if all(_place(found, place, audience=True) for place in places):
                if match.groupdict().get("mostly") or match.group(0).endswith("为主"):
                    found.country_min = MOSTLY_SHARE
                text.take(match)
    for plain in (_compile(_PLACE_ALT), re.compile(_PLACE_CASED_ALT)):
        for match in text.matches(plain):
            if _place(found, match.group(0), audience=False):
                text.take(match)


def _languages(text: _Text, found: _Found) -> None:
    audience_patterns = [
        rf"(?P<l>{_LANGUAGE})(?:-speaking)?\s+(?:{_AUDIENCE_WORD}|speakers)",
        rf"{_AUDIENCE_WORD}\s+(?:who\s+)?(?:speaks?|speaking|that\s+speaks?)\s+(?P<l>{_LANGUAGE})",
        rf"(?:说|讲|使用)\s*(?P<l>{_LANGUAGE})\s*(?:的)?\s*{_AUDIENCE_ZH}",
        rf"(?P<l>{_LANGUAGE})\s*{_AUDIENCE_ZH}",
        rf"(?:targeting|targetting|aimed\s+at|reaching)\s+(?P<l>{_LANGUAGE})",
    ]
    for pattern in audience_patterns:
        for match in text.matches(_compile(pattern)):
            _add(found.audience_languages, _LANGUAGE_OF[_key(match.group("l"))])
            text.take(match)
    creator = _compile(rf"(?:(?:post(?:s|ing)?|creating|talk(?:s|ing)?)\s+in\s+|in\s+|用|说|讲)?(?P<l>{_LANGUAGE})")
    for match in text.matches(creator):
        _add(found.creator_languages, _LANGUAGE_OF[_key(match.group("l"))])
        text.take(match)


def _people(text: _Text, found: _Found) -> None:
    """Personas ("宝妈": women, parenting) and genders ("mostly women", "以女性为主")."""
    for match in text.matches(_compile(_alternation(_PERSONA_OF))):
        gender, category = _PERSONA_OF[_key(match.group(0))]
        _add(found.genders, gender)
        _add(found.categories, category)
        text.take(match)
    for match in text.matches(_compile(_alternation(v.ANY_GENDER + v.ANY_VALUE))):
        text.take(match)
    mostly = _compile(rf"(?:(?P<mostly>{_MOSTLY})\s*(?:of\s+(?:them|the\s+audience)\s+)?)?(?P<g>{_GENDER})")
    majority = _compile(rf"(?:以\s*)?(?P<g>{_GENDER})\s*(?:{_AUDIENCE_ZH})?\s*(?:为主|居多|占多数|偏多)")
    for pattern in (majority, mostly):
        for match in text.matches(pattern):
            _add(found.genders, _GENDER_OF[_key(match.group("g"))])
            text.take(match)


def _categories(text: _Text, found: _Found) -> None:
    for match in text.matches(_compile(_alternation(_CATEGORY_OF))):
        _add(found.categories, _CATEGORY_OF[_key(match.group(0))])
        text.take(match)


_FLAGS = {
    "verified": _compile(
        r"(?:verified(?:\s+accounts?)?|blue\s+(?:tick|check)(?:s|\s*marks?)?|蓝v|黄v|加v|官方认证|认证博主|认证账号|已认证|认证)"
    ),
    "has_email": _compile(
        r"(?:with\s+(?:an?\s+)?(?:contact\s+|business\s+)?e-?mails?|(?:has|have|having)\s+(?:an?\s+)?(?:contact\s+|business\s+)?e-?mails?|"
        r"contact\s+e-?mails?|有(?:联系|商务|合作)?邮箱|留(?:了)?邮箱)"
    ),
    "low_risk": _compile(
        r"(?:low(?:\s+fake(?:-|\s)follower)?\s+risk|low-risk|no\s+fake\s+followers|no\s+bots|no\s+bought\s+followers|"
        r"(?:real|authentic|genuine)\s+(?:followers|audiences?|fans)|粉丝真实|真实粉丝|真粉|低风险|"
        r"(?:不要|没有|无|拒绝)\s*(?:刷粉|买粉|刷量|僵尸粉|假粉))"
    ),
}


def _flags(text: _Text, found: _Found) -> None:
    for name, pattern in _FLAGS.items():
        for match in text.matches(pattern):
            setattr(found, name, True)
            text.take(match)


# --- leftovers -------------------------------------------------------------------------------

_ZH_SOFT = sorted(v.FILLERS_ZH + v.SOFT_ZH, key=len, reverse=True)


def _trim(run: str, leading: frozenset[str], trailing: frozenset[str], chinese: list[str]) -> str:
    """`run` without filler words (and punctuation) at its edges: `leading`/`trailing` English
    words, `chinese` words (longest first, again after every cut, so "找几个在" loses all of it)."""
    text = run.strip()
    while True:
        before = text
        for word in chinese:
            if text.lower().startswith(word):
                text = text[len(word) :].strip()
                break
            if text.lower().endswith(word):
                text = text[: -len(word)].strip()
                break
        tokens = text.split()
        while tokens and _is_filler(tokens[0], leading):
            tokens.pop(0)
        while tokens and _is_filler(tokens[-1], trailing):
            tokens.pop()
        text = " ".join(tokens)
        if text == before:
            return text


def _is_filler(token: str, english: frozenset[str]) -> bool:
    bare = token.strip(".'\"-").lower()
    return not re.search(r"[\w\u3400-\u9fff]", token) or bare in english or bare.removesuffix("'s") in english


def _unknown(text: _Text, found: _Found) -> list[str]:
    """What was not understood, in the order of the brief: the leftovers (fillers trimmed) and
    what was read but has no filter (found.unknown)."""
    everything = v.FILLERS_EN | v.SOFT_EN
    phrases = list(found.unknown)
    for position, run in text.leftovers():
        if not _trim(run, everything, everything, _ZH_SOFT):
            continue  # only fillers: "creators who", "喜欢的"
        # Soft words go at the start ("love cats" → "cats", "喜欢街舞" → "街舞"), not at the end
        # ("budget $2k per post" stays whole).
        phrases.append((position, _trim(run, everything, v.FILLERS_EN, _ZH_SOFT)))
    out: list[str] = []
    for _, phrase in sorted(phrases):
        if phrase and phrase not in out:
            out.append(phrase)
    return out


# --- assembling the answer -------------------------------------------------------------------


def _round_shares(weights: dict[str, float]) -> dict[str, float]:
    """Shares proportional to `weights`, to two decimals, summing to exactly 1 (largest
    remainder; ties go to the key named first)."""
    total = sum(weights.values())
    if total <= 0:
        return {}
    exact = {key: 100 * w / total for key, w in weights.items()}
    floors = {key: int(value + 1e-9) for key, value in exact.items()}
    missing = 100 - sum(floors.values())
    order = sorted(exact, key=lambda k: (-(exact[k] - floors[k]), list(exact).index(k)))
    for key in order[:missing]:
        floors[key] += 1
    return {key: floors[key] / 100 for key in weights if floors[key] > 0}


def age_band_years(first: int, last: int) -> dict[str, int]:
    """How many years of the range [first, last] fall in each age band of the catalogue."""
    first, last = max(first, v.YOUNGEST_AGE), min(last, v.OLDEST_AGE)
    years = {}
    for band, (low, high) in v.AGE_BAND_SPANS.items():
        overlap = min(last, high) - max(first, low) + 1
        if overlap > 0:
            years[band] = overlap
    return years


def _ages_out(found: _Found) -> tuple[str | None, dict[str, float]]:
    """(the filter's band, the target's band shares) of the age ranges a brief names."""
    covered: set[int] = set()
    for first, last, _ in found.ages:
        covered.update(range(max(first, v.YOUNGEST_AGE), min(last, v.OLDEST_AGE) + 1))
    years: dict[str, int] = {}
    for band, (low, high) in v.AGE_BAND_SPANS.items():
        count = sum(1 for age in covered if low <= age <= high)
        if count:
            years[band] = count
    if not years:
        return None, {}
    # The band holding most of the range; on a tie the younger (bands are in age order).
    band = max(years, key=lambda b: (years[b], -list(v.AGE_BAND_SPANS).index(b)))
    if len(years) > 1:
        phrase = ", ".join(p for _, _, p in found.ages)
        _note(
            found,
            "age_bands",
            phrase,
            f"ages “{phrase}” cover {', '.join(years)}: the discovery filter takes one band ({band}); "
            "the target audience keeps them all",
            bands=list(years),
            band=band,
        )
    return band, _round_shares({b: float(n) for b, n in years.items()})


def _one_value(found: _Found, param: str, values: list[str]) -> str:
    if len(values) > 1:
        _note(
            found,
            "one_value",
            ", ".join(values),
            f"`{param}` takes one value: {values[0]} used; the target audience keeps {', '.join(values)}",
            param=param,
            used=values[0],
            also=values[1:],
        )
    return values[0]


def _assemble(found: _Found) -> tuple[dict[str, Any], dict[str, Any]]:
    filters: dict[str, Any] = {}
    target: dict[str, Any] = {}
    if found.platforms:
        filters["platform"] = list(found.platforms)
    low = min((t[0] for t in found.tiers), default=None)
    high: int | None = None
    if found.tiers and all(t[1] is not None for t in found.tiers):
        high = max(t[1] for t in found.tiers if t[1] is not None)
    low = found.min_followers if found.min_followers is not None else low
    high = found.max_followers if found.max_followers is not None else high
    if low:
        filters["min_followers"] = int(low)
    if high is not None:
        filters["max_followers"] = int(high)
    if found.creator_countries:
        filters["country"] = ",".join(found.creator_countries)
    if found.audience_countries:
        filters["audience_country"] = _one_value(found, "audience_country", found.audience_countries)
        if found.country_min is not None:
            filters["audience_country_min"] = found.country_min
    band, age_shares = _ages_out(found)
    if band:
        filters["audience_age"] = band
        if found.age_min is not None:
            filters["audience_age_min"] = found.age_min
        target["age"] = {"weight": 1.0, "values": age_shares}
    genders = list(found.genders)
    if len(genders) == 1:
        filters["audience_gender"] = genders[0]
        filters["audience_gender_min"] = found.gender_min if found.gender_min is not None else DEFAULT_GENDER_SHARE
        target["gender"] = {"weight": 1.0, "values": {genders[0]: 1.0}}
    countries = found.creator_countries + [c for c in found.audience_countries if c not in found.creator_countries]
    if countries:
        target["countries"] = {"weight": 1.0, "values": _round_shares(dict.fromkeys(countries, 1.0))}
    if found.creator_languages:
        filters["language"] = _one_value(found, "language", found.creator_languages)
    if found.audience_languages:
        filters["audience_language"] = _one_value(found, "audience_language", found.audience_languages)
    languages = found.creator_languages + [x for x in found.audience_languages if x not in found.creator_languages]
    if languages:
        target["languages"] = {"weight": 1.0, "values": _round_shares(dict.fromkeys(languages, 1.0))}
    if found.categories:
        filters["category"] = _one_value(found, "category", found.categories)
        target["interests"] = {"weight": 1.0, "values": _round_shares(dict.fromkeys(found.categories, 1.0))}
    if found.worked_with:
        filters["worked_with"] = ", ".join(found.worked_with)
    if found.excluded_brands:
        filters["not_worked_with"] = ", ".join(found.excluded_brands)
    if found.verified:
        filters["verified"] = True
    if found.has_email:
        filters["has_contact_email"] = True
    if found.low_risk:
        filters["risk_level"] = ["low"]
    if found.min_er is not None:
        filters["min_engagement_rate"] = found.min_er
    if found.max_er is not None:
        filters["max_engagement_rate"] = found.max_er
    if found.min_growth is not None:
        filters["min_growth_30d"] = found.min_growth
    if found.topics:
        _note(
            found,
            "topics",
            ", ".join(found.topics),
            "excluded topics are checked by a brand's brand-safety score, not by the discovery filters",
            topics=list(found.topics),
        )
    return filters, target


def parse_brief(text: str, *, today: dt.date | None = None) -> BriefParse:
    """Parse a brief typed in Chinese or English (at most MAX_BRIEF_CHARS characters; longer
    text is cut there and the cut says so in `unknown`). `today` dates generation words
    ("00后", "Gen Z"); default: the current date."""
    today = today or dt.date.today()
    cut = ""
    if len(text or "") > MAX_BRIEF_CHARS:
        text, cut = text[:MAX_BRIEF_CHARS], text[MAX_BRIEF_CHARS:]
    brief = _Text(text)
    found = _Found()
    _brands(brief, found)
    _topics(brief, found)
    _negated(brief, found)
    _shares(brief, found)
    _followers(brief, found)
    _ages(brief, found, today)
    _tiers(brief, found)
    _platforms(brief, found)
    _places(brief, found)
    _languages(brief, found)
    _people(brief, found)
    _categories(brief, found)
    _flags(brief, found)
    filters, target = _assemble(found)
    unknown = _unknown(brief, found)
    if cut.strip():
        unknown.append(cut.strip())
    return BriefParse(
        filters=filters,
        target_audience=target,
        excluded_brands=list(found.excluded_brands),
        excluded_topics=list(found.topics),
        notes=found.notes,
        unknown=unknown,
    )
