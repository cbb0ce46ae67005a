"""CommentReport.as_dict lists a report without comments to show itself (most accounts): it must
stay `dataclasses.asdict(report)`, keys in the same order (the stored report's JSON follows
them), with new containers, on that report and on the others (taken by the general path)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from core.stored_json import stored_json
from vetting.scoring.comments import CommentReport, PodEvidence, comment_report


def _reports() -> list[CommentReport]:
    pod = PodEvidence(commenters=["a", "b", "c"], post_ids=[1, 2, 3], posts_with_comments=4, order_consistency=1.0)
    return [
        comment_report([]),
        CommentReport(available=False, n_comments=0, n_posts=0),
        CommentReport(False, 3, 2, generic_share=0.5, low_effort_share=np.float64(0.25), duplicate_share=0.0),
        CommentReport(True, np.int64(60), 12, language_mismatch_share=float("nan")),
        CommentReport(True, 60, 12, duplicates=[{"text": "nice", "count": 3, "post_ids": [1]}]),
        CommentReport(True, 60, 12, duplicates=()),  # type: ignore[arg-type]  # not a list: general path
        CommentReport(True, 60, 12, pod=pod),
        CommentReport(True, 60, 12, comment_languages={"en": 0.5}),
        CommentReport(True, 60, 12, examples={"generic": ["nice"]}),
    ]


@pytest.mark.parametrize("index", range(len(_reports())))
def test_same_dict_as_asdict(index):
    report = _reports()[index]
    ours, theirs = report.as_dict(), dataclasses.asdict(report)
    assert list(ours) == list(theirs)
    assert {k: type(v) for k, v in ours.items()} == {k: type(v) for k, v in theirs.items()}
    assert json.dumps(ours, default=str) == json.dumps(theirs, default=str)
    assert stored_json(ours) == stored_json(theirs)


def test_the_containers_are_new_and_the_report_unchanged():
    report = comment_report([])
    first, second = report.as_dict(), report.as_dict()
    for key in ("duplicates", "comment_languages", "examples"):
        assert first[key] is not getattr(report, key) and first[key] is not second[key]
    first["duplicates"].append({"text": "x"})
    assert report.duplicates == [] and second["duplicates"] == []
