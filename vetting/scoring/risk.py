"""Combined fake-follower risk 0–1 with a level, from the individual vetting signals.

Each signal turns one measured value into a risk in [0, 1] against a stated benchmark; e.g.
audience quality maps an estimated fake share of 10% (a normal base rate) to 0 and 40% to 1.
The combination is explainable:

    weighted mean  m = Σ wᵢ·rᵢ / Σ wᵢ          over the signals with data
    decisive floor f = max(dᵢ·rᵢ)               (one conclusive signal is enough: a 45% fake
                                                 audience is high risk even if comments are fine)
    risk = max(m, f)

Contributions add up to the risk: each signal contributes wᵢ·rᵢ/Σwᵢ, and when the decisive floor
wins, the deciding signal also gets the difference. Signals without data are left out of the
mean (never counted as clean) and lower the confidence: Σ wᵢ·cᵢ over available signals / Σ wᵢ
over all signals, cᵢ being each signal's own confidence (sample size, history length).
Levels: low < 0.30 ≤ medium < 0.60 ≤ high.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from vetting.scoring.audience_quality import AudienceQuality
from vetting.scoring.comments import CommentReport
from vetting.scoring.engagement import EngagementReport
from vetting.scoring.growth import GrowthReport
from vetting.scoring.reuse import ReuseReport

LEVELS = ((0.60, "high"), (0.30, "medium"), (0.0, "low"))

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
}


@dataclass
class Signal:
    """One vetting signal: measured value, what it is compared with, and what it adds to risk."""

    name: str
    label: str
    value: Any
    benchmark: str
    risk: float | None  # None: no data
    weight: float
    decisive: float
    confidence: float = 1.0
    explanation: str = ""
    evidence: Any = None
    contribution: float = 0.0

    @property
    def available(self) -> bool:
        return self.risk is not None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["available"] = self.available
        for key in ("risk", "contribution", "confidence"):
            if isinstance(out[key], float):
                out[key] = round(out[key], 4)
        return out


@dataclass
class RiskResult:
    """The combined risk, its level and confidence, and every signal with its contribution."""

    risk: float | None
    level: str
    confidence: float
    signals: list[Signal] = field(default_factory=list)
    combined_by: str = ""
    summary: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "risk": None if self.risk is None else round(self.risk, 4),
            "level": self.level,
            "confidence": round(self.confidence, 4),
            "combined_by": self.combined_by,
            "summary": self.summary,
            "signals": [s.as_dict() for s in self.signals],
        }


def _clip(x: float) -> float:
    return min(1.0, max(0.0, x))


def _ramp(x: float, start: float, full: float) -> float:
    """0 at or below `start`, 1 at or above `full`, linear between."""
    return _clip((x - start) / (full - start))


def _signal(name: str, label: str, **kwargs: Any) -> Signal:
    weight, decisive = SIGNAL_WEIGHTS[name]
    return Signal(name=name, label=label, weight=weight, decisive=decisive, **kwargs)


def audience_signals(quality: AudienceQuality | None) -> list[Signal]:
    """Fake share (adjusted counting) and mass-follower share of the follower sample."""
    bench_fake = "≤10% is normal (every account has some); risk rises to 1 at 40%"
    bench_mass = "≤10% is normal; risk rises to 1 at 35% (HypeAuditor: >10% mass followers is a warning)"
    if quality is None or quality.fake_share is None:
        note = "no follower sample" if quality is None or quality.n_sampled == 0 else "follower sample too sparse"
        return [
            _signal(
                "audience_quality",
                "Fake followers (sampled)",
                value=None,
                benchmark=bench_fake,
                risk=None,
                confidence=0.0,
                explanation=note,
            ),
            _signal(
                "mass_followers",
                "Mass followers",
                value=None,
                benchmark=bench_mass,
                risk=None,
                confidence=0.0,
                explanation=note,
            ),
        ]
    lo, hi = quality.interval or (quality.fake_share, quality.fake_share)
    # Confidence grows with the sample (200 followers ≈ full) and with how much each profile showed.
    conf = _clip(math.sqrt(quality.n / 200.0)) * _clip(quality.mean_confidence / 0.6)
    share = quality.fake_share
    mass = quality.audience_types.get("mass_follower", 0.0)
    return [
        _signal(
            "audience_quality",
            "Fake followers (sampled)",
            value=round(share, 4),
            benchmark=bench_fake,
            risk=_ramp(share, 0.10, 0.40),
            confidence=conf,
            explanation=(
                f"{share:.1%} of the sampled followers look fake (95% interval {lo:.1%}–{hi:.1%}, "
                f"n={quality.n}), corrected for the scorer's error rates"
            ),
            evidence=quality.as_dict(),
        ),
        _signal(
            "mass_followers",
            "Mass followers",
            value=round(mass, 4),
            benchmark=bench_mass,
            risk=_ramp(mass, 0.10, 0.35),
            confidence=conf,
            explanation=f"{mass:.1%} of the sampled followers follow more than 1,500 accounts",
            evidence={"audience_types": quality.audience_types},
        ),
    ]


def growth_signals(report: GrowthReport | None) -> list[Signal]:
    """Unexplained follower jumps (round ones and purged ones weigh more) and following churn."""
    bench = "jumps beyond the account's own trend: 0% of followers is normal; risk 1 at 10%"
    if report is None or not report.available:
        note = report.note if report else "no snapshot history"
        return [
            _signal(
                "growth_anomalies",
                "Follower growth anomalies",
                value=None,
                benchmark=bench,
                risk=None,
                confidence=0.0,
                explanation=note,
            ),
            _signal(
                "following_churn",
                "Following churn",
                value=None,
                benchmark="no follow/unfollow bursts",
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
    explanation = (
        f"{len(jumps)} jump(s), {len(rounds)} round, {len(purges)} purge(s); {report.anomalous_gain:,} followers "
        f"({report.anomalous_gain_share:.1%}) gained beyond the trend"
        if jumps or purges
        else f"no jump against the account's own trend over {report.n_snapshots} snapshots"
    )
    if bursts:
        explanation += (
            f"; {len(bursts)} decaying growth burst(s) (+{report.burst_gain:,}) with the shape of organic "
            f"virality, not counted as risk"
        )
    churn = [a for a in report.anomalies if a.kind == "following_churn"]
    return [
        _signal(
            "growth_anomalies",
            "Follower growth anomalies",
            value=round(report.anomalous_gain_share, 4),
            benchmark=bench,
            risk=risk,
            confidence=conf,
            explanation=explanation,
            evidence=[a.as_dict() for a in report.anomalies if a.kind in ("jump", "purge", "drop", "burst")],
        ),
        _signal(
            "following_churn",
            "Following churn",
            value=report.churn_bursts,
            benchmark="0 follow/unfollow bursts; risk 1 at 3",
            risk=_clip(report.churn_bursts / 3.0),
            confidence=conf,
            explanation=(
                f"{report.churn_bursts} follow/unfollow burst(s)" if report.churn_bursts else "no follow/unfollow churn"
            ),
            evidence=[a.as_dict() for a in churn],
        ),
    ]


def _below_risk(value: float, median: float, low: float) -> float:
    """Risk of a figure below its usual range: 0.3 at the bottom of the range, rising to 1 at a
    tenth of the median (log scale)."""
    if value >= low:
        return 0.0
    return max(0.3, _clip(math.log(median / max(value, 1e-9) / 2) / math.log(5)))


def engagement_signals(report: EngagementReport | None) -> list[Signal]:
    """Engagement against the tier benchmark (for video platforms also reach: median views per
    follower, since bots follow but never watch), and the engagement pattern: likes per comment
    and post-to-post changes."""
    if report is None or not report.available or report.engagement_rate is None:
        note = report.note if report else "no posts"
        return [
            _signal(
                "engagement_rate",
                "Engagement rate vs benchmark",
                value=None,
                benchmark="",
                risk=None,
                confidence=0.0,
                explanation=note,
            ),
            _signal(
                "engagement_pattern",
                "Engagement pattern",
                value=None,
                benchmark="",
                risk=None,
                confidence=0.0,
                explanation=note,
            ),
        ]
    conf = _clip(report.posts_used / 12.0)  # the posts the engagement rate is the median of
    # The pattern reads the newest posts whatever their age (up to 30), not only the ER's window.
    pattern_conf = _clip((report.pattern_posts or report.posts_used) / 12.0)
    er = report.engagement_rate
    bench = report.benchmark
    if bench:
        low, high, median = bench["low"], bench["high"], bench["median"]
        benchmark = (
            f"{bench['platform']} {bench['tier']}: median {median:.2%}, usual {low:.2%}–{high:.2%} ({bench['formula']})"
        )
        # Fake followers inflate the denominator: far below the tier is the classic sign; far
        # above it suggests bought likes/comments or pods.
        risk = _below_risk(er, median, low)
        if er > 2 * high:
            risk = 0.2 + 0.6 * _clip(math.log(er / (2 * high)) / math.log(5))
        explanation = f"{er:.2%} is {report.position} the benchmark (×{report.er_ratio:.2f} the tier median)"
        vpf_bench, vpf = bench.get("views_per_follower"), report.views_per_follower
        value: Any = round(er, 5)
        if bench["denominator"] == "views" and vpf_bench and vpf is not None and report.followers >= 10_000:
            reach_risk = _below_risk(vpf, vpf_bench["median"], vpf_bench["median"] / 2)
            benchmark += f"; views per follower median {vpf_bench['median']:.0%}, usual ≥ {vpf_bench['low']:.0%}"
            explanation += f"; median views are {vpf:.1%} of followers"
            if reach_risk > risk:
                risk = reach_risk
                explanation += " — followers who do not watch"
            value = {"engagement_rate": round(er, 5), "views_per_follower": round(vpf, 5)}
        rate_signal = _signal(
            "engagement_rate",
            "Engagement rate vs benchmark",
            value=value,
            benchmark=benchmark,
            risk=risk,
            confidence=conf * (0.6 if str(bench.get("evidence", "")).startswith("weak") else 1.0),
            explanation=explanation,
            evidence={"posts_used": report.posts_used, "formula": report.formula, "sources": bench["sources"]},
        )
    else:
        rate_signal = _signal(
            "engagement_rate",
            "Engagement rate vs benchmark",
            value=round(er, 5),
            benchmark="no benchmark for this platform",
            risk=None,
            confidence=0.0,
            explanation=report.note,
        )
    parts: list[str] = []
    risk = 0.0
    lpc_bench = (bench or {}).get("likes_per_comment") or {"low": 8, "median": 40, "high": 400}
    lpc = report.likes_per_comment
    if lpc is not None:
        if lpc > lpc_bench["high"]:
            risk = max(risk, 0.5 if math.isinf(lpc) else _clip(0.3 + math.log(lpc / lpc_bench["high"]) / math.log(10)))
            parts.append(
                f"{'no comments at all' if math.isinf(lpc) else f'{lpc:,.0f} likes per comment'} "
                f"(usual {lpc_bench['low']}–{lpc_bench['high']}): likes without conversation"
            )
        elif lpc < lpc_bench["low"]:
            risk = max(risk, _clip(0.3 + math.log(lpc_bench["low"] / max(lpc, 0.1)) / math.log(10)))
            parts.append(
                f"{lpc:.1f} likes per comment (usual {lpc_bench['low']}–{lpc_bench['high']}): "
                f"comment-heavy, typical of pods or bought comments"
            )
    spikes = [c for c in report.changes if c.kind in ("spike", "dip")]
    shifts = [c for c in report.changes if c.kind == "shift"]
    if spikes:
        risk = max(risk, _clip(0.15 * len(spikes)))
        parts.append(f"{len(spikes)} post(s) with engagement far off the neighbouring posts")
    if shifts:
        risk = max(risk, 0.3)
        parts.append(shifts[0].reason)
    lpc_value = "inf" if lpc is not None and math.isinf(lpc) else lpc
    pattern = _signal(
        "engagement_pattern",
        "Engagement pattern",
        value={"likes_per_comment": lpc_value, "sudden_changes": len(report.changes)},
        benchmark=(
            f"likes per comment {lpc_bench['low']}–{lpc_bench['high']}; no post ≥ 4 robust SDs off its "
            f"neighbours; no ×3 level shift"
        ),
        risk=risk,
        confidence=pattern_conf,
        explanation="; ".join(parts) if parts else "likes/comments ratio and post-to-post engagement look normal",
        evidence=[asdict(c) for c in report.changes],
    )
    return [rate_signal, pattern]


def comment_signals(report: CommentReport | None) -> list[Signal]:
    """Comment authenticity: low-effort share, duplicates, pods, language mismatch."""
    bench = (
        "generic/emoji-only ≤40% normal (risk 1 at 85%); copy-pasted/coordinated texts ≤5% (risk 1 at 30%); "
        "no pod; comments in the audience's or creator's languages (≤30% foreign; at most 0.6 from this alone)"
    )
    if report is None or not report.available:
        n = report.n_comments if report else 0
        return [
            _signal(
                "comment_authenticity",
                "Comment authenticity",
                value=None,
                benchmark=bench,
                risk=None,
                confidence=0.0,
                explanation=f"too few sampled comments ({n})",
            )
        ]
    parts = []
    risks = [_ramp(report.low_effort_share or 0.0, 0.40, 0.85), _ramp(report.duplicate_share or 0.0, 0.05, 0.30)]
    parts.append(f"{report.low_effort_share:.0%} generic or emoji-only")
    parts.append(f"{report.duplicate_share:.0%} duplicated texts")
    if report.pod:
        risks.append(0.8)
        parts.append(
            f"pod: {', '.join(report.pod.commenters[:6])} comment in the same order on {len(report.pod.post_ids)} posts"
        )
    if report.language_mismatch_share is not None:
        # Weak alone (bilingual fans, expats): capped at 0.6.
        risks.append(0.6 * _ramp(report.language_mismatch_share, 0.30, 0.80))
        parts.append(f"{report.language_mismatch_share:.0%} in languages the audience barely speaks")
    return [
        _signal(
            "comment_authenticity",
            "Comment authenticity",
            value={
                "low_effort_share": round(report.low_effort_share or 0, 4),
                "duplicate_share": round(report.duplicate_share or 0, 4),
                "pod_size": len(report.pod.commenters) if report.pod else 0,
                "language_mismatch_share": report.language_mismatch_share,
            },
            benchmark=bench,
            risk=max(risks),
            confidence=_clip(report.n_comments / 50.0),
            explanation="; ".join(parts),
            evidence={
                "duplicates": report.duplicates,
                "pod": asdict(report.pod) if report.pod else None,
                "examples": report.examples,
                "languages": report.comment_languages,
            },
        )
    ]


def combine(signals: list[Signal]) -> RiskResult:
    """Combined risk, level and confidence; fills each signal's contribution."""
    rated = [(s, s.risk) for s in signals if s.risk is not None]  # the available signals
    available = [s for s, _risk in rated]
    total_weight = sum(s.weight for s in signals)
    if not available:
        return RiskResult(
            None,
            "unknown",
            0.0,
            signals,
            "no signal has data",
            "not enough data to judge: no follower sample, history, posts, comments or images",
        )
    w = sum(s.weight for s in available)
    for s, signal_risk in rated:
        s.contribution = s.weight * signal_risk / w
    mean = sum(s.contribution for s in available)
    decider, decider_risk = max(rated, key=lambda pair: pair[0].decisive * pair[1])
    floor = decider.decisive * decider_risk
    if floor > mean:
        decider.contribution += floor - mean
        risk, how = floor, f"decisive signal: {decider.label}"
    else:
        risk, how = mean, "weighted mean of the available signals"
    confidence = sum(s.weight * s.confidence for s in available) / total_weight
    level = next(name for bound, name in LEVELS if risk >= bound)
    top = sorted(available, key=lambda s: -s.contribution)[:2]
    missing = [s.label for s in signals if not s.available]
    summary = f"{level} risk ({risk:.2f})"
    if top and top[0].contribution > 0:
        summary += "; mostly " + " and ".join(s.label.lower() for s in top if s.contribution > 0)
    if missing:
        summary += "; no data for " + ", ".join(m.lower() for m in missing)
    return RiskResult(risk, level, confidence, signals, how, summary)


def reuse_signals(report: ReuseReport | None) -> list[Signal]:
    """Share of the account's images first posted by other creators (identical or verified
    near-duplicates; the images it posted first are shown but not counted)."""
    bench = (
        "≤15% of the images first posted by other creators is normal (reposts, stock or campaign "
        "pictures); risk 1 at 50%; fewer than 2 copied images give at most half the risk"
    )
    if report is None or not report.available:
        return [
            _signal(
                "reused_images",
                "Reused images",
                value=None,
                benchmark=bench,
                risk=None,
                confidence=0.0,
                explanation="no images of this account in the catalogue",
            )
        ]
    share = report.copied_share or 0.0
    # One shared picture is common (a stock photo, a brand's campaign shot): it alone never
    # gives more than half the risk, whatever the share.
    risk = _ramp(share, 0.15, 0.50) * min(1.0, report.copied_weight / 2.0)
    return [
        _signal(
            "reused_images",
            "Reused images",
            value=round(share, 4),
            benchmark=bench,
            risk=risk,
            confidence=_clip(report.n_images / 10.0),  # a share of 1–2 images says little
            explanation=_reuse_explanation(report, share),
            evidence=report.images,
        )
    ]


def _reuse_explanation(report: ReuseReport, share: float) -> str:
    """The counts, and the accounts copied from (named here too for views that show only the
    explanation, like the PDF export)."""
    sources = list(
        dict.fromkeys(
            f"{place['platform']} @{place['handle']}"
            for image in report.images
            if image["direction"] != "first_here"
            for place in image["seen_on"]
        )
    )
    text = f"{report.copied_weight:g} of {report.n_images} image(s) ({share:.0%}) first posted by other creators"
    if sources:
        text += f" ({', '.join(sources[:3])}{' …' if len(sources) > 3 else ''})"
    if report.undetermined:
        text += f"; {report.undetermined} with no date to tell who posted first (counted half)"
    if report.first_here:
        text += f"; {report.first_here} posted here first and copied elsewhere (not counted)"
    return text
