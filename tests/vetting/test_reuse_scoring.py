"""Reused-image signal, pure: the share of an account's images first posted by other creators,
who posted first decided by post dates, its benchmark, and how the combined risk treats it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.words import en
from vetting.scoring.reuse import COPIED, FIRST_HERE, UNDETERMINED, ImageCopy, ImageRef, direction, reuse_report
from vetting.scoring.risk import SIGNAL_WEIGHTS, Signal, combine, reuse_signals

DAY = dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC)


def at(days: int) -> dt.datetime:
    return DAY + dt.timedelta(days=days)


def images(n: int, *, first_id: int = 1, day: int = 10) -> list[ImageRef]:
    return [ImageRef(first_id + k, f"https://cdn.example/{first_id + k}.jpg", at(day)) for k in range(n)]


def copy(asset_id: int, *, other: int = 900, day: int | None = 0, kind: str = "identical", handle: str = "artist"):
    return ImageCopy(
        asset_id=asset_id,
        other_asset_id=other,
        other_account_id=70 + other,
        other_creator_id=7,
        other_platform="instagram",
        other_handle=handle,
        kind=kind,
        hamming_distance=0 if kind == "identical" else 3,
        other_image_url=f"https://cdn.example/other-{other}.jpg",
        other_posted_at=None if day is None else at(day),
    )


def only(signals: list[Signal]) -> Signal:
    assert [s.name for s in signals] == ["reused_images"]
    return signals[0]


def clean(name: str) -> Signal:
    weight, decisive = SIGNAL_WEIGHTS[name]
    return Signal(name, name, value=0.0, benchmark="b", risk=0.0, weight=weight, decisive=decisive)


def test_who_posted_first_decides_the_direction():
    assert direction(at(5), [at(1)]) == COPIED
    assert direction(at(5), [at(9), at(1)]) == COPIED  # one earlier copy is enough
    assert direction(at(5), [at(9)]) == FIRST_HERE
    assert direction(at(5), [at(9), None]) == UNDETERMINED  # the undated one may be older
    assert direction(None, [at(1)]) == UNDETERMINED
    assert direction(at(5), [at(5)]) == UNDETERMINED


def test_a_feed_of_copied_pictures_is_risky_and_names_the_other_account():
    # 2 of 4 images first posted elsewhere: share 50%, at the "risk 1" end of the benchmark.
    report = reuse_report(images(4), [copy(1, other=901, day=2), copy(2, other=902, day=3, kind="near_duplicate")])
    assert (report.n_images, report.copied, report.first_here, report.undetermined) == (4, 2, 0, 0)
    assert report.copied_share == pytest.approx(0.5)
    signal = only(reuse_signals(report))
    assert signal.available and signal.risk == pytest.approx(1.0)
    assert signal.value == pytest.approx(0.5)
    assert [e["asset_id"] for e in signal.evidence] == [1, 2]  # identical first
    first = signal.evidence[0]
    assert first["direction"] == "copied" and first["image_url"] == "https://cdn.example/1.jpg"
    assert (
        first["seen_on"][0].items()
        >= {
            "account_id": 971,
            "creator_id": 7,
            "platform": "instagram",
            "handle": "artist",
            "asset_id": 901,
            "image_url": "https://cdn.example/other-901.jpg",
        }.items()
    )
    assert "@artist" in en(first["reason"]) and "earlier" in en(first["reason"])
    assert signal.evidence[1]["kind"] == "near_duplicate"
    assert "Instagram @artist" in en(signal.explanation)  # for views that show only the sentence


@pytest.mark.parametrize(
    ("n_images", "n_copied", "expected"),
    [
        (10, 1, 0.0),  # 10%: under the 15% a normal feed may share (reposts, stock, campaign shots)
        (20, 3, 0.0),  # 15%: still normal
        (10, 3, (0.30 - 0.15) / 0.35),  # 30%: on the ramp towards 50%
        (5, 4, 1.0),  # 80%: a stolen feed
        (1, 1, 0.5),  # one copied picture alone: at most half, whatever the share
        (4, 1, 0.5 * (0.25 - 0.15) / 0.35),
    ],
)
def test_benchmark(n_images, n_copied, expected):
    copies = [copy(k + 1, other=900 + k) for k in range(n_copied)]
    signal = only(reuse_signals(reuse_report(images(n_images), copies)))
    assert signal.risk == pytest.approx(expected)


def test_pictures_posted_here_first_are_shown_but_not_counted():
    # The original artist: the same pictures appear later on a copier's account.
    report = reuse_report(images(4), [copy(1, day=20), copy(2, day=30)])
    assert (report.copied, report.first_here) == (0, 2)
    signal = only(reuse_signals(report))
    assert signal.risk == 0.0 and signal.available
    assert {e["direction"] for e in signal.evidence} == {"first_here"}
    assert "not counted" in en(signal.evidence[0]["reason"])


def test_undated_copies_count_half():
    undated = [ImageRef(k, "", None) for k in range(1, 5)]
    report = reuse_report(undated, [copy(1), copy(2), copy(3)])
    assert report.undetermined == 3 and report.copied == 0
    assert report.copied_share == pytest.approx(1.5 / 4)
    # 1.5 copies: under the 2 needed for the full ramp.
    assert only(reuse_signals(report)).risk == pytest.approx((0.375 - 0.15) / 0.35 * 1.5 / 2)


def test_evidence_is_capped_copied_images_first():
    own = images(12)
    copies = [copy(k, other=900 + k, day=20) for k in range(1, 5)]  # posted here first
    copies += [copy(k, other=900 + k, day=1) for k in range(5, 13)]  # copied
    copies += [copy(12, other=990 + j, day=2, handle=f"more{j}") for j in range(4)]  # 5 places in all
    report = reuse_report(own, copies)
    assert (report.copied, report.first_here) == (8, 4)
    assert len(report.images) == 8 and {e["direction"] for e in report.images} == {"copied"}
    busy = next(e for e in report.images if e["asset_id"] == 12)
    assert busy["seen_on_total"] == 5 and len(busy["seen_on"]) == 3
    assert "2 more" in en(busy["reason"])


def test_no_images_is_no_data_not_clean():
    report = reuse_report([], [])
    assert report.copied_share is None
    signal = only(reuse_signals(report))
    assert not signal.available and signal.risk is None and signal.confidence == 0.0
    assert signal.evidence is None and "no images" in en(signal.explanation)


def test_an_account_without_images_keeps_its_risk():
    others = [n for n in SIGNAL_WEIGHTS if n != "reused_images"]

    def signals() -> list[Signal]:
        out = [clean(n) for n in others]
        out[0].risk = 0.5
        return out

    before = combine(signals())
    after = combine(signals() + reuse_signals(reuse_report([], [])))
    assert after.risk == pytest.approx(before.risk) and after.level == before.level
    assert after.confidence < before.confidence  # one more thing that could not be checked
    assert "no data for Reused images" in en(after.summary)


def test_a_stolen_feed_alone_reaches_medium_but_not_high():
    feed = reuse_report(images(4), [copy(k, other=900 + k) for k in (1, 2, 3)])
    result = combine([clean(n) for n in SIGNAL_WEIGHTS if n != "reused_images"] + reuse_signals(feed))
    _, decisive = SIGNAL_WEIGHTS["reused_images"]
    assert result.level == "medium" and result.risk == pytest.approx(decisive * 1.0)
    assert "decisive" in en(result.combined_by) and "Reused images" in en(result.summary)
    contributions = {s.name: s.contribution for s in result.signals}
    assert contributions["reused_images"] == pytest.approx(result.risk)
    assert sum(contributions.values()) == pytest.approx(result.risk)


def _reuse_report_in_full(image_refs: list[ImageRef], copies: list[ImageCopy]):
    """`reuse_report` without its shortcut for an account without images: every step taken."""
    from collections import defaultdict

    from vetting.scoring.reuse import _ORDER, ReuseReport, _evidence

    by_asset = defaultdict(list)
    for c in copies:
        by_asset[c.asset_id].append(c)
    items = [
        _evidence(i, by_asset[i.asset_id], direction(i.posted_at, [p.other_posted_at for p in by_asset[i.asset_id]]))
        for i in image_refs
        if by_asset.get(i.asset_id)
    ]
    verdicts = [i["direction"] for i in items]
    items.sort(key=lambda i: (_ORDER[i["direction"]], i["kind"] != "identical", i["asset_id"]))
    counts = [verdicts.count(kind) for kind in (COPIED, FIRST_HERE, UNDETERMINED)]
    return ReuseReport(len(image_refs), *counts, items)


@pytest.mark.parametrize("copies", [[], [copy(1), copy(2, day=30)]], ids=["no copies", "copies of others' images"])
def test_an_account_without_images_has_the_report_of_every_step(copies):
    first = reuse_report([], copies)
    assert first == _reuse_report_in_full([], copies)
    assert first.as_dict() == _reuse_report_in_full([], copies).as_dict()
    assert not first.available and first.copied_share is None
    first.images.append({"changed": True})  # the caller's: the next report's list is its own
    assert reuse_report((), copies).images == []


def test_the_report_of_every_step_is_the_report_of_an_account_with_images():
    shown, copies = images(3), [copy(1), copy(2, day=30), copy(3, day=None)]
    assert reuse_report(shown, copies) == _reuse_report_in_full(shown, copies)
