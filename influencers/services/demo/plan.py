"""The synthetic demo catalogue as plain data: creators, accounts, 180 days of snapshots, posts,
audiences, follower and comment samples, image recipes and fraud marks.

Pure and deterministic: the same (creators, seed, end_date) always gives the same plan, and
creator i is generated from its own random stream, so a small catalogue is the prefix of a
large one. `influencers.services.demo.seed` turns a plan into rows and image files.

Fraud marks (on the primary account of every 7th creator, ~9% of accounts, kinds in rotation):
- follower_jump: a bought-follower jump (round numbers on most, e.g. +20,000 in one day) against
  the trend; every other one followed a week later by a partial drop (follower_purge);
- following_churn: follow/unfollow waves of thousands every two to three weeks;
- engagement_pod: the same ring of ~10 accounts comments on every post, in the same order,
  with generic texts ("Great post!", "🔥🔥", "好棒");
- fake_follower_sample: a follower sample mostly made of empty accounts (no picture, 0 posts,
  following thousands, digit-heavy usernames);
- low_engagement: engagement far below the benchmark of the follower tier;
- reused_images (a few other accounts): images copied from an unrelated creator, one byte-for-
  byte, one re-encoded, each posted after the original (only one when the copier's posts leave
  no room for a second).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict, TypeVar

import numpy as np

from influencers.services.demo import content as c
from influencers.services.demo.images import DEMO_STYLES

DAYS = 180
UTC = dt.UTC
FRAUD_KINDS = ("follower_jump", "following_churn", "engagement_pod", "fake_follower_sample", "low_engagement")
VIDEO_PLATFORMS = frozenset({"youtube", "tiktok", "douyin", "bilibili"})
CHINESE_PLATFORMS = frozenset({"xiaohongshu", "douyin", "bilibili", "weibo"})

# (tier, min followers, max followers, weight); followers are log-uniform inside a tier.
TIERS = (
    ("nano", 1_500, 10_000, 0.22),
    ("micro", 10_000, 100_000, 0.40),
    ("mid", 100_000, 500_000, 0.22),
    ("macro", 500_000, 2_000_000, 0.12),
    ("mega", 2_000_000, 8_000_000, 0.04),
)
# Engagement benchmarks: ER by followers at the micro tier, scaled per tier (smaller accounts
# engage more); for video platforms (views/followers, ER by views).
BASE_ER = {"instagram": 0.03, "xiaohongshu": 0.026, "weibo": 0.006, "x": 0.007, "pinterest": 0.008, "facebook": 0.01}
TIER_ER = {"nano": 1.7, "micro": 1.0, "mid": 0.7, "macro": 0.5, "mega": 0.35}
VIDEO_RATES = {"tiktok": (0.55, 0.08), "douyin": (0.5, 0.07), "youtube": (0.22, 0.045), "bilibili": (0.3, 0.06)}
SPONSORED_SHARE = {"nano": 0.03, "micro": 0.08, "mid": 0.14, "macro": 0.18, "mega": 0.2}
ROUND_JUMPS = (2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000)
HANDLE_WORDS = {
    "beauty": ("beauty", "glow", "makeup"),
    "fashion": ("style", "wears", "closet"),
    "travel": ("travels", "wanders", "journeys"),
    "food": ("eats", "kitchen", "bites"),
    "fitness": ("fit", "moves", "lifts"),
    "tech": ("tech", "codes", "gadgets"),
    "gaming": ("plays", "gg", "games"),
    "parenting": ("mama", "family", "littles"),
    "home": ("home", "nest", "living"),
    "outdoor": ("outdoors", "trails", "wild"),
}
BOT_COUNTRIES = {"IN": {"hi": 0.5, "en": 0.5}, "BR": {"pt": 1.0}, "ID": {"id": 1.0}, "BD": {"bn": 1.0}}
EXTRA_INTERESTS = ("music", "pets", "photography", "art", "movies")
# Follower samples: the followers of an account are its scene's fans, people who follow it alone
# and (fraud) fakes. A scene is a platform × main category × (Chinese-speaking or not) audience
# with a core of SCENE_CORE fans who follow many of its creators: audiences overlap there, by
# design. Samples are SAMPLE_FRACTION of the followers within SAMPLE_SIZES, large enough for
# overlaps of small and micro accounts to show (docs/demo-data.md, "Follower samples").
SCENE_CORE = 8_000
SAMPLE_FRACTION = 0.08
SAMPLE_SIZES = (150, 1_500)

T = TypeVar("T")


@dataclass
class CommentPlan:
    """One sampled comment."""

    commenter: str
    text: str
    posted_at: dt.datetime
    likes: int


@dataclass
class PostPlan:
    """One post with its counters and sampled comments."""

    platform_post_id: str
    posted_at: dt.datetime
    post_type: str
    url: str
    caption: str
    hashtags: list[str]
    mentions: list[str]
    likes: int
    comments: int
    shares: int | None
    saves: int | None
    views: int | None
    is_sponsored: bool = False
    sponsor: str = ""
    unsafe_keywords: tuple[str, ...] = ()
    comment_samples: list[CommentPlan] = field(default_factory=list)


@dataclass
class ImagePlan:
    """How to make one image: draw `style` with `seed`, or copy image `copy_of` =
    (creator index, image index) of another creator ('identical' bytes or 're-encoded')."""

    seed: int
    style: str
    post_index: int | None
    copy_of: tuple[int, int] | None = None
    copy_mode: str = ""


@dataclass
class AccountPlan:
    """One platform account with its history, audience and samples."""

    platform: str
    handle: str
    display_name: str
    bio: str
    platform_user_id: str
    is_verified: bool
    external_url: str
    tier: str
    snapshots: list[tuple[dt.date, int, int, int]]  # (date, followers, following, posts)
    posts: list[PostPlan]
    audience: dict[str, dict[str, float]]
    follower_samples: list[dict[str, Any]]
    images: list[ImagePlan]
    fraud: list[str]
    fraud_details: dict[str, Any] = field(default_factory=dict)
    scene: tuple[object, ...] = ()  # (platform, main category, Chinese-speaking audience)
    scene_fans: int = 0  # how many of the scene's SCENE_CORE fans follow the account


@dataclass
class CreatorPlan:
    """One creator: identity, niches, visual style and accounts."""

    index: int
    display_name: str
    country: str
    languages: list[str]
    categories: list[str]
    contact_email: str
    style: str
    accounts: list[AccountPlan]


@dataclass
class DemoPlan:
    """The whole synthetic catalogue."""

    seed: int
    end_date: dt.date
    creators: list[CreatorPlan]

    def counts(self) -> dict[str, int]:
        """Row counts the plan will produce (brands and shortlists are counted by the seeder)."""
        accounts = [a for cr in self.creators for a in cr.accounts]
        posts = [p for a in accounts for p in a.posts]
        return {
            "creators": len(self.creators),
            "accounts": len(accounts),
            "snapshots": sum(len(a.snapshots) for a in accounts),
            "posts": len(posts),
            "sponsored_posts": sum(p.is_sponsored for p in posts),
            "comment_samples": sum(len(p.comment_samples) for p in posts),
            "follower_samples": sum(len(a.follower_samples) for a in accounts),
            "audience_profiles": len(accounts),
            "images": sum(len(a.images) for a in accounts),
            "fraud_accounts": sum(bool(a.fraud) for a in accounts),
            "platforms": len({a.platform for a in accounts}),
        }


# --- small helpers ----------------------------------------------------------------------------


def _stable_int(*parts: object) -> int:
    """A 63-bit integer from the parts (image seeds, ids): stable across runs and machines."""
    return int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest()[:8], "big") >> 1


class _Rng:
    """One random stream: Python's `random` for scalars (numpy scalar draws cost ~10× more,
    and there are ~10⁵ of them) and a numpy Generator for whole series. Both seeded from the
    same parts, both stable across runs and platforms."""

    def __init__(self, *parts: object) -> None:
        self._seed = _stable_int(*parts)
        self.py = random.Random(self._seed)
        self._np: np.random.Generator | None = None

    @property
    def np(self) -> np.random.Generator:
        # Made on first use: the streams of single followers draw only scalars, and a Generator
        # costs more than all of their draws.
        if self._np is None:
            self._np = np.random.default_rng(self._seed)
        return self._np

    def random(self) -> float:
        return self.py.random()

    def uniform(self, low: float, high: float) -> float:
        return self.py.uniform(low, high)

    def integers(self, low: int, high: int) -> int:
        """An integer in [low, high) like numpy's Generator.integers."""
        return self.py.randrange(low, high)

    def normal(self, mean: float, sd: float) -> float:
        return self.py.gauss(mean, sd)

    def lognormal(self, mean: float, sigma: float) -> float:
        return self.py.lognormvariate(mean, sigma)


def _pick(rng: _Rng, items: Sequence[T]) -> T:
    return items[rng.py.randrange(len(items))]


def _weighted(rng: _Rng, weights: Mapping[str, float]) -> str:
    return rng.py.choices(list(weights), weights=list(weights.values()))[0]


def _sample(rng: _Rng, items: Sequence[T], k: int) -> list[T]:
    return rng.py.sample(list(items), min(k, len(items)))


def _distribution(raw: dict[str, float]) -> dict[str, float]:
    """Drop negligible shares, round to 4 decimals, and make the shares sum to exactly 1."""
    kept = {k: v for k, v in raw.items() if v >= 0.004}
    total = sum(kept.values())
    shares = {k: round(v / total, 4) for k, v in sorted(kept.items(), key=lambda kv: -kv[1])}
    top = next(iter(shares))
    shares[top] = round(shares[top] + 1.0 - sum(shares.values()), 4)
    return shares


def _digits(rng: _Rng, n: int) -> str:
    return "".join(rng.py.choices("0123456789", k=n))


def _alnum(rng: _Rng, n: int) -> str:
    return "".join(rng.py.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=n))


# --- identity ---------------------------------------------------------------------------------


@dataclass
class _Identity:
    display_name: str
    zh_name: str  # Chinese display form ("" for non-Chinese creators)
    handle_bases: list[str]  # ASCII handle candidates, best first
    zh_handle: str  # a Chinese nickname usable as a handle on Chinese platforms
    english_first: str


def _identity(rng: _Rng, country: str, category: str) -> _Identity:
    word = _pick(rng, HANDLE_WORDS[category])
    if country in ("CN", "TW", "HK"):
        (sur, sur_py), (given, given_py) = _pick(rng, c.CN_SURNAMES), _pick(rng, c.CN_GIVEN_NAMES)
        english = _pick(rng, c.EN_FIRST_NAMES)
        pet = given[-1] * 2  # 琪琪: the usual reduplicated pet name
        nick = f"{pet}{_pick(rng, c.CN_NICK_SUFFIXES)}"
        style = rng.random()
        if style < 0.35:
            display = f"{sur}{given}"
        elif style < 0.7:
            display = nick
        else:
            display = f"{given}{english}"
        bases = [
            f"{given_py}{sur_py}",
            f"{sur_py}.{given_py}",
            f"{given_py}_{word}",
            f"{english.lower()}{sur_py}",
            f"{given_py}{_digits(rng, 2)}",
        ]
        if rng.random() < 0.5:
            bases.insert(0, f"{given_py}.{word}")
        return _Identity(display, display, bases, nick, english)
    if country in ("SG", "MY"):
        english = _pick(rng, c.EN_FIRST_NAMES)
        if country == "MY" and rng.random() < 0.4:
            display = _pick(rng, c.MALAY_NAMES)
            parts = display.lower().split()
            bases = [f"{parts[0]}.{parts[-1]}", f"{parts[0]}_{word}", f"{parts[0]}{parts[-1]}{_digits(rng, 2)}"]
            return _Identity(display, "", bases, "", display.split()[0])
        sur = _pick(rng, c.SEA_CHINESE_SURNAMES)
        (_, given_py) = _pick(rng, c.CN_GIVEN_NAMES)
        display = f"{english} {sur}"
        bases = [
            f"{english.lower()}{sur.lower()}",
            f"{english.lower()}.{word}",
            f"{given_py}_{sur.lower()}",
            f"{english.lower()}_{sur.lower()}{_digits(rng, 2)}",
        ]
        (zh_sur, _), (zh_given, _) = _pick(rng, c.CN_SURNAMES), _pick(rng, c.CN_GIVEN_NAMES)
        return _Identity(display, f"{zh_sur}{zh_given}", bases, f"{zh_given}{_pick(rng, c.CN_NICK_SUFFIXES)}", english)
    if country in ("JP", "KR"):
        first, last = _pick(rng, c.JP_NAMES if country == "JP" else c.KR_NAMES)
        f_ascii = first.lower().replace("-", "")
        display = f"{first} {last}"
        bases = [
            f"{f_ascii}.{last.lower()}",
            f"{f_ascii}_{word}",
            f"{f_ascii}{last.lower()}",
            f"{f_ascii}{_digits(rng, 3)}",
        ]
        return _Identity(display, "", bases, "", first)
    first, last = _pick(rng, c.EN_FIRST_NAMES), _pick(rng, c.EN_LAST_NAMES)
    display = f"{first} {last}" if rng.random() < 0.7 else f"{first} {word.capitalize()}"
    bases = [
        f"{first.lower()}.{word}",
        f"{first.lower()}{last.lower()}",
        f"the{first.lower()}{word}",
        f"{first.lower()}_{last.lower()}",
        f"{first.lower()}{word}{_digits(rng, 2)}",
    ]
    if rng.random() < 0.5:
        bases.insert(0, f"{first.lower()}{last.lower()}")
    return _Identity(display, "", bases, "", first)


def _unique_handle(rng: _Rng, platform: str, bases: list[str], taken: dict[str, set[str]]) -> str:
    used = taken.setdefault(platform, set())
    for base in bases:
        if base not in used:
            used.add(base)
            return base
    while True:
        handle = f"{bases[0]}{_digits(rng, 3)}"
        if handle not in used:
            used.add(handle)
            return handle


# --- history ----------------------------------------------------------------------------------


def _tier(rng: _Rng, allowed: Sequence[str] | None = None) -> tuple[str, int]:
    rows = [t for t in TIERS if allowed is None or t[0] in allowed]
    name, low, high, _ = rng.py.choices(rows, weights=[t[3] for t in rows])[0]
    return name, int(math.exp(rng.uniform(math.log(low), math.log(high))))


def _follower_series(
    rng: _Rng, final: int, end_date: dt.date, fraud: list[str], details: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray, int | None]:
    """Daily followers (and the organic part of them) with trend, weekly rhythm, noise, viral
    bumps and, for fraud accounts, bought-follower jumps. Returns (followers, organic, viral_day)."""
    growth = float(np.clip(rng.normal(0.15, 0.12), -0.04, 0.8))
    start = final / (1 + growth)
    t = np.linspace(0.0, 1.0, DAYS)
    if rng.random() < 0.5:
        shape = t
    else:  # logistic: a creator taking off somewhere inside the window
        k, mid = rng.uniform(4, 10), rng.uniform(0.3, 0.7)
        sig = 1 / (1 + np.exp(-k * (t - mid)))
        shape = (sig - sig[0]) / (sig[-1] - sig[0])
    trend = start + (final - start) * shape
    increments = np.diff(trend, prepend=trend[0])
    weekdays = np.array([(end_date - dt.timedelta(days=DAYS - 1 - d)).weekday() for d in range(DAYS)])
    rhythm = 1 + 0.3 * np.cos(2 * np.pi * (weekdays - 5.5) / 7)  # more follows at the weekend
    increments = increments * rhythm * rng.np.lognormal(0, 0.35, DAYS) + rng.np.normal(0, 0.0004 * final, DAYS)
    viral_day = None
    if rng.random() < 0.25:
        viral_day = int(rng.integers(20, DAYS - 10))
        bump = final * rng.uniform(0.03, 0.12)
        increments[viral_day : viral_day + 4] += bump * np.array([0.45, 0.3, 0.15, 0.1])
    organic = np.maximum(start + np.cumsum(increments) - increments[0], 1)
    followers = organic.copy()
    if "follower_jump" in fraud:
        day = int(rng.integers(40, DAYS - 20))
        target = final * rng.uniform(0.2, 0.45)
        jump = min(ROUND_JUMPS, key=lambda r: abs(r - target))
        if details.get("round", True) is False:
            jump += int(rng.integers(-900, 900))
        bought = np.zeros(DAYS)
        bought[day:] += jump
        details.update({"jump_day": (end_date - dt.timedelta(days=DAYS - 1 - day)).isoformat(), "jump": int(jump)})
        if "follower_purge" in fraud:
            purge = int(jump * rng.uniform(0.3, 0.6))
            bought[day + 7 :] -= purge
            details.update({"purge_day": (end_date - dt.timedelta(days=DAYS - 8 - day)).isoformat(), "purge": purge})
        followers = followers + bought
    return np.round(followers).astype(np.int64), organic, viral_day


def _following_series(rng: _Rng, churn: bool, details: dict[str, Any]) -> np.ndarray:
    base = float(np.clip(rng.lognormal(math.log(450), 0.6), 40, 3000))
    walk = base + np.cumsum(rng.np.integers(-2, 4, DAYS))
    if churn:
        day, waves = int(rng.integers(3, 12)), []
        while day < DAYS - 6:
            size = float(rng.integers(1500, 4000))
            ramp = np.array([0.5, 1.0, 1.0, 0.6, 0.25, 0.05])  # follow thousands, then unfollow them
            walk[day : day + 6] += size * ramp
            waves.append(day)
            day += int(rng.integers(12, 21))
        details["churn_waves"] = len(waves)
    return np.maximum(np.round(walk), 10).astype(np.int64)


# --- content ----------------------------------------------------------------------------------


def _post_type(rng: _Rng, platform: str) -> str:
    table = {
        "youtube": {"video": 0.8, "reel": 0.2},
        "tiktok": {"reel": 1.0},
        "douyin": {"reel": 1.0},
        "bilibili": {"video": 1.0},
        "instagram": {"image": 0.5, "carousel": 0.3, "reel": 0.2},
        "xiaohongshu": {"carousel": 0.6, "image": 0.2, "video": 0.2},
        "weibo": {"image": 0.6, "text": 0.3, "video": 0.1},
        "x": {"text": 0.5, "image": 0.5},
        "pinterest": {"image": 1.0},
        "facebook": {"image": 0.5, "video": 0.2, "text": 0.3},
    }
    return _weighted(rng, table[platform])


def _post_ref(rng: _Rng, platform: str, handle: str, uid: str) -> tuple[str, str]:
    """(platform post id, URL) in each platform's own id format."""
    if platform == "instagram":
        pid = _alnum(rng, 11)
        return pid, f"https://www.instagram.com/p/{pid}/"
    if platform == "tiktok":
        pid = "7" + _digits(rng, 18)
        return pid, f"https://www.tiktok.com/@{handle}/video/{pid}"
    if platform == "douyin":
        pid = "7" + _digits(rng, 18)
        return pid, f"https://www.douyin.com/video/{pid}"
    if platform == "youtube":
        pid = _alnum(rng, 11)
        return pid, f"https://www.youtube.com/watch?v={pid}"
    if platform == "bilibili":
        pid = "BV1" + _alnum(rng, 9)
        return pid, f"https://www.bilibili.com/video/{pid}"
    if platform == "xiaohongshu":
        pid = "".join(rng.py.choices("0123456789abcdef", k=24))
        return pid, f"https://www.xiaohongshu.com/explore/{pid}"
    if platform == "weibo":
        pid = "P" + _alnum(rng, 8)
        return pid, f"https://weibo.com/{uid}/{pid}"
    if platform == "x":
        pid = "18" + _digits(rng, 17)
        return pid, f"https://x.com/{handle}/status/{pid}"
    if platform == "pinterest":
        pid = _digits(rng, 15)
        return pid, f"https://www.pinterest.com/pin/{pid}/"
    pid = _digits(rng, 16)
    return pid, f"https://www.facebook.com/{handle}/posts/{pid}"


def _sponsor_handle(sponsor: str) -> str:
    latin = "".join(ch for ch in sponsor.split(" ")[0] if ch.isascii() and ch.isalnum())
    return latin.lower() or "brand"


def _caption(rng: _Rng, category: str, lang: str, sign_off_lang: str, sponsor: str) -> tuple[str, list[str]]:
    topics_en, topics_zh, tags_en, tags_zh = c.TOPICS[category]
    emoji = _pick(rng, c.EMOJIS)
    if lang == "zh":
        topic = _pick(rng, topics_zh)
        text = f"{topic}｜{_pick(rng, c.FEELINGS_ZH)}{emoji}"
        if sponsor:
            text = f"感谢{sponsor}的合作～{text}"
        tags = _sample(rng, tags_zh, int(rng.integers(2, 5)))
        if sponsor:
            tags += ["广告", "合作"]
    else:
        topic = _pick(rng, topics_en)
        text = f"{topic[0].upper()}{topic[1:]} — {_pick(rng, c.FEELINGS_EN)} {emoji}"
        if sponsor:
            text = f"Thanks {sponsor} for partnering with me! {text}"
        if sign_off_lang in c.SIGN_OFFS:
            text += f" {c.SIGN_OFFS[sign_off_lang]}"
        tags = _sample(rng, tags_en, int(rng.integers(2, 5)))
        if sponsor:
            tags += ["ad", "sponsored"]
    return f"{text}\n" + " ".join(f"#{t}" for t in tags), tags


def _bio(rng: _Rng, country: str, category: str, lang: str, email: str) -> str:
    city_zh, city_en = _pick(rng, c.CITIES[country])
    if lang == "zh":
        bio = f"📍{city_zh}｜{c.CATEGORY_ZH[category]}博主｜{_pick(rng, c.TAGLINES_ZH)}"
        return bio + (f"\n📮合作：{email}" if email else "")
    bio = f"{category.capitalize()} creator in {city_en} · {_pick(rng, c.TAGLINES_EN)}"
    return bio + (f" · collabs: {email}" if email else "")


# --- audience ---------------------------------------------------------------------------------


def _audience(rng: _Rng, country: str, categories: list[str], platform: str, bots: bool) -> dict[str, dict[str, float]]:
    from influencers.models.audience import AGE_BANDS

    base = np.array(c.CATEGORY_AGES[categories[0]], dtype=float)
    if platform in ("bilibili", "tiktok", "douyin"):  # younger platforms
        base = base * np.array([1.6, 1.3, 1.0, 0.7, 0.5, 0.4, 0.3])
    elif platform in ("facebook", "youtube", "pinterest"):
        base = base * np.array([0.6, 0.9, 1.0, 1.2, 1.4, 1.4, 1.4])
    ages = rng.np.dirichlet(base / base.sum() * 80 + 0.05)
    female = float(np.clip(c.CATEGORY_FEMALE[categories[0]] + rng.normal(0, 0.05), 0.05, 0.97))
    other = float(rng.uniform(0.005, 0.02))
    home = float(rng.uniform(0.75, 0.92) if country == "CN" else rng.uniform(0.45, 0.8))
    neighbours = c.COUNTRIES[country][2]
    rest = rng.np.dirichlet(np.ones(len(neighbours)) * 2) * (1 - home)
    countries = {country: home, **{n: float(s) for n, s in zip(neighbours, rest)}}
    if bots:  # bought followers come from follower farms far from the creator's market
        farm = float(rng.uniform(0.1, 0.25))
        countries = {k: v * (1 - farm) for k, v in countries.items()}
        for code, share in zip(BOT_COUNTRIES, rng.np.dirichlet(np.ones(len(BOT_COUNTRIES)) * 2) * farm):
            countries[code] = float(share)
    languages: dict[str, float] = {}
    for code, share in countries.items():
        for lang, part in {**c.COUNTRY_LANGUAGES, **BOT_COUNTRIES}[code].items():
            languages[lang] = languages.get(lang, 0.0) + share * part
    interests = {categories[0]: float(rng.uniform(0.3, 0.45))}
    for cat in categories[1:]:
        interests[cat] = float(rng.uniform(0.12, 0.2))
    related = [r for r in c.RELATED_CATEGORIES[categories[0]] if r not in interests]
    for name in [*related, *_sample(rng, EXTRA_INTERESTS, 2)]:
        interests[name] = interests.get(name, 0.0) + float(rng.uniform(0.03, 0.12))
    return {
        "age": _distribution(dict(zip(AGE_BANDS, ages.tolist()))),
        "gender": _distribution({"female": female * (1 - other), "male": (1 - female) * (1 - other), "other": other}),
        "countries": _distribution(countries),
        "languages": _distribution(languages),
        "interests": _distribution(interests),
    }


def _real_username(rng: _Rng, zh: bool) -> tuple[str, str, bool]:
    """(username, full name, is Chinese) of a real-looking person."""
    form = rng.py.randrange(5)
    if zh and rng.random() < 0.7:
        (sur, sur_py), (given, given_py) = _pick(rng, c.CN_SURNAMES), _pick(rng, c.CN_GIVEN_NAMES)
        if form == 0:
            name = f"{given_py}{sur_py}"
        elif form == 1:
            name = f"{sur_py}_{given_py}"
        elif form == 2:
            name = f"{given_py}.{_digits(rng, 2)}"
        else:
            name = f"{given_py}_{_alnum(rng, 3)}"
        return name, f"{sur}{given}", True
    first, last = _pick(rng, c.EN_FIRST_NAMES), _pick(rng, c.EN_LAST_NAMES)
    fn, ln = first.lower(), last.lower()
    name = (f"{fn}.{ln}", f"{fn}{ln[:3]}", f"{fn}_{_digits(rng, 2)}", f"its{fn}", f"{fn}.{_alnum(rng, 3)}")[form]
    return name, f"{first} {last}", False


def _real_follower(rng: _Rng, zh: bool) -> dict[str, Any]:
    username, full_name, chinese = _real_username(rng, zh)
    return {
        # A username names one person on a platform: the tag keeps two invented people from
        # sharing one (a shared username is what the overlap estimator counts as one follower).
        "username": f"{username}_{_alnum(rng, 5)}",
        "full_name": full_name,
        "biography": _pick(rng, c.FOLLOWER_BIOS_ZH if chinese else c.FOLLOWER_BIOS_EN),
        "followers_count": int(rng.lognormal(math.log(320), 1.1)),
        "following_count": int(min(max(rng.lognormal(math.log(380), 0.7), 5), 1400)),
        "media_count": int(rng.lognormal(math.log(60), 1.0)),
        "has_profile_pic": rng.random() < 0.93,
        "is_private": rng.random() < 0.25,
        "is_verified": False,
        "external_url": "",
    }


def _fake_follower(rng: _Rng) -> dict[str, Any]:
    kind = rng.random()
    # Digits enough that two farms' accounts never share a username by chance (one shared
    # username between two large samples reads as a contradiction to the overlap estimator).
    if kind < 0.3:
        username = f"user{_digits(rng, 10)}"
    elif kind < 0.55:
        username = _alnum(rng, 10)
    elif kind < 0.8:
        username = f"{_pick(rng, c.EN_FIRST_NAMES).lower()}{_digits(rng, int(rng.integers(9, 12)))}"
    else:
        username = f"{_pick(rng, c.CN_GIVEN_NAMES)[1]}{_digits(rng, 9)}"
    return {
        "username": username,
        "full_name": "",
        "biography": "",
        "followers_count": int(rng.integers(0, 30)),
        "following_count": int(rng.integers(1500, 7500)),
        "media_count": 0 if rng.random() < 0.85 else int(rng.integers(1, 4)),
        "has_profile_pic": rng.random() < 0.12,
        "is_private": False,
        "is_verified": False,
        "external_url": "",
    }


def sample_size(followers: int) -> int:
    """How many followers of an account are sampled: SAMPLE_FRACTION of them, within SAMPLE_SIZES."""
    low, high = SAMPLE_SIZES
    return int(min(max(round(SAMPLE_FRACTION * followers), low), high))


def scene_fans(rng: _Rng, followers: int) -> int:
    """How many of its scene's SCENE_CORE fans follow an account: a share of the core, at most
    a share of the account's own audience (a nano account's audience is half scene, a mega
    account's almost none)."""
    return int(min(rng.uniform(0.2, 0.6) * SCENE_CORE, rng.uniform(0.3, 0.6) * followers))


@functools.lru_cache(maxsize=1 << 16)
def _scene_member(scene: tuple[object, ...], index: int) -> tuple[tuple[str, Any], ...]:
    """Fan `index` of a scene: the same person (username and profile) in every sample holding it."""
    return tuple(_real_follower(_Rng("scene", *scene, index), zh=bool(scene[-1])).items())


def _follower_sample(
    rng: _Rng, zh: bool, fake_share: float, *, followers: int, scene: tuple[object, ...], fans: int
) -> list[dict[str, Any]]:
    """A simple random sample of an account's `followers`: fakes (`fake_share`), its scene's fans
    (`fans` of them follow it, each a uniform draw from the scene's core) and people who follow
    it alone. Two accounts of a scene share fans_a·fans_b/SCENE_CORE followers on average, and
    their samples hold each of them independently, as the overlap estimator assumes."""
    size = sample_size(followers)
    fan_share = fans / max(followers, 1)
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    members: set[int] = set()
    for _ in range(size):
        if rng.random() < fake_share:
            row = _fake_follower(rng)
        elif rng.random() < fan_share and len(members) < fans:
            index = rng.integers(0, SCENE_CORE)
            while index in members:  # without replacement, like the rest of the sample
                index = rng.integers(0, SCENE_CORE)
            members.add(index)
            row = dict(_scene_member(scene, index))
        else:
            row = _real_follower(rng, zh)
        while row["username"] in seen:
            row["username"] += _digits(rng, 2)
        seen.add(row["username"])
        rows.append(row)
    return rows


def _pod_ring(ring: int) -> list[str]:
    """The ~10 accounts of engagement pod `ring` (shared by several pod members, as real pods are)."""
    rng = _Rng("pod", ring)
    names = []
    for k in range(10):
        first = _pick(rng, c.EN_FIRST_NAMES).lower()
        names.append(
            _pick(
                rng,
                (
                    f"{first}.growth{k}",
                    f"{first}_daily_{_digits(rng, 2)}",
                    f"boost.{first}{k}",
                    f"{first}creates{_digits(rng, 2)}",
                ),
            )
        )
    return names


# --- the plan ---------------------------------------------------------------------------------


def _fraud_for(index: int) -> list[str]:
    """Fraud marks of creator `index`'s primary account (deterministic rotation)."""
    if index % 7 != 3:
        return []
    kind = FRAUD_KINDS[(index // 7) % len(FRAUD_KINDS)]
    marks = [kind]
    if kind == "follower_jump" and (index // 35) % 2 == 0:
        marks.append("follower_purge")
    return marks


def _reuse_source(index: int) -> int | None:
    """Creators that copy images from an unrelated earlier creator (the reused-image signal)."""
    return index - 13 if index % 50 == 20 else None


def _plant_reuse(copier: AccountPlan, source: AccountPlan, source_index: int) -> None:
    """Make two of the copier's images (its newest ones that can be) copies of the source's
    pictures: one byte-for-byte, one re-encoded. Each copies a picture the source posted
    *before* the copier's post, as a thief copies what is already online (vetting tells the copy
    from the original by the post dates); an image posted before all of the source's pictures
    stays the copier's own."""

    def posted(account: AccountPlan, image: ImagePlan) -> dt.datetime | None:
        return account.posts[image.post_index].posted_at if image.post_index is not None else None

    taken: set[int] = set()
    for mode in ("identical", "re-encoded"):
        for image in copier.images:
            when = posted(copier, image)
            if image.copy_of is not None or when is None:
                continue
            earlier = [
                (date, k)
                for k, original in enumerate(source.images)
                if k not in taken and (date := posted(source, original)) is not None and date < when
            ]
            if earlier:
                k = max(earlier)[1]  # the newest picture the source had posted by then
                taken.add(k)
                image.copy_of, image.copy_mode = (source_index, k), mode
                break
    if taken:
        copier.fraud.append("reused_images")
        copier.fraud_details["reused_from_creator"] = source_index


def _platforms(rng: _Rng, country: str, category: str) -> list[str]:
    group = country if country in c.PLATFORM_WEIGHTS else ("WEST" if country not in ("JP", "KR") else country)
    weights = dict(c.PLATFORM_WEIGHTS[group])
    for name, boost in c.CATEGORY_PLATFORM_BOOST.get(category, {}).items():
        if name in weights or (country == "CN") == (name in CHINESE_PLATFORMS):
            weights[name] = weights.get(name, 0) + boost
    if country == "CN":
        weights = {k: v for k, v in weights.items() if k in CHINESE_PLATFORMS}
    count = 1 + int(rng.random() < 0.45) + int(rng.random() < 0.15)
    chosen: list[str] = []
    while len(chosen) < min(count, len(weights)):
        name = _weighted(rng, {k: v for k, v in weights.items() if k not in chosen})
        chosen.append(name)
    return chosen


class _Counters(TypedDict):
    """A post's counters, as PostPlan takes them."""

    likes: int
    comments: int
    views: int | None
    shares: int | None
    saves: int | None


def _engagement(rng: _Rng, platform: str, tier: str, organic: float, low: bool, boost: float) -> _Counters:
    noise = float(rng.lognormal(0, 0.35)) * boost
    if platform in VIDEO_PLATFORMS:
        view_ratio, er_views = VIDEO_RATES[platform]
        view_ratio *= math.sqrt(TIER_ER[tier])
        if low:
            view_ratio, er_views = view_ratio * 0.12, er_views * 0.5
        views = int(organic * view_ratio * noise)
        interactions = views * er_views * float(rng.lognormal(0, 0.2))
        likes = int(interactions * 0.92)
        return {
            "likes": likes,
            "comments": int(interactions * 0.08),
            "views": views,
            "shares": int(likes * rng.uniform(0.02, 0.08)),
            "saves": int(likes * rng.uniform(0.03, 0.1)),
        }
    er = BASE_ER.get(platform, 0.01) * TIER_ER[tier] * (0.12 if low else 1.0)
    likes = int(organic * er * noise)
    comments = int(likes * rng.uniform(0.02, 0.06))
    saves = (
        int(likes * rng.uniform(0.3, 0.9))
        if platform == "xiaohongshu"
        else (int(likes * rng.uniform(0.02, 0.1)) if platform in ("instagram", "pinterest") else None)
    )
    return {
        "likes": likes,
        "comments": comments,
        "views": None,
        "saves": saves,
        "shares": int(likes * rng.uniform(0.01, 0.05)) if platform != "pinterest" else None,
    }


def _account(
    rng: _Rng,
    *,
    creator_index: int,
    account_index: int,
    platform: str,
    identity: _Identity,
    country: str,
    languages: list[str],
    categories: list[str],
    email: str,
    style: str,
    final_followers: int,
    tier: str,
    fraud: list[str],
    end_date: dt.date,
    taken: dict[str, set[str]],
    collab_handles: dict[str, list[str]],
    seed: int,
) -> AccountPlan:
    zh_first = languages[0] == "zh" or (platform in CHINESE_PLATFORMS and "zh" in languages)
    if platform in ("weibo", "xiaohongshu", "bilibili") and identity.zh_handle and rng.random() < 0.35:
        handle = _unique_handle(rng, platform, [identity.zh_handle, *identity.handle_bases], taken)
    else:
        handle = _unique_handle(rng, platform, identity.handle_bases, taken)
    display = identity.zh_name if (zh_first and identity.zh_name) else identity.display_name
    uid = _digits(rng, 10)
    details: dict[str, Any] = {}
    if "follower_jump" in fraud:
        details["round"] = creator_index % 3 != 0  # most bought packages are round numbers
    followers, organic, viral_day = _follower_series(rng, final_followers, end_date, fraud, details)
    details.pop("round", None)
    following = _following_series(rng, "following_churn" in fraud, details)

    post_count = int(rng.integers(20, 41))
    days = np.sort(rng.np.choice(np.arange(DAYS - 1), size=post_count, replace=False))
    if viral_day is not None:
        days[int(np.argmin(np.abs(days - viral_day)))] = viral_day
        days = np.unique(days)
    sponsored_share = SPONSORED_SHARE[tier]
    post_langs = [lang if lang in ("zh", "en") else "en" for lang in languages]
    if zh_first:
        post_langs = ["zh", *[lang for lang in post_langs if lang != "zh"]]
    sign_off = languages[0]
    unsafe_posts = set()
    if creator_index % 17 == 9 and account_index == 0:
        unsafe_posts = set(_sample(rng, list(range(len(days))), int(rng.integers(1, 3))))
    pod = "engagement_pod" in fraud
    ring = _pod_ring(creator_index % 2) if pod else []
    posts: list[PostPlan] = []
    for k, day in enumerate(days.tolist()):
        date = end_date - dt.timedelta(days=DAYS - 1 - day)
        posted_at = dt.datetime.combine(date, dt.time(int(rng.integers(7, 23)), int(rng.integers(0, 60))), tzinfo=UTC)
        lang = post_langs[0] if (len(post_langs) == 1 or rng.random() < 0.75) else _pick(rng, post_langs[1:])
        category = categories[0] if rng.random() < 0.75 else _pick(rng, categories)
        sponsor = ""
        if rng.random() < sponsored_share:
            sponsor = _pick(rng, c.CATEGORY_SPONSORS[category])
        caption, tags = _caption(rng, category, lang, sign_off, sponsor)
        unsafe: tuple[str, ...] = ()
        if k in unsafe_posts:
            text, unsafe = _pick(rng, c.UNSAFE_CAPTIONS_ZH if lang == "zh" else c.UNSAFE_CAPTIONS_EN)
            caption = f"{text}\n{caption}"
        mentions = [_sponsor_handle(sponsor)] if sponsor else []
        others = [h for h in collab_handles.get(platform, []) if h != handle]
        if others and rng.random() < 0.1:
            collab = _pick(rng, others)
            mentions.append(collab)
            caption += f" @{collab}"
        boost = float(rng.uniform(6, 12)) if viral_day is not None and day == viral_day else 1.0
        counts = _engagement(rng, platform, tier, float(organic[day]), "low_engagement" in fraud, boost)
        if sponsor:
            counts["likes"] = int(counts["likes"] * 0.8)
        pid, url = _post_ref(rng, platform, handle, uid)
        posts.append(
            PostPlan(
                platform_post_id=pid,
                posted_at=posted_at,
                post_type=_post_type(rng, platform),
                url=url,
                caption=caption,
                hashtags=tags,
                mentions=mentions,
                is_sponsored=bool(sponsor),
                sponsor=sponsor,
                unsafe_keywords=unsafe,
                **counts,
            )
        )

    # Comment samples on the recent posts (on every sampled post for a pod member).
    recent = posts[-(12 if pod else 6) :]
    zh_audience = "zh" in languages
    for post in recent:
        real = int(min(post.comments, rng.integers(3, 9)))
        sampled: list[CommentPlan] = []
        if pod:
            for k, member in enumerate(ring):
                at = post.posted_at + dt.timedelta(minutes=1 + k, seconds=rng.integers(0, 50))  # pods answer at once
                sampled.append(CommentPlan(member, c.POD_TEXTS[k % len(c.POD_TEXTS)], at, int(rng.integers(0, 3))))
        for _ in range(real):
            commenter = _real_username(rng, zh_audience)[0]
            pool = c.COMMENTS_ZH if (zh_audience and rng.random() < 0.7) else c.COMMENTS_EN
            at = post.posted_at + dt.timedelta(minutes=rng.integers(15, 60 * 30))
            sampled.append(CommentPlan(commenter, _pick(rng, pool), at, int(rng.lognormal(1.0, 1.0))))
        post.comment_samples = sampled

    post_totals = int(rng.lognormal(math.log(150), 0.8)) + 30
    posted_per_day = np.bincount(days, minlength=DAYS)
    posts_counter = post_totals + np.cumsum(posted_per_day)
    snapshots = [
        (end_date - dt.timedelta(days=DAYS - 1 - d), int(followers[d]), int(following[d]), int(posts_counter[d]))
        for d in range(DAYS)
    ]

    bots = "follower_jump" in fraud or "fake_follower_sample" in fraud
    audience = _audience(rng, country, categories, platform, bots)
    samples: list[dict[str, Any]] = []
    scene = (seed, platform, categories[0], zh_audience)
    fans = scene_fans(rng, int(followers[-1]))

    def sample(fake_share: float) -> list[dict[str, Any]]:
        return _follower_sample(rng, zh_audience, fake_share, followers=int(followers[-1]), scene=scene, fans=fans)

    if "fake_follower_sample" in fraud:
        samples = sample(float(rng.uniform(0.55, 0.8)))
    elif "follower_jump" in fraud:
        samples = sample(float(np.clip(details["jump"] / max(int(followers[-1]), 1), 0.2, 0.6)))
    elif rng.random() < 0.35:
        samples = sample(float(rng.uniform(0.03, 0.12)))

    n_images = (4 + int(rng.random() < 0.5)) if account_index == 0 else 1
    visual = [i for i, p in enumerate(posts) if p.post_type != "text"]
    targets = visual[::-1][:n_images]
    images = [
        ImagePlan(
            seed=_stable_int(seed, creator_index, account_index, k),
            style=style,
            post_index=targets[k] if k < len(targets) else None,
        )
        for k in range(n_images)
    ]
    bio_lang = "zh" if zh_first else "en"
    return AccountPlan(
        platform=platform,
        handle=handle,
        display_name=display,
        bio=_bio(rng, country, categories[0], bio_lang, email),
        platform_user_id=uid,
        is_verified=tier in ("macro", "mega") and rng.random() < 0.6,
        external_url=f"https://example.com/{handle}" if rng.random() < 0.3 and handle.isascii() else "",
        tier=tier,
        snapshots=snapshots,
        posts=posts,
        audience=audience,
        follower_samples=samples,
        scene=scene[1:],
        scene_fans=fans,
        images=images,
        fraud=list(fraud),
        fraud_details=details,
    )


def build_demo_plan(*, creators: int = 300, seed: int = 20261123, end_date: dt.date) -> DemoPlan:
    """The synthetic catalogue of `creators` creators ending on `end_date` (pure, deterministic)."""
    if creators < 1:
        raise ValueError(f"creators must be at least 1, got {creators}")
    taken: dict[str, set[str]] = {}
    collab_handles: dict[str, list[str]] = {}
    plans: list[CreatorPlan] = []
    country_weights = {code: row[0] for code, row in c.COUNTRIES.items()}
    for index in range(creators):
        rng = _Rng(seed, index)
        country = _weighted(rng, country_weights)
        category = _weighted(rng, c.CATEGORY_WEIGHTS)
        categories = [category]
        if rng.random() < 0.45:
            categories.append(_pick(rng, c.RELATED_CATEGORIES[category]))
        languages = list(c.COUNTRIES[country][1])
        if country not in c.CHINESE_SPEAKING and rng.random() < 0.1:
            languages.append("zh")  # diaspora creators posting in both languages
        elif country in ("CN", "TW") and rng.random() < 0.25:
            languages.append("en")
        preferred = c.CATEGORY_STYLES[category]
        style = _pick(rng, preferred) if rng.random() < 0.8 else _pick(rng, DEMO_STYLES)
        identity = _identity(rng, country, category)
        fraud = _fraud_for(index)
        tier_name, followers = _tier(rng, ("micro", "mid") if "follower_jump" in fraud else None)
        email = ""
        if rng.random() < 0.6:
            domain = _pick(rng, ("example.com", "example.org", "example.net", "mail.example.com"))
            local = _pick(rng, (identity.handle_bases[0], f"{identity.handle_bases[0]}.collab", "hello"))
            email = (
                f"{local}@{domain}"
                if local != "hello"
                else f"hello@{identity.handle_bases[0].replace('_', '')}.example.com"
            )
        accounts = []
        for a, platform in enumerate(_platforms(rng, country, category)):
            if a:
                secondary = max(500, int(followers * rng.uniform(0.05, 0.6)))
                tier = next(t[0] for t in TIERS if secondary < t[2]) if secondary < TIERS[-1][2] else "mega"
                acc_followers, acc_tier, acc_fraud = secondary, tier, []
            else:
                acc_followers, acc_tier, acc_fraud = followers, tier_name, fraud
            account = _account(
                rng,
                creator_index=index,
                account_index=a,
                platform=platform,
                identity=identity,
                country=country,
                languages=languages,
                categories=categories,
                email=email,
                style=style,
                final_followers=acc_followers,
                tier=acc_tier,
                fraud=acc_fraud,
                end_date=end_date,
                taken=taken,
                collab_handles=collab_handles,
                seed=seed,
            )
            accounts.append(account)
            collab_handles.setdefault(platform, []).append(account.handle)
        source = _reuse_source(index)
        if source is not None:
            _plant_reuse(accounts[0], plans[source].accounts[0], source)
        display = identity.display_name
        plans.append(CreatorPlan(index, display, country, languages, categories, email, style, accounts))
    return DemoPlan(seed=seed, end_date=end_date, creators=plans)
