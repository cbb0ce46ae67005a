"""What a person reads when something is wrong names the input by its label in their language, and
never shows "field 'min_followers'", an exception's class name, a server path or a raw dict."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from core.models import JobKind, JobStatus
from tests.factories import BrandFactory, JobFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _chinese(ui) -> None:
    ui.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("frontend:discovery")})


def test_a_bad_filter_is_named_by_its_label_in_chinese(ui, catalogue):
    _chinese(ui)
    body = _text(ui.get(reverse("frontend:discovery"), {"min_followers": "-5"}))
    assert "最少粉丝数：" in body and "min_followers" not in body.replace('name="min_followers"', "")
    assert "field '" not in body


def test_a_bad_filter_is_named_by_its_label_in_english(ui, catalogue):
    body = _text(ui.get(reverse("frontend:discovery"), {"audience_country": "China"}))
    assert "Audience country: expected a two-letter ISO country code, e.g. CN" in body


def test_an_unreadable_upload_names_the_file_not_the_library(ui, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _chinese(ui)
    brand = BrandFactory(organization=member.organization)
    bad = SimpleUploadedFile("notes.png", b"not an image at all", content_type="image/png")
    body = _text(
        ui.post(reverse("frontend:brand_mood_board", args=[brand.pk]), {"images": [bad]}, HTTP_HX_REQUEST="true")
    )
    assert "notes.png：图片：无法读取的图片" in body
    assert "Error" not in body and "Unidentified" not in body


def test_a_job_page_shows_counts_as_sentences_and_no_server_path(ui, member):
    job = JobFactory(
        organization=member.organization,
        kind=JobKind.IMPORT,
        status=JobStatus.FAILED,
        params={"path": "/tmp/vetted-import-abc123/creators.csv", "original_name": "My creators.csv"},
        error="/tmp/vetted-import-abc123/creators.csv, row 3: unknown platform 'myspace'",
        counts={"creators": {"created": 3, "updated": 1, "unchanged": 0}, "alerts_created": 2, "handed_over": True},
    )
    _chinese(ui)
    body = _text(ui.get(reverse("frontend:job", args=[job.pk])))
    assert "My creators.csv, row 3" in body and "/tmp" not in body and "vetted-import" not in body
    assert "博主：新建 3，更新 1，未变 0" in body and "新建提醒：2" in body
    assert "{" not in body.split("日志")[0].split("导入 #")[-1]  # no raw dict in the counts


def test_an_import_failing_on_a_bug_says_so_in_the_users_language(ui, member):
    from core.services.jobs import failure_message, job_fail

    job = JobFactory(organization=member.organization, kind=JobKind.IMPORT)
    job_fail(
        job_id=job.pk, error="UnidentifiedImageError: cannot identify image file", message=failure_message(OSError("x"))
    )
    _chinese(ui)
    body = _text(ui.get(reverse("frontend:job", args=[job.pk])))
    assert "任务因意外错误中止" in body and "UnidentifiedImageError" not in body
