"""POST /api/v1/accounts/track: editors and owners queue a REFRESH job that adds one platform
account by reference; its result names the account and creator. Platforms are faked at the HTTP
transport (tests/influencers/connector_fakes.py)."""

from __future__ import annotations

import pytest
import responses
from rest_framework.test import APIClient

from core.models import Job, JobKind, JobStatus
from influencers.models import Account, Creator, Platform
from influencers.selectors.history import account_histories
from tests.api.conftest import assert_error
from tests.influencers.connector_fakes import YT_KEY, FakeYouTube, YtChannel, default_videos

URL = "/api/v1/accounts/track"


@pytest.fixture
def youtube_key(settings):
    settings.YOUTUBE_API_KEY = YT_KEY
    return settings


@pytest.fixture
def no_vision(monkeypatch):
    """Embedding requests are not run here (the vision tests cover embedding)."""
    monkeypatch.setattr("vision.services.jobs.embed_request_job", lambda **kwargs: None)


@responses.activate
def test_an_editor_tracks_a_channel_and_the_job_names_the_new_account(
    editor, youtube_key, no_vision, django_capture_on_commit_callbacks
):
    channel = YtChannel(videos=default_videos(n=2))
    FakeYouTube(responses.mock, channel)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.client.post(URL, {"platform": "youtube", "ref": "@GlowWithMei"}, format="json")

    assert response.status_code == 202, response.json()
    job = Job.objects.get(pk=response.json()["id"])
    assert response["Location"].endswith(f"/api/v1/jobs/{job.pk}/")
    assert job.kind == JobKind.REFRESH and job.organization == editor.organization
    assert job.params == {"add": {"platform": "youtube", "ref": "@GlowWithMei"}}
    account = Account.objects.get(platform=Platform.YOUTUBE, platform_user_id=channel.id)
    assert len(account_histories([account.pk])[account.pk]) == 1

    followed = editor.client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert followed["status"] == JobStatus.SUCCEEDED
    result = followed["result"]
    assert (result["account_id"], result["creator_id"], result["created"]) == (account.pk, account.creator_id, True)
    assert result["creator_url"].endswith(f"/api/v1/creators/{account.creator_id}/")
    assert editor.client.get(result["creator_url"]).status_code == 200


@responses.activate
def test_tracking_a_known_account_again_refreshes_it_and_says_so(
    editor, youtube_key, no_vision, django_capture_on_commit_callbacks
):
    channel = YtChannel(videos=default_videos(n=1))
    FakeYouTube(responses.mock, channel)
    with django_capture_on_commit_callbacks(execute=True):
        editor.client.post(URL, {"platform": "youtube", "ref": "@GlowWithMei"}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        again = editor.client.post(
            URL, {"platform": "youtube", "ref": f"https://www.youtube.com/channel/{channel.id}"}, format="json"
        )

    result = editor.client.get(f"/api/v1/jobs/{again.json()['id']}/").json()["result"]
    assert result["created"] is False
    assert Account.objects.count() == 1 and Creator.objects.count() == 1
    assert result["account_id"] == Account.objects.get().pk


@pytest.mark.parametrize("platform", ["myspace", ""])
def test_an_unknown_platform_is_a_400_naming_it(editor, platform):
    assert_error(editor.client.post(URL, {"platform": platform, "ref": "@x"}, format="json"), field="platform")
    assert not Job.objects.exists()


def test_a_platform_without_a_connector_is_a_400_naming_it(editor):
    body = assert_error(editor.client.post(URL, {"platform": "tiktok", "ref": "@dancer"}, format="json"), "platform")
    assert "no connector for tiktok" in body["detail"]
    assert not Job.objects.exists()


def test_an_unconfigured_connector_is_a_400_with_a_stable_code(editor, settings):
    settings.YOUTUBE_API_KEY = ""
    body = assert_error(editor.client.post(URL, {"platform": "youtube", "ref": "@GlowWithMei"}, format="json"))
    assert body["code"] == "connector_not_configured"
    assert not Job.objects.exists()


def test_an_unreadable_ref_is_a_400_naming_it(editor, youtube_key):
    assert_error(editor.client.post(URL, {"platform": "youtube", "ref": "not a handle!"}, format="json"), "ref")
    assert not Job.objects.exists()


def test_a_viewer_is_refused(viewer, youtube_key):
    response = viewer.client.post(URL, {"platform": "youtube", "ref": "@GlowWithMei"}, format="json")
    assert_error(response, status=403)
    assert not Job.objects.exists()


def test_anonymous_is_refused(db):
    response = APIClient().post(URL, {"platform": "youtube", "ref": "@GlowWithMei"}, format="json")
    assert response.status_code == 401
    assert not Job.objects.exists()


def test_a_replay_with_the_same_idempotency_key_answers_the_same_job(
    editor, youtube_key, django_capture_on_commit_callbacks
):
    payload = {"platform": "youtube", "ref": "@GlowWithMei"}
    with django_capture_on_commit_callbacks(execute=False):  # the jobs are queued, not run
        first = editor.client.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="track-1")
        replay = editor.client.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="track-1")

    assert first.status_code == replay.status_code == 202
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == first.json()["id"]
    assert Job.objects.count() == 1
