"""Catalogue imports by upload: editors and owners of any organisation, never viewers; type by
content; a shipped column mapping by name; the IMPORT job is the uploader's organisation's, visible
at /api/jobs/{id}/."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from core.models import Job, JobKind, JobStatus, Role
from tests.api.conftest import upload

CSV = "platform,handle,display_name,followers\ninstagram,lin_xh,林小红,12000\n".encode()


def test_admin_org_editor_can_upload_and_the_job_reads_the_saved_file(
    catalogue_editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = catalogue_editor.client.post(
            "/api/imports/", {"file": upload("creators.bin", CSV), "dry_run": "true"}, format="multipart"
        )
    assert response.status_code == 202, response.json()
    job = Job.objects.get(pk=response.json()["id"])
    assert job.kind == JobKind.IMPORT and job.params["dry_run"] is True
    saved = Path(job.params["path"])
    assert saved.suffix == ".csv" and saved.read_bytes() == CSV  # named by content, not by upload name
    body = catalogue_editor.client.get(f"/api/jobs/{job.pk}/").json()
    assert body["kind"] == "import" and body["status"] == "pending" and body["progress"] == 0.0


@pytest.mark.parametrize(
    "role, admin_org, expected",
    [
        (Role.EDITOR, False, 202),
        (Role.OWNER, False, 202),
        (Role.VIEWER, False, 403),
        (Role.VIEWER, True, 403),
    ],
)
def test_editors_of_any_organisation_import_and_the_job_is_theirs(
    make_member, settings, role, admin_org, expected, django_capture_on_commit_callbacks
):
    from tests.factories import OrganizationFactory

    org = OrganizationFactory(name=settings.ADMIN_ORGANIZATION_NAME if admin_org else "Brand team")
    member = make_member(role, org)
    with django_capture_on_commit_callbacks(execute=False):
        response = member.client.post(
            "/api/imports/", {"file": upload("c.csv", CSV), "dry_run": "true"}, format="multipart"
        )
    assert response.status_code == expected
    if expected == 202:
        job = Job.objects.get()
        assert job.organization == org
        assert member.client.get(f"/api/jobs/{job.pk}/").status_code == 200
    else:
        assert not Job.objects.exists()


def test_a_shipped_mapping_is_taken_by_name_and_an_unknown_one_lists_the_allowed(
    catalogue_editor, django_capture_on_commit_callbacks
):
    export = (Path(__file__).resolve().parents[2] / "docs/examples/mappings/modash-export.csv").read_bytes()
    with django_capture_on_commit_callbacks(execute=False):
        response = catalogue_editor.client.post(
            "/api/imports/", {"file": upload("modash.csv", export), "mapping": "modash"}, format="multipart"
        )
    assert response.status_code == 202, response.json()
    job = Job.objects.get()
    assert job.params["mapping_name"] == "modash"
    assert job.params["mapping_data"]["columns"]["Followers"]["to"] == "followers"
    refused = catalogue_editor.client.post(
        "/api/imports/", {"file": upload("modash.csv", export), "mapping": "nope"}, format="multipart"
    )
    assert refused.status_code == 400
    assert refused.json()["field"] == "mapping" and "modash" in str(refused.json())
    assert Job.objects.count() == 1


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00binary", b"PK\x03\x04broken zip", b"just one line"])
def test_uploads_that_are_not_import_files_are_400_naming_the_field(catalogue_editor, data):
    response = catalogue_editor.client.post("/api/imports/", {"file": upload("c.csv", data)}, format="multipart")
    assert response.status_code == 400
    assert response.json()["field"] == "file"
    assert not Job.objects.exists()


def test_xlsx_and_jsonl_are_recognised_by_content(catalogue_editor, django_capture_on_commit_callbacks):
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["platform", "handle"])
    workbook.save(buffer)
    jsonl = b'{"platform": "instagram", "handle": "a"}\n{"platform": "instagram", "handle": "b"}\n'
    for data, suffix in [(buffer.getvalue(), ".xlsx"), (jsonl, ".jsonl"), (b'[{"handle": "a"}]', ".json")]:
        with django_capture_on_commit_callbacks(execute=False):
            response = catalogue_editor.client.post("/api/imports/", {"file": upload("x", data)}, format="multipart")
        assert response.status_code == 202
        assert Path(Job.objects.get(pk=response.json()["id"]).params["path"]).suffix == suffix


def test_catalogue_jobs_without_organisation_are_visible_to_the_admin_org_only(catalogue_editor, editor):
    from tests.factories import JobFactory

    job = JobFactory(kind=JobKind.EMBED, organization=None)
    assert catalogue_editor.client.get(f"/api/jobs/{job.pk}/").status_code == 200
    assert editor.client.get(f"/api/jobs/{job.pk}/").status_code == 404


def test_a_running_job_names_its_phase_in_the_request_language(catalogue_editor):
    from tests.factories import JobFactory

    phase = {"name": "recomputing metrics", "step": 3, "steps": 7, "done": 40, "total": 100}
    job = JobFactory(status=JobStatus.RUNNING, result={"phase": phase}, done=240, total=700)

    english = catalogue_editor.client.get(f"/api/v1/jobs/{job.pk}/").json()
    chinese = catalogue_editor.client.get(f"/api/v1/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert english["phase"] == {**phase, "label": "recomputing metrics"}
    assert chinese["phase"]["label"] == "重新计算指标"
    assert english["progress"] == pytest.approx(240 / 700) and "phase" not in english["result"]
    job.status = JobStatus.SUCCEEDED
    job.save()
    assert catalogue_editor.client.get(f"/api/v1/jobs/{job.pk}/").json()["phase"] is None
