"""POST /api/briefs/parse/: a brief in plain words answered with discovery filters and a target
audience; every member may read a brief, bad text is a 400 naming `text`."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import assert_error, client_for
from tests.factories import UserFactory
from vetting.briefs.parser import MAX_BRIEF_CHARS

URL = "/api/briefs/parse/"
BRIEF = "micro creators on TikTok in the UK, mostly women 18–34 into running, no alcohol content"


def test_an_editor_reads_a_brief_into_discovery_parameters(editor):
    response = editor.client.post(URL, {"text": BRIEF}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"filters", "target_audience", "excluded_brands", "excluded_topics", "notes", "unknown"}
    assert body["filters"]["platform"] == ["tiktok"]
    assert (body["filters"]["min_followers"], body["filters"]["max_followers"]) == (10_000, 50_000)
    assert body["filters"]["audience_gender"] == "female"
    assert body["target_audience"]["gender"] == {"weight": 1.0, "values": {"female": 1.0}}
    assert body["excluded_topics"] == ["alcohol"]
    assert body["unknown"] == []


def test_the_filters_answer_the_discovery_endpoint(editor):
    """What the parse answers can be sent to GET /api/creators/ as it is."""
    filters = editor.client.post(URL, {"text": "小红书美妆博主，粉丝 1 万到 10 万"}, format="json").json()["filters"]
    response = editor.client.get("/api/creators/", filters)
    assert response.status_code == 200, response.content


def test_a_viewer_may_read_a_brief_and_the_path_needs_no_slash(viewer):
    response = viewer.client.post(URL.rstrip("/"), {"text": "不要和兰蔻合作过的抖音博主，喜欢钓鱼"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["excluded_brands"] == ["Lancôme 兰蔻"] and body["filters"]["not_worked_with"] == "Lancôme 兰蔻"
    assert body["unknown"] == ["钓鱼"]


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": "   "}, {"text": "x" * (MAX_BRIEF_CHARS + 1)}])
def test_bad_text_is_a_400_naming_text(editor, body):
    response = editor.client.post(URL, body, format="json")
    assert_error(response, "text")


def test_anonymous_callers_and_users_without_an_organisation_are_refused(db):
    assert APIClient().post(URL, {"text": BRIEF}, format="json").status_code in (401, 403)
    assert client_for(UserFactory()).post(URL, {"text": BRIEF}, format="json").status_code == 403


def test_only_post_is_served(editor):
    assert editor.client.get(URL).status_code == 405
