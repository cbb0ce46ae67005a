"""Campaign pages: created from a shortlist, creators booked with their fee, posts imported
(errors listed, nothing added) or linked, the report against our predictions in English and
Chinese with PDF and XLSX downloads; another organisation's campaign is not found; a viewer
cannot change one."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from core.models import Role
from tests.factories import CampaignFactory, MembershipFactory, ShortlistFactory
from vetting.models import Campaign, CampaignPost
from vetting.services.shortlists import entries_add


@pytest.fixture
def shortlist(member, catalogue):
    shortlist = ShortlistFactory(organization=member.organization, name="Launch")
    entries_add(shortlist=shortlist, creator_ids=[c.pk for c in catalogue[:2]])
    return shortlist


def make_campaign(ui, shortlist, catalogue) -> Campaign:
    response = ui.post(
        reverse("frontend:campaign_create", args=[shortlist.pk]),
        {"name": "Spring push", "starts_on": "2026-03-01", "ends_on": "2026-03-31"},
    )
    campaign = Campaign.objects.get(shortlist=shortlist)
    assert response["Location"] == reverse("frontend:campaign", args=[campaign.pk])
    ui.post(reverse("frontend:campaign_book", args=[campaign.pk]), {"creator": catalogue[0].pk, "fee_usd": "2500"})
    return campaign


def upload(ui, campaign, text: str, name: str = "posts.csv"):
    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return ui.post(reverse("frontend:campaign_import", args=[campaign.pk]), {"file": file}, follow=True)


def test_the_campaign_report_page(ui, shortlist, catalogue):
    campaign = make_campaign(ui, shortlist, catalogue)
    assert 'data-testid="campaigns"' in ui.get(reverse("frontend:shortlist", args=[shortlist.pk])).content.decode()
    lin = catalogue[0]
    body = upload(
        ui, campaign, f"creator_id,url,reach,likes,comments\n{lin.pk},https://www.instagram.com/p/c1/,50000,3000,200\n"
    ).content.decode()
    assert "1 posts added." in body
    assert CampaignPost.objects.filter(booking__campaign=campaign).count() == 1
    assert 'data-testid="campaign-total"' in body and "Results against our predictions" in body
    # actual engagements 3,200, reach 50K, the fee US$2,500 against the predicted cost range
    assert "3.2K" in body and "50K" in body and "US$2,500" in body
    assert "predicted when shortlisted" in body


def test_an_import_with_errors_lists_them_and_adds_nothing(ui, shortlist, catalogue):
    campaign = make_campaign(ui, shortlist, catalogue)
    body = upload(ui, campaign, "creator_id,url,likes,comments\n999,not-a-url,1,\n").content.decode()
    assert body.count("row 2") >= 3  # the url, the comments and the creator, each located
    assert CampaignPost.objects.count() == 0


def test_downloads_in_both_languages(ui, shortlist, catalogue):
    campaign = make_campaign(ui, shortlist, catalogue)
    upload(ui, campaign, f"creator_id,url,likes,comments\n{catalogue[0].pk},https://www.instagram.com/p/c2/,300,20\n")
    pdf = ui.get(reverse("frontend:campaign_download", args=[campaign.pk, "pdf"]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content)[:5] == b"%PDF-"
    ui.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    xlsx = ui.get(reverse("frontend:campaign_download", args=[campaign.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))["活动报告"]
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert "互动量" in text and "Engagements" not in text
    page = ui.get(reverse("frontend:campaign", args=[campaign.pk])).content.decode()
    assert "与预测对比的结果" in page


def test_another_organisations_campaign_is_not_found(ui):
    foreign = CampaignFactory()
    assert ui.get(reverse("frontend:campaign", args=[foreign.pk])).status_code == 404
    assert ui.get(reverse("frontend:campaign_download", args=[foreign.pk, "pdf"])).status_code == 404
    response = ui.post(reverse("frontend:campaign_book", args=[foreign.pk]), {"creator": 1, "fee_usd": "1"})
    assert response.status_code == 404


def test_a_viewer_reads_but_cannot_change(client, shortlist, catalogue):
    campaign = CampaignFactory(shortlist=shortlist)
    viewer = MembershipFactory(organization=shortlist.organization, role=Role.VIEWER)
    client.force_login(viewer.user)
    assert client.get(reverse("frontend:campaign", args=[campaign.pk])).status_code == 200
    response = client.post(reverse("frontend:campaign_book", args=[campaign.pk]), {"creator": 1, "fee_usd": "1"})
    assert response.status_code == 403
    page = client.get(reverse("frontend:campaign", args=[campaign.pk])).content.decode()
    assert 'data-testid="book-form"' not in page


def test_the_creator_page_estimate_states_our_track_record(ui, member, shortlist, catalogue):
    from vetting.monitoring.estimates import estimate_for_account
    from vetting.services.campaigns import campaign_book, campaign_create, campaign_posts_import

    creator = catalogue[0]
    estimate = estimate_for_account(creator.accounts.get())
    middle = (estimate["reach_per_post"]["low"] + estimate["reach_per_post"]["high"]) / 2
    url = reverse("frontend:creator", args=[creator.pk])
    assert 'data-testid="track-record"' not in ui.get(url).content.decode()
    for k in range(3):  # the reach came in at half the middle of the estimate, three times
        campaign = campaign_create(shortlist=shortlist, name=f"C{k}", starts_on="2026-01-01")
        campaign_book(campaign=campaign, creator_id=creator.pk, fee_usd=100)
        line = f"{creator.pk},https://www.instagram.com/p/t{k}/,{int(middle / 2)},10,1"
        campaign_posts_import(campaign=campaign, content=f"creator_id,url,reach,likes,comments\n{line}\n".encode())
    body = ui.get(url).content.decode()
    assert 'data-testid="track-record"' in body
    assert "our reach estimates were off by a median of 50% (actual vs estimate: -50.0%)" in body
    # another organisation's campaigns do not show
    other = MembershipFactory()
    ui.force_login(other.user)
    assert 'data-testid="track-record"' not in ui.get(url).content.decode()
