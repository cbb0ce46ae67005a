"""Fake-follower scorer, audience quality and audience types, from public profile fields.

Scorer: an interpretable logistic scorecard. Each feature is a log-ratio, a hinge or an
indicator taken from the signals the trade and the literature name (no profile picture,
following far above followers, mass following, few or no posts, empty bio, digit-heavy or
random-looking usernames, name/username mismatch, private with no posts, verified, external
link). Its weights live in `data/follower_scorecard.json` with how they were obtained (fitted on
the synthetic set of `synthetic.py`, see `calibration.py` and docs/scoring.md).

Missing data: a feature whose inputs are unknown contributes 0, and every feature is encoded so
that 0 is its "no evidence of fakeness" end; an unknown field can therefore never raise the
logit. Each score carries a confidence (share of the scorecard's discriminating power whose
inputs were known).

The scorecard's logit ranks accounts; turning it into a probability that holds on real audiences
is the calibration's job (`follower_calibration`, fitted on labelled real accounts with exactly
the fields available), and the share of fakes in an audience is estimated from those
probabilities by `audience_quality`.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

FIELDS = (
    "username",
    "full_name",
    "biography",
    "followers_count",
    "following_count",
    "media_count",
    "has_profile_pic",
    "is_private",
    "is_verified",
    "external_url",
)
TEXT_FIELDS = ("username", "full_name", "biography", "external_url")
COUNT_FIELDS = ("followers_count", "following_count", "media_count")
BOOL_FIELDS = ("has_profile_pic", "is_private", "is_verified")

SCORECARD_PATH = Path(__file__).with_name("data") / "follower_scorecard.json"

MASS_FOLLOWING = 1_500  # HypeAuditor / infludata "mass follower" line
TWICE = math.log10(2.0)  # following/followers above 2:1, where real labelled fakes part from real users
INFLUENCER_FOLLOWERS = 5_000  # HypeAuditor "influencer" line
MIN_CONFIDENCE_FOR_SHARE = 0.2  # rows knowing less than this are left out of the share estimate
LOOKS_GENUINE = 0.1  # below this probability the reasons say why the account looks genuine


@dataclass
class FollowerProfile:
    """Public profile fields of one follower account; None means unknown (not collected)."""

    username: str | None = None
    full_name: str | None = None
    biography: str | None = None
    followers_count: float | None = None
    following_count: float | None = None
    media_count: float | None = None
    has_profile_pic: bool | None = None
    is_private: bool | None = None
    is_verified: bool | None = None
    external_url: str | None = None


@dataclass
class FollowerBatch:
    """Column arrays of many profiles: counts and flags as float arrays with NaN for unknown,
    text fields as lists with None for unknown."""

    username: list[str | None]
    full_name: list[str | None]
    biography: list[str | None]
    external_url: list[str | None]
    followers_count: np.ndarray
    following_count: np.ndarray
    media_count: np.ndarray
    has_profile_pic: np.ndarray
    is_private: np.ndarray
    is_verified: np.ndarray

    def __len__(self) -> int:
        return len(self.username)

    @classmethod
    def from_profiles(cls, profiles: Sequence[FollowerProfile], *, blank_columns_unknown: bool = True) -> FollowerBatch:
        """Build a batch. With `blank_columns_unknown`, a text column that is empty in every row
        of a sample of 20 or more is read as "not collected" rather than "empty everywhere"
        (CSV exports and the database cannot tell an empty bio from an unknown one)."""

        def num(values: Iterable[Any]) -> np.ndarray:
            return np.array([np.nan if v is None else float(v) for v in values], dtype=float)

        batch = cls(
            username=[p.username for p in profiles],
            full_name=[p.full_name for p in profiles],
            biography=[p.biography for p in profiles],
            external_url=[p.external_url for p in profiles],
            followers_count=num(p.followers_count for p in profiles),
            following_count=num(p.following_count for p in profiles),
            media_count=num(p.media_count for p in profiles),
            has_profile_pic=num(p.has_profile_pic for p in profiles),
            is_private=num(p.is_private for p in profiles),
            is_verified=num(p.is_verified for p in profiles),
        )
        if blank_columns_unknown and len(profiles) >= 20:
            for name in ("full_name", "biography", "external_url"):
                column = getattr(batch, name)
                if all(not v for v in column):
                    setattr(batch, name, [None] * len(column))
        return batch

    def field_available(self) -> np.ndarray:
        """Boolean matrix (rows × FIELDS): which fields each row knows."""
        cols = []
        for name in FIELDS:
            values = getattr(self, name)
            if isinstance(values, np.ndarray):
                cols.append(~np.isnan(values))
            else:
                cols.append(np.array([v is not None for v in values], dtype=bool))
        return np.stack(cols, axis=1) if cols else np.zeros((0, len(FIELDS)), dtype=bool)

    def without(self, fields: Iterable[str]) -> FollowerBatch:
        """A copy with `fields` unknown in every row."""
        data = {name: getattr(self, name) for name in FIELDS}
        for name in fields:
            data[name] = np.full(len(self), np.nan) if name in COUNT_FIELDS + BOOL_FIELDS else [None] * len(self)
        return FollowerBatch(**data)


# --- features ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feature:
    """One scorecard feature: its inputs, the sign the literature gives it (+1 = more fake),
    and the source that names it."""

    name: str
    requires: tuple[str, ...]
    sign: int
    label: str
    source: str


FEATURES: tuple[Feature, ...] = (
    Feature("no_profile_pic", ("has_profile_pic",), +1, "no profile picture", "[S1][S2][S4]"),
    Feature(
        "following_over_followers",
        ("followers_count", "following_count"),
        +1,
        "follows far more accounts than follow it",
        "[S1][S4] following/followers ratio (log10, above 1:1)",
    ),
    Feature(
        "followers_over_following",
        ("followers_count", "following_count"),
        -1,
        "followed by far more accounts than it follows",
        "[S1][S2] (log10 of followers/following, above 1:1)",
    ),
    Feature(
        "following_over_twice_followers",
        ("followers_count", "following_count"),
        +1,
        "follows more than twice as many accounts as follow it",
        "[S1][S4] following/followers ratio (log10, above 2:1); weight fitted on real labelled accounts",
    ),
    Feature("mass_following", ("following_count",), +1, "mass following (> 1,500)", "[S5]"),
    Feature("following_volume", ("following_count",), +1, "follows many accounts", "[S1] log10(following) above 500"),
    Feature("no_posts", ("media_count",), +1, "no posts", "[S1][S4] never posted"),
    Feature("few_posts", ("media_count",), +1, "few posts", "[S1][S2][S3] log10 hinge below ~30 posts"),
    Feature(
        "following_per_post",
        ("following_count", "media_count"),
        +1,
        "follows many accounts per post",
        "[S1] following/posts ratio, most discriminative in SRF",
    ),
    Feature("few_followers", ("followers_count",), +1, "few followers", "[S4] Camisani-Calzolari: < 30 followers"),
    Feature("empty_bio", ("biography",), +1, "empty bio", "[S2][S3][S4]"),
    Feature("has_external_url", ("external_url",), -1, "has an external link", "[S2]"),
    Feature("verified", ("is_verified",), -1, "verified account", "verified accounts are identity-checked"),
    Feature("private_no_posts", ("is_private", "media_count"), +1, "private with no posts", "trade rule"),
    Feature("username_digit_share", ("username",), +1, "digit-heavy username", "[S1][S2][S3]"),
    Feature("username_digit_tail", ("username",), +1, "username ends in a long number", "[S1] has_number_at_end"),
    Feature("username_random", ("username",), +1, "random-looking username", "trade rule (random handles)"),
    Feature("empty_full_name", ("full_name",), +1, "no display name", "[S2] fullname words = 0"),
    Feature(
        "name_username_mismatch",
        ("full_name", "username"),
        +1,
        "display name unrelated to username",
        "trade rule (name/username mismatch)",
    ),
    Feature("full_name_digits", ("full_name",), +1, "digits in display name", "[S2] nums/length fullname"),
)
FEATURE_NAMES = tuple(f.name for f in FEATURES)
FEATURE_INDEX = {f.name: i for i, f in enumerate(FEATURES)}

_VOWELS = set("aeiouy")
_LATIN_TOKEN = re.compile(r"[a-z]{3,}")


def _fold(text: str) -> str:
    """Lower-case ASCII letters and digits of `text` (accents removed)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed.lower() if c.isascii() and c.isalnum())


def _username_features(username: str) -> tuple[float, float, float]:
    """(digit share, long digit tail, randomness) of a username."""
    folded = _fold(username)
    if not folded:
        return 0.0, 0.0, 0.0
    digits = sum(c.isdigit() for c in folded)
    share = digits / len(folded)
    tail = len(folded) - len(folded.rstrip("0123456789"))
    # A tail of 5+ digits is rarely a birth year or a lucky number (bots: 3-8 random digits).
    digit_tail = float(min(max(tail - 4, 0), 4)) / 4.0
    letters = re.sub(r"[^a-z]", " ", folded).split()
    pairs = consonant_pairs = 0
    for run in letters:
        for a, b in zip(run, run[1:]):
            pairs += 1
            consonant_pairs += a not in _VOWELS and b not in _VOWELS
    # Names and words alternate vowels and consonants (~25-35% consonant pairs); random strings
    # over 26 letters give ~60%. Short handles carry too little evidence.
    randomness = 0.0
    if pairs >= 5:
        randomness = min(max(consonant_pairs / pairs - 0.45, 0.0) / 0.3, 1.0)
    return share, digit_tail, randomness


def _name_features(full_name: str, username: str | None) -> tuple[float, float | None, float]:
    """(empty name, mismatch or None when undecidable, digits in name)."""
    if not full_name.strip():
        return 1.0, None, 0.0
    digits = 1.0 if any(c.isdigit() for c in full_name) else 0.0
    if username is None:
        return 0.0, None, digits
    tokens = _LATIN_TOKEN.findall(" ".join(_fold(t) for t in full_name.split()))
    handle = re.sub(r"[^a-z]", "", _fold(username))
    if not tokens or len(handle) < 3:
        return 0.0, None, digits  # e.g. a Chinese display name: no evidence either way
    related = any(t in handle or handle[:4] in t for t in tokens)
    return 0.0, 0.0 if related else 1.0, digits


def feature_matrix(batch: FollowerBatch) -> tuple[np.ndarray, np.ndarray]:
    """Feature values (rows × FEATURES) and whether each was known. Unknown values are 0."""
    n = len(batch)
    X = np.zeros((n, len(FEATURES)))
    K = np.zeros((n, len(FEATURES)), dtype=bool)

    def put(name: str, values: np.ndarray, known: np.ndarray) -> None:
        j = FEATURE_INDEX[name]
        K[:, j] = known
        X[:, j] = np.where(known, np.nan_to_num(values), 0.0)

    fol, ing, med = batch.followers_count, batch.following_count, batch.media_count
    pic, priv, ver = batch.has_profile_pic, batch.is_private, batch.is_verified
    with np.errstate(invalid="ignore"):
        k_fol, k_ing, k_med = ~np.isnan(fol), ~np.isnan(ing), ~np.isnan(med)
        put("no_profile_pic", 1.0 - pic, ~np.isnan(pic))
        ratio = np.log10((ing + 1.0) / (fol + 1.0))
        put("following_over_followers", np.clip(ratio, 0.0, 3.0), k_fol & k_ing)
        put("followers_over_following", np.clip(-ratio, 0.0, 3.0), k_fol & k_ing)
        put("following_over_twice_followers", np.clip(ratio - TWICE, 0.0, 3.0 - TWICE), k_fol & k_ing)
        put("mass_following", (ing > MASS_FOLLOWING).astype(float), k_ing)
        put("following_volume", np.clip(np.log10(ing + 1.0) - math.log10(500), 0.0, 1.2), k_ing)
        put("no_posts", (med == 0).astype(float), k_med)
        put("few_posts", np.clip(1.5 - np.log10(med + 1.0), 0.0, 1.5), k_med)
        per_post = np.log10((ing + 1.0) / (med + 1.0)) - 1.0
        put("following_per_post", np.clip(per_post, 0.0, 3.0), k_ing & k_med)
        put("few_followers", np.clip(1.5 - np.log10(fol + 1.0), 0.0, 1.5), k_fol)
        put("verified", ver, ~np.isnan(ver))
        put("private_no_posts", ((priv == 1) & (med == 0)).astype(float), ~np.isnan(priv) & k_med)

    bio = batch.biography
    put(
        "empty_bio",
        np.array([1.0 if (b is not None and not b.strip()) else 0.0 for b in bio]),
        np.array([b is not None for b in bio]),
    )
    url = batch.external_url
    put(
        "has_external_url",
        np.array([1.0 if (u and u.strip()) else 0.0 for u in url]),
        np.array([u is not None for u in url]),
    )

    u_known = np.array([u is not None and bool(u.strip()) for u in batch.username])
    u_vals = np.array([_username_features(u) if u else (0.0, 0.0, 0.0) for u in batch.username]).reshape(n, 3)
    put("username_digit_share", u_vals[:, 0], u_known)
    put("username_digit_tail", u_vals[:, 1], u_known)
    put("username_random", u_vals[:, 2], u_known)

    empty = np.zeros(n)
    mismatch = np.zeros(n)
    name_digits = np.zeros(n)
    k_name = np.zeros(n, dtype=bool)
    k_mismatch = np.zeros(n, dtype=bool)
    for i, (name, handle) in enumerate(zip(batch.full_name, batch.username)):
        if name is None:
            continue
        k_name[i] = True
        e, m, d = _name_features(name, handle)
        empty[i], name_digits[i] = e, d
        if m is not None:
            mismatch[i], k_mismatch[i] = m, True
    put("empty_full_name", empty, k_name)
    put("name_username_mismatch", mismatch, k_mismatch)
    put("full_name_digits", name_digits, k_name)
    return X, K


# --- scorecard ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scorecard:
    """Logistic scorecard parameters and the calibration they came with."""

    intercept: float
    weights: np.ndarray
    importance: np.ndarray  # |weight| × spread of the feature on the calibration set
    threshold: float
    base_rate: float
    meta: dict[str, Any] = field(default_factory=dict)

    def logits(self, X: np.ndarray, K: np.ndarray) -> np.ndarray:
        return self.intercept + (np.where(K, X, 0.0) * self.weights).sum(axis=1)


@lru_cache(maxsize=4)
def load_scorecard(path: str | None = None) -> Scorecard:
    """The committed scorecard (`data/follower_scorecard.json`)."""
    data = json.loads(Path(path or SCORECARD_PATH).read_text(encoding="utf-8"))
    weights = np.array([float(data["weights"][name]) for name in FEATURE_NAMES])
    importance = np.array([float(data["importance"].get(name, 0.0)) for name in FEATURE_NAMES])
    return Scorecard(
        intercept=float(data["intercept"]),
        weights=weights,
        importance=importance,
        threshold=float(data["threshold"]),
        base_rate=float(data["base_rate"]),
        meta=data,
    )


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


@dataclass
class BatchScores:
    """Per-row results of `score_batch`. `probability` is the scorecard's own (uncalibrated) one;
    the calibrated probability of an account in an audience comes from `audience_quality`."""

    logit: np.ndarray
    probability: np.ndarray
    confidence: np.ndarray
    contributions: np.ndarray  # rows × FEATURES, log-odds added by each feature
    known: np.ndarray  # rows × FEATURES
    fields: np.ndarray  # rows × FIELDS availability

    def __len__(self) -> int:
        return len(self.probability)


def score_batch(batch: FollowerBatch, scorecard: Scorecard | None = None) -> BatchScores:
    """Fake probability, confidence and per-feature contributions for every row."""
    card = scorecard or load_scorecard()
    X, K = feature_matrix(batch)
    contributions = np.where(K, X, 0.0) * card.weights
    logit = card.intercept + contributions.sum(axis=1)
    total = card.importance.sum()
    confidence = (K * card.importance).sum(axis=1) / total if total > 0 else np.zeros(len(batch))
    return BatchScores(logit, _sigmoid(logit), confidence, contributions, K, batch.field_available())


def _fmt(value: float) -> str:
    return f"{int(value):,}" if not math.isnan(value) else "?"


def reasons_for(batch: FollowerBatch, scores: BatchScores, row: int, *, min_logit: float = 0.25) -> list[str]:
    """Plain-language reasons for one row: the features that pushed it towards fake, largest
    first, with the numbers behind them; then what was unknown."""
    by_text: dict[str, float] = {}
    for j, feat in enumerate(FEATURES):
        c = scores.contributions[row, j]
        if c <= 0:
            continue
        fol = batch.followers_count[row]
        ing = batch.following_count[row]
        med = batch.media_count[row]
        if feat.name in ("following_over_followers", "following_over_twice_followers"):
            text = f"follows {_fmt(ing)} accounts, followed by {_fmt(fol)}"
        elif feat.name in ("mass_following", "following_volume"):
            text = f"{feat.label}: follows {_fmt(ing)} accounts"
        elif feat.name in ("few_posts", "no_posts"):
            text = f"{feat.label} ({_fmt(med)})"
        elif feat.name == "following_per_post":
            text = f"follows {_fmt(ing)} accounts with {_fmt(med)} posts"
        elif feat.name == "few_followers":
            text = f"few followers ({_fmt(fol)})"
        elif feat.name == "username_digit_share":
            name = batch.username[row] or ""
            text = f"digit-heavy username ({sum(c.isdigit() for c in name)} of {len(name)} characters)"
        else:
            text = feat.label
        # Both ratio terms read the same two counts: one reason, with their summed weight.
        by_text[text] = by_text.get(text, 0.0) + c
    out = [(c, text) for text, c in by_text.items() if c >= min_logit]
    out.sort(key=lambda t: -t[0])
    reasons = [text for _, text in out]
    enough = scores.confidence[row] >= MIN_CONFIDENCE_FOR_SHARE
    if enough and scores.probability[row] < LOOKS_GENUINE:
        # Low probability: say why it looks genuine instead of listing weak fake signals.
        real = sorted(
            (scores.contributions[row, j], f.label) for j, f in enumerate(FEATURES) if scores.contributions[row, j] < 0
        )
        reasons = ["looks genuine"] + [label for _, label in real[:3]]
    elif enough and not out:
        reasons = ["no fake signals"]
    if not enough:
        reasons.append("too little profile data to judge")
    missing = [name for name, ok in zip(FIELDS, scores.fields[row]) if not ok]
    if missing and len(missing) < len(FIELDS):
        reasons.append("unknown: " + ", ".join(missing))
    return reasons


# --- audience types ----------------------------------------------------------------------------


def audience_types(batch: FollowerBatch, scores: BatchScores, probability: np.ndarray) -> list[str]:
    """HypeAuditor-style type per follower, in HypeAuditor's priority order: 'mass_follower'
    (following > 1,500), 'influencer' (followers > 5,000), 'suspicious' (more likely fake than
    not by `probability`, the calibrated per-account probability), 'real'; 'unknown' when the row
    is too sparse to judge."""
    out = []
    for i in range(len(batch)):
        ing, fol = batch.following_count[i], batch.followers_count[i]
        if not math.isnan(ing) and ing > MASS_FOLLOWING:
            out.append("mass_follower")
        elif not math.isnan(fol) and fol > INFLUENCER_FOLLOWERS:
            out.append("influencer")
        elif scores.confidence[i] < MIN_CONFIDENCE_FOR_SHARE:
            out.append("unknown")
        elif probability[i] >= 0.5:
            out.append("suspicious")
        else:
            out.append("real")
    return out


def batch_from_synthetic(data: Any) -> FollowerBatch:
    """A FollowerBatch over a `synthetic.SyntheticSet`."""
    return FollowerBatch(
        username=list(data.username),
        full_name=list(data.full_name),
        biography=list(data.biography),
        external_url=list(data.external_url),
        followers_count=data.followers_count.astype(float),
        following_count=data.following_count.astype(float),
        media_count=data.media_count.astype(float),
        has_profile_pic=data.has_profile_pic.astype(float),
        is_private=data.is_private.astype(float),
        is_verified=data.is_verified.astype(float),
    )


def profile_from_mapping(row: Mapping[str, Any]) -> FollowerProfile:
    """A FollowerProfile from a mapping holding (a subset of) FIELDS; other keys are ignored."""
    return FollowerProfile(**{k: row.get(k) for k in FIELDS if k in row})
