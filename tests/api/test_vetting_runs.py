"""POST /api/vetting/runs/: re-run vetting for accounts, creators or (catalogue editors only)
the whole catalogue, as a SCORE job answered with 202."""

from __future__ import annotations

import pytest

from core.models import Job, JobKind, JobStatus
from influencers.models import AccountMetrics
from tests.factories import AccountFactory, CreatorFactory

URL = "/api/vetting/runs/"


@pytest.fixture
def catalogue(db):
    creator = CreatorFactory()
    first, second = AccountFactory(creator=creator), AccountFactory(creator=creator, platform="weibo")
    other = AccountFactory()
    return {"creator": creator, "accounts": [first, second], "other": other}


def post(member, body, capture):
    with capture(execute=True):
        return member.client.post(URL, body, format="json")


def test_an_editor_re_runs_the_vetting_of_a_creator(editor, catalogue, django_capture_on_commit_callbacks):
    response = post(editor, {"creators": [catalogue["creator"].pk]}, django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["id"])
    assert job.kind == JobKind.SCORE and job.organization_id == editor.organization.pk
    assert job.params == {"creator_ids": [catalogue["creator"].pk]}
    assert job.status == JobStatus.SUCCEEDED and job.result["accounts"] == 2
    vetted = set(AccountMetrics.objects.values_list("account_id", flat=True))
    assert vetted == {a.pk for a in catalogue["accounts"]}  # the other creator's account untouched
    # No data at all: not enough evidence, with what is missing.
    metrics = AccountMetrics.objects.get(account=catalogue["accounts"][0])
    assert metrics.risk_level == "insufficient" and "follower_sample" in metrics.risk_missing
    assert editor.client.get(f"/api/jobs/{job.pk}/").json()["status"] == "succeeded"


def test_accounts_are_named_one_by_one(editor, catalogue, django_capture_on_commit_callbacks):
    response = post(editor, {"accounts": [catalogue["other"].pk]}, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    assert set(AccountMetrics.objects.values_list("account_id", flat=True)) == {catalogue["other"].pk}


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"accounts": [1, 999_999]}, "accounts[1]", "no account with id 999999"),
        ({"creators": [999_999]}, "creators[0]", "no creator with id 999999"),
        ({}, "accounts", "exactly one"),
        ({"accounts": [1], "creators": [1]}, "accounts", "exactly one"),
        ({"accounts": []}, "accounts", ""),
        ({"accounts": ["x"]}, "accounts", ""),
        ({"all": "maybe"}, "all", ""),
    ],
)
def test_bad_requests_name_the_field(editor, catalogue, django_capture_on_commit_callbacks, body, field, words):
    if body.get("accounts") == [1, 999_999]:
        body = {"accounts": [catalogue["other"].pk, 999_999]}
    response = post(editor, body, django_capture_on_commit_callbacks)
    assert response.status_code == 400, response.content
    text = str(response.json())
    assert field.split("[")[0] in text and words in text
    assert not Job.objects.filter(kind=JobKind.SCORE).exists()


def test_only_catalogue_editors_re_run_everything(
    editor, viewer, catalogue_editor, catalogue, django_capture_on_commit_callbacks
):
    refused = post(editor, {"all": True}, django_capture_on_commit_callbacks)
    assert refused.status_code == 403 and "catalogue admin" in str(refused.json())
    assert post(viewer, {"creators": [catalogue["creator"].pk]}, django_capture_on_commit_callbacks).status_code == 403
    assert not Job.objects.filter(kind=JobKind.SCORE).exists()
    response = post(catalogue_editor, {"all": True}, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    assert Job.objects.get(pk=response.json()["id"]).result["accounts"] == 3
    assert AccountMetrics.objects.count() == 3
