"""Combined fake-follower risk 0–1 with a level, from the individual vetting signals.

Each signal turns one measured value into a risk in [0, 1] against a stated benchmark; e.g.
audience quality maps an estimated fake share of 10% (a normal base rate) to 0 and 40% to 1.
The combination is explainable:

    weighted mean  m = Σ wᵢ·rᵢ / Σ wᵢ          over the signals with data
    decisive floor f = max(dᵢ·rᵢ)               (one conclusive signal is enough: a 45% fake
                                                 audience is high risk even if comments are fine)
    risk = min(max(m, f), max rᵢ)               (never above the worst signal: a level is never
                                                 worse than every signal shown)

Contributions add up to the risk: each signal contributes wᵢ·rᵢ/Σwᵢ, and when the decisive floor
wins, the deciding signal also gets the difference (`points` are the same contributions as whole
numbers out of 100 that add up to the rounded risk). Signals without data are left out of the
mean (never counted as clean) and lower the confidence: Σ wᵢ·cᵢ over available signals / Σ wᵢ
over all signals, cᵢ being each signal's own confidence (sample size, history length).
Levels: low < 0.30 ≤ medium < 0.60 ≤ high, each signal getting its own level by the same bounds.

No verdict without evidence: a level needs a combined confidence ≥ MIN_CONFIDENCE and data of at
least MIN_KINDS kinds of evidence (follower sample, follower history, posts, comments), or — for
medium and high only — one signal with its own confidence ≥ DECISIVE_MIN_CONFIDENCE whose floor
dᵢ·rᵢ alone reaches that level. Below it the level is `insufficient` (the risk figure is kept as
indicative); with no data at all the risk is None and the level `insufficient` too.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.memo import Memo
from core.messages import Message, as_message, label_kinds
from vetting import messages as m
from vetting.scoring.audience_quality import AudienceQuality
from vetting.scoring.comments import CommentReport
from vetting.scoring.engagement import (
    SHIFT_FACTOR,
    SPIKE_Z,
    EngagementReport,
    er_formula_message,
    is_shared_benchmark,
)
from vetting.scoring.growth import GrowthReport
from vetting.scoring.records import asdict, copied
from vetting.scoring.reuse import ReuseReport

LEVELS = ((0.60, "high"), (0.30, "medium"), (0.0, "low"))
INSUFFICIENT = "insufficient"
LEVEL_ORDER = {"low": 0, "medium": 1, "high": 2}

# The evidence rule (docs/scoring.md, "No verdict without evidence").
MIN_CONFIDENCE = 0.35
RULE = "max(weighted mean, decisive floor), at most the worst signal"
MIN_KINDS = 2
DECISIVE_MIN_CONFIDENCE = 0.5

# name: (weight, decisive factor) — documented in docs/scoring.md
SIGNAL_WEIGHTS: dict[str, tuple[float, float]] = {
    "audience_quality": (0.30, 1.0),
    "mass_followers": (0.05, 0.5),
    "growth_anomalies": (0.20, 0.9),
    "following_churn": (0.05, 0.5),
    "engagement_rate": (0.15, 0.8),
    "engagement_pattern": (0.10, 0.5),
    "comment_authenticity": (0.15, 0.8),
    # Stolen content is a sign of a bought or farmed account, not a measure of the audience: a
    # small weight (finding nothing barely dilutes the others), and decisive enough that a
    # mostly copied feed alone reaches medium but never high.
    "reused_images": (0.05, 0.55),
    # Median views per follower on video platforms (bots follow but never watch); measured only
    # where the platform has a views benchmark and the account ≥ 10k followers.
    "views_per_follower": (0.10, 0.8),
}

# The kind of data each signal reads: a kind without any signal with data is "missing". Reused
# images come with the posts and say little about an audience, so they do not count towards
# the kinds a level needs (BREADTH_KINDS).
SIGNAL_EVIDENCE: dict[str, str] = {
    "audience_quality": "follower_sample",
    "mass_followers": "follower_sample",
    "growth_anomalies": "history",
    "following_churn": "history",
    "engagement_rate": "posts",
    "engagement_pattern": "posts",
    "views_per_follower": "posts",
    "comment_authenticity": "comments",
    "reused_images": "images",
}
EVIDENCE_KINDS = ("follower_sample", "history", "posts", "comments", "images")
BREADTH_KINDS = ("follower_sample", "history", "posts", "comments")
# What a missing kind is called (English; the faces show the "evidence_missing" labels).
MISSING_LABELS = label_kinds()["evidence_missing"]


@dataclass
class Signal:
    """One vetting signal: measured value, what it is compared with, and what it adds to risk.

    `benchmark`, `explanation` and `value_text` are Messages (worded by the faces); `evidence`
    is the data behind the signal and `evidence_lines` the same evidence as messages, for pages
    and the PDF that show it as sentences."""

    name: str
    label: str
    value: Any
    benchmark: Message | None
    risk: float | None  # None: no data
    weight: float
    decisive: float
    confidence: float = 1.0
    explanation: Message | None = None
    evidence: Any = None
    value_text: Message | None = None
    evidence_lines: list[Message] = field(default_factory=list)
    contribution: float = 0.0  # mean_part + floor_part
    mean_part: float = 0.0  # wᵢ·rᵢ / Σw over the signals with data
    floor_part: float = 0.0  # what the decisive floor adds (deciding signal only)
    points: int = 0  # the contribution as a whole number out of 100 (they add up to the shown risk)
    floor_points: int = 0  # of which from the decisive floor (points − floor_points from the mean)

    @property
    def available(self) -> bool:
        return self.risk is not None

    @property
    def rated(self) -> float:
        """The risk of a signal that has data (callers keep to `available` signals)."""
        if self.risk is None:
            raise ValueError(f"signal {self.name} has no data")
        return self.risk

    @property
    def level(self) -> str:
        """The signal's own level by the same bounds as the combined risk ("" without data)."""
        return "" if self.risk is None else level_of(self.risk)

    def as_dict(self) -> dict[str, Any]:
        """asdict(self): the report's form (`as_report`) with its containers and messages copied
        (the caller may change them; the figures are immutable; tests/vetting/test_signal_as_dict.py)."""
        result: dict[str, Any] = copied(self.as_report())
        return result

    def as_report(self) -> dict[str, Any]:
        """`as_dict()` for a document that is made JSON at once (`core.stored_json.stored_json`,
        the vetting service's `_json_safe`): the same keys, values and rounding, but its messages
        left as Messages (written as their stored form there) and its containers not copied (they
        are only read). The copies were most of the cost of a report's 9 signals; the JSON text
        is the same (tests/vetting/test_risk_as_report.py)."""
        risk, confidence = self.risk, self.confidence
        contribution, mean_part, floor_part = self.contribution, self.mean_part, self.floor_part
        # A zero (either sign) is kept rather than rounded (round gives it back, sign and type
        # alike): most of these figures are zeros (signals without data, no floor), ~30 of the
        # ~45 round calls of a vetted account.
        return {
            "name": self.name,
            "label": self.label,
            "value": self.value,
            "benchmark": self.benchmark,
            "risk": round(risk, 4) if risk and isinstance(risk, float) else risk,
            "weight": self.weight,
            "decisive": self.decisive,
            # A confidence of 1 (most signals with data) is kept too: round gives it back as well,
            # after the same costly decimal conversion as any other figure's.
            "confidence": round(confidence, 4)
            if confidence and confidence != 1.0 and isinstance(confidence, float)
            else confidence,
            "explanation": self.explanation,
            "evidence": self.evidence,
            "value_text": self.value_text,
            "evidence_lines": self.evidence_lines,
            "contribution": round(contribution, 4)
            if contribution and isinstance(contribution, float)
            else contribution,
            "mean_part": round(mean_part, 4) if mean_part and isinstance(mean_part, float) else mean_part,
            "floor_part": round(floor_part, 4) if floor_part and isinstance(floor_part, float) else floor_part,
            "points": self.points,
            "floor_points": self.floor_points,
            "available": risk is not None,
            "level": "" if risk is None else level_of(risk),
            "evidence_kind": SIGNAL_EVIDENCE.get(self.name, ""),
        }


@dataclass
class RiskResult:
    """The combined risk, its level and confidence, and every signal with its contribution."""

    risk: float | None
    level: str
    confidence: float
    signals: list[Signal] = field(default_factory=list)
    combined_by: Message | None = None
    summary: Message | None = None
    # How the parts were combined, as numbers (see `combination_text` for the one-line form).
    combination: dict[str, Any] = field(default_factory=dict)
    # The evidence rule: met or not, by which path, the kinds with data and the missing ones.
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        """The kinds of evidence without any data (codes of MISSING_LABELS)."""
        return list(self.evidence.get("missing", []))

    def as_dict(self) -> dict[str, Any]:
        return {
            "risk": None if self.risk is None else round(self.risk, 4),
            "level": self.level,
            "confidence": round(self.confidence, 4),
            "combined_by": self.combined_by.as_dict() if self.combined_by else None,
            "summary": self.summary.as_dict() if self.summary else None,
            "combination": self.combination,
            "evidence": self.evidence,
            "missing": self.missing,
            "signals": [s.as_dict() for s in self.signals],
        }

    def as_report(self) -> dict[str, Any]:
        """`as_dict()` for a document made JSON at once, as `Signal.as_report`: the same JSON text,
        its messages and containers taken as they are."""
        return {
            "risk": None if self.risk is None else round(self.risk, 4),
            "level": self.level,
            "confidence": round(self.confidence, 4),
            "combined_by": self.combined_by,
            "summary": self.summary,
            "combination": self.combination,
            "evidence": self.evidence,
            "missing": self.missing,
            "signals": [s.as_report() for s in self.signals],
        }


def level_of(risk: float) -> str:
    """low / medium / high for a risk in [0, 1] (LEVELS)."""
    # A loop, not next() over a generator: ~10 calls an account, the generator most of their cost.
    for bound, name in LEVELS:
        if risk >= bound:
            return name
    raise ValueError(f"not a risk: {risk!r}")


def missing_evidence(signals: list[Signal]) -> list[str]:
    """The kinds of evidence (EVIDENCE_KINDS order) that none of `signals` has data for."""
    present = {SIGNAL_EVIDENCE.get(s.name) for s in signals if s.risk is not None}
    asked = {SIGNAL_EVIDENCE.get(s.name) for s in signals}
    return _missing_kinds(present, asked)


def _missing_kinds(present: set[str | None], asked: set[str | None]) -> list[str]:
    """The kinds of `asked` (EVIDENCE_KINDS order) not in `present`."""
    return [kind for kind in EVIDENCE_KINDS if kind in asked and kind not in present]


def _unique(messages: list[Message]) -> list[Message]:
    return list({repr(msg.as_dict()): msg for msg in messages}.values())


def _clip(x: float) -> float:
    return min(1.0, max(0.0, x))


def _ramp(x: float, start: float, full: float) -> float:
    """0 at or below `start`, 1 at or above `full`, linear between."""
    return _clip((x - start) / (full - start))


SIGNAL_LABELS = label_kinds()["signal"]  # English labels by name (vetting.messages)


def _signal(name: str, **kwargs: Any) -> Signal:
    weight, decisive = SIGNAL_WEIGHTS[name]
    return Signal(name=name, label=SIGNAL_LABELS[name], weight=weight, decisive=decisive, **kwargs)


def _field_values(signal: Signal) -> tuple[Any, ...]:
    """A signal's field values in their order (what `Signal(*values)` makes it again from)."""
    # Its instance dict is its fields in their order: a Signal is only ever made by __init__.
    return tuple(signal.__dict__.values())


def _made_from(values: tuple[Any, ...]) -> Signal:
    """A copy of the signal of these `_field_values`, sharing its values (its messages are
    frozen, its other values immutable but for the evidence lines, a list of its own here)."""
    # Made by __init__ from its fields (in their order), so that the copy keeps its values inline
    # as every Signal made by __init__ does: a copy given a dict of its own (`__dict__ = ...`)
    # made each read of the signals' attributes (combine, as_report) a generic lookup.
    copy = Signal(*values)
    copy.evidence_lines = []
    return copy


# The signals without data that are the same for every account without that data (most accounts
# have no follower sample, comments or images), made once per key and copied (`_made_from`):
# making them anew, messages and all, cost a fifth of an account's signals. Kept as their field
# values, ready for __init__: read from a kept signal each time, they cost a third more a copy.
_NO_DATA: dict[Any, list[tuple[Any, ...]]] = {}


def _no_data(key: Any, make: Callable[[], list[Signal]]) -> list[Signal]:
    found = _NO_DATA.get(key)
    if found is None:
        found = _NO_DATA[key] = list(map(_field_values, make()))
    return list(map(_made_from, found))


def _no_audience(sparse: bool) -> list[Signal]:
    """`audience_signals` without a fake share: no follower sample, or too sparse a one."""
    note = m.SPARSE_FOLLOWER_SAMPLE() if sparse else m.NO_FOLLOWER_SAMPLE()
    return [
        _signal(
            "audience_quality",
            value=None,
            benchmark=m.BENCH_FAKE(),
            risk=None,
            confidence=0.0,
            explanation=note,
        ),
        _signal(
            "mass_followers",
            value=None,
            benchmark=m.BENCH_MASS(),
            risk=None,
            confidence=0.0,
            explanation=note,
        ),
    ]


def audience_signals(quality: AudienceQuality | None) -> list[Signal]:
    """Fake share (adjusted counting) and mass-follower share of the follower sample."""
    if quality is None or quality.fake_share is None:
        sparse = not (quality is None or quality.n_sampled == 0)
        return _no_data(("audience", sparse), lambda: _no_audience(sparse))
    bench_fake = m.BENCH_FAKE()
    bench_mass = m.BENCH_MASS()
    lo, hi = quality.interval or (quality.fake_share, quality.fake_share)
    # Confidence grows with the sample (200 followers ≈ full) and with how much each profile showed.
    conf = _clip(math.sqrt(quality.n / 200.0)) * _clip(quality.mean_confidence / 0.6)
    share = quality.fake_share
    mass = quality.audience_types.get("mass_follower", 0.0)
    types = m.AUDIENCE_TYPES(
        types=[
            m.LABELLED_SHARE(key=kind, share=value)
            for kind, value in sorted(quality.audience_types.items(), key=lambda kv: -kv[1])
        ]
    )
    sample_lines = [m.SAMPLE_SIZE(n=quality.n, sampled=quality.n_sampled), types]
    if quality.calibration:
        sample_lines.append(m.CALIBRATION_USED(name=str(quality.calibration)))
    return [
        _signal(
            "audience_quality",
            value=round(share, 4),
            benchmark=bench_fake,
            risk=_ramp(share, 0.10, 0.40),
            confidence=conf,
            explanation=m.FAKE_SHARE(share=share, low=lo, high=hi, n=quality.n),
            evidence=quality.as_dict(),
            value_text=m.FAKE_SHARE_VALUE(share=share, low=lo, high=hi),
            evidence_lines=sample_lines,
        ),
        _signal(
            "mass_followers",
            value=round(mass, 4),
            benchmark=bench_mass,
            risk=_ramp(mass, 0.10, 0.35),
            confidence=conf,
            explanation=m.MASS_SHARE(share=mass, limit=1500),
            evidence={"audience_types": quality.audience_types},
            value_text=m.SHARE_VALUE(share=mass),
            evidence_lines=[types],
        ),
    ]


def _steady_key(report: GrowthReport) -> tuple[int, float, int] | None:
    """What the signals of a history without any anomaly depend on (`growth_signals`), or None
    when they are not to be kept: figures of another type than the scorer gives (an int share
    would be written 0, not 0.0) or a negative zero (written -0.0)."""
    n, share, churn = report.n_snapshots, report.anomalous_gain_share, report.churn_bursts
    if type(n) is not int or type(share) is not float or type(churn) is not int or math.copysign(1.0, share) < 0:
        return None
    return (n, share, churn)


def _steady_copy(values: tuple[Any, ...]) -> Signal:
    """`_made_from` with its evidence a list of its own too (`_steady_growth`'s are empty lists)."""
    copy = _made_from(values)
    copy.evidence = []
    return copy


def _steady_signals(key: tuple[int, float, int]) -> list[tuple[Any, ...]]:
    """`_growth_signals` of a history without any anomaly, made from what they depend on
    (`_steady_key`: its snapshots, gain share and churn bursts), as their field values
    (`_field_values`): the rest of such a report is read only when it has anomalies."""
    n, share, churn = key
    report = GrowthReport(available=True, n_snapshots=n, anomalous_gain_share=share, churn_bursts=churn)
    return list(map(_field_values, _growth_signals(report)))


# The two signals of a history without any anomaly (most accounts), by `_steady_key`: the same
# for every account of that many snapshots, made once and copied (`_steady_copy`), as the
# signals without data are (`_no_data`). Bounded: emptied when full.
_STEADY: Memo[tuple[int, float, int], list[tuple[Any, ...]]] = Memo(_steady_signals, limit=10_000)


def growth_signals(report: GrowthReport | None) -> list[Signal]:
    """Unexplained follower jumps (round ones and purged ones weigh more) and following churn."""
    if report is not None and report.available and not report.anomalies:
        key = _steady_key(report)
        if key is not None:
            return list(map(_steady_copy, _STEADY[key]))
    return _growth_signals(report)


def _growth_signals(report: GrowthReport | None) -> list[Signal]:
    """`growth_signals`, made anew."""
    bench = m.BENCH_GROWTH()
    if report is None or not report.available:
        note = (report.note if report else None) or m.NO_SNAPSHOT_HISTORY()
        return [
            _signal(
                "growth_anomalies",
                value=None,
                benchmark=bench,
                risk=None,
                confidence=0.0,
                explanation=note,
            ),
            _signal(
                "following_churn",
                value=None,
                benchmark=m.BENCH_CHURN_NONE(),
                risk=None,
                confidence=0.0,
                explanation=note,
            ),
        ]
    jumps = [a for a in report.anomalies if a.kind == "jump"]
    purges = [a for a in report.anomalies if a.kind == "purge"]
    bursts = [a for a in report.anomalies if a.kind == "burst"]
    rounds = [a for a in jumps if a.round_package]
    unexplained = [a for a in jumps if not a.explained_by_post]
    risk = _ramp(report.anomalous_gain_share, 0.0, 0.10)
    if unexplained:
        risk = max(risk, 0.35)  # any unexplained jump deserves a look
    elif jumps:
        risk *= 0.5  # jumps right after a post's engagement spike may be organic
    risk = _clip(risk + 0.2 * bool(rounds) + 0.2 * bool(purges))
    conf = _clip(report.n_snapshots / 60.0)
    parts = [
        m.GROWTH_FOUND(
            jumps=len(jumps),
            rounds=len(rounds),
            purges=len(purges),
            gain=report.anomalous_gain,
            share=report.anomalous_gain_share,
        )
        if jumps or purges
        else m.GROWTH_CLEAN(n=report.n_snapshots)
    ]
    if bursts:
        parts.append(m.GROWTH_BURSTS(n=len(bursts), gain=report.burst_gain))
    churn = [a for a in report.anomalies if a.kind == "following_churn"]
    shown = [a for a in report.anomalies if a.kind in ("jump", "purge", "drop", "burst")]
    return [
        _signal(
            "growth_anomalies",
            value=round(report.anomalous_gain_share, 4),
            benchmark=bench,
            risk=risk,
            confidence=conf,
            explanation=parts[0] if len(parts) == 1 else m.JOINED(items=parts),
            evidence=[a.as_dict() for a in shown],
            value_text=m.GROWTH_VALUE(share=report.anomalous_gain_share),
            evidence_lines=[a.reason for a in shown],
        ),
        _signal(
            "following_churn",
            value=report.churn_bursts,
            benchmark=m.BENCH_CHURN(),
            risk=_clip(report.churn_bursts / 3.0),
            confidence=conf,
            explanation=m.CHURN_FOUND(n=report.churn_bursts) if report.churn_bursts else m.CHURN_CLEAN(),
            evidence=[a.as_dict() for a in churn],
            value_text=m.COUNT_VALUE(n=report.churn_bursts),
            evidence_lines=_unique([a.reason for a in churn]),  # a wave's two moves share their reason
        ),
    ]


def _below_risk(value: float, median: float, low: float) -> float:
    """Risk of a figure below its usual range: 0.3 at the bottom of the range, rising to 1 at a
    tenth of the median (log scale)."""
    if value >= low:
        return 0.0
    return max(0.3, _clip(math.log(median / max(value, 1e-9) / 2) / math.log(5)))


def _no_engagement() -> list[Signal]:
    """`engagement_signals` without a rate, their note (`explanation`) left to the caller."""
    return [
        _signal("engagement_rate", value=None, benchmark=None, risk=None, confidence=0.0),
        _signal("engagement_pattern", value=None, benchmark=None, risk=None, confidence=0.0),
    ]


def _rate_benchmark(bench: dict[str, Any]) -> Message:
    """The engagement-rate signal's benchmark message: the platform and tier's rate range."""
    return m.BENCH_ER(
        platform=bench["platform"],
        tier=bench["tier"],
        median=bench["median"],
        low=bench["low"],
        high=bench["high"],
        formula=er_formula_message(bench["platform"]),
    )


def _pattern_benchmark(lpc_bench: dict[str, Any]) -> Message:
    """The engagement-pattern signal's benchmark message: the likes-per-comment range and the rules."""
    return m.BENCH_PATTERN(low=lpc_bench["low"], high=lpc_bench["high"], z=SPIKE_Z, factor=SHIFT_FACTOR)


def _views_benchmark(bench: dict[str, Any], vpf_bench: dict[str, Any]) -> Message:
    """The views-per-follower signal's benchmark message: the platform and tier's reach."""
    return m.BENCH_VIEWS(
        platform=bench["platform"], tier=bench["tier"], median=vpf_bench["median"], low=vpf_bench["low"]
    )


_DEFAULT_LIKES_PER_COMMENT = {"low": 8, "median": 40, "high": 400}
_DEFAULT_PATTERN_BENCHMARK = _pattern_benchmark(_DEFAULT_LIKES_PER_COMMENT)

# id(benchmark) → (benchmark, its rate, pattern and views benchmark messages), for the benchmark
# dicts the engagement reports share (`is_shared_benchmark`: never changed, and kept here, so the
# id names no other dict): made once per platform and tier, not per account (a fifth of the
# engagement signals' cost, the formula nested in the rate's benchmark most of it).
_BENCHMARK_MESSAGES: dict[int, tuple[dict[str, Any], Message, Message, Message | None]] = {}


def _shared_messages(bench: dict[str, Any]) -> tuple[dict[str, Any], Message, Message, Message | None] | None:
    """(bench, its rate, pattern and views benchmark messages) of a shared benchmark, made once
    (messages are never changed once made); None for any other benchmark dict."""
    found = _BENCHMARK_MESSAGES.get(id(bench))
    if found is not None and found[0] is bench:
        return found
    if not is_shared_benchmark(bench):
        return None
    lpc_bench, vpf_bench = bench.get("likes_per_comment"), bench.get("views_per_follower")
    if len(_BENCHMARK_MESSAGES) >= 1024:  # benchmark tables made by tests
        _BENCHMARK_MESSAGES.clear()
    found = _BENCHMARK_MESSAGES[id(bench)] = (
        bench,
        _rate_benchmark(bench),
        _pattern_benchmark(lpc_bench) if lpc_bench else _DEFAULT_PATTERN_BENCHMARK,
        _views_benchmark(bench, vpf_bench) if vpf_bench else None,
    )
    return found


def engagement_signals(report: EngagementReport | None) -> list[Signal]:
    """Engagement against the tier benchmark (for video platforms also reach: median views per
    follower, since bots follow but never watch), and the engagement pattern: likes per comment
    and post-to-post changes."""
    if report is None or not report.available or report.engagement_rate is None:
        note = (report.note if report else None) or m.NO_POSTS()
        # The same two signals for every account without a rate but for their note: copies of
        # ones made once (`_no_data`), given the note.
        signals = _no_data("engagement", _no_engagement)
        for signal in signals:
            signal.explanation = note
        return signals
    conf = _clip(report.posts_used / 12.0)  # the posts the engagement rate is the median of
    # The pattern reads the newest posts whatever their age (up to 30), not only the ER's window.
    pattern_conf = _clip((report.pattern_posts or report.posts_used) / 12.0)
    er = report.engagement_rate
    bench = report.benchmark
    if bench:
        low, high, median = bench["low"], bench["high"], bench["median"]
        shared = _shared_messages(bench)
        if shared is not None:
            benchmark, pattern_benchmark = shared[1], shared[2]
        else:
            lpc_bench = bench.get("likes_per_comment")
            benchmark = _rate_benchmark(bench)
            pattern_benchmark = _pattern_benchmark(lpc_bench) if lpc_bench else _DEFAULT_PATTERN_BENCHMARK
        # Fake followers inflate the denominator: far below the tier is the classic sign; far
        # above it suggests bought likes/comments or pods.
        risk = _below_risk(er, median, low)
        if er > 2 * high:
            risk = 0.2 + 0.6 * _clip(math.log(er / (2 * high)) / math.log(5))
        # Reach (views per follower) is its own signal, `reach_signals`: a rate within its
        # benchmark must not turn red because of what the views say.
        rate_signal = _signal(
            "engagement_rate",
            value=round(er, 5),
            benchmark=benchmark,
            risk=risk,
            confidence=conf * (0.6 if str(bench.get("evidence", "")).startswith("weak") else 1.0),
            explanation=m.ER_POSITION(er=er, position=report.position, ratio=report.er_ratio),
            evidence={"posts_used": report.posts_used, "formula": report.formula, "sources": bench["sources"]},
            value_text=m.RATE_VALUE(rate=er),
        )
    else:
        rate_signal = _signal(
            "engagement_rate",
            value=round(er, 5),
            benchmark=m.NO_BENCHMARK(),
            risk=None,
            confidence=0.0,
            explanation=report.note or m.NO_BENCHMARK(),
            value_text=m.RATE_VALUE(rate=er),
        )
        pattern_benchmark = _DEFAULT_PATTERN_BENCHMARK
    parts: list[Message] = []
    risk = 0.0
    lpc_bench = (bench or {}).get("likes_per_comment") or _DEFAULT_LIKES_PER_COMMENT
    lpc = report.likes_per_comment
    if lpc is not None:
        if lpc > lpc_bench["high"]:
            risk = max(risk, 0.5 if math.isinf(lpc) else _clip(0.3 + math.log(lpc / lpc_bench["high"]) / math.log(10)))
            parts.append(
                m.LPC_NO_COMMENTS(low=lpc_bench["low"], high=lpc_bench["high"])
                if math.isinf(lpc)
                else m.LPC_HIGH(lpc=lpc, low=lpc_bench["low"], high=lpc_bench["high"])
            )
        elif lpc < lpc_bench["low"]:
            risk = max(risk, _clip(0.3 + math.log(lpc_bench["low"] / max(lpc, 0.1)) / math.log(10)))
            parts.append(m.LPC_LOW(lpc=lpc, low=lpc_bench["low"], high=lpc_bench["high"]))
    spikes = [c for c in report.changes if c.kind in ("spike", "dip")]
    shifts = [c for c in report.changes if c.kind == "shift"]
    if spikes:
        risk = max(risk, _clip(0.15 * len(spikes)))
        parts.append(m.SPIKY_POSTS(n=len(spikes)))
    if shifts:
        risk = max(risk, 0.3)
        parts.append(shifts[0].reason)
    lpc_value = "inf" if lpc is not None and math.isinf(lpc) else lpc
    if lpc is None:
        value_text = m.PATTERN_VALUE_NO_LIKES(changes=len(report.changes))
    elif math.isinf(lpc):
        value_text = m.PATTERN_VALUE_NO_COMMENTS(changes=len(report.changes))
    else:
        value_text = m.PATTERN_VALUE(lpc=lpc, changes=len(report.changes))
    pattern = _signal(
        "engagement_pattern",
        value={"likes_per_comment": lpc_value, "sudden_changes": len(report.changes)},
        benchmark=pattern_benchmark,
        risk=risk,
        confidence=pattern_conf,
        explanation=m.JOINED(items=parts) if parts else m.PATTERN_CLEAN(),
        evidence=[asdict(c) for c in report.changes],
        value_text=value_text,
        evidence_lines=[c.reason for c in report.changes],
    )
    return [rate_signal, pattern]


def reach_signals(report: EngagementReport | None) -> list[Signal]:
    """Median views per follower on video platforms: bought followers follow but never watch.

    Only where it can be measured (a platform whose benchmark has a views-per-follower row, an
    account of at least 10k followers, posts with views): elsewhere no signal at all, so it
    never lowers the confidence of accounts it does not apply to."""
    if report is None or not report.available or not report.benchmark:
        return []
    bench = report.benchmark
    vpf_bench, vpf = bench.get("views_per_follower"), report.views_per_follower
    if bench.get("denominator") != "views" or not vpf_bench or vpf is None or report.followers < 10_000:
        return []
    median = vpf_bench["median"]
    shared = _shared_messages(bench)
    views_benchmark = shared[3] if shared is not None and shared[3] is not None else _views_benchmark(bench, vpf_bench)
    risk = _below_risk(vpf, median, median / 2)
    explanation = (m.VIEWS_PER_FOLLOWER_LOW if risk > 0 else m.VIEWS_PER_FOLLOWER)(vpf=vpf, median=median)
    conf = _clip(report.posts_used / 12.0)
    return [
        _signal(
            "views_per_follower",
            value=round(vpf, 5),
            benchmark=views_benchmark,
            risk=risk,
            confidence=conf * (0.6 if str(bench.get("evidence", "")).startswith("weak") else 1.0),
            explanation=explanation,
            evidence={"posts_used": report.posts_used, "sources": bench.get("sources")},
            value_text=m.SHARE_VALUE(share=vpf),
        )
    ]


def _few_comments(n: Any) -> list[Signal]:
    """`comment_signals` without enough comments (`n` of them)."""
    return [
        _signal(
            "comment_authenticity",
            value=None,
            benchmark=m.BENCH_COMMENTS(),
            risk=None,
            confidence=0.0,
            explanation=m.FEW_COMMENTS(n=n),
        )
    ]


def comment_signals(report: CommentReport | None) -> list[Signal]:
    """Comment authenticity: low-effort share, duplicates, pods, language mismatch."""
    if report is None or not report.available:
        n = report.n_comments if report else 0
        if type(n) is int and n == 0:  # no comments at all: most accounts
            return _no_data("comments", lambda: _few_comments(0))
        return _few_comments(n)
    bench = m.BENCH_COMMENTS()
    risks = [_ramp(report.low_effort_share or 0.0, 0.40, 0.85), _ramp(report.duplicate_share or 0.0, 0.05, 0.30)]
    parts = [m.LOW_EFFORT(share=report.low_effort_share), m.DUPLICATED(share=report.duplicate_share)]
    if report.pod:
        risks.append(0.8)
        parts.append(m.POD(members=report.pod.commenters[:6], posts=len(report.pod.post_ids)))
    if report.language_mismatch_share is not None:
        # Weak alone (bilingual fans, expats): capped at 0.6.
        risks.append(0.6 * _ramp(report.language_mismatch_share, 0.30, 0.80))
        parts.append(m.FOREIGN_LANGUAGE(share=report.language_mismatch_share))
    lines: list[Message] = [
        m.DUPLICATE_GROUP(text=group["text"], times=group["count"], commenters=group["commenters"][:5])
        for group in report.duplicates[:5]
    ]
    if report.pod:
        lines.append(
            m.POD_MEMBERS(
                n=len(report.pod.commenters),
                members=report.pod.commenters[:8],
                posts=len(report.pod.post_ids),
                total=report.pod.posts_with_comments,
            )
        )
    if report.examples.get("generic"):
        lines.append(m.GENERIC_EXAMPLES(texts=report.examples["generic"][:5]))
    if report.examples.get("emoji_only"):
        lines.append(m.EMOJI_EXAMPLES(texts=report.examples["emoji_only"][:5]))
    if report.comment_languages:
        lines.append(
            m.COMMENT_LANGUAGES(
                languages=[m.SHARE_OF_KEY(key=k, share=v) for k, v in list(report.comment_languages.items())[:5]]
            )
        )
    return [
        _signal(
            "comment_authenticity",
            value={
                "low_effort_share": round(report.low_effort_share or 0, 4),
                "duplicate_share": round(report.duplicate_share or 0, 4),
                "pod_size": len(report.pod.commenters) if report.pod else 0,
                "language_mismatch_share": report.language_mismatch_share,
            },
            benchmark=bench,
            risk=max(risks),
            confidence=_clip(report.n_comments / 50.0),
            explanation=m.JOINED(items=parts),
            evidence={
                "duplicates": report.duplicates,
                "pod": asdict(report.pod) if report.pod else None,
                "examples": report.examples,
                "languages": report.comment_languages,
            },
            value_text=m.COMMENTS_VALUE(low_effort=report.low_effort_share, duplicated=report.duplicate_share),
            evidence_lines=lines,
        )
    ]


def combine(signals: list[Signal]) -> RiskResult:
    """Combined risk, level and confidence under the evidence rule; fills each signal's
    contribution (mean part, floor part, points)."""
    # One pass for what the rest reads (~9 signals an account): the signals with data and the
    # names and evidence kinds of those without. `s.risk is not None` rather than `available`.
    available: list[Signal] = []
    missing_names: list[str] = []
    for s in signals:
        if s.risk is None:
            missing_names.append(s.name)
        else:
            available.append(s)
    total_weight = sum([s.weight for s in signals])
    present = {SIGNAL_EVIDENCE.get(s.name) for s in available}
    missing = _missing_kinds(present, {SIGNAL_EVIDENCE.get(name) for name in missing_names})
    if not available:
        evidence = _evidence(available, present, None, 0.0, missing)
        nothing = m.NO_SIGNAL_DATA()
        return RiskResult(
            None,
            INSUFFICIENT,
            0.0,
            signals,
            nothing,
            m.SUMMARY_NOTHING(),
            combination={"rule": RULE, "signals_with_data": 0, "text": nothing.as_dict()},
            evidence=evidence,
        )
    w = sum([s.weight for s in available])
    # The decisive signal (the first of the largest floors) and the worst risk, as max() finds
    # them: from the first signal, replaced by any later one that compares greater.
    decider = available[0]
    decider_floor = decider.decisive * decider.rated
    worst = decider.rated
    for s in available:
        rated = s.rated
        s.mean_part = s.weight * rated / w
        s.floor_part = 0.0
        if s.decisive * rated > decider_floor:
            decider, decider_floor = s, s.decisive * rated
        if rated > worst:
            worst = rated
    mean = sum([s.mean_part for s in available])
    floor = decider.decisive * decider.rated
    # Never above the worst signal (a decisive factor above 1 could do it): a level is never
    # worse than every signal shown. With the factors of SIGNAL_WEIGHTS (≤ 1) this changes nothing.
    if floor > mean:
        risk = min(floor, worst)
        decider.floor_part = risk - mean
        how = _decided_by(decider.name)
    else:
        risk, how = mean, m.WEIGHTED_MEAN()
    for s in available:
        s.contribution = s.mean_part + s.floor_part
    _points(available, risk)
    confidence = sum([s.weight * s.confidence for s in available]) / total_weight
    computed = level_of(risk)
    evidence = _evidence(available, present, computed, confidence, missing)
    level = computed if evidence["met"] else INSUFFICIENT
    combination: dict[str, Any] = {
        "rule": RULE,
        "signals_with_data": len(available),
        "weight_with_data": round(w, 4),
        "mean": round(mean, 4),
        "floor": round(floor, 4),
        "floor_signal": decider.name,
        "floor_label": decider.label,
        "floor_risk": round(decider.rated, 4),
        "floor_factor": decider.decisive,
        "used": "floor" if floor > mean else "mean",
        "risk": round(risk, 4),
    }
    # Its stored form without `as_dict`'s copy of the params: the message is made here for it
    # and dropped, so nothing else holds them.
    text = combination_text(combination)
    combination["text"] = {"code": text.code, "params": text.params}
    top = sorted(available, key=lambda s: -s.contribution)[:2]
    if level == INSUFFICIENT:
        parts = [m.SUMMARY_INSUFFICIENT(level=computed, risk=risk, confidence=confidence)]
    else:
        parts = [m.SUMMARY_LEVEL(level=level, risk=risk)]
    if top and top[0].contribution > 0:
        parts.append(_mostly(tuple([s.name for s in top if s.contribution > 0])))
    if missing_names:
        parts.append(_no_data_for(tuple(missing_names)))
    return RiskResult(risk, level, confidence, signals, how, m.JOINED(items=parts), combination, evidence)


# The summary's messages that name signals only: the same few for every account (most accounts
# lack the same kinds of data), made once per tuple of names. Bounded by the signals' names.
@functools.cache
def _decided_by(name: str) -> Message:
    return m.DECIDED_BY(signal=name)


@functools.cache
def _mostly(names: tuple[str, ...]) -> Message:
    return m.SUMMARY_MOSTLY(signals=list(names))


@functools.cache
def _no_data_for(names: tuple[str, ...]) -> Message:
    return m.SUMMARY_NO_DATA_FOR(signals=list(names))


def _points(available: list[Signal], risk: float) -> None:
    """Each contribution as whole points out of 100 that add up to round(100 × risk) (largest
    remainders), so the numbers shown next to the signals sum to the risk shown."""
    target = round(risk * 100)
    raw = [max(s.contribution, 0.0) * 100 for s in available]
    points = [math.floor(r + 1e-9) for r in raw]
    short = target - sum(points)
    if short > 0:  # (the floors are often the points already: no order needed)
        order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - points[i]), -raw[i], i))
        for i in order[:short]:
            points[i] += 1
    for s, p in zip(available, points, strict=True):
        s.points = p
        # The floor's share of the points, so "mean + floor" adds up to the points shown.
        s.floor_points = min(p, max(0, p - round(s.mean_part * 100))) if s.floor_part > 0 else 0


def _evidence(
    available: list[Signal], present: set[str | None], level: str | None, confidence: float, missing: list[str]
) -> dict[str, Any]:
    """Whether `level` meets the evidence rule, and how (module docstring). `present`: the evidence
    kinds of the `available` signals."""
    kinds = [kind for kind in BREADTH_KINDS if kind in present]
    breadth = confidence >= MIN_CONFIDENCE and len(kinds) >= MIN_KINDS
    carrier = None
    if level in ("medium", "high"):
        bound = next(b for b, name in LEVELS if name == level)
        carriers = [s for s in available if s.confidence >= DECISIVE_MIN_CONFIDENCE and s.decisive * s.rated >= bound]
        carrier = max(carriers, key=lambda s: (s.decisive * s.rated, s.confidence), default=None)
    met = level is not None and (breadth or carrier is not None)
    return {
        "met": met,
        "rule": "breadth" if met and breadth else "decisive" if met else None,
        "level_if_enough": level,
        "confidence": round(confidence, 4),
        "min_confidence": MIN_CONFIDENCE,
        "kinds": kinds,
        "min_kinds": MIN_KINDS,
        "decisive_signal": carrier.name if carrier is not None else None,
        "decisive_confidence": None if carrier is None else round(carrier.confidence, 4),
        "decisive_min_confidence": DECISIVE_MIN_CONFIDENCE,
        "missing": missing,
    }


def combination_text(combination: dict[str, Any]) -> Message:
    """The combination as one line anyone can check, e.g. "weighted mean of 7 signals with data
    0.12; decisive floor: views far below followers 0.88 × 0.80 = 0.70; risk = the larger = 0.70"
    (a Message: the faces word it)."""
    if not combination.get("signals_with_data"):
        return m.NO_SIGNAL_DATA()
    capped = combination["risk"] < max(combination["mean"], combination["floor"]) - 1e-9
    return (m.COMBINATION_CAPPED if capped else m.COMBINATION)(
        n=combination["signals_with_data"],
        mean=combination["mean"],
        signal=combination["floor_signal"],
        risk=combination["floor_risk"],
        factor=combination["floor_factor"],
        floor=combination["floor"],
        result=combination["risk"],
    )


def _no_images() -> list[Signal]:
    """`reuse_signals` without images."""
    return [
        _signal(
            "reused_images",
            value=None,
            benchmark=m.BENCH_REUSE(),
            risk=None,
            confidence=0.0,
            explanation=m.NO_IMAGES(),
        )
    ]


def reuse_signals(report: ReuseReport | None) -> list[Signal]:
    """Share of the account's images first posted by other creators (identical or verified
    near-duplicates; the images it posted first are shown but not counted)."""
    if report is None or not report.available:
        return _no_data("images", _no_images)
    bench = m.BENCH_REUSE()
    share = report.copied_share or 0.0
    # One shared picture is common (a stock photo, a brand's campaign shot): it alone never
    # gives more than half the risk, whatever the share.
    risk = _ramp(share, 0.15, 0.50) * min(1.0, report.copied_weight / 2.0)
    return [
        _signal(
            "reused_images",
            value=round(share, 4),
            benchmark=bench,
            risk=risk,
            confidence=_clip(report.n_images / 10.0),  # a share of 1–2 images says little
            explanation=_reuse_explanation(report, share),
            evidence=report.images,
            value_text=m.SHARE_VALUE(share=share),
            evidence_lines=[as_message(image["reason"]) for image in report.images],
        )
    ]


def _reuse_explanation(report: ReuseReport, share: float) -> Message:
    """The counts, and the accounts copied from (named here too for views that show only the
    explanation)."""
    sources = list(
        dict.fromkeys(
            (place["platform"], place["handle"])
            for image in report.images
            if image["direction"] != "first_here"
            for place in image["seen_on"]
        )
    )
    accounts: list[Message] = [m.ACCOUNT(platform=p, handle=h) for p, h in sources[:3]]
    if len(sources) > 3:
        accounts.append(m.MORE(n=len(sources) - 3))
    counts = {"copied": report.copied_weight, "n": report.n_images, "share": share}
    parts = [m.REUSED_FROM(**counts, accounts=accounts) if accounts else m.REUSED(**counts)]
    if report.undetermined:
        parts.append(m.REUSE_UNDATED(n=report.undetermined))
    if report.first_here:
        parts.append(m.REUSE_FIRST_HERE(n=report.first_here))
    return parts[0] if len(parts) == 1 else m.JOINED(items=parts)
