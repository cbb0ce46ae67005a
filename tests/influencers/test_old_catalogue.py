"""A catalogue collected years ago, imported through the documented JSON Lines format: every
account with posts gets its engagement rate (windows end at the account's own newest data, not
at today), the discovery filters find it, the data's age is stored and the account is flagged
stale; the vetting signal shows the same engagement rate as the metrics."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from api.serializers.creators import CreatorListSerializer
from influencers.models import Account, AccountMetrics
from influencers.selectors.creators import creator_list
from influencers.services.imports import creators_import_file

pytestmark = pytest.mark.django_db


def _post(post_id: str, day: str, likes: int, comments: int, **more) -> dict:
    return {"id": post_id, "posted_at": f"{day}T10:00:00+00:00", "likes": likes, "comments": comments, **more}


# Instagram, monthly snapshots 2018-01-01 … 2019-05-01 (20,000 + 500 a month). The 90 days up to
# the newest post (2019-05-30) hold five posts; followers at posting time are the nearest
# snapshot: 05-30, 05-10 and 04-20 → 05-01 (28,000); 04-01 → 27,500; 03-15 → 03-01 (27,000).
ANNA = {
    "name": "Anna Old",
    "country": "US",
    "accounts": [
        {
            "platform": "instagram",
            "handle": "anna_2019",
            "snapshots": [
                [f"{2018 + (m // 12)}-{m % 12 + 1:02d}-01", 20_000 + 500 * m, 400, 300 + m] for m in range(17)
            ],
            "posts": [
                _post("a1", "2019-05-30", 800, 40),  # 840 / 28,000 = 3%
                _post("a2", "2019-05-10", 1080, 40),  # 1,120 / 28,000 = 4%
                _post("a3", "2019-04-20", 530, 30),  # 560 / 28,000 = 2%
                _post("a4", "2019-04-01", 1300, 75),  # 1,375 / 27,500 = 5%
                _post("a5", "2019-03-15", 780, 30),  # 810 / 27,000 = 3%
                _post("a6", "2019-02-01", 9000, 900),  # before the window
                _post("a7", "2018-12-01", 9000, 900),
            ],
        }
    ],
}
# TikTok by views: (likes + comments + shares) / views = 6%, 8%, 4% → median 6%.
TOM = {
    "name": "Tom Old",
    "accounts": [
        {
            "platform": "tiktok",
            "handle": "tom_2019",
            "snapshots": [{"date": "2019-04-01", "followers": 100_000}],
            "posts": [
                _post("t1", "2019-04-28", 500, 50, shares=50, views=10_000),
                _post("t2", "2019-04-10", 1500, 100, shares=0, views=20_000),
                _post("t3", "2019-03-20", 180, 10, shares=10, views=5_000),
            ],
        }
    ],
}
# Snapshots only: no engagement rate, still dated (and stale).
CLARA = {
    "name": "Clara Quiet",
    "accounts": [
        {
            "platform": "instagram",
            "handle": "clara_2018",
            "snapshots": [["2018-05-01", 3000], ["2018-06-01", 3100]],
        }
    ],
}


@pytest.fixture
def imported(tmp_path: Path) -> dict[str, Account]:
    path = tmp_path / "old.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in (ANNA, TOM, CLARA)) + "\n", encoding="utf-8")
    creators_import_file(path=path)  # the import's follow-ups compute metrics and vetting
    return {a.handle: a for a in Account.objects.all()}


def test_every_account_with_posts_gets_its_engagement_rate(imported):
    anna = AccountMetrics.objects.get(account=imported["anna_2019"])
    tom = AccountMetrics.objects.get(account=imported["tom_2019"])
    clara = AccountMetrics.objects.get(account=imported["clara_2018"])
    assert anna.engagement_rate == pytest.approx(0.03) and anna.er_posts_used == 5
    assert tom.engagement_rate == pytest.approx(0.06) and tom.er_posts_used == 3
    assert clara.engagement_rate is None  # no posts
    assert anna.posts_per_week == pytest.approx(5 / (90 / 7))
    assert anna.followers == 28_000


def test_data_as_of_is_the_newest_post_and_old_data_is_stale(imported):
    by_handle = {m.account.handle: m for m in AccountMetrics.objects.select_related("account")}
    assert by_handle["anna_2019"].data_as_of == dt.date(2019, 5, 30)
    assert by_handle["tom_2019"].data_as_of == dt.date(2019, 4, 28)
    assert by_handle["clara_2018"].data_as_of == dt.date(2018, 6, 1)
    assert all(m.data_is_stale for m in by_handle.values())


def test_the_discovery_filters_find_the_old_accounts(imported):
    def names(**filters) -> set[str]:
        return {c.display_name for c in creator_list(filters=filters)}

    assert names(min_engagement_rate="0.01") == {"Anna Old", "Tom Old"}
    assert names(min_engagement_rate="0.01", max_engagement_rate="0.035") == {"Anna Old"}
    assert names(stale=True) == {"Anna Old", "Tom Old", "Clara Quiet"}
    assert names(stale=False) == set()
    assert names(max_data_age_days="3650") == {"Anna Old", "Tom Old", "Clara Quiet"}


def test_list_rows_carry_the_data_age(imported):
    creator = next(iter(creator_list(filters={"platform": ["instagram"], "min_engagement_rate": "0.01"})))
    row = CreatorListSerializer(creator).data
    assert row["matched_account"]["data_as_of"] == "2019-05-30" and row["matched_account"]["stale"] is True
    assert row["accounts"][0]["metrics"]["data_as_of"] == "2019-05-30"
    assert row["accounts"][0]["metrics"]["stale"] is True


def test_the_vetting_signal_shows_the_headline_engagement_rate(imported):
    for handle, expected in (("anna_2019", 0.03), ("tom_2019", 0.06)):
        metrics = AccountMetrics.objects.get(account=imported[handle])
        engagement = metrics.vetting["engagement"]
        assert engagement["engagement_rate"] == pytest.approx(expected)
        assert engagement["engagement_rate"] == metrics.engagement_rate
        assert engagement["formula"] == metrics.er_formula
        assert metrics.vetting["rank"]["engagement_rate"] == metrics.engagement_rate
        assert metrics.vetting["data"]["data_as_of"] == metrics.data_as_of.isoformat()
