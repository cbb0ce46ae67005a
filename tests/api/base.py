"""The reusable check of organisation-owned endpoints (after NetBox's API test base).

Each `OrgEndpoint` says how to build org A's objects, which URL and method to call, and what a
successful call answers. `check_endpoint` then asserts, for one endpoint:
anonymous → 401/403; an editor of another organisation → 404 (the object's existence is not
revealed, also for ids inside bulk payloads); a viewer of org A → 403 on writes, success on
reads; an editor of org A → success.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rest_framework.test import APIClient

from core.models import JobKind, JobStatus
from tests.api.conftest import png_bytes, upload
from tests.factories import (
    BrandFactory,
    CreatorFactory,
    CreatorNoteFactory,
    JobFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
)


def world(organization, user) -> dict[str, Any]:
    """Org A's objects every endpoint may need, created fresh per check."""
    from vetting.services.brands import mood_board_add

    brand = BrandFactory(organization=organization)
    shortlist = ShortlistFactory(organization=organization, brand=brand)
    entry = ShortlistEntryFactory(shortlist=shortlist)
    other_entry = ShortlistEntryFactory(shortlist=shortlist)
    image = mood_board_add(brand=brand, data=png_bytes(), filename="board.png")
    note = CreatorNoteFactory(organization=organization)
    job = JobFactory(kind=JobKind.EXPORT, organization=organization, status=JobStatus.PENDING)
    return {
        "brand": brand,
        "shortlist": shortlist,
        "entry": entry,
        "other_entry": other_entry,
        "image": image,
        "note": note,
        "job": job,
        "creator": CreatorFactory(),
    }


@dataclass(frozen=True)
class OrgEndpoint:
    """One method on one organisation-owned URL."""

    name: str
    method: str
    path: Callable[[dict[str, Any]], str]
    payload: Callable[[dict[str, Any]], Any] = lambda w: None
    write: bool = True
    ok: tuple[int, ...] = (200,)
    multipart: bool = False
    # A viewer may call some POSTs (search-like, export) that change nothing shared.
    viewer_allowed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def call(self, client: APIClient, w: dict[str, Any]):
        data = self.payload(w)
        kwargs: dict[str, Any] = {}
        if data is not None:
            kwargs = {"data": data, "format": "multipart" if self.multipart else "json"}
        return getattr(client, self.method)(self.path(w), **kwargs)


def _mood_board_upload(w: dict[str, Any]) -> dict[str, Any]:
    return {"image": upload("new.png", png_bytes(color=(1, 2, 3)), "image/png")}


ORG_ENDPOINTS: list[OrgEndpoint] = [
    OrgEndpoint("brand-get", "get", lambda w: f"/api/brands/{w['brand'].pk}/", write=False),
    OrgEndpoint("brand-patch", "patch", lambda w: f"/api/brands/{w['brand'].pk}/", lambda w: {"description": "new"}),
    OrgEndpoint("brand-put", "put", lambda w: f"/api/brands/{w['brand'].pk}/", lambda w: {"name": "Renamed"}),
    OrgEndpoint("brand-delete", "delete", lambda w: f"/api/brands/{w['brand'].pk}/", ok=(204,)),
    OrgEndpoint("mood-board-list", "get", lambda w: f"/api/brands/{w['brand'].pk}/mood-board/", write=False),
    OrgEndpoint(
        "mood-board-upload",
        "post",
        lambda w: f"/api/brands/{w['brand'].pk}/mood-board/",
        _mood_board_upload,
        ok=(201,),
        multipart=True,
    ),
    OrgEndpoint(
        "mood-board-file", "get", lambda w: f"/api/brands/{w['brand'].pk}/mood-board/{w['image'].pk}/file/", write=False
    ),
    OrgEndpoint(
        "mood-board-delete", "delete", lambda w: f"/api/brands/{w['brand'].pk}/mood-board/{w['image'].pk}/", ok=(204,)
    ),
    OrgEndpoint("brand-matches", "get", lambda w: f"/api/brands/{w['brand'].pk}/matches/", write=False),
    OrgEndpoint(
        "shortlist-create-for-brand",
        "post",
        lambda w: "/api/shortlists/",
        lambda w: {"name": "Spring", "brand": w["brand"].pk},
        ok=(201,),
    ),
    OrgEndpoint("shortlist-list-for-brand", "get", lambda w: f"/api/shortlists/?brand={w['brand'].pk}", write=False),
    OrgEndpoint("shortlist-get", "get", lambda w: f"/api/shortlists/{w['shortlist'].pk}/", write=False),
    OrgEndpoint("shortlist-patch", "patch", lambda w: f"/api/shortlists/{w['shortlist'].pk}/", lambda w: {"name": "B"}),
    OrgEndpoint("shortlist-delete", "delete", lambda w: f"/api/shortlists/{w['shortlist'].pk}/", ok=(204,)),
    OrgEndpoint("entries-list", "get", lambda w: f"/api/shortlists/{w['shortlist'].pk}/entries/", write=False),
    OrgEndpoint(
        "entries-add",
        "post",
        lambda w: f"/api/shortlists/{w['shortlist'].pk}/entries/",
        lambda w: {"creator_ids": [w["creator"].pk]},
        ok=(201,),
    ),
    OrgEndpoint(
        "entries-remove",
        "post",
        lambda w: f"/api/shortlists/{w['shortlist'].pk}/entries/remove/",
        lambda w: {"entry_ids": [w["entry"].pk]},
    ),
    OrgEndpoint(
        "entries-status",
        "post",
        lambda w: f"/api/shortlists/{w['shortlist'].pk}/entries/status/",
        lambda w: {"entry_ids": [w["entry"].pk, w["other_entry"].pk], "status": "approved"},
    ),
    OrgEndpoint(
        "entry-get", "get", lambda w: f"/api/shortlists/{w['shortlist'].pk}/entries/{w['entry'].pk}/", write=False
    ),
    OrgEndpoint(
        "entry-patch",
        "patch",
        lambda w: f"/api/shortlists/{w['shortlist'].pk}/entries/{w['entry'].pk}/",
        lambda w: {"status": "contacted", "notes": "called"},
    ),
    OrgEndpoint(
        "entry-delete", "delete", lambda w: f"/api/shortlists/{w['shortlist'].pk}/entries/{w['entry'].pk}/", ok=(204,)
    ),
    OrgEndpoint("note-get", "get", lambda w: f"/api/notes/{w['note'].pk}/", write=False),
    OrgEndpoint("note-patch", "patch", lambda w: f"/api/notes/{w['note'].pk}/", lambda w: {"text": "better"}),
    OrgEndpoint("note-delete", "delete", lambda w: f"/api/notes/{w['note'].pk}/", ok=(204,)),
    OrgEndpoint(
        "export-shortlist",
        "post",
        lambda w: "/api/exports/",
        lambda w: {"format": "csv", "shortlist": w["shortlist"].pk},
        ok=(202,),
        viewer_allowed=True,
    ),
    # A pending export answers 409 (not ready) to its own organisation, 404 to others.
    OrgEndpoint("export-download", "get", lambda w: f"/api/exports/{w['job'].pk}/download/", write=False, ok=(409,)),
    OrgEndpoint("job-get", "get", lambda w: f"/api/jobs/{w['job'].pk}/", write=False),
]


def check_endpoint(endpoint: OrgEndpoint, *, editor, viewer, intruder) -> None:
    anonymous = APIClient()
    w = world(editor.organization, editor.user)
    response = endpoint.call(anonymous, w)
    assert response.status_code in (401, 403), f"{endpoint.name}: anonymous got {response.status_code}"

    response = endpoint.call(intruder.client, w)
    assert response.status_code == 404, f"{endpoint.name}: other organisation got {response.status_code}"
    body = response.json()
    assert "detail" in body, f"{endpoint.name}: 404 is not the JSON error shape: {body}"

    response = endpoint.call(viewer.client, w)
    if endpoint.write and not endpoint.viewer_allowed:
        assert response.status_code == 403, f"{endpoint.name}: viewer write got {response.status_code}"
    else:
        assert response.status_code in endpoint.ok, f"{endpoint.name}: viewer got {response.status_code}"

    w = world(editor.organization, editor.user)
    response = endpoint.call(editor.client, w)
    assert response.status_code in endpoint.ok, (
        f"{endpoint.name}: editor got {response.status_code} {getattr(response, 'data', '')}"
    )
