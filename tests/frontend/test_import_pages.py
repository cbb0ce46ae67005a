"""Import pages: an editor of any organisation uploads a tool's export, maps its columns (a shipped
mapping or column by column with the first rows shown), sees every refused row of the dry run
(file, row, field, reason; no server path), imports, and the job is their organisation's. Also the
organisation switcher."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Job, Role
from influencers.models import Account
from tests.factories import BrandFactory, MembershipFactory, OrganizationFactory
from tests.influencers.test_import_csv import points_of

MODASH = Path(__file__).resolve().parents[2] / "docs/examples/mappings/modash-export.csv"


def _upload(ui, name: str, data: bytes, mapping: str):
    return ui.post(reverse("frontend:import_start"), {"file": SimpleUploadedFile(name, data), "mapping": mapping})


def test_a_modash_export_through_the_shipped_mapping_dry_run_then_import(
    ui, member, django_capture_on_commit_callbacks
):
    response = _upload(ui, "modash.csv", MODASH.read_bytes(), "modash")
    assert response.status_code == 302
    mapping_page = ui.get(response["Location"])
    body = mapping_page.content.decode()
    assert "Followers" in body and "23.4K" in body  # the file's header and first values
    assert 'data-testid="target">followers<' in body  # where the shipped mapping sends it

    with django_capture_on_commit_callbacks(execute=True):
        dry = ui.post(response["Location"], {})
    assert dry.status_code == 302, dry.content.decode()[-3000:]
    job = Job.objects.get(pk=int(dry["Location"].rstrip("/").split("/")[-1]))
    assert job.organization == member.organization and job.params["dry_run"] is True
    assert job.status == "succeeded"
    assert not Account.objects.exists()
    job_page = ui.get(dry["Location"]).content.decode()
    assert 'data-testid="import-now"' in job_page

    with django_capture_on_commit_callbacks(execute=True):
        real = ui.post(reverse("frontend:import_run", args=[job.pk]))
    imported = Job.objects.exclude(pk=job.pk).get()
    assert real["Location"] == reverse("frontend:job", args=[imported.pk])
    assert imported.status == "succeeded" and imported.organization == member.organization
    assert 23_400 in [followers for _date, followers, *_rest in points_of(handle__iexact="mayatravels")]


def test_columns_mapped_in_the_browser(ui, django_capture_on_commit_callbacks):
    data = b"Name,Network,Profile,Fans\nMaya,instagram,maya_travels,2.5K\n"
    response = _upload(ui, "sheet.csv", data, "custom")
    page = ui.get(response["Location"]).content.decode()
    assert "maya_travels" in page and "2.5K" in page
    form = {"to_0": "creator_name", "to_1": "platform", "to_2": "handle", "to_3": "followers", "transform_3": "number"}
    with django_capture_on_commit_callbacks(execute=True):
        dry = ui.post(response["Location"], form)
    job = Job.objects.get()
    assert job.status == "succeeded", job.error
    assert job.params["mapping_data"]["columns"]["Fans"] == {"to": "followers", "transform": "number"}
    with django_capture_on_commit_callbacks(execute=True):
        ui.post(reverse("frontend:import_run", args=[job.pk]))
    [(_date, followers, _following, _posts)] = points_of(handle="maya_travels")
    assert followers == 2_500
    assert dry.status_code == 302


def test_a_dry_run_lists_every_refused_row_without_server_paths(ui, django_capture_on_commit_callbacks):
    data = "platform,handle,followers\ninstagram,ok_one,100\nmyspace,bad_platform,10\ninstagram,bad_count,lots\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(ui, "creators.csv", data.encode(), "")
    page = ui.get(response["Location"]).content.decode()
    rows = page.count('data-testid="problem-row"')
    assert rows == 2
    assert "creators.csv" in page and "row 3" in page and "row 4" in page
    assert "platform" in page and "followers" in page
    assert "/tmp/" not in page and "vetted-import-" not in page
    assert 'data-testid="import-now"' not in page
    assert not Account.objects.exists()


def test_an_unknown_target_column_is_shown_and_no_job_starts(ui):
    response = _upload(ui, "sheet.csv", b"Name,Network,Profile\nMaya,instagram,maya\n", "custom")
    page = ui.post(response["Location"], {"to_0": "nickname_xyz", "to_1": "platform", "to_2": "handle"})
    assert page.status_code == 422
    assert "nickname_xyz" in page.content.decode()
    assert not Job.objects.exists()


def test_only_a_succeeded_dry_run_can_be_imported(ui, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(ui, "c.csv", b"platform,handle\nmyspace,x\n", "")
    failed = Job.objects.get()
    response = ui.post(reverse("frontend:import_run", args=[failed.pk]))
    assert response.status_code == 422
    assert Job.objects.count() == 1


@pytest.mark.parametrize("role", [Role.VIEWER])
def test_viewers_cannot_import(db, client, role):
    viewer = MembershipFactory(role=role)
    client.force_login(viewer.user)
    assert client.get(reverse("frontend:import_start")).status_code == 403
    response = client.post(
        reverse("frontend:import_start"), {"file": SimpleUploadedFile("c.csv", b"platform,handle\ninstagram,a\n")}
    )
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_another_organisations_dry_run_cannot_be_imported(ui, django_capture_on_commit_callbacks, client):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(ui, "c.csv", b"platform,handle\ninstagram,someone\n", "")
    job = Job.objects.get()
    stranger = MembershipFactory()
    client.force_login(stranger.user)
    assert client.post(reverse("frontend:import_run", args=[job.pk])).status_code == 404
    assert Job.objects.count() == 1


def test_the_organisation_switcher_changes_what_the_pages_show(ui, member):
    second = OrganizationFactory(name="Client Two")
    MembershipFactory(user=member.user, organization=second, role=Role.EDITOR)
    BrandFactory(organization=member.organization, name="First Brand")
    BrandFactory(organization=second, name="Second Brand")
    page = ui.get(reverse("frontend:brands")).content.decode()
    assert 'data-testid="org-switcher"' in page and "First Brand" in page and "Second Brand" not in page
    response = ui.post(reverse("frontend:organization_switch"), {"organization": second.pk, "next": "/brands/"})
    assert response["Location"] == "/brands/"
    page = ui.get(reverse("frontend:brands")).content.decode()
    assert "Second Brand" in page and "First Brand" not in page


def test_the_switcher_refuses_an_organisation_the_user_is_not_in(ui):
    stranger_org = OrganizationFactory(name="Not mine")
    assert ui.post(reverse("frontend:organization_switch"), {"organization": stranger_org.pk}).status_code == 404
