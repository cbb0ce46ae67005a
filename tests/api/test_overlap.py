"""GET /api/shortlists/{id}/overlap/: the overlap of a shortlist's audiences, for members of its
organisation only."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.factories import (
    AccountFactory,
    AccountMetricsFactory,
    CreatorFactory,
    FollowerSampleFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
)


def make_shortlist(organization):
    shortlist = ShortlistFactory(organization=organization)
    for start in (0, 50):
        creator = CreatorFactory()
        account = AccountFactory(creator=creator, platform="instagram")
        AccountMetricsFactory(account=account, followers=100)
        for i in range(start, start + 100):
            FollowerSampleFactory(account=account, username=f"fan{i}")
        ShortlistEntryFactory(shortlist=shortlist, creator=creator)
    ShortlistEntryFactory(shortlist=shortlist)  # a creator without any account
    return shortlist


def test_a_member_reads_the_overlap(editor, viewer):
    shortlist = make_shortlist(editor.organization)
    for member in (editor, viewer):
        response = member.client.get(f"/api/shortlists/{shortlist.pk}/overlap/")
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"method", "level", "creators", "pairs", "unique_reach", "unknown"}
        assert "Binomial" in body["method"]
        (pair,) = body["pairs"]
        assert pair["overlap_share"] == 0.5 and pair["sample_sizes"] == [100, 100]
        assert body["unique_reach"]["estimate"] == 150
        assert [u["reason"] for u in body["unknown"]] == ["no account"]


def test_another_organisation_s_shortlist_is_a_404(editor, intruder):
    shortlist = make_shortlist(editor.organization)
    assert intruder.client.get(f"/api/shortlists/{shortlist.pk}/overlap/").status_code == 404
    assert editor.client.get("/api/shortlists/999999/overlap/").status_code == 404


def test_anonymous_callers_are_refused(db):
    shortlist = ShortlistFactory()
    assert APIClient().get(f"/api/shortlists/{shortlist.pk}/overlap/").status_code in (401, 403)


def _creator_with_sample(start: int):
    creator = CreatorFactory()
    account = AccountFactory(creator=creator, platform="instagram")
    AccountMetricsFactory(account=account, followers=100)
    for i in range(start, start + 100):
        FollowerSampleFactory(account=account, username=f"fan{i}")
    return creator


def test_audience_overlap_of_any_creators_states_method_and_samples(viewer):
    a, b = _creator_with_sample(0), _creator_with_sample(50)
    response = viewer.client.post("/api/audience-overlap", {"creator_ids": [a.pk, b.pk]}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert "Binomial" in body["method"] and body["level"] == 0.95
    (pair,) = body["pairs"]
    assert (pair["a"], pair["b"]) == (a.pk, b.pk)
    assert pair["overlap_share"] == 0.5 and pair["sample_sizes"] == [100, 100] and pair["shared_in_sample"] == 50


def test_audience_overlap_refuses_unknown_ids_and_short_lists(editor):
    a = _creator_with_sample(0)
    missing = editor.client.post("/api/audience-overlap", {"creator_ids": [a.pk, 999_999]}, format="json")
    assert missing.status_code == 404 and "999999" in missing.json()["detail"]
    short = editor.client.post("/api/audience-overlap", {"creator_ids": [a.pk]}, format="json")
    assert short.status_code == 400 and short.json()["field"] == "creator_ids"
