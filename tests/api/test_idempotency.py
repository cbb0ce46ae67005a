"""Idempotency-Key on creates and job starts: a retry answers the first answer and makes nothing."""

from __future__ import annotations

import pytest

from core.models import IdempotencyKey, Job
from tests.api.conftest import assert_error, png_bytes, upload
from tests.factories import BrandFactory, CreatorFactory, ShortlistFactory
from vetting.models import Brand, CreatorNote, Shortlist


def _post(member, url, data, key, fmt="json"):
    return member.client.post(url, data, format=fmt, HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.parametrize(
    ("url", "payload", "model"),
    [
        ("/api/v1/brands/", lambda: {"name": "Nova"}, Brand),
        ("/api/v1/shortlists/", lambda: {"name": "Spring"}, Shortlist),
        ("/api/v1/notes/", lambda: {"creator": CreatorFactory().pk, "text": "met"}, CreatorNote),
    ],
)
def test_a_retried_create_answers_the_first_answer_and_makes_one_object(editor, url, payload, model):
    body = payload()
    first = _post(editor, url, body, "key-1")
    again = _post(editor, url, body, "key-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert model.objects.count() == 1


def test_a_retried_export_starts_one_job(editor):
    shortlist = ShortlistFactory(organization=editor.organization)
    body = {"format": "csv", "shortlist": shortlist.pk}
    first = _post(editor, "/api/v1/exports/", body, "export-7")
    again = _post(editor, "/api/v1/exports/", body, "export-7")
    assert first.status_code == again.status_code == 202 and again.json()["id"] == first.json()["id"]
    assert Job.objects.filter(kind="export").count() == 1


def test_a_retried_upload_is_one_image(editor):
    brand = BrandFactory(organization=editor.organization)
    url = f"/api/v1/brands/{brand.pk}/mood-board/"
    for _ in range(2):
        response = _post(editor, url, {"image": upload("a.png", png_bytes(), "image/png")}, "up-1", "multipart")
        assert response.status_code == 201
    assert brand.mood_board.count() == 1


def test_the_same_key_with_another_request_is_422(editor):
    _post(editor, "/api/v1/brands/", {"name": "Nova"}, "key-2")
    body = assert_error(_post(editor, "/api/v1/brands/", {"name": "Other"}, "key-2"), status=422)
    assert body["code"] == "idempotency_key_reused"
    assert Brand.objects.count() == 1


def test_a_failed_request_frees_its_key(editor):
    refused = _post(editor, "/api/v1/brands/", {"name": ""}, "key-3")
    assert refused.status_code == 400
    assert _post(editor, "/api/v1/brands/", {"name": ""}, "key-3").status_code == 400
    assert not IdempotencyKey.objects.filter(key="key-3").exists()


def test_a_key_still_running_is_409(editor):
    # The first request's record before its answer is stored: what a concurrent retry finds.
    first = _post(editor, "/api/v1/brands/", {"name": "Nova"}, "busy")
    assert first.status_code == 201
    IdempotencyKey.objects.filter(key="busy").update(status_code=None, body=None)
    body = assert_error(_post(editor, "/api/v1/brands/", {"name": "Nova"}, "busy"), status=409)
    assert body["code"] == "idempotency_in_progress"
    assert Brand.objects.count() == 1


def test_keys_belong_to_one_user(editor, make_member):
    from core.models import Role

    colleague = make_member(Role.EDITOR, editor.organization)
    assert _post(editor, "/api/v1/brands/", {"name": "Nova"}, "shared").status_code == 201
    assert _post(colleague, "/api/v1/brands/", {"name": "Nova 2"}, "shared").status_code == 201
    assert Brand.objects.count() == 2


def test_a_bad_key_is_400(editor):
    assert_error(_post(editor, "/api/v1/brands/", {"name": "Nova"}, "x" * 300))
