"""Synthetic labelled follower profiles, generated from documented distributions.

The fake-follower scorecard (`followers.py`) is calibrated on this set, never on scraped
personal data. Each population below is a mixture component with the distributions the
literature and the trade describe; the parameters are deliberately round numbers read off those
descriptions, not fitted to any dataset. Sources (see docs/scoring.md for the full list):

[S1] SRF Data (2017), "Identifying a Large Number of Fake Followers on Instagram": fakes follow
     "an exorbitantly high number" of accounts, have almost no posts, no profile picture, are
     often private and have usernames with many digits (e.g. milosz12345678, johnatan41); the
     following/posts, posts and following/followers ratios were the most discriminative features;
     private mattered little; about 10% of the 100 newest followers of influencers were fake.
[S2] Kaggle "Instagram fake spammer genuine accounts" (B. Bakhshandeh, 2019), as described in
     public notebooks: fakes mostly lack a profile picture, have digit-heavy usernames, empty
     bios, no external URL, few posts and few followers; genuine accounts have pictures, bios,
     dozens to hundreds of posts and hundreds of followers; full names of fakes have fewer words.
[S3] Akyon & Kalfaoglu (2019), "Instagram Fake and Automated Account Detection" (InstaFake):
     media count, follower/following counts, profile picture, bio length and username digit
     count separate fake from real accounts.
[S4] Socialbakers fake-follower criteria (2012): following/followers >= 50:1, never posted.
     Cresci et al. (2015), "Fame for sale": profile-only features (followers < 30, friends /
     followers ratio, default image, empty bio) detect bought Twitter followers well.
[S5] HypeAuditor / infludata audience types: mass followers follow more than 1,500 accounts;
     a share of real people (follow-for-follow users) also does, so mass following alone is
     not conclusive.
[S6] Instagram caps following at 7,500 accounts.

The generator is also used at run time: the scorer's error rates for a given set of available
fields are measured on this set (`followers.error_rates`), so the same seed must keep giving the
same profiles.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

import numpy as np

FOLLOWING_CAP = 7_500  # [S6]

FIRST_NAMES = (
    "anna laura sara lea julia nina lena mia elena sofia chiara giulia marie claire camille lucie emma olivia "
    "chloe zoe nora alice vera eva lisa jana petra katrin ines nadia yasmin amira leila fatima aylin selin "
    "hannah sophie noemi luana alessia martina valentina natalya olga irina daria ksenia milena "
    "luca marco matteo andrea david daniel jonas leon noah elias lukas simon felix jan tim nico fabio "
    "thomas michael stefan peter martin marc pierre louis hugo arthur paul samuel adrian florian "
    "johnatan andre milosz piotr tomasz jakub ivan dmitri sergei alexei omar ali mehmet emre kaan "
    "wei jing li ying xiao mei lin hui yu chen hao jun tao ming lei yan fang ting xin yue"
).split()
LAST_NAMES = (
    "muller meier schmid keller weber huber schneider meyer steiner fischer gerber brunner baumann "
    "frei zimmermann moser widmer wyss graf roth bianchi rossi ferrari russo romano colombo ricci "
    "martin bernard dubois durand leroy moreau simon laurent lefebvre michel garcia martinez lopez "
    "gonzalez rodriguez smith johnson brown taylor wilson davies evans thomas nowak kowalski "
    "wisniewski ivanova petrov smirnov kuznetsov yilmaz kaya demir sahin wang zhang liu chen yang "
    "huang zhao wu zhou xu sun ma zhu hu guo he lin luo"
).split()
WORDS = (
    "goose coffee travel photo art design studio daily life style food fit run yoga book books "
    "music sun moon sky sea blue green wild little happy crazy sweet dream world city lake alps "
    "mountain snow flower rose cat dog bear fox wolf pixel film vibes journey story official "
    "channel shop home garden kitchen cake tea wine beer bike surf ski climb"
).split()
BIOS = (
    "Coffee, books and mountains",
    "Zürich | photography",
    "living my best life ✨",
    "Designer. Dog person.",
    "旅行 美食 摄影",
    "喜欢猫和咖啡",
    "Student @ ETH",
    "Mama von zwei Jungs",
    "Food lover 🍕",
    "Basel · Lausanne · Milano",
    "runner, reader, rookie baker",
    "美妆 | 穿搭 | 日常",
    "Travel addict 🌍",
    "Music is life",
    "Hobbyfotografin 📷",
)
SPAM_BIOS = ("Follow me", "DM for promo", "follow back 💯", "check my link", "💰💰💰", "new account")


@dataclass(frozen=True)
class Population:
    """One mixture component: a kind of real or fake follower, with where its numbers come from.

    Counts are log10-normal: `followers`, `following` and `media` are (mean, sd) of log10(count);
    `media_zero` is the probability of exactly zero posts. Shares are probabilities. `username`
    names the username style (see `_username`)."""

    name: str
    fake: bool
    weight: float
    followers: tuple[float, float]
    following: tuple[float, float]
    media: tuple[float, float]
    media_zero: float
    has_pic: float
    private: float
    bio: float
    url: float
    full_name: float
    verified: float
    username: str
    source: str


# Shares of each population within its class; the weights inside each class sum to 1.
POPULATIONS: tuple[Population, ...] = (
    Population(
        "everyday user",
        False,
        0.60,
        (2.5, 0.45),
        (2.6, 0.35),
        (1.7, 0.55),
        0.04,
        0.96,
        0.42,
        0.55,
        0.05,
        0.92,
        0.0,
        "real",
        "[S1][S2] ordinary followers: hundreds of followers and followings, dozens of posts, a picture",
    ),
    Population(
        "lurker / new real user",
        False,
        0.16,
        (1.6, 0.45),
        (2.2, 0.40),
        (0.6, 0.45),
        0.35,
        0.78,
        0.60,
        0.20,
        0.01,
        0.85,
        0.0,
        "real",
        "[S1] real followers who rarely post; the main source of false positives",
    ),
    Population(
        "creator / business",
        False,
        0.16,
        (3.8, 0.70),
        (2.8, 0.40),
        (2.5, 0.45),
        0.0,
        0.995,
        0.05,
        0.95,
        0.45,
        0.97,
        0.04,
        "brand",
        "[S2][S5] influencers and shops among the followers: many followers, bio and link",
    ),
    Population(
        "follow-for-follow real user",
        False,
        0.08,
        (3.0, 0.40),
        (3.3, 0.25),
        (2.0, 0.50),
        0.01,
        0.97,
        0.25,
        0.70,
        0.10,
        0.92,
        0.0,
        "real",
        "[S5] real people above the 1,500 mass-following line",
    ),
    Population(
        "empty bot",
        True,
        0.40,
        (0.9, 0.60),
        (3.1, 0.45),
        (0.2, 0.25),
        0.70,
        0.25,
        0.25,
        0.08,
        0.0,
        0.55,
        0.0,
        "bot",
        "[S1][S4] bought followers: no picture, no posts, mass following, few or no followers",
    ),
    Population(
        "bought follower with stolen picture",
        True,
        0.35,
        (2.0, 0.50),
        (3.3, 0.35),
        (0.8, 0.35),
        0.20,
        0.85,
        0.15,
        0.30,
        0.02,
        0.85,
        0.0,
        "bot",
        "[S1] 'premium' bought followers: picture and a few posts, but mass following",
    ),
    Population(
        "spam account",
        True,
        0.25,
        (1.5, 0.60),
        (2.4, 0.50),
        (0.5, 0.40),
        0.55,
        0.45,
        0.30,
        0.15,
        0.05,
        0.60,
        0.0,
        "spam",
        "[S2][S3] spam/fake accounts: digit-heavy names, empty profile, few followers and posts",
    ),
)


@dataclass
class SyntheticSet:
    """Column arrays of synthetic profiles (all fields known) and their labels."""

    username: list[str]
    full_name: list[str]
    biography: list[str]
    external_url: list[str]
    followers_count: np.ndarray
    following_count: np.ndarray
    media_count: np.ndarray
    has_profile_pic: np.ndarray
    is_private: np.ndarray
    is_verified: np.ndarray
    is_fake: np.ndarray
    population: list[str]

    def __len__(self) -> int:
        return len(self.username)


def _counts(rng: np.random.Generator, mean_sd: tuple[float, float], n: int, cap: float | None = None) -> np.ndarray:
    values = np.floor(10 ** rng.normal(mean_sd[0], mean_sd[1], n))
    values = np.maximum(values, 0)
    if cap is not None:
        values = np.minimum(values, cap)
    return values


def _digits(rnd: random.Random, low: int, high: int) -> str:
    return "".join(rnd.choice("0123456789") for _ in range(rnd.randint(low, high)))


def _random_letters(rnd: random.Random, low: int, high: int) -> str:
    return "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(low, high)))


def _username(rnd: random.Random, style: str, first: str, last: str) -> str:
    """A username in one of the styles the sources show ([S1] examples, [S2] digit shares)."""
    u = rnd.random()
    sep = "" if u < 0.6 else ("." if u < 0.8 else "_")
    r = rnd.random()
    if style == "real":
        if r < 0.03:  # real people with random-looking handles exist too ("xkrtzn")
            return _random_letters(rnd, 5, 10)
        if r < 0.07:  # ... and with long numbers (phone-like, birthdays as ddmmyy)
            return f"{first}{sep}{_digits(rnd, 5, 8)}"
        if r < 0.30:
            return f"{first}{sep}{last}"
        if r < 0.50:  # a birth year or two digits, common among real users too
            year = str(rnd.randint(1975, 2009)) if rnd.random() < 0.6 else _digits(rnd, 2, 2)
            return f"{first}{sep}{year}"
        if r < 0.80:
            if rnd.random() < 0.5:
                return f"{first}{sep}{rnd.choice(WORDS)}"
            return f"{rnd.choice(WORDS)}{sep}{rnd.choice(WORDS)}"
        if r < 0.90:
            return f"{first[0]}{sep}{last}"
        return f"_{first}{sep}{last[:3]}_"
    if style == "brand":
        if r < 0.6:
            return f"{rnd.choice(WORDS)}{sep}{rnd.choice(WORDS)}"
        return f"{first}{sep}{rnd.choice(WORDS)}{'.official' if rnd.random() < 0.2 else ''}"
    if style == "bot":
        if r < 0.35:
            return f"{first}{sep}{last}{_digits(rnd, 3, 8)}"
        if r < 0.60:
            return f"{first}{_digits(rnd, 2, 8)}"
        if r < 0.72:
            return _random_letters(rnd, 6, 12)
        if r < 0.85:
            return f"{_random_letters(rnd, 4, 8)}{_digits(rnd, 2, 6)}"
        return f"{first}{sep}{last}"  # the hard case: a plausible name without digits
    # spam
    if r < 0.45:
        return f"{rnd.choice(WORDS)}{sep}{_digits(rnd, 3, 7)}"
    if r < 0.75:
        return f"{first}{_digits(rnd, 3, 8)}"
    return f"{_random_letters(rnd, 5, 10)}{_digits(rnd, 0, 4)}"


def _full_name(rnd: random.Random, fake: bool, first: str, last: str) -> str:
    # Fakes built from name lists often reuse the username's name; real users usually show
    # their name, sometimes a nickname that has nothing to do with the handle.
    r = rnd.random()
    other = f"{rnd.choice(FIRST_NAMES).title()} {rnd.choice(LAST_NAMES).title()}"
    if fake:
        if r < 0.55:
            return f"{first.title()} {last.title()}"
        if r < 0.8:
            return first.title()
        return other
    if r < 0.55:
        return f"{first.title()} {last.title()}"
    if r < 0.75:
        return first.title()
    if r < 0.9:
        return other
    return f"{rnd.choice(WORDS).title()} ✨"


def harder(shift: float = 0.35) -> tuple[Population, ...]:
    """A stress variant of POPULATIONS: fakes moved `shift` (log10 units, and 1.5×`shift` in
    probabilities) towards the real populations, to see how the scorer degrades when bought
    followers look more human than the sources describe."""
    out = []
    for p in POPULATIONS:
        if not p.fake:
            out.append(p)
            continue
        out.append(
            replace(
                p,
                followers=(p.followers[0] + shift, p.followers[1]),
                following=(p.following[0] - shift, p.following[1]),
                media=(p.media[0] + shift, p.media[1]),
                media_zero=max(0.0, p.media_zero - 1.5 * shift * 0.5),
                has_pic=min(1.0, p.has_pic + 1.5 * shift * 0.5),
                bio=min(1.0, p.bio + 1.5 * shift * 0.5),
                full_name=min(1.0, p.full_name + 1.5 * shift * 0.3),
            )
        )
    return tuple(out)


def generate(
    n: int = 20_000,
    *,
    fake_share: float = 0.5,
    seed: int = 20240601,
    populations: tuple[Population, ...] = POPULATIONS,
) -> SyntheticSet:
    """`n` synthetic follower profiles, `fake_share` of them fake, reproducible from `seed`."""
    rng = np.random.default_rng(seed)
    n_fake = int(round(n * fake_share))
    plan: list[tuple[Population, int]] = []
    for fake, total in ((False, n - n_fake), (True, n_fake)):
        pops = [p for p in populations if p.fake is fake]
        counts = rng.multinomial(total, [p.weight for p in pops])
        plan.extend(zip(pops, counts))

    cols: dict[str, list] = {k: [] for k in ("username", "full_name", "biography", "external_url", "population")}
    arrays: dict[str, list[np.ndarray]] = {
        k: [] for k in ("followers", "following", "media", "pic", "private", "verified", "fake")
    }
    for pop, k in plan:
        k = int(k)
        if k == 0:
            continue
        followers = _counts(rng, pop.followers, k)
        following = _counts(rng, pop.following, k, cap=FOLLOWING_CAP)
        media = _counts(rng, pop.media, k)
        media[rng.random(k) < pop.media_zero] = 0
        arrays["followers"].append(followers)
        arrays["following"].append(following)
        arrays["media"].append(media)
        arrays["pic"].append((rng.random(k) < pop.has_pic).astype(float))
        arrays["private"].append((rng.random(k) < pop.private).astype(float))
        arrays["verified"].append((rng.random(k) < pop.verified).astype(float))
        arrays["fake"].append(np.full(k, pop.fake))
        has_bio = rng.random(k) < pop.bio
        has_url = rng.random(k) < pop.url
        has_name = rng.random(k) < pop.full_name
        # Strings come from Python's Random (fast per call), seeded from the numpy stream.
        rnd = random.Random(int(rng.integers(2**31)))
        bios = SPAM_BIOS if pop.fake else BIOS
        for i in range(k):
            first = rnd.choice(FIRST_NAMES)
            last = rnd.choice(LAST_NAMES)
            cols["username"].append(_username(rnd, pop.username, first, last))
            cols["full_name"].append(_full_name(rnd, pop.fake, first, last) if has_name[i] else "")
            cols["biography"].append(rnd.choice(bios) if has_bio[i] else "")
            cols["external_url"].append(f"https://example.com/{i}" if has_url[i] else "")
            cols["population"].append(pop.name)
    order = rng.permutation(sum(len(a) for a in arrays["fake"]))

    def cat(key: str) -> np.ndarray:
        return np.concatenate(arrays[key])[order]

    def pick(key: str) -> list:
        values = cols[key]
        return [values[i] for i in order]

    return SyntheticSet(
        username=pick("username"),
        full_name=pick("full_name"),
        biography=pick("biography"),
        external_url=pick("external_url"),
        followers_count=cat("followers"),
        following_count=cat("following"),
        media_count=cat("media"),
        has_profile_pic=cat("pic"),
        is_private=cat("private"),
        is_verified=cat("verified"),
        is_fake=cat("fake").astype(bool),
        population=pick("population"),
    )
