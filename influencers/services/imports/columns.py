"""The columns of the flat (CSV/XLSX) import format: one account per row."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from influencers.models.audience import DISTRIBUTION_FIELDS

CREATOR_COLUMNS = (
    "creator_key",
    "creator_name",
    "country",
    "languages",
    "categories",
    "contact_email",
    "creator_notes",
)
ACCOUNT_COLUMNS = (
    "platform",
    "handle",
    "platform_user_id",
    "display_name",
    "bio",
    "external_url",
    "is_verified",
    "is_private",
    "profile_picture_url",
    "tracked",
)
SNAPSHOT_COLUMNS = ("snapshot_date", "followers", "following", "posts")
AUDIENCE_COLUMNS = ("audience_source", "audience_date")
REQUIRED_COLUMNS = ("platform", "handle")
FIXED_COLUMNS = frozenset(CREATOR_COLUMNS + ACCOUNT_COLUMNS + SNAPSHOT_COLUMNS + AUDIENCE_COLUMNS)
# One column per share: audience_age.18-24, audience_gender.female, audience_countries.CN, ...
AUDIENCE_SHARE = re.compile(r"audience_(" + "|".join(DISTRIBUTION_FIELDS) + r")\.(.+)")


def is_column(name: str) -> bool:
    """Whether `name` is a column of the flat format."""
    return name in FIXED_COLUMNS or AUDIENCE_SHARE.fullmatch(name) is not None


def canonical_name(header: str) -> str:
    """Headers match case-insensitively and ignore surrounding spaces; share keys keep their case."""
    text = header.strip()
    match = re.fullmatch(r"(?i)(audience_[a-z]+)\.(.+)", text)
    if match:
        return f"{match.group(1).lower()}.{match.group(2).strip()}"
    return text.lower()


# What other tools' exports call our columns and fields, in English and Chinese, compared after
# `_fold` (so 'Followers', '#Followers', 'followers_count' and 'No. of followers' are one name).
# A hint is a lookup in this table before it is a spelling guess: "followees" is spelt like
# "followers" but means "following".
SYNONYMS: dict[str, tuple[str, ...]] = {
    "followers": ("follower count", "fans", "subscribers", "粉丝", "粉丝数", "粉丝量", "粉丝总数", "订阅数", "订阅者"),
    "following": ("followees", "followings", "follows", "followed", "关注", "关注数", "关注人数", "关注量"),
    "posts": (
        "media",
        "media count",
        "videos",
        "notes",
        "笔记",
        "笔记数",
        "作品",
        "作品数",
        "帖子数",
        "视频数",
        "发帖数",
    ),
    "handle": ("username", "user name", "account", "账号", "账号id", "用户名", "小红书号", "抖音号"),
    "platform_user_id": ("user id", "uid", "userid", "platform id"),
    "display_name": ("nickname", "full name", "昵称"),
    "creator_name": ("达人昵称", "达人名称", "达人"),
    "platform": ("network", "平台", "渠道"),
    "country": ("地区", "国家", "country code"),
    "languages": ("语言",),
    "categories": ("niche", "niches", "类目", "分类", "达人类型", "领域"),
    "bio": ("biography", "简介", "个人简介", "签名"),
    "contact_email": ("email", "e-mail", "mail", "邮箱", "联系邮箱"),
    "is_verified": ("verified", "认证", "是否认证"),
    "is_private": ("private", "私密"),
    "external_url": ("website", "link", "外链"),
    "profile_picture_url": ("avatar", "profile picture", "profile pic", "头像"),
    "snapshot_date": ("date", "report date", "统计日期", "日期"),
    "paid_partnership": ("is paid partnership", "branded content", "paid"),
    "sponsor": ("partner", "brand", "paid partner", "赞助商", "合作品牌"),
}
# Words that only say "a count of" and carry no meaning of their own.
_NOISE = frozenset({"no", "nb", "num", "number", "of", "count", "total", "the", "数", "数量", "总"})
_SEPARATORS = re.compile(r"[\s_\-./:]+")
_SYMBOLS = re.compile(r"[^\w\s\-./:]")


def _fold(name: str) -> str:
    """A name reduced to its words: case-folded, symbols ('#', '№', '(') dropped, plurals and
    noise words ('number of', 'count') removed, joined by '_'."""
    text = _SYMBOLS.sub(" ", unicodedata.normalize("NFKC", name).casefold())
    words = []
    for word in _SEPARATORS.split(text):
        if not word or word in _NOISE:
            continue
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
        words.append(word)
    return "_".join(words)


def closest_name(name: str, choices: Iterable[str]) -> str | None:
    """The one of `choices` that `name` most likely means: the same words, a known synonym
    (SYNONYMS), or else the nearest spelling of a choice (difflib, ratio ≥ 0.75); None when
    nothing is close."""
    own: dict[str, str] = {}
    for choice in choices:
        own.setdefault(_fold(choice), choice)
    key = _fold(name)
    if not key:
        return None
    if key in own:
        return own[key]
    for choice in own.values():
        if any(_fold(synonym) == key for synonym in SYNONYMS.get(choice, ())):
            return choice
    # Spelling guesses only against our own names: short synonyms are too close to unrelated
    # words ('likes' is one letter from 'link').
    close = difflib.get_close_matches(key, list(own), n=1, cutoff=0.75)
    return own[close[0]] if close else None
