"""Every organisation-owned endpoint: anonymous refused, other organisations get 404 (ids in
bulk payloads included), viewers cannot write, editors can."""

from __future__ import annotations

import pytest

from tests.api.base import ORG_ENDPOINTS, check_endpoint
from tests.factories import BrandFactory, CreatorNoteFactory, JobFactory, ShortlistEntryFactory, ShortlistFactory


@pytest.mark.parametrize("endpoint", ORG_ENDPOINTS, ids=[e.name for e in ORG_ENDPOINTS])
def test_org_endpoint_access(endpoint, editor, viewer, intruder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        check_endpoint(endpoint, editor=editor, viewer=viewer, intruder=intruder)


def test_lists_show_only_the_callers_organisation(editor, intruder):
    brand = BrandFactory(organization=editor.organization, name="Mine")
    BrandFactory(organization=intruder.organization, name="Theirs")
    shortlist = ShortlistFactory(organization=editor.organization, brand=brand)
    ShortlistFactory(organization=intruder.organization, brand=None)
    note = CreatorNoteFactory(organization=editor.organization)
    CreatorNoteFactory(organization=intruder.organization)
    job = JobFactory(organization=editor.organization)
    JobFactory(organization=intruder.organization)
    JobFactory(organization=None)  # a catalogue job: admin organisation only

    for path, expected in [
        ("/api/brands/", {brand.pk}),
        ("/api/shortlists/", {shortlist.pk}),
        ("/api/notes/", {note.pk}),
        ("/api/jobs/", {job.pk}),
    ]:
        response = editor.client.get(path)
        assert response.status_code == 200, path
        assert {row["id"] for row in response.json()["results"]} == expected, path


def test_bulk_payload_with_another_organisations_entry_ids_is_404_and_changes_nothing(editor, intruder):
    mine = ShortlistEntryFactory(shortlist=ShortlistFactory(organization=editor.organization))
    their_shortlist = ShortlistFactory(organization=intruder.organization, brand=None)
    theirs = ShortlistEntryFactory(shortlist=their_shortlist)

    for suffix, payload in [
        ("remove/", {"entry_ids": [theirs.pk, mine.pk]}),
        ("status/", {"entry_ids": [mine.pk], "status": "booked"}),
    ]:
        response = intruder.client.post(
            f"/api/shortlists/{their_shortlist.pk}/entries/{suffix}", payload, format="json"
        )
        assert response.status_code == 404, suffix
    mine.refresh_from_db()
    theirs.refresh_from_db()  # the intruder's own entry was not removed either: all or nothing
    assert mine.status == "candidate"


def test_another_organisations_brand_cannot_be_attached_to_a_shortlist(editor, intruder):
    brand = BrandFactory(organization=editor.organization)
    mine = ShortlistFactory(organization=intruder.organization, brand=None)
    response = intruder.client.patch(f"/api/shortlists/{mine.pk}/", {"brand": brand.pk}, format="json")
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.brand_id is None


@pytest.mark.parametrize("header", ["99999999999999999999999", "-1", "0", "1e5", "١٢"])
def test_out_of_range_or_odd_organisation_headers_are_403_not_500(editor, header):
    editor.client.defaults["HTTP_X_ORGANIZATION"] = header
    assert editor.client.get("/api/brands/").status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/api/brands/99999999999999999999999/",
        "/api/creators/9223372036854775807/",
        "/api/notes/?creator=99999999999999999999999",
        "/api/shortlists/?brand=99999999999999999999999",
    ],
)
def test_out_of_range_ids_are_4xx_json_not_500(editor, path):
    response = editor.client.get(path)
    assert response.status_code in (400, 404), path
    assert response["Content-Type"].startswith("application/json")
