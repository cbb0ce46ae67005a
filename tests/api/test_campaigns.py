"""The campaigns API: create, book, import (JSON body or file; all or nothing with located
errors), link, the report and its files; every campaign endpoint refuses anonymous callers,
hides other organisations' campaigns (404), and refuses viewers' writes."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tests.api.conftest import assert_error, upload
from tests.factories import (
    AccountFactory,
    AccountMetricsFactory,
    CampaignCreatorFactory,
    CampaignFactory,
    CreatorFactory,
    PostFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
)
from vetting.models import Campaign, CampaignPost

WORLDS = itertools.count()


def world(organization) -> dict[str, Any]:
    n = next(WORLDS)
    shortlist = ShortlistFactory(organization=organization)
    creator = CreatorFactory()
    account = AccountFactory(creator=creator, platform="instagram", handle=f"lin{n}")
    AccountMetricsFactory(account=account, followers=40_000, engagement_rate=0.03)
    url = f"https://www.instagram.com/p/catalogued{n}/"
    PostFactory(account=account, url=url)
    campaign = CampaignFactory(shortlist=shortlist)
    ShortlistEntryFactory(shortlist=shortlist, creator=creator)
    other = CreatorFactory()
    AccountFactory(creator=other, platform="instagram", handle=f"ben{n}")
    booking = CampaignCreatorFactory(campaign=campaign, creator=other)
    return {
        "shortlist": shortlist,
        "campaign": campaign,
        "creator": creator,
        "booking": booking,
        "other": other,
        "handle": f"ben{n}",
        "url": url,
    }


@dataclass(frozen=True)
class Call:
    name: str
    method: str
    path: Any
    payload: Any = None
    write: bool = True
    ok: int = 200
    multipart: bool = False

    def __call__(self, client, w):
        kwargs = {}
        if self.payload is not None:
            kwargs = {"data": self.payload(w), "format": "multipart" if self.multipart else "json"}
        return getattr(client, self.method)(self.path(w), **kwargs)


CALLS = [
    Call("list", "get", lambda w: f"/api/campaigns/?shortlist={w['shortlist'].pk}", write=False),
    Call(
        "create",
        "post",
        lambda w: "/api/campaigns/",
        lambda w: {"shortlist": w["shortlist"].pk, "name": "Summer", "starts_on": "2026-06-01"},
        ok=201,
    ),
    Call("report", "get", lambda w: f"/api/campaigns/{w['campaign'].pk}/", write=False),
    Call("delete", "delete", lambda w: f"/api/campaigns/{w['campaign'].pk}/", ok=204),
    Call(
        "book",
        "post",
        lambda w: f"/api/campaigns/{w['campaign'].pk}/bookings/",
        lambda w: {"creator_id": w["creator"].pk, "fee_usd": "800.00"},
        ok=201,
    ),
    Call(
        "import",
        "post",
        lambda w: f"/api/campaigns/{w['campaign'].pk}/posts/",
        lambda w: {"posts": [{"creator_id": w["other"].pk, "url": "https://a.example/1", "likes": 5, "comments": 1}]},
        ok=201,
    ),
    Call(
        "import-file",
        "post",
        lambda w: f"/api/campaigns/{w['campaign'].pk}/posts/",
        lambda w: {
            "file": upload(
                "p.csv",
                f"handle,platform,url,likes,comments\n{w['handle']},instagram,https://a.example/2,1,1\n".encode(),
                "text/csv",
            )
        },
        ok=201,
        multipart=True,
    ),
    Call("xlsx", "get", lambda w: f"/api/campaigns/{w['campaign'].pk}/download/xlsx/", write=False),
]


@pytest.mark.parametrize("call", CALLS, ids=[c.name for c in CALLS])
def test_campaign_endpoint_access(call, editor, viewer, intruder):
    w = world(editor.organization)
    assert call(APIClient(), w).status_code in (401, 403)
    if call.name not in ("list", "create"):
        assert call(intruder.client, w).status_code == 404, call.name
    response = call(viewer.client, w)
    assert response.status_code == (403 if call.write else call.ok), call.name
    response = call(editor.client, world(editor.organization))
    assert response.status_code == call.ok, (call.name, getattr(response, "data", ""))


def test_lists_and_creation_stay_in_the_callers_organisation(editor, intruder):
    mine = world(editor.organization)
    theirs = world(intruder.organization)
    ids = {row["id"] for row in editor.client.get("/api/campaigns/").json()["results"]}
    assert ids == {mine["campaign"].pk}
    response = editor.client.post(
        "/api/campaigns/", {"shortlist": theirs["shortlist"].pk, "name": "X", "starts_on": "2026-06-01"}, format="json"
    )
    assert response.status_code == 404


def test_a_whole_campaign_through_the_api(editor):
    w = world(editor.organization)
    campaign = w["campaign"]
    client = editor.client
    assert (
        client.post(
            f"/api/campaigns/{campaign.pk}/bookings/", {"creator_id": w["creator"].pk, "fee_usd": "1200"}, format="json"
        ).status_code
        == 201
    )
    # a file with an error adds nothing, and says where
    bad = {"posts": [{"creator_id": w["creator"].pk, "url": "nope", "likes": 1, "comments": 1}]}
    response = client.post(f"/api/campaigns/{campaign.pk}/posts/", bad, format="json")
    assert response.status_code == 400 and "record 1" in response.json()["detail"]
    assert "field 'url'" in response.json()["detail"] and CampaignPost.objects.count() == 0
    link = client.post(f"/api/campaigns/{campaign.pk}/posts/link/", {"url": w["url"]}, format="json")
    assert link.status_code == 201 and link.json()["creator_id"] == w["creator"].pk
    report = client.get(f"/api/campaigns/{campaign.pk}/").json()
    row = next(r for r in report["creators"] if r["creator"]["id"] == w["creator"].pk)
    assert row["actual"]["engagements"] == 520 and row["actual"]["cost"] == 1200.0  # the factory post: 500 + 20
    assert row["prediction_source"] == "now" and "er" in row["comparison"]
    assert set(report) == {"campaign", "creators", "total", "error_by_type", "organisation_error"}
    xlsx = client.get(f"/api/campaigns/{campaign.pk}/download/xlsx/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    sheet = load_workbook(io.BytesIO(xlsx.content))["活动报告"]
    assert sheet["A1"].value == "活动报告"
    assert client.get(f"/api/campaigns/{campaign.pk}/download/doc/").status_code == 400


def test_campaigns_follow_the_api_contract_under_v1(editor):
    w = world(editor.organization)
    client = editor.client
    payload = {"shortlist": w["shortlist"].pk, "name": "Autumn", "starts_on": "2026-09-01"}
    first = client.post("/api/v1/campaigns/", payload, format="json", HTTP_IDEMPOTENCY_KEY="autumn-1")
    assert first.status_code == 201
    assert first["Location"].endswith(f"/api/v1/campaigns/{first.json()['id']}/")
    assert client.get(first["Location"]).json()["campaign"]["name"] == "Autumn"
    again = client.post("/api/v1/campaigns/", payload, format="json", HTTP_IDEMPOTENCY_KEY="autumn-1")
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Campaign.objects.filter(name="Autumn").count() == 1
    # a filter that is not read is refused, naming it, instead of listing everything
    unknown = client.get(f"/api/v1/campaigns/?shortlists={w['shortlist'].pk}")
    assert unknown.status_code == 400 and unknown.json()["code"] and "shortlists" in str(unknown.json())
    listed = client.get(f"/api/v1/campaigns/?shortlist={w['shortlist'].pk}").json()["results"]
    assert {row["name"] for row in listed} == {w["campaign"].name, "Autumn"}
    # urlencoded bodies are refused: campaign writes are JSON (posts also take a multipart file)
    form = client.post(
        "/api/v1/campaigns/", "name=Winter&starts_on=2026-12-01", content_type="application/x-www-form-urlencoded"
    )
    assert form.status_code == 415


def test_a_posts_file_above_the_limit_is_refused_naming_the_file(editor):
    w = world(editor.organization)
    limit = 2 * 1024 * 1024  # docs/campaigns.md: files up to 2 MB
    row = b"https://www.instagram.com/p/x/,1,1\n"
    big = upload("posts.csv", b"url,likes,comments\n" + row * (limit // len(row) + 1), "text/csv")
    response = editor.client.post(f"/api/campaigns/{w['campaign'].pk}/posts/", {"file": big}, format="multipart")
    body = assert_error(response, field="file")
    assert "posts.csv" in body["detail"] and f"above the limit of {limit:,}" in body["detail"]
    assert CampaignPost.objects.count() == 0
