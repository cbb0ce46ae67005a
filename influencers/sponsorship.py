"""Is a post a paid partnership? One pure rule for the whole product (docs/import-format.md,
"Paid partnerships").

A post is sponsored when
1. the platform's own paid-partnership flag says so (`paid_partnership` / `is_sponsored` in an
   import: Instagram's "Paid partnership with …" label, TikTok's "Paid partnership", YouTube's
   "Includes paid promotion", the 合作 / 赞助 labels of Xiaohongshu and Douyin), or
2. no flag was given and the post names a sponsor (the import's `sponsor` field), or
3. its caption or hashtags carry a disclosure marker (`PAID_HASHTAGS`, `_PHRASES`; the list is
   in docs/import-format.md, "Paid partnerships", and a test keeps the two in step).

A flag of `false` does not clear a caption disclosure: creators disclosed with #ad long before
the platforms had a label (Instagram's arrived in 2017) and many still only write it in the
caption. The flag wins in the evidence: a flagged post is recorded as `flag` even when its
caption also has a marker.

Markers are whole tokens, never substrings: `#ad` matches `#ad`, `#AD`, `＃ad` and `#ad,` but not
`#adventure`, `#adidas`, `#adorable` or `#adoptdontshop`. Chinese has no spaces between words,
so Chinese markers are phrases chosen not to occur inside everyday words, and the phrases that
say the opposite ("非广告", "无广", "不是恰饭", "not sponsored") or are a contact line
("商务合作请私信", "品牌合作 vx: …") are removed before matching.

Gifts are not paid partnerships: #gifted, #pr, #prsample, 品牌赠送, 寄拍 and affiliate links
(#affiliate) mark a material connection without a paid brief, so they do not make a post
sponsored here.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from core.memo import Memo

FLAG = "flag"
SPONSOR = "sponsor"
MARKER = "marker"
SOURCES = (FLAG, SPONSOR, MARKER)
MARKER_MAX_LENGTH = 100  # the stored evidence (Post.sponsorship_marker)

# Whole hashtags (compared case-folded, after NFKC so a full-width ＃ＡＤ counts).
PAID_HASHTAGS = frozenset(
    {
        # English
        "ad",
        "ads",
        "advert",
        "advertisement",
        "advertising",
        "sponsored",
        "sponsor",
        "sponsorship",
        "spon",
        "paidpartnership",
        "paidpartner",
        "paidad",
        "paidpost",
        "paidpromotion",
        "partner",
        "brandpartner",
        "brandpartnership",
        "brandambassador",
        # German (legally required labels, common on European accounts)
        "werbung",
        "anzeige",
        # Chinese
        "广告",
        "推广",
        "赞助",
        "合作",
        "品牌合作",
        "商业合作",
        "合作推广",
        "品牌推广",
        "软广",
    }
)

# Phrases that say the post is NOT an ad, and contact lines ("business enquiries: …") that name
# a kind of deal without the post being one. They are blanked before matching.
_NEGATED = re.compile(
    r"\b(?:not|non|never|no|isn'?t|wasn'?t|un(?=sponsored))[\s-]*(?:an?\s+|a\s+paid\s+)?(?:paid[\s-]+)?"
    r"(?:sponsor(?:ed|ship)?|ads?|advert(?:isement)?|partnership|promotion)\b"
    r"|(?:并不是|并非|不是|绝非|没有|没|非|无|零|不接|拒绝|不)\s*(?:打|做|接|是|含|带|收)?\s*"
    r"(?:广告|推广|恰饭|恰个饭|赞助|合作|软广|硬广|广)"
    r"|(?:商务|商业|品牌|广告)?合作\s*[:：]?\s*(?:请|可私|可联系|可滴|联系|私信|私|邮箱|email|e-mail|mail|vx|wx|v信|微信"
    r"|戳|找我|后台|📮|📧|✉|→|👉|[\w.+-]+@[\w-]+\.\w+|\d{5,})"
    r"|(?:欢迎|接受|承接|寻求|接)(?:商务|商业|品牌|广告)?合作|商务合作|合作邮箱|(?:求|拉|招|找|寻求)赞助"
    r"|(?:看到|刷到|看见|看|跳过|屏蔽|关闭|关)了?(?:一个|一条|一则|个|条)?广告|广告(?:牌|语|词|歌|位|学|公司|行业|圈|人|太多)",
    re.IGNORECASE,
)

# Disclosures written as text. English phrases are matched on word boundaries.
_PHRASES = re.compile(
    r"\bpaid\s+partnership(?:\s+with\s+@?[\w.]+)?"
    r"|\bpaid\s+promotion\b"
    r"|\bsponsored\s+by(?:\s+@?[\w.]+)?"
    r"|\b(?:this|today'?s)\s+(?:post|video|reel|episode|content)\s+(?:is|was)\s+sponsored\b"
    r"|\bsponsored\s+(?:post|video|content|reel|episode)\b"
    r"|\bfor\s+sponsoring\b"
    r"|\b(?:is|was)\s+brought\s+to\s+you\s+by\b"
    r"|^\s*[\[(]?\s*ad\s*[\])]?\s*(?:[|:–—•·]|\s-\s)"
    r"|[\[(【]\s*ad\s*[\])】]"
    r"|品牌合作|付费合作|(?:合作|品牌|商业|付费)推广|推广合作|广告|赞助|软广|硬广|金主爸爸"
    r"|(?:本期|这期|本条|这条|本视频|这个视频|这次)恰个?饭|恰饭(?:视频|内容|警告|广告)",
    re.IGNORECASE | re.MULTILINE,
)
_HASHTAG = re.compile(r"#(\w+)")
_NEGATION_REACH = 40  # characters around a phrase marker searched for a negation or contact line
# Each alternative starts with a literal character (`[\[(【]\s*ad` is written as three), so the
# regex engine skips ahead to those characters instead of trying every alternative at each
# position: a quarter of the time of the search.
_GATE = re.compile(r"sponsor|paid|brought|广告|推广|赞助|合作|恰|软广|硬广|金主|\[\s*ad|\(\s*ad|【\s*ad")
_AD_AT_LINE_START = re.compile(r"^\s*[\[(]?\s*ad\b", re.MULTILINE)
_PARTNER = re.compile(r"(?:partnership\s+with|sponsored\s+by)\s+@([\w.]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Sponsorship:
    """The decision for one post and its evidence: `source` is "" (not sponsored), `flag`,
    `sponsor` or `marker`; `marker` is the caption marker found (also for flagged posts)."""

    is_sponsored: bool
    source: str = ""
    marker: str = ""


NOT_SPONSORED = Sponsorship(False)


def normalise(text: str) -> str:
    """NFKC (full-width ＃ and letters become ASCII) and case-folded."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def find_marker(caption: str, hashtags: Iterable[str] | None = ()) -> str:
    """The first paid-partnership marker in the caption or the hashtags, as normalised text
    ("#ad", "paid partnership with @brand", "广告"), or "" when there is none."""
    text = normalise(caption)
    if text:
        found: list[tuple[int, str]] = []
        if "#" in text:
            for match in _HASHTAG.finditer(text):
                if match.group(1) in PAID_HASHTAGS:
                    found.append((match.start(), match.group(0)))
                    break
        # Most captions have no word a phrase could start with: the gate (literal first
        # characters, which the regex engine scans for quickly) spares them the phrase search;
        # the line-start search, tried at every position, is only worth it with an "ad" to find.
        if _GATE.search(text) or ("ad" in text and _AD_AT_LINE_START.search(text)):
            phrase = _first_phrase(text)
            if phrase:
                found.append(phrase)
        if found:
            return min(found)[1][:MARKER_MAX_LENGTH]
    return _hashtags_marker(hashtags)


def _hashtags_marker(hashtags: Iterable[str] | None) -> str:
    """The first paid-partnership hashtag of the `hashtags` list, as `find_marker` gives it."""
    for tag in hashtags or ():
        tag = _TAG_KEYS[tag] if type(tag) is str else _tag_key(str(tag))
        if tag in PAID_HASHTAGS:
            return f"#{tag}"[:MARKER_MAX_LENGTH]
    return ""


def _tag_key(tag: str) -> str:
    """A hashtag as `find_marker` compares it: normalised, without its '#', stripped."""
    return normalise(tag).lstrip("#").strip()


# `_tag_key` of each hashtag, worked out once: a catalogue repeats the same few thousand tags
# over its posts, and normalising each (NFKC, casefold) cost most of a post's check of its
# hashtags. Asked with exact `str`s only (1 and True are one dict key but not one tag).
_TAG_KEYS: Memo[str, str] = Memo(_tag_key, limit=100_000)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def _first_phrase(text: str) -> tuple[int, str] | None:
    """The first phrase marker that no negation or contact line covers. Negations are local (a
    few characters before the marker, a contact word after it), so each candidate is checked in
    a window around it rather than blanking the whole caption (a quarter of the cost)."""
    position = 0
    while True:
        match = _PHRASES.search(text, position)
        if match is None:
            return None
        start, end = match.span()
        low, high = max(0, start - _NEGATION_REACH), min(len(text), end + _NEGATION_REACH)
        window = _NEGATED.sub(_blank, text[low:high])  # same length: offsets still hold
        if window[start - low : end - low] == text[start:end]:
            return start, " ".join(match.group(0).split())
        position = start + 1


def decide(
    *, flag: bool | None = None, sponsor: str = "", caption: str = "", hashtags: Iterable[str] = ()
) -> Sponsorship:
    """Whether a post is sponsored, and how that was decided (see the module docstring)."""
    marker = find_marker(caption, hashtags)
    if flag:
        return Sponsorship(True, FLAG, marker)
    if flag is None and (sponsor or "").strip():
        return Sponsorship(True, SPONSOR, marker)
    if marker:
        return Sponsorship(True, MARKER, marker)
    return NOT_SPONSORED


def find_markers(captions: Sequence[str | None], hashtags: Sequence[Iterable[str] | None]) -> list[str]:
    """`find_marker(caption or "", tags)` of each post, for many posts at once.

    The captions are normalised as one text (joined by a NUL and a line break, neither of which
    composes with anything, so NFKC and the per-character casefold of the whole are the pieces'
    joined; no caption holds a NUL, so the pieces part again there) and searched by one pass of
    each of `find_marker`'s three tests (a paid hashtag, the gate, a line-start "ad": each caption
    starts a line); a caption none of them finds anything in gives only its hashtags' marker, and
    the few others go through `find_marker` itself. A marker is thus the one `find_marker` gives,
    whatever the text; the whole saves a post's calls and most of its searches."""
    texts = [caption or "" for caption in captions]
    count = len(texts)
    joined = "\x00\n".join(texts)
    if joined.count("\x00") != count - 1:  # a caption holding a NUL: the pieces would not part again
        return [find_marker(text, tags) for text, tags in zip(texts, hashtags, strict=True)]
    folded = unicodedata.normalize("NFKC", joined).casefold()
    # Each piece after the first starts with the line break: its start is where the piece is.
    lengths = [len(part) + 1 for part in folded.split("\x00")]
    if len(lengths) != count:
        return [find_marker(text, tags) for text, tags in zip(texts, hashtags, strict=True)]
    starts = [0, *accumulate(lengths)]
    suspects: set[int] = set()
    if "#" in folded:
        suspects.update(
            bisect_right(starts, match.start()) - 1
            for match in _HASHTAG.finditer(folded)
            if match.group(1) in PAID_HASHTAGS
        )
    suspects.update(bisect_right(starts, match.start()) - 1 for match in _GATE.finditer(folded))
    if "ad" in folded:
        # Located by the "ad" (a match's leading whitespace cannot reach back over a NUL).
        suspects.update(bisect_right(starts, match.end() - 1) - 1 for match in _AD_AT_LINE_START.finditer(folded))
    markers = list(map(_hashtags_marker, hashtags))
    for index in suspects:
        markers[index] = find_marker(texts[index], hashtags[index])
    return markers


def decide_columns(
    flags: Sequence[bool | None],
    sponsors: Sequence[str | None],
    captions: Sequence[str | None],
    hashtags: Sequence[Iterable[str] | None],
) -> tuple[list[bool], list[str], list[str]]:
    """`decide` of many posts given as columns (None standing for "" in a sponsor or caption): the
    posts' is_sponsored, source and marker columns."""
    markers = find_markers(captions, hashtags)
    count = len(markers)
    if flags.count(None) == count and sponsors.count(None) + sponsors.count("") == count and not any(markers):
        # No flag, sponsor or marker in any post (counted in C): none is sponsored.
        return [False] * count, [""] * count, markers
    sponsored: list[bool] = []
    sources: list[str] = []
    for flag, sponsor, marker in zip(flags, sponsors, markers, strict=True):
        if flag:
            sponsored.append(True)
            sources.append(FLAG)
        elif flag is None and (sponsor or "").strip():
            sponsored.append(True)
            sources.append(SPONSOR)
        elif marker:
            sponsored.append(True)
            sources.append(MARKER)
        else:
            sponsored.append(False)
            sources.append("")
    return sponsored, sources, markers  # a post decided not sponsored has no marker


def marker_partner(marker: str) -> str:
    """The partner's handle a marker names ("paid partnership with @brand" → "brand"), or ""."""
    match = _PARTNER.search(marker or "")
    return match.group(1).rstrip(".").lower() if match else ""


# --- past brand partners -----------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_COMPACT = re.compile(r"[\W_]+")
_MENTION = re.compile(r"(?<![\w@])@([\w.]{1,100})")
SPONSOR_FIELD, PARTNER_MARKER, MENTION, NAMED = "sponsor", "marker", "mention", "caption"


def compact(name: str) -> str:
    """A brand or handle reduced to letters and digits, case-folded: '@Lumiskin', 'lumiskin'
    and 'LumiSkin!' are one key."""
    return _COMPACT.sub("", normalise(name))


def name_variants(name: str) -> list[str]:
    """A brand's full name and each script part of a bilingual name ("Lumiskin 璐美肤" → also
    "lumiskin" and "璐美肤"), normalised, longest first."""
    full = " ".join(normalise(name).strip().lstrip("@").split())
    latin = " ".join(_CJK.sub(" ", full).split())
    cjk = "".join(_CJK.findall(full))
    parts = [full] + [p for p in (latin, cjk) if p and p != full and len(p) >= 2]
    return [p for p in dict.fromkeys(parts) if compact(p)]


def name_pattern(name: str) -> re.Pattern[str]:
    """Where a caption (normalised) names `name`: Chinese names anywhere (no spaces between
    words), Latin names as whole words, also written together as a #hashtag or @handle."""
    alternatives = []
    for variant in name_variants(name):
        if _CJK.search(variant):
            alternatives.append(re.escape(variant))
        else:
            alternatives.append(r"(?<![\w])[#@]?" + re.escape(variant) + r"(?![\w])")
            joined = compact(variant)
            if joined != variant:
                alternatives.append(r"(?<![\w])[#@]?" + re.escape(joined) + r"(?![\w])")
    return re.compile("|".join(alternatives) or r"(?!)")


@dataclass(frozen=True, slots=True)
class PartnerPost:
    """What the partner summary reads of one sponsored post."""

    id: int
    posted_at: Any
    caption: str = ""
    mentions: tuple[str, ...] = ()
    sponsor: str = ""
    marker: str = ""
    source: str = ""
    url: str = ""
    platform: str = ""
    handle: str = ""


@dataclass
class BrandPartner:
    """A brand the creator published paid posts for, with the posts (newest first) and how each
    was attributed (`sponsor` field, partner named in the `marker`, a tagged `mention`, or a
    known brand `caption` names)."""

    name: str
    key: str
    posts: list[PartnerPost] = field(default_factory=list)
    how: set[str] = field(default_factory=set)

    @property
    def count(self) -> int:
        return len(self.posts)

    @property
    def last_posted_at(self) -> Any:
        return self.posts[0].posted_at if self.posts else None

    def as_dict(self, *, post_limit: int = 10) -> dict[str, Any]:
        return {
            "name": self.name,
            "posts": self.count,
            "last_posted_at": self.last_posted_at,
            "matched_by": sorted(self.how),
            "recent_posts": [
                {"id": p.id, "posted_at": p.posted_at, "url": p.url, "platform": p.platform, "handle": p.handle}
                for p in self.posts[:post_limit]
            ],
        }


def post_partners(post: PartnerPost, known: Sequence[tuple[str, re.Pattern[str]]] = ()) -> list[tuple[str, str]]:
    """(brand, how) for one sponsored post: the sponsor field, else the partner its marker names,
    else its tagged @handles; plus every known brand its caption names."""
    found: list[tuple[str, str]] = []
    if post.sponsor.strip():
        found.append((post.sponsor.strip(), SPONSOR_FIELD))
    elif marker_partner(post.marker):
        found.append((f"@{marker_partner(post.marker)}", PARTNER_MARKER))
    else:
        handles = [m.lstrip("@") for m in post.mentions] or _MENTION.findall(post.caption or "")
        found.extend((f"@{h.rstrip('.').lower()}", MENTION) for h in dict.fromkeys(handles) if h.strip("."))
    text = normalise(post.caption)
    for name, pattern in known:
        if pattern.search(text):
            found.append((name, NAMED))
    return found


def brand_partners(posts: Iterable[PartnerPost], known_brands: Iterable[str] = ()) -> list[BrandPartner]:
    """The brands a creator's sponsored `posts` were for, most posts first (then most recent).

    A known brand (the organisation's brands and their competitors) absorbs the sponsor names
    and handles that are one of its name variants, so "@lumiskin", "Lumiskin" and
    "Lumiskin 璐美肤" are one partner, shown by its known name."""
    known = [(name, name_pattern(name)) for name in dict.fromkeys(k.strip() for k in known_brands if k and k.strip())]
    canonical: dict[str, str] = {}
    for name, _pattern in known:
        for variant in name_variants(name):
            canonical.setdefault(compact(variant), name)
    partners: dict[str, BrandPartner] = {}
    for post in sorted(posts, key=lambda p: (p.posted_at, p.id), reverse=True):
        for brand, how in post_partners(post, known):
            key = compact(brand)
            name = canonical.get(key, brand)
            key = compact(name)
            partner = partners.setdefault(key, BrandPartner(name=name, key=key))
            if not partner.posts or partner.posts[-1].id != post.id:
                partner.posts.append(post)
            partner.how.add(how)
    return sorted(partners.values(), key=lambda p: (-p.count, -_timestamp(p.last_posted_at), p.name))


def _timestamp(value: Any) -> float:
    return value.timestamp() if hasattr(value, "timestamp") else 0.0
