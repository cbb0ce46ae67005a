"""The signals without data (`vetting.scoring.risk`: no follower sample, no comments, no images)
are made once and copied: each call gives new signals equal to ones made anew, which the caller
may change (`combine` fills in contributions) without changing the next call's."""

from __future__ import annotations

import pytest

from vetting import messages as m
from vetting.scoring import risk
from vetting.scoring.audience_quality import AudienceQuality
from vetting.scoring.comments import CommentReport
from vetting.scoring.reuse import ReuseReport


def _made_anew(name: str, benchmark, explanation) -> risk.Signal:
    weight, decisive = risk.SIGNAL_WEIGHTS[name]
    return risk.Signal(
        name=name,
        label=risk.SIGNAL_LABELS[name],
        value=None,
        benchmark=benchmark,
        risk=None,
        weight=weight,
        decisive=decisive,
        confidence=0.0,
        explanation=explanation,
    )


def _sparse() -> AudienceQuality:
    return AudienceQuality(
        fake_share=None,
        interval=None,
        n=3,
        n_sampled=3,
        flagged=0,
        mean_confidence=0.2,
        audience_types={},
        calibration="",
    )


CASES = {
    "no follower sample": (
        lambda: risk.audience_signals(None),
        [
            _made_anew("audience_quality", m.BENCH_FAKE(), m.NO_FOLLOWER_SAMPLE()),
            _made_anew("mass_followers", m.BENCH_MASS(), m.NO_FOLLOWER_SAMPLE()),
        ],
    ),
    "sparse follower sample": (
        lambda: risk.audience_signals(_sparse()),
        [
            _made_anew("audience_quality", m.BENCH_FAKE(), m.SPARSE_FOLLOWER_SAMPLE()),
            _made_anew("mass_followers", m.BENCH_MASS(), m.SPARSE_FOLLOWER_SAMPLE()),
        ],
    ),
    "no comments": (
        lambda: risk.comment_signals(CommentReport(available=False, n_comments=0, n_posts=0)),
        [_made_anew("comment_authenticity", m.BENCH_COMMENTS(), m.FEW_COMMENTS(n=0))],
    ),
    "no comment report": (
        lambda: risk.comment_signals(None),
        [_made_anew("comment_authenticity", m.BENCH_COMMENTS(), m.FEW_COMMENTS(n=0))],
    ),
    "a few comments": (
        lambda: risk.comment_signals(CommentReport(available=False, n_comments=4, n_posts=2)),
        [_made_anew("comment_authenticity", m.BENCH_COMMENTS(), m.FEW_COMMENTS(n=4))],
    ),
    "no images": (
        lambda: risk.reuse_signals(ReuseReport(n_images=0)),
        [_made_anew("reused_images", m.BENCH_REUSE(), m.NO_IMAGES())],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_signals_without_data_are_new_each_time(name):
    make, expected = CASES[name]
    first = make()
    assert first == expected
    assert [s.as_report() for s in first] == [s.as_report() for s in expected]
    # Changed by the caller: the next call's signals are not.
    for signal in first:
        signal.contribution = 0.5
        signal.points = 7
        signal.evidence_lines.append(m.NO_IMAGES())
    second = make()
    assert second == expected
    assert all(a is not b and a.evidence_lines is not b.evidence_lines for a, b in zip(first, second, strict=True))


def _every_kind_of_signal() -> list[risk.Signal]:
    from tests.vetting.test_signal_as_dict import _signals

    return risk.combine(_signals()).signals  # filled in by combine: contributions and points too


def test_a_signal_is_made_again_from_its_field_values_with_evidence_lines_of_its_own():
    # The kept signals are kept as their field values (`_field_values`) and made again from them
    # (`_made_from`): every field in its place, the evidence lines a new empty list (a kept
    # signal has none).
    for signal in _every_kind_of_signal():
        signal.evidence_lines = []
        copy = risk._made_from(risk._field_values(signal))
        assert copy == signal
        assert list(copy.__dict__) == list(signal.__dict__)
        assert copy.evidence_lines == [] and copy.evidence_lines is not signal.evidence_lines
        assert copy.as_report() == signal.as_report()
