"""Reused images in the vetting report: loaded in bulk for a chunk of accounts, the copier's
risk rises with the original account named, the original artist is not blamed, a creator's own
cross-post is not reuse, and the stored signal reaches the API and the vetting card."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import ImageEnhance

from core.models import Role
from influencers.models import AccountMetrics
from tests.api.conftest import client_for
from tests.factories import AccountFactory, CreatorFactory, MembershipFactory, PostFactory, UserFactory
from tests.vision.conftest import add_image_asset
from tests.vision.style_zoo import zoo_image
from tests.words import en
from vetting.services.reports import vet_accounts, vetting_report

pytestmark = pytest.mark.django_db


def picture(style: str, seed: int):
    return zoo_image(style, seed=seed, size=160)


def add_posted(account, image, *, days_ago: int, fmt: str = "PNG"):
    """An image of `account` belonging to a post published `days_ago` days ago."""
    asset = add_image_asset(account, image, fmt=fmt)
    post = PostFactory(account=account, posted_at=timezone.now() - dt.timedelta(days=days_ago, hours=1))
    asset.post = post
    asset.source_url = f"https://img.example/{account.handle}/{asset.pk}.jpg"
    asset.save(update_fields=["post", "source_url"])
    return asset


def reuse_signal(account) -> dict:
    report = AccountMetrics.objects.get(account=account).vetting
    return {s["name"]: s for s in report["risk"]["signals"]}["reused_images"]


@pytest.fixture
def theft():
    """An artist's four pictures, two of them posted again later by an unrelated account (one
    byte for byte, one edited and re-encoded) next to two pictures of its own."""
    artist = AccountFactory(handle="original_artist")
    originals = [add_posted(artist, picture("vivid_pop", seed), days_ago=20 + seed) for seed in range(4)]
    thief = AccountFactory(handle="copycat", platform="tiktok")
    identical = add_posted(thief, picture("vivid_pop", 0), days_ago=2)
    edited = ImageEnhance.Brightness(picture("vivid_pop", 1).resize((150, 150))).enhance(1.05)
    re_encoded = add_posted(thief, edited, days_ago=3, fmt="JPEG")
    own = [add_posted(thief, picture("bw_contrast", seed), days_ago=5 + seed) for seed in (10, 11)]
    return {"artist": artist, "originals": originals, "thief": thief, "copies": [identical, re_encoded], "own": own}


def test_copied_pictures_raise_the_copiers_risk_and_name_the_original_account(theft):
    thief, artist = theft["thief"], theft["artist"]
    vet_accounts([thief.pk, artist.pk])

    signal = reuse_signal(thief)
    assert signal["available"] and signal["value"] == 0.5  # 2 of 4 images
    assert signal["risk"] == 1.0  # 50%: the "risk 1" end of the benchmark
    assert [e["asset_id"] for e in signal["evidence"]] == [a.pk for a in theft["copies"]]
    assert [e["kind"] for e in signal["evidence"]] == ["identical", "near_duplicate"]
    for item, original in zip(signal["evidence"], theft["originals"][:2], strict=True):
        assert item["direction"] == "copied"
        (place,) = item["seen_on"]
        assert place["account_id"] == artist.pk and place["creator_id"] == artist.creator_id
        assert (place["platform"], place["handle"], place["asset_id"]) == ("instagram", "original_artist", original.pk)
        assert place["image_url"] == original.source_url
        assert "@original_artist" in en(item["reason"])
    metrics = AccountMetrics.objects.get(account=thief)
    assert metrics.fake_risk >= 0.55
    # Four posts and four images are not enough evidence for a verdict: the level says so and
    # keeps the indicative one.
    assert metrics.risk_level == "insufficient"
    assert metrics.vetting["risk"]["evidence"]["level_if_enough"] in ("medium", "high")
    assert metrics.vetting["reused_images"]["copied"] == 2
    assert metrics.vetting["data"]["images"] == 4


def test_the_original_artist_is_shown_where_its_pictures_reappear_but_not_blamed(theft):
    vet_accounts([theft["artist"].pk])
    signal = reuse_signal(theft["artist"])
    assert signal["available"] and signal["risk"] == 0.0
    assert {e["direction"] for e in signal["evidence"]} == {"first_here"}
    assert {e["seen_on"][0]["handle"] for e in signal["evidence"]} == {"copycat"}
    assert {e["asset_id"] for e in signal["evidence"]} == {a.pk for a in theft["originals"][:2]}


def test_the_same_picture_on_two_accounts_of_one_creator_is_not_reuse():
    creator = CreatorFactory()
    instagram = AccountFactory(creator=creator)
    weibo = AccountFactory(creator=creator, platform="weibo")
    add_posted(instagram, picture("dark_moody", 3), days_ago=9)
    add_posted(weibo, picture("dark_moody", 3), days_ago=2)  # cross-posting one's own picture is normal
    vet_accounts([instagram.pk, weibo.pk])
    for account in (instagram, weibo):
        signal = reuse_signal(account)
        assert signal["available"] and signal["risk"] == 0.0 and signal["evidence"] == []


def test_an_account_without_images_has_no_reuse_data_rather_than_a_clean_result():
    account = AccountFactory()
    PostFactory(account=account)
    report = vetting_report(account.pk)
    signal = {s["name"]: s for s in report["risk"]["signals"]}["reused_images"]
    assert not signal["available"] and signal["risk"] is None and signal["confidence"] == 0.0
    assert report["data"]["images"] == 0 and report["reused_images"]["copied_share"] is None


def test_the_one_account_report_finds_the_same_copies(theft):
    report = vetting_report(theft["thief"].pk)
    signal = {s["name"]: s for s in report["risk"]["signals"]}["reused_images"]
    assert [e["asset_id"] for e in signal["evidence"]] == [a.pk for a in theft["copies"]]


def test_reused_images_are_loaded_with_a_fixed_number_of_queries_per_chunk():
    artist = AccountFactory()
    add_posted(artist, picture("teal_orange", 1), days_ago=30)
    thieves = []
    for k in range(6):
        thief = AccountFactory()
        add_posted(thief, picture("teal_orange", 1), days_ago=3)  # the same picture, later
        add_posted(thief, picture("bw_contrast", 20 + k), days_ago=4)
        thieves.append(thief)
    vet_accounts([thieves[0].pk])  # loads the process's hash table once
    counts = []
    for accounts in (thieves[:2], thieves):
        with CaptureQueriesContext(connection) as queries:
            vet_accounts([a.pk for a in accounts])
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert all(reuse_signal(t)["evidence"][0]["seen_on"][0]["account_id"] == artist.pk for t in thieves)


def test_the_signal_reaches_the_api_and_the_vetting_card(theft):
    thief = theft["thief"]
    vet_accounts([thief.pk, theft["artist"].pk])
    user = UserFactory()
    membership = MembershipFactory(user=user, role=Role.VIEWER)
    response = client_for(user, membership.organization).get(f"/api/creators/{thief.creator_id}/")
    assert response.status_code == 200
    (account,) = response.json()["accounts"]
    signals = {s["name"]: s for s in account["vetting"]["risk"]["signals"]}
    assert signals["reused_images"]["evidence"][0]["seen_on"][0]["handle"] == "original_artist"

    html = render_to_string("frontend/_vetting.html", {"report": AccountMetrics.objects.get(account=thief).vetting})
    assert 'data-signal="reused_images"' in html
    assert "Reused images" in html and "posted earlier by Instagram @original_artist" in html
