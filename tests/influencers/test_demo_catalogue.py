"""The synthetic demo catalogue: deterministic, structurally complete, with its fraud cases
really present in the data. One small catalogue is seeded once for the module (rolled back at
the end) to keep the tests fast. The demo tenant written with it is tested in
tests/vetting/test_demo_tenant.py."""

from __future__ import annotations

import datetime as dt
import io
import re
import statistics
from collections import Counter

import numpy as np
import pytest
from django.db import transaction
from django.db.models import Count
from PIL import Image

from core.services.media import hamming_distance
from influencers.models import (
    Account,
    AccountMetrics,
    AudienceProfile,
    CommentSample,
    Creator,
    FollowerSample,
    MediaAsset,
    Post,
)
from influencers.models.audience import DISTRIBUTION_FIELDS, distribution_error
from influencers.selectors.history import account_histories
from influencers.services.demo.images import DEMO_STYLES
from influencers.services.demo.plan import build_demo_plan
from influencers.services.demo.seed import seed_demo_catalogue

END = dt.date(2026, 3, 1)
CREATORS = 36  # enough for every fraud kind (they rotate every 7th creator)
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once inside a transaction that is rolled back after the module's tests."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield seed_demo_catalogue(creators=CREATORS, seed=7, end_date=END, image_size=48)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _accounts_with(summary, mark: str) -> list[Account]:
    ids = [pk for pk, marks in summary.fraud_accounts.items() if mark in marks]
    return list(Account.objects.filter(pk__in=ids))


def test_plan_is_deterministic_and_seed_dependent():
    first = build_demo_plan(creators=12, seed=99, end_date=END)
    again = build_demo_plan(creators=12, seed=99, end_date=END)
    other = build_demo_plan(creators=6, seed=100, end_date=END)
    prefix = build_demo_plan(creators=6, seed=99, end_date=END)

    def handles(plan):
        return [(a.platform, a.handle) for cr in plan.creators for a in cr.accounts]

    assert handles(first) == handles(again) and first.counts() == again.counts()
    assert [a.snapshots for cr in first.creators for a in cr.accounts] == [
        a.snapshots for cr in again.creators for a in cr.accounts
    ]
    assert handles(other) != handles(prefix)
    # A small catalogue is the prefix of a larger one with the same seed.
    assert handles(prefix) == handles(first)[: len(handles(prefix))]


@pytest.mark.django_db
def test_counts_match_the_database(seeded):
    counts = seeded.counts
    assert counts["creators"] == Creator.objects.count() == CREATORS
    assert counts["accounts"] == Account.objects.count()
    assert counts["posts"] == Post.objects.count()
    assert counts["images"] == MediaAsset.objects.count()
    assert counts["follower_samples"] == FollowerSample.objects.count()
    assert counts["comment_samples"] == CommentSample.objects.count()
    assert counts["metrics"] == AccountMetrics.objects.count() == counts["accounts"]


@pytest.mark.django_db
def test_platforms_languages_and_text(seeded):
    platforms = set(Account.objects.values_list("platform", flat=True))
    assert len(platforms) >= 5
    assert len(platforms & {"xiaohongshu", "douyin", "bilibili", "weibo"}) >= 2
    captions = list(Post.objects.values_list("caption", flat=True))
    assert sum(bool(CJK.search(c)) for c in captions) > 50
    assert sum(bool(re.search(r"\b(the|and|for|with|my)\b", c)) for c in captions) > 50
    assert any(CJK.search(name) for name in Creator.objects.values_list("display_name", flat=True))
    assert any(re.fullmatch(r"[a-z._0-9]+", h) for h in Account.objects.values_list("handle", flat=True))
    assert Creator.objects.exclude(contact_email="").exists() and Creator.objects.filter(contact_email="").exists()
    assert len(set(Creator.objects.values_list("country", flat=True))) >= 5
    assert Post.objects.filter(is_sponsored=True).exclude(sponsor="").exists()
    assert Post.objects.filter(views__gt=0, account__platform__in=["youtube", "tiktok", "douyin", "bilibili"]).exists()
    assert Post.objects.filter(saves__gt=0, account__platform="xiaohongshu").exists()
    unsafe = Post.objects.filter(caption__iregex=r"(赌博|博彩|casino|betting|vape|电子烟|喝酒|whisky)")
    assert unsafe.exists()


@pytest.mark.django_db
def test_history_is_180_daily_snapshots_per_account(seeded):
    ids = list(Account.objects.values_list("pk", flat=True))
    histories = account_histories(ids, fields=("date",))
    assert sorted(histories) == sorted(ids) and {len(points) for points in histories.values()} == {180}
    dates = [date for (date,) in histories[ids[0]]]
    assert dates == [END - dt.timedelta(days=179 - d) for d in range(180)]  # daily, by date
    # Each account's stored points are its planned snapshots (the plan is deterministic).
    plan = build_demo_plan(creators=CREATORS, seed=7, end_date=END)
    planned = {(a.platform, a.handle): a.snapshots for cr in plan.creators for a in cr.accounts}
    stored = account_histories(ids)
    for pk, platform, handle in Account.objects.values_list("pk", "platform", "handle"):
        assert stored[pk] == [tuple(point) for point in planned[platform, handle]], handle
    posts_per_account = Account.objects.annotate(n=Count("posts")).values_list("n", flat=True)
    assert min(posts_per_account) >= 19 and max(posts_per_account) <= 40


@pytest.mark.django_db
def test_images_styles_and_notes(seeded):
    per_creator = Counter(MediaAsset.objects.values_list("account__creator_id", flat=True))
    assert len(per_creator) == CREATORS and min(per_creator.values()) >= 4
    assert set(seeded.style_by_creator.values()) <= set(DEMO_STYLES)
    assert len(set(seeded.style_by_creator.values())) >= 4
    for creator in Creator.objects.all():
        assert creator.notes == f"Synthetic demo creator · visual style: {seeded.style_by_creator[creator.pk]}"
    asset = MediaAsset.objects.exclude(post=None).first()
    with asset.image.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        assert image.format == "JPEG" and image.size == (48, 48)
    assert asset.phash and len(asset.sha256) == 64


@pytest.mark.django_db
def test_audiences_are_valid_distributions(seeded):
    profiles = list(AudienceProfile.objects.all())
    assert len(profiles) == Account.objects.count()
    for profile in profiles:
        for name in DISTRIBUTION_FIELDS:
            distribution = getattr(profile, name)
            assert distribution and distribution_error(distribution) is None, (profile.pk, name, distribution)
            assert abs(sum(distribution.values()) - 1) < 1e-6
    # Audiences follow the creator: beauty audiences lean female, gaming audiences male.
    beauty = [p.gender["female"] for p in profiles if p.account.creator.categories[0] == "beauty"]
    gaming = [p.gender.get("female", 0) for p in profiles if p.account.creator.categories[0] == "gaming"]
    if beauty and gaming:
        assert statistics.mean(beauty) > 0.7 > 0.35 > statistics.mean(gaming)


@pytest.mark.django_db
def test_every_fraud_kind_is_planted(seeded):
    marks = Counter(m for ms in seeded.fraud_accounts.values() for m in ms)
    for kind in (
        "follower_jump",
        "following_churn",
        "engagement_pod",
        "fake_follower_sample",
        "low_engagement",
        "reused_images",
    ):
        assert marks[kind] >= 1, kind


@pytest.mark.django_db
def test_follower_jump_is_in_the_snapshot_series(seeded):
    for account in _accounts_with(seeded, "follower_jump"):
        followers = np.array([count for (count,) in account_histories([account.pk], fields=("followers",))[account.pk]])
        diffs = np.diff(followers)
        day = int(np.argmax(diffs))
        typical = float(np.median(np.abs(diffs)))
        assert diffs[day] > 20 * typical and diffs[day] > 1000
        if "follower_purge" in seeded.fraud_accounts[account.pk]:
            assert diffs[day + 7] < -5 * typical  # the partial purge a week later


@pytest.mark.django_db
def test_following_churn_waves(seeded):
    churners = _accounts_with(seeded, "following_churn")
    for account in churners:
        following = np.array([count for (count,) in account_histories([account.pk], fields=("following",))[account.pk]])
        rises = np.diff(following) > 700
        waves = int(np.sum(rises[1:] & ~rises[:-1]))  # starts of big follow runs
        assert waves >= 5
    clean = Account.objects.exclude(pk__in=seeded.fraud_accounts).first()
    steady = [count for (count,) in account_histories([clean.pk], fields=("following",))[clean.pk]]
    assert max(steady) - min(steady) < 700


@pytest.mark.django_db
def test_engagement_pod_comments_in_the_same_order(seeded):
    for account in _accounts_with(seeded, "engagement_pod"):
        orders = []
        for post in Post.objects.filter(account=account, comment_samples__isnull=False).distinct():
            commenters = list(post.comment_samples.order_by("posted_at", "id").values_list("commenter", flat=True))
            orders.append(tuple(commenters[:10]))
        assert len(orders) >= 5 and len(set(orders)) == 1
        texts = set(
            CommentSample.objects.filter(post__account=account, commenter__in=orders[0]).values_list("text", flat=True)
        )
        assert {"Great post!", "🔥🔥", "好棒"} <= texts


def _empty_share(account: Account) -> float:
    rows = list(FollowerSample.objects.filter(account=account))
    empty = [r for r in rows if not r.has_profile_pic and r.media_count <= 3 and r.following_count >= 1500]
    return len(empty) / len(rows)


@pytest.mark.django_db
def test_fake_follower_sample_is_mostly_empty_accounts(seeded):
    for account in _accounts_with(seeded, "fake_follower_sample"):
        assert FollowerSample.objects.filter(account=account).count() >= 100
        assert _empty_share(account) > 0.5
        assert FollowerSample.objects.filter(account=account, username__regex=r"[0-9]{6,}").count() > 20
    clean = Account.objects.exclude(pk__in=seeded.fraud_accounts).filter(follower_samples__isnull=False).distinct()
    assert clean.exists() and all(_empty_share(a) < 0.2 for a in clean)


@pytest.mark.django_db
def test_low_engagement_is_far_below_peers(seeded):
    for account in _accounts_with(seeded, "low_engagement"):
        own = AccountMetrics.objects.get(account=account).er_by_followers
        peers = (
            AccountMetrics.objects.filter(account__platform=account.platform)
            .exclude(account_id__in=seeded.fraud_accounts)
            .values_list("er_by_followers", flat=True)
        )
        assert peers and own < 0.5 * min(peers)


@pytest.mark.django_db
def test_reused_images_are_copies_from_another_creator(seeded):
    for account in _accounts_with(seeded, "reused_images"):
        own = list(MediaAsset.objects.filter(account=account))
        others = list(MediaAsset.objects.exclude(account__creator=account.creator))
        assert any(a.sha256 == o.sha256 for a in own for o in others)  # byte-identical copy
        assert any(  # re-encoded copy: another file, the same picture
            a.sha256 != o.sha256 and hamming_distance(a.phash, o.phash) <= 10 for a in own for o in others
        )
