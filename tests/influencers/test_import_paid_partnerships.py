"""Imports decide whether each post is a paid partnership by the one rule
(`influencers.sponsorship`), store how it was decided, and keep the decision right when a later
import changes only part of a post."""

from __future__ import annotations

import pytest

from core.errors import ImportValidationError
from influencers.models import Account, Post
from influencers.services.imports import creators_import_file
from tests.influencers.test_import_json import creator, document, errors_of

pytestmark = pytest.mark.django_db


def _post(id_: str, **fields) -> dict:
    return {"id": id_, "posted_at": "2026-03-01T10:00:00Z", **fields}


def _stored() -> dict[str, tuple]:
    return {
        p.platform_post_id: (p.is_sponsored, p.sponsorship_source, p.sponsorship_marker, p.paid_partnership)
        for p in Post.objects.all()
    }


def test_flag_markers_and_false_positives_are_decided_and_stored(tmp_path):
    path = document(
        tmp_path,
        [
            creator(
                posts=[
                    _post("flagged", paid_partnership=True, sponsor="@calmia", caption="morning #ad"),
                    _post("older-name", is_sponsored=True),
                    _post("hashtag", caption="Sunrise hike #ad #hiking"),
                    _post("adventure", caption="Sunrise hike #adventure #adorable #adidas #adoptdontshop"),
                    _post("chinese", caption="＃广告 夏日防晒"),
                    _post("not-an-ad", caption="无广，纯自用分享", hashtags=["护肤"]),
                    _post("phrase", caption="Paid partnership with @dewlab"),
                    _post("named", sponsor="Trailwise"),
                    _post("said-no", paid_partnership=False, caption="#sponsored by nobody"),
                ]
            )
        ],
    )
    creators_import_file(path=path)

    assert _stored() == {
        "flagged": (True, "flag", "#ad", True),
        "older-name": (True, "flag", "", True),
        "hashtag": (True, "marker", "#ad", None),
        "adventure": (False, "", "", None),
        "chinese": (True, "marker", "#广告", None),
        "not-an-ad": (False, "", "", None),
        "phrase": (True, "marker", "paid partnership with @dewlab", None),
        "named": (True, "sponsor", "", None),
        "said-no": (True, "marker", "#sponsored", False),
    }


def test_a_later_import_without_the_flag_keeps_it_and_decides_again_on_the_new_caption(tmp_path):
    creators_import_file(
        path=document(tmp_path, [creator(posts=[_post("p", paid_partnership=True), _post("q", caption="hello")])])
    )
    again = creators_import_file(
        path=document(
            tmp_path, [creator(posts=[_post("p", caption="new caption"), _post("q", caption="hello #spon")])], "b.json"
        )
    )

    assert again.counts["posts"]["updated"] == 2
    assert _stored() == {"p": (True, "flag", "", True), "q": (True, "marker", "#spon", None)}
    unchanged = creators_import_file(
        path=document(
            tmp_path, [creator(posts=[_post("p", caption="new caption"), _post("q", caption="hello #spon")])], "c.json"
        )
    )
    assert unchanged.counts["posts"]["updated"] == 0


def test_the_two_names_of_the_flag_must_agree_and_nothing_is_written(tmp_path):
    path = document(tmp_path, [creator(posts=[_post("p", paid_partnership=True, is_sponsored="no")])])
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    (error,) = errors_of(excinfo)
    assert "creators[0].accounts[0].posts[0]" in error and "field 'is_sponsored'" in error and "disagree" in error
    assert not Account.objects.exists()


def test_a_flag_that_is_not_a_boolean_names_its_field(tmp_path):
    path = document(tmp_path, [creator(posts=[_post("p", paid_partnership="sometimes")])])
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    (error,) = errors_of(excinfo)
    assert "posts[0]" in error and "field 'paid_partnership'" in error
    assert not Post.objects.exists()


def test_dry_run_compares_the_decided_columns_too(tmp_path):
    path = document(tmp_path, [creator(posts=[_post("p", caption="#ad")])])
    creators_import_file(path=path)
    dry = creators_import_file(path=path, dry_run=True)
    assert dry.counts["posts"] == {"created": 0, "updated": 0, "unchanged": 1}
