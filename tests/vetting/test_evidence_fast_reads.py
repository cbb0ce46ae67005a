"""The shortcuts of vetting's evidence reads against the general reads they stand for: the reads
an account cannot have rows for left out (`evidence.Samples`), a chunk's histories converted at
once (dates sliced from one calendar), SQLite's post times parsed with their UTC offset,
PostgreSQL's loaded by psycopg's own loader, and the write's parameters prepared without
`get_db_prep_save`. Each compared on edge cases with what the general way gives."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone

from influencers.models import AccountMetrics, Post
from influencers.selectors.history import stored_histories
from influencers.services.history import record_points
from tests.factories import (
    AccountFactory,
    AudienceProfileFactory,
    CommentSampleFactory,
    FollowerSampleFactory,
    MediaAssetFactory,
    PostFactory,
)
from vetting.selectors import evidence
from vetting.services import reports

pytestmark = pytest.mark.django_db
ALL = evidence.Samples(True, True, True, True)


def _read(account_ids: list[int], now: dt.datetime) -> dict[int, dict[str, Any]]:
    """What load_evidence read of each account, as plain values."""
    return {
        pk: {
            "posts": e.posts,
            "comments": e.comments,
            "followers": e.follower_sample,
            "audience": e.audience,
            "images": e.images,
            "copies": e.image_copies,
            "snapshots": list(e.snapshots),
        }
        for pk, e in reports.load_evidence(account_ids, now=now).items()
    }


def _every_read(monkeypatch) -> None:
    """load_evidence told that every account may have rows of each kind (each read made for all)."""
    rows = evidence.account_rows

    def flagged(account_ids, **kwargs):
        return [(*row[:6], ALL, *row[7:]) for row in rows(account_ids, **kwargs)]

    monkeypatch.setattr(evidence, "account_rows", flagged)


def test_samples_flag_what_each_account_has():
    now = timezone.now()
    bare, commented, followed, profiled, pictured, uncommented = (AccountFactory() for _ in range(6))
    CommentSampleFactory(post=PostFactory(account=commented, posted_at=now - dt.timedelta(days=1)))
    PostFactory(account=uncommented, posted_at=now - dt.timedelta(days=1))
    FollowerSampleFactory(account=followed)
    AudienceProfileFactory(account=profiled)
    MediaAssetFactory(account=pictured)
    ids = [a.pk for a in (bare, commented, followed, profiled, pictured, uncommented)]
    flags = {row[0]: row[6] for row in evidence.account_rows(ids, until=now)}
    assert flags == {
        bare.pk: (False, False, False, False),
        commented.pk: (True, False, False, False),
        followed.pk: (False, True, False, False),
        profiled.pk: (False, False, True, False),
        pictured.pk: (False, False, False, True),
        uncommented.pk: (False, False, False, False),
    }
    assert all(type(flag) is bool for row in flags.values() for flag in row)


def test_leaving_out_what_an_account_has_not_reads_what_every_read_reads(monkeypatch):
    # Accounts with some of each kind and accounts with none, in one chunk: the reads made only
    # for the accounts flagged give each account what the reads of every account gave it.
    now = timezone.now()
    accounts = [AccountFactory() for _ in range(6)]
    for k, account in enumerate(accounts):
        record_points(account.pk, [(now.date() - dt.timedelta(days=d), 100 + d, 5, None) for d in range(k + 1)])
        posts = [PostFactory(account=account, posted_at=now - dt.timedelta(days=d, hours=k)) for d in range(1, 3)]
        if k % 2 == 0:
            CommentSampleFactory(post=posts[0], text=f"nice {k}")
            CommentSampleFactory(post=posts[1], posted_at=None)
        if k % 3 == 0:
            FollowerSampleFactory(account=account)
        if k in (1, 4):
            AudienceProfileFactory(account=account)
            AudienceProfileFactory(account=account, as_of=now.date() - dt.timedelta(days=9), source="old")
        if k in (2, 3):
            MediaAssetFactory(account=account, post=posts[0], source_url=f"https://img.example/{k}.jpg")
    ids = [a.pk for a in accounts]
    fast = _read(ids, now)
    with monkeypatch.context() as patched:
        _every_read(patched)
        general = _read(ids, now)
    assert fast == general
    assert sum(bool(r["comments"]) for r in fast.values()) == 3 and sum(bool(r["images"]) for r in fast.values()) == 2
    assert sum(r["audience"] is not None for r in fast.values()) == 2
    assert sum(bool(r["followers"]) for r in fast.values()) == 2


def test_a_chunk_without_any_sample_makes_three_reads(django_assert_num_queries):
    now = timezone.now()
    accounts = [AccountFactory() for _ in range(3)]
    for account in accounts:
        record_points(account.pk, [(now.date(), 10, 1, None)])
        PostFactory(account=account, posted_at=now - dt.timedelta(hours=1))
    with django_assert_num_queries(3):  # accounts, histories, posts
        read = reports.load_evidence([a.pk for a in accounts], now=now)
    assert all(len(e.posts) == 1 and len(e.snapshots) == 1 for e in read.values())


def _histories_one_by_one(account_ids, *, until, limit=None):
    """`snapshot_histories` as it read each history before (a conversion per account)."""
    out = {}
    for account_id, stored in stored_histories(account_ids).items():
        history = stored.until(until)
        points = len(history)
        if not points:
            continue
        if limit is not None:
            history = history.newest(limit)
        following = [None if c == evidence.MISSING else c for c in history.following.tolist()]
        dates = history.days.astype("datetime64[D]").tolist()
        out[account_id] = ((dates, history.followers.tolist(), following), points, history.days.tolist())
    return out


@pytest.mark.parametrize("spread", [False, True])
def test_chunk_histories_are_each_history_read_alone(spread):
    # Consecutive days (dates sliced from the chunk's calendar), histories with a gap, shifted
    # ones, single points, unknown following counts, future points, only future points, the
    # limit cutting some; `spread`: one history years apart, so no calendar is made at all.
    rng = random.Random(7)
    today = dt.date(2026, 6, 1)
    accounts = [AccountFactory() for _ in range(9)]
    shapes: list[list[int]] = [
        list(range(0, 30)),  # consecutive, 30 days back
        list(range(-3, 30)),  # and 3 future days
        list(range(5, 35)),  # consecutive, ending 5 days ago
        [0, 1, 2, 4, 5, 6],  # a gap
        [0],  # one point
        [-2, -1],  # only future points
        list(range(0, 60, 2)),  # every other day
        list(range(0, 12)),  # cut by the limit
        [0, 1, 2, 3000 if spread else 3],
    ]
    for account, offsets in zip(accounts, shapes, strict=True):
        record_points(
            account.pk,
            [
                (today - dt.timedelta(days=d), _count(rng), None if rng.random() < 0.2 else _count(rng), None)
                for d in offsets
            ],
        )
    ids = [a.pk for a in accounts] + [987_654]
    for limit in (None, 10):
        days: dict[int, Any] = {}
        counts: dict[int, Any] = {}
        got = evidence.snapshot_histories(ids, until=today, limit=limit, days=days, floats=counts)
        expected = _histories_one_by_one(ids, until=today, limit=limit)
        assert sorted(got) == sorted(expected) == sorted(a.pk for a, s in zip(accounts, shapes) if max(s) >= 0)
        for account_id, (columns, points, day_numbers) in expected.items():
            assert got[account_id] == (columns, points), account_id
            assert [type(d) for d in got[account_id].columns[0]] == [dt.date] * len(columns[0])
            assert days[account_id].tolist() == day_numbers and days[account_id].dtype.kind == "i"
            # The counts as the floats the lists convert to, bit for bit (huge ones too).
            for given, listed in zip(counts[account_id], columns[1:], strict=True):
                assert given.dtype == np.float64
                assert given.tobytes() == np.array(listed, dtype=float).tobytes(), account_id
    assert any(count >= 2**53 for columns, _, _ in expected.values() for count in columns[1] if count)


def _count(rng: random.Random) -> int:
    """A follower or following count: mostly small, sometimes beyond 2**53 (floats then round)."""
    return rng.randint(0, 10**6) if rng.random() < 0.8 else rng.choice([2**63 - 1, rng.randint(2**53, 2**63 - 1)])


@pytest.mark.parametrize(
    "values",
    [
        ["2026-03-04 05:06:07.123456+00:00", "2026-03-04 05:06:07+00:00"],  # SQLite's texts with the offset
        ["2026-03-04 05:06:07+02:00+00:00", "2026-03-04 05:06:07+00:00"],  # stored with an offset
        ["2026-03-04 05:06:07+00:00", "2026-3-4 5:06+00:00"],  # one only Django's parser reads
    ],
)
def test_sqlite_times_read_with_their_offset_are_the_stored_times_made_aware(values):
    stored = [value.removesuffix("+00:00") for value in values]
    got = evidence._aware_times(values, suffixed=True)
    expected = list(map(evidence._to_aware(), stored))
    assert got == expected
    assert [time.tzinfo for time in got] == [time.tzinfo for time in expected]
    assert [time.isoformat() for time in got] == [time.isoformat() for time in expected]


def test_post_times_are_the_orms_whichever_loader_read_them():
    # PostgreSQL: psycopg's own timestamptz loader (SQLite: the text with its offset) gives the
    # times the ORM gives, in the same zone object.
    account = AccountFactory()
    now = timezone.now()
    for moment in (now - dt.timedelta(hours=1), dt.datetime(2026, 3, 4, 5, 6, 7, 890, tzinfo=dt.UTC)):
        PostFactory(account=account, posted_at=moment)
    PostFactory(account=account, posted_at=dt.datetime(2025, 12, 31, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=-3))))
    read = evidence.post_rows([account.pk], until=now)
    orm = dict(Post.objects.filter(account=account).values_list("id", "posted_at"))
    assert len(read) == 3
    for post in read:
        assert post["posted_at"] == orm[post["id"]]
        assert post["posted_at"].tzinfo is orm[post["id"]].tzinfo
        assert post["posted_at"].isoformat() == orm[post["id"]].isoformat()
    if connection.vendor == "postgresql":
        from psycopg import pq

        with connection.cursor() as cursor:  # the shortcut is the read's own cursor's: the next one has Django's
            loader = cursor.cursor.adapters.get_loader(1184, pq.Format.TEXT)  # 1184: timestamptz
        assert loader is not None and loader.__name__ != "TimestamptzLoader"
        with connection.cursor() as cursor:
            evidence._plain_times(cursor)
            assert cursor.cursor.adapters.get_loader(1184, pq.Format.TEXT).__name__ == "TimestamptzLoader"


def test_post_dicts_are_the_orms_values_field_by_field():
    # `_post_dicts` names each field by hand in a dict display: every column of these posts has
    # its own value (no two counts alike, a sponsored post and one not), so a field given another
    # one's column or left out differs from what the ORM's values() read, key order included.
    now = timezone.now()
    account = AccountFactory()
    for index in range(4):
        PostFactory(
            account=account,
            posted_at=now - dt.timedelta(hours=index),
            url=f"https://example.com/p/{index}",
            caption=f"caption {index}",
            likes=100 + index,
            comments=200 + index,
            shares=300 + index,
            saves=400 + index,
            views=500 + index,
            is_sponsored=index % 2 == 0,
        )
    orm = list(Post.objects.filter(account=account).order_by("-posted_at", "id").values(*evidence.POST_FIELDS))
    for read in (
        evidence.post_rows([account.pk], until=now),
        evidence.recent_post_rows([account.pk], until=now, limit=3),
    ):
        assert read == orm[: len(read)]
        assert [list(post.items()) for post in read] == [list(post.items()) for post in orm[: len(read)]]
        assert [[type(value) for value in post.values()] for post in read] == [
            [type(value) for value in post.values()] for post in orm[: len(read)]
        ]


@pytest.mark.parametrize(
    "values",
    [
        (0.4, "medium", 0.7, ["comments", "audience"]),
        (None, "insufficient", None, []),
        (1, "high", 0, ["images"]),  # ints: made floats as the field makes them
        (0.25, "low", 0.5, {"odd": "shape"}),
    ],
)
def test_the_writes_parameters_are_the_fields_own(values):
    fake_risk, level, confidence, missing = values
    row = reports._Vetted(1, 10, fake_risk, level, confidence, missing, "{}", "{}")
    by_name = {field.name: field for field in AccountMetrics._meta.concrete_fields}
    fields = [by_name[name] for name in ("fake_risk", "risk_level", "risk_confidence", "risk_missing")]
    prepared = reports._prepared_vetting(fields)
    expected = [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields]
    for _ in range(2):  # the second time from its memo of the missing kinds
        got = prepared(row)
        assert [type(v) for v in got] == [type(v) for v in expected]
        if connection.vendor == "postgresql":  # psycopg's JSON wrapper: compared by what it wraps
            got, expected_plain = got[:3] + [got[3].obj], expected[:3] + [expected[3].obj]
            assert got == expected_plain
        else:
            assert got == expected
