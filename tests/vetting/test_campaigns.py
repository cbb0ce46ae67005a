"""Campaigns (vetting.services.campaigns, campaign_report): creating one on a shortlist, booking
creators with the fee paid, importing posts all or nothing with located errors, linking a
catalogued post, and the report against the predictions kept when the creator was shortlisted."""

from __future__ import annotations

import json

import pytest

from core.errors import ImportValidationError, InputError, InvalidState
from tests.factories import (
    AccountFactory,
    AccountMetricsFactory,
    CampaignFactory,
    CreatorFactory,
    OrganizationFactory,
    PostFactory,
    ShortlistFactory,
)
from vetting.models import CampaignPost
from vetting.services.campaign_report import campaign_report, organization_prediction_error, track_record
from vetting.services.campaigns import campaign_book, campaign_create, campaign_post_link, campaign_posts_import
from vetting.services.shortlists import entries_add

pytestmark = pytest.mark.django_db

CSV = """creator_id,url,posted_at,reach,views,likes,comments,saves
{a},https://www.instagram.com/p/one/,2026-03-02,20000,,900,100,
{a},https://www.instagram.com/p/two/,2026-03-05,10000,,400,100,
"""


@pytest.fixture
def setup():
    """A shortlist of two Instagram creators added through the service (so their snapshots keep
    an estimate), a campaign on it, both booked."""
    org = OrganizationFactory()
    shortlist = ShortlistFactory(organization=org)
    creators = []
    for name, handle, followers in (("Anna", "anna", 50_000), ("Ben", "ben", 20_000)):
        creator = CreatorFactory(display_name=name)
        account = AccountFactory(creator=creator, platform="instagram", handle=handle)
        AccountMetricsFactory(account=account, followers=followers, engagement_rate=0.02)
        for _ in range(3):
            PostFactory(account=account, likes=800, comments=40)
        creators.append(creator)
    entries_add(shortlist=shortlist, creator_ids=[c.pk for c in creators])
    campaign = campaign_create(shortlist=shortlist, name="Spring", starts_on="2026-03-01", ends_on="2026-03-31")
    for creator, fee in zip(creators, (1_500, 600)):
        campaign_book(campaign=campaign, creator_id=creator.pk, fee_usd=fee)
    return campaign, creators


def test_create_checks_dates_and_brand():
    shortlist = ShortlistFactory()
    with pytest.raises(InputError) as exc:
        campaign_create(shortlist=shortlist, name="X", starts_on="2026-03-10", ends_on="2026-03-01")
    assert exc.value.field == "ends_on"
    with pytest.raises(InputError) as exc:
        campaign_create(shortlist=shortlist, name="X", starts_on="March")
    assert exc.value.field == "starts_on"
    with pytest.raises(InputError) as exc:
        campaign_create(shortlist=shortlist, name=" ", starts_on="2026-03-01")
    assert exc.value.field == "name"


def test_booking_needs_a_shortlisted_creator_and_a_fee(setup):
    campaign, creators = setup
    with pytest.raises(InputError) as exc:
        campaign_book(campaign=campaign, creator_id=CreatorFactory().pk, fee_usd=10)
    assert exc.value.field == "creator_id"
    for bad in ("", "-5", "lots", True):
        with pytest.raises(InputError) as exc:
            campaign_book(campaign=campaign, creator_id=creators[0].pk, fee_usd=bad)
        assert exc.value.field == "fee_usd"
    booking = campaign_book(campaign=campaign, creator_id=creators[0].pk, fee_usd="1,750.5")
    assert str(booking.fee_usd) == "1750.50" and campaign.bookings.count() == 2


def test_csv_import_and_report(setup):
    campaign, (anna, ben) = setup
    posts = campaign_posts_import(campaign=campaign, content=CSV.format(a=anna.pk).encode(), source="posts.csv")
    assert len(posts) == 2
    report = campaign_report(campaign=campaign)
    row = next(r for r in report["creators"] if r["creator"]["id"] == anna.pk)
    assert row["prediction_source"] == "shortlisted"
    actual = row["actual"]
    assert actual["reach"] == 30_000 and actual["engagements"] == 1_500
    assert actual["er"] == pytest.approx(1_500 / (50_000 * 2))
    assert actual["cpe"] == pytest.approx(1.0)
    # the engagement prediction: the median of the recent posts (840) × 2 posts
    assert row["predicted"]["engagements"] == [1_680.0, 1_680.0]
    assert row["comparison"]["engagements"]["error"] == pytest.approx(1_500 / 1_680 - 1)
    assert row["comparison"]["er"]["error"] == pytest.approx(0.015 / 0.02 - 1)
    # the fee: compared with the rate table's cost per post × 2 posts
    low, high = row["predicted"]["cost"]
    assert row["comparison"]["cost"]["error"] == pytest.approx(1_500 / ((low + high) / 2) - 1)
    # Ben has no posts yet: no results, and he is not in the totals' measured part
    ben_row = next(r for r in report["creators"] if r["creator"]["id"] == ben.pk)
    assert ben_row["actual"]["posts"] == 0 and ben_row["comparison"] == {}
    assert report["total"]["actual"]["cost"] == 1_500 and report["total"]["cost_all_bookings"] == 2_100
    assert report["error_by_type"]["engagements"]["n"] == 1


def test_json_import_by_platform_and_handle(setup):
    campaign, (anna, ben) = setup
    post = {"platform": "instagram", "handle": "@Ben", "url": "https://x.example/p/1", "likes": 5, "comments": 1}
    content = json.dumps({"posts": [post]})
    (post,) = campaign_posts_import(campaign=campaign, content=content.encode(), source="posts.json")
    assert post.booking.creator_id == ben.pk and post.platform == "instagram"


def test_an_import_with_errors_writes_nothing_and_locates_each(setup):
    campaign, (anna, ben) = setup
    content = (
        "creator_id,url,likes,comments,views\n"
        f"{anna.pk},https://www.instagram.com/p/ok/,10,1,\n"
        f"{anna.pk},not a url,10,1,\n"
        f"{anna.pk},https://www.instagram.com/p/three/,-4,1,\n"
        f"999999,https://www.instagram.com/p/four/,1,1,\n"
        f"{ben.pk},https://www.instagram.com/p/ok/,1,,\n"
    )
    with pytest.raises(ImportValidationError) as exc:
        campaign_posts_import(campaign=campaign, content=content.encode(), source="posts.csv")
    found = {(e.location, e.field) for e in exc.value.errors}
    assert found == {
        ("row 3", "url"),
        ("row 4", "likes"),
        ("row 5", "creator_id"),
        ("row 6", "url"),  # the same post as row 2
        ("row 6", "comments"),
    }
    assert all(e.source == "posts.csv" for e in exc.value.errors)
    assert CampaignPost.objects.count() == 0


def test_unknown_columns_and_broken_files_are_refused(setup):
    campaign, (anna, _ben) = setup
    with pytest.raises(InputError, match="unknown column 'fee'"):
        campaign_posts_import(campaign=campaign, content=b"url,likes,comments,fee\n", source="a.csv")
    with pytest.raises(InputError, match="not valid JSON"):
        campaign_posts_import(campaign=campaign, content=b"[{", source="a.json")
    with pytest.raises(InputError, match="has no posts"):
        campaign_posts_import(campaign=campaign, content=b"[]", source="a.json")
    with pytest.raises(ImportValidationError) as exc:
        campaign_posts_import(
            campaign=campaign, content=json.dumps([{"url": "https://a.example/1", "likes": 1}]).encode()
        )
    assert {(e.location, e.field) for e in exc.value.errors} == {("record 1", "comments"), ("record 1", "creator_id")}


def test_a_linked_post_reads_the_catalogue_counters(setup):
    campaign, (anna, _ben) = setup
    account = anna.accounts.get()
    catalogued = PostFactory(account=account, url="https://www.instagram.com/p/linked/", likes=100, comments=10)
    linked = campaign_post_link(campaign=campaign, url="https://www.instagram.com/p/linked/")
    assert linked.post == catalogued
    with pytest.raises(InvalidState):
        campaign_post_link(campaign=campaign, url="https://www.instagram.com/p/linked/")
    with pytest.raises(InputError):
        campaign_post_link(campaign=campaign, url="https://www.instagram.com/p/unknown/")
    catalogued.likes = 900  # a refresh through the connectors
    catalogued.save()
    row = next(r for r in campaign_report(campaign=campaign)["creators"] if r["creator"]["id"] == anna.pk)
    assert row["actual"]["engagements"] == 910


def test_an_entry_without_a_kept_estimate_is_predicted_from_todays_data():
    campaign = CampaignFactory()
    creator = CreatorFactory()
    account = AccountFactory(creator=creator, platform="instagram")
    AccountMetricsFactory(account=account, followers=10_000, engagement_rate=0.03)
    from tests.factories import ShortlistEntryFactory

    ShortlistEntryFactory(shortlist=campaign.shortlist, creator=creator)  # no snapshot
    campaign_book(campaign=campaign, creator_id=creator.pk, fee_usd=300)
    campaign_posts_import(
        campaign=campaign, content=f"creator_id,url,likes,comments\n{creator.pk},https://a.example/1,300,20\n".encode()
    )
    (row,) = campaign_report(campaign=campaign)["creators"]
    assert row["prediction_source"] == "now" and "reach" in row["predicted"]


def test_the_organisations_error_adjusts_the_estimates_it_shows(setup):
    campaign, (anna, ben) = setup
    org = campaign.organization
    # three creators' reach came in at twice the middle of the prediction
    account = anna.accounts.get()
    from vetting.monitoring.estimates import estimate_for_account

    estimate = estimate_for_account(account)
    middle = (estimate["reach_per_post"]["low"] + estimate["reach_per_post"]["high"]) / 2
    assert track_record(organization=org, estimate=estimate) == {}  # no outcomes yet
    for k in range(3):
        other = campaign_create(shortlist=campaign.shortlist, name=f"C{k}", starts_on="2026-04-01")
        campaign_book(campaign=other, creator_id=anna.pk, fee_usd=100)
        line = f"{anna.pk},https://a.example/{k},{int(middle * 2)},1,1"
        campaign_posts_import(campaign=other, content=f"creator_id,url,reach,likes,comments\n{line}\n".encode())
    error = organization_prediction_error(organization=org)["reach"]
    assert error["n"] == 3 and error["campaigns"] == 3 and error["bias"] == pytest.approx(1.0, abs=0.01)
    adjusted = track_record(organization=org, estimate=estimate)["reach"]
    assert adjusted["low"] == pytest.approx(middle * 2, rel=0.01) == pytest.approx(adjusted["high"], rel=0.01)
    # another organisation's campaigns say nothing about ours
    assert organization_prediction_error(organization=OrganizationFactory())["reach"]["n"] == 0


def test_a_booking_outlives_its_shortlist_entry(setup):
    from vetting.services.shortlists import entries_remove

    campaign, (anna, _ben) = setup
    campaign_posts_import(campaign=campaign, content=CSV.format(a=anna.pk).encode())
    entry = campaign.shortlist.entries.get(creator=anna)
    entries_remove(shortlist=campaign.shortlist, entry_ids=[entry.pk])
    row = next(r for r in campaign_report(campaign=campaign)["creators"] if r["creator"]["id"] == anna.pk)
    assert row["fee_usd"] == 1_500 and row["actual"]["posts"] == 2 and row["prediction_source"] == "now"
