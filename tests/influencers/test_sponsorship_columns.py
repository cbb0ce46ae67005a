"""`sponsorship.decide_columns` (the importer's new posts, decided as columns) must give every post
exactly what `sponsorship.decide` gives it alone: the captions are normalised and searched as one
joined text, so these inputs aim at what could leak between neighbours or move under NFKC and
casefold (ß → ss, full-width ＃ and letters, ligatures, combining marks at a caption's start,
line-start "ad", NULs)."""

import random

import pytest

from influencers.sponsorship import decide, decide_columns, find_marker, find_markers

# fmt: off
PIECES = [
    "ad", "AD", "Ad", "aD", "ａｄ", "ＡＤ", "#", "＃", "#ad", "＃ＡＤ", "#Ad,", "#adventure", "#ads", "#spon",
    "#Werbung", "#WERBUNG", "#ANZEIGE", "#广告", "#合作", "#品牌合作", "#gifted", "sponsor", "SPONSORED BY",
    "Sponsored by @Brand.co", "ſponſored by", "ßponsored", "ẞPONSORED", "paid partnership with @x", "PAID",
    "paid promotion", "brought to you by", "is brought to you by", "for sponsoring", "this video is sponsored",
    "[", "]", "(", ")", "【", "】", "（", "）", "[ad]", "( ad )", "【AD】", "⒜", "⒜d", "(ａ)d", "ﬁ", "ﬆ", "ß",
    "ẞ", "Σ", "ς", "İ", "K", "Å", "e", "\u0301", "\u0308", "\u1100", "\u1161", "\u11a8", "가", "\u3000",
    "\u00a0", "\u2028", "\n", "\r\n", " ", "  ", "\t", ":", "|", " - ", "–", "广告", "非广告", "不是广告",
    "推广", "品牌推广", "赞助", "合作", "商务合作请私信", "品牌合作 vx: abc", "恰饭", "本期恰饭", "恰个饭",
    "软广", "硬广", "金主爸爸", "看到广告", "广告牌", "not sponsored", "not an ad", "non-sponsored",
    "unsponsored", "isn't an ad", "日常", "分享", "coffee", "daily", "read", "made", "bad", "adidas", "@brand",
    "Ⓐⓓ", "🅰", "𝐚𝐝", "𝐀𝐃", "ᵃᵈ", "\x00", "x\x00ad",
]
# fmt: on
TAGS = ["ad", "AD", "＃ad", "#Ad", " ad ", "adventure", "广告", "合作", "gifted", "Werbung", "ß", "ss", "spon"]


def _caption(rng: random.Random) -> str | None:
    roll = rng.random()
    if roll < 0.05:
        return None
    if roll < 0.1:
        return ""
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 8)))


def _tags(rng: random.Random) -> object:
    roll = rng.random()
    if roll < 0.2:
        return None
    if roll < 0.25:
        return [1, True, "AD"]
    return rng.sample(TAGS, k=rng.randint(0, 3))


def _posts(rng: random.Random, count: int) -> list[tuple]:
    return [
        (
            rng.choice((None, None, False, True)),
            rng.choice((None, None, "", "  ", "Brand", " 品牌 ")),
            _caption(rng),
            _tags(rng),
        )
        for _ in range(count)
    ]


def _one_by_one(posts: list[tuple]) -> list[tuple]:
    decided = [
        decide(flag=flag, sponsor=sponsor or "", caption=caption or "", hashtags=tags)
        for flag, sponsor, caption, tags in posts
    ]
    return [(d.is_sponsored, d.source, d.marker) for d in decided]


def _as_columns(posts: list[tuple]) -> list[tuple]:
    flags, sponsors, captions, tags = (list(column) for column in zip(*posts, strict=True))
    return list(zip(*decide_columns(flags, sponsors, captions, tags), strict=True))


@pytest.mark.parametrize("size", [1, 2, 3, 17, 400])
def test_columns_decide_every_post_as_decide_does(size: int) -> None:
    rng = random.Random(size)
    for _ in range(max(1, 4000 // size)):
        posts = _posts(rng, size)
        assert _as_columns(posts) == _one_by_one(posts)


def test_the_inputs_reach_every_outcome() -> None:
    """The generator above is worth its name only if it makes every kind of answer."""
    rng = random.Random(7)
    posts = _posts(rng, 3000)
    outcomes = _one_by_one(posts)
    assert {source for _sponsored, source, _marker in outcomes} == {"", "flag", "sponsor", "marker"}
    markers = {marker for _sponsored, _source, marker in outcomes}
    assert {"#ad", "#werbung", "广告"} <= markers
    assert any(marker.startswith("sponsored by") for marker in markers)
    # Markers found by the line-start test and in brackets, and posts flagged with no marker.
    assert any(marker in {"ad:", "ad |", "[ad]", "( ad )", "【ad】"} for marker in markers)
    assert ("", "") in {(source, marker) for _sponsored, source, marker in outcomes}


@pytest.mark.parametrize(
    "captions",
    [
        ["prefix e", "\u0301 #ad"],  # a combining mark opening a caption composes with nothing before it
        ["ß", "ponsored by x"],  # ß folds to ss: no "sponsored" across the joint
        ["#a", "d"],
        ["x\n", "ad: new"],
        ["new\n", "\nAd: serum", "AD | x"],
        ["＃ＡＤ", "ＰＡＩＤ ＰＡＲＴＮＥＲＳＨＩＰ", "ẞPONSORED BY @x"],
        ["a\x00", "\x00ad: x"],  # NULs: each caption on its own
        ["\u1100", "\u1161\u11a8 广告"],  # Hangul jamo on both sides of the joint
    ],
)
def test_neighbouring_captions_do_not_meet(captions: list[str]) -> None:
    assert find_markers(captions, [None] * len(captions)) == [find_marker(c) for c in captions]
