"""Typed estimates and sentiment series (issue 18): every field as the schema's components say
(the contract checker validates each response), the empty cases, and the organisation's campaign
outcomes re-sizing the ranges as on the creator page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AccountFactory,
    CommentSampleFactory,
    CreatorFactory,
    HistoryPointFactory,
    PostFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
    campaign_outcomes,
)

NOW = timezone.now()


def url(name: str, pk: int) -> str:
    return reverse(f"api:monitoring:{name}", kwargs={"pk": pk})


@pytest.fixture
def instagram():
    """An Instagram creator of 42,000 followers whose three newest posts had 940 engagements each."""
    account = AccountFactory(platform="instagram", handle="lin.xiaohong")
    HistoryPointFactory(account=account, date=timezone.localdate(), followers=42_000)
    for days in (1, 3, 5):
        PostFactory(account=account, likes=900, comments=40, posted_at=NOW - dt.timedelta(days=days))
    return account


def test_estimates_carry_typed_figures_with_their_basis_as_messages(editor, instagram) -> None:
    body = editor.client.get(url("creator-estimates", instagram.creator_id), HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["primary_account_id"] == instagram.pk and body["cost_per_post_usd"]["open_ended_high"] is False
    assert "path" not in body["rate_table"]  # the table's file stays on the server
    assert {"id", "url"} <= set(body["rate_table"]["sources"][0])
    (acc,) = body["accounts"]
    assert (acc["handle"], acc["tier"], acc["followers"], acc["engagements_per_post"]) == (
        "lin.xiaohong",
        "micro",
        42_000,
        940,
    )
    assert acc["reach_per_post"]["basis_message"]["code"] == "estimate.reach_rate"
    assert acc["reach_per_post"]["basis_message"]["message"].startswith("followers × reach rate")
    assert acc["cpe_usd"]["basis_message"]["code"] == "estimate.cpe"
    assert acc["cpm_usd"]["low"] < acc["cpm_usd"]["mid"] < acc["cpm_usd"]["high"]
    # No campaign outcomes yet: nothing re-sized.
    assert acc["track_record"] == {"reach": None, "cost": None}


def test_estimates_answer_in_chinese(editor, instagram) -> None:
    body = editor.client.get(url("creator-estimates", instagram.creator_id), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    message = body["accounts"][0]["cpm_usd"]["basis_message"]
    assert message["code"] == "estimate.cpm" and any("\u4e00" <= ch <= "\u9fff" for ch in message["message"])


def test_estimates_of_a_creator_without_accounts_or_posts(editor) -> None:
    lonely = CreatorFactory()
    body = editor.client.get(url("creator-estimates", lonely.pk)).json()
    assert body["accounts"] == [] and body["primary_account_id"] is None
    assert body["cost_per_post_usd"] is None and body["cpm_usd"] is None and body["cpe_usd"] is None

    silent = AccountFactory(platform="instagram")  # no posts: no engagement figures, so no CPE
    (acc,) = editor.client.get(url("creator-estimates", silent.creator_id)).json()["accounts"]
    assert acc["engagements_per_post"] is None
    assert (acc["cpe_usd"]["low"], acc["cpe_usd"]["mid"], acc["cpe_usd"]["high"]) == (None, None, None)
    assert acc["cpe_usd"]["basis_message"]["code"] == "estimate.cpe_none"


def test_estimates_are_re_sized_by_the_organisations_own_campaigns(editor, intruder, instagram) -> None:
    """Regression: the API showed the rate table's ranges where the creator page showed the
    organisation-adjusted ones. Three bookings paid US$1,234 for one post reaching 5,000 people:
    with no spread between them, the re-sized ranges are exactly those figures."""
    entry = ShortlistEntryFactory(
        shortlist=ShortlistFactory(organization=editor.organization), creator=instagram.creator
    )
    campaign_outcomes(entry, fee_usd=1_234, reach=5_000, platform="instagram")
    (acc,) = editor.client.get(url("creator-estimates", instagram.creator_id)).json()["accounts"]
    reach, cost = acc["track_record"]["reach"], acc["track_record"]["cost"]
    assert (reach["low"], reach["high"]) == (pytest.approx(5_000), pytest.approx(5_000))
    assert (cost["low"], cost["high"]) == (pytest.approx(1_234), pytest.approx(1_234))
    assert reach["message"]["code"] == "campaign.track_record_reach" and reach["message"]["params"]["n"] == 3
    assert cost["message"]["code"] == "campaign.track_record_cost"
    # The rate table's own figures stay beside them; another organisation sees those only.
    assert acc["cost_per_post_usd"]["low"] != pytest.approx(1_234)
    (theirs,) = intruder.client.get(url("creator-estimates", instagram.creator_id)).json()["accounts"]
    assert theirs["track_record"] == {"reach": None, "cost": None}


def test_sentiment_series_flags_a_spike_day_with_its_statistics(editor) -> None:
    post = PostFactory(caption="New serum review", posted_at=NOW - dt.timedelta(days=20))
    for days_ago in range(12, 2, -1):  # ten calm days: four happy comments each
        for k in range(4):
            CommentSampleFactory(post=post, text=f"Love it {k}!", posted_at=NOW - dt.timedelta(days=days_ago))
    for k in range(6):  # then one day of complaints
        CommentSampleFactory(post=post, text=f"This is a scam, terrible {k}", posted_at=NOW - dt.timedelta(days=1))
    body = editor.client.get(url("creator-sentiment", post.account.creator_id), {"days": 30}).json()
    assert body["comments"] == 46 and body["days"] == 30
    calm, spike = body["series"][:-1], body["series"][-1]
    assert len(calm) == 10 and not any(day["spike"] or day["spike_stats"] for day in calm)
    assert spike["spike"] is True and spike["negative"] == 6 and spike["negative_share"] == 1.0
    assert spike["spike_stats"]["value"] == 1.0 and spike["spike_stats"]["history_points"] == 10


def test_sentiment_series_of_a_creator_without_comments_or_captions(editor) -> None:
    creator = CreatorFactory()
    body = editor.client.get(url("creator-sentiment", creator.pk)).json()
    assert body["series"] == [] and body["comments"] == 0 and body["days"] == 90
    assert body["captions"] == {"count": 0, "mean_score": None, "negative": 0}


@pytest.mark.parametrize("days", ["0", "731", "x"])
def test_sentiment_series_refuses_bad_days(editor, days) -> None:
    response = editor.client.get(url("creator-sentiment", CreatorFactory().pk), {"days": days})
    assert response.status_code == 400 and response.json()["field"] == "days"
