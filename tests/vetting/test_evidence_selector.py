"""The evidence vetting reads by plain SQL (vetting.selectors.evidence, through
`load_evidence`) against the querysets it replaced, on a catalogue of named edge cases: no
metrics row or one never computed, no history, a history longer than kept, a following count
missing, posts in the future, more posts than kept and posts at the same time, comments
without a date, follower profiles with unknown fields, creators with and without languages,
ids that do not exist."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from influencers.models import AccountMetrics, CommentSample, FollowerSample, Post
from influencers.selectors.history import account_histories
from influencers.services.history import record_points
from tests.factories import (
    AccountFactory,
    AccountMetricsFactory,
    CommentSampleFactory,
    CreatorFactory,
    FollowerSampleFactory,
    PostFactory,
)
from vetting.scoring.comments import CommentItem
from vetting.scoring.engagement import StoredEngagement
from vetting.scoring.followers import FIELDS, FollowerProfile
from vetting.services import reports

pytestmark = pytest.mark.django_db
HISTORY, POSTS = 6, 3  # small limits, so that longer histories and post lists are cheap to make


def _orm_evidence(account_ids: list[int], now: dt.datetime) -> dict[int, dict[str, Any]]:
    """What `load_evidence` read through the ORM before (its code, without audience and images)."""
    from influencers.models import Account

    out: dict[int, dict[str, Any]] = {}
    metrics = {
        row[0]: row[1:]
        for row in AccountMetrics.objects.filter(account_id__in=account_ids).values_list(
            "account_id", "followers", "engagement_rate", "er_formula", "er_posts_used", "data_as_of"
        )
    }
    for pk, platform, handle, bio, languages in Account.objects.filter(pk__in=account_ids).values_list(
        "pk", "platform", "handle", "bio", "creator__languages"
    ):
        followers, er, formula, used, as_of = metrics.get(pk, (None, None, "", 0, None))
        out[pk] = {
            "head": (platform, handle, bio or "", followers, list(languages or []), pk in metrics, as_of),
            "engagement": StoredEngagement(er, formula, used) if as_of is not None else None,
            "snapshots": [],
            "posts": [],
            "comments": [],
            "followers": [],
        }
    # The HISTORY newest points dated today or earlier of each whole history.
    for account_id, points in account_histories(list(out), fields=("date", "followers", "following")).items():
        out[account_id]["snapshots"] = [point for point in points if point[0] <= now.date()][-HISTORY:]
    newest = Window(RowNumber(), partition_by=F("account_id"), order_by=[F("posted_at").desc(), F("id").asc()])
    for post in (
        Post.objects.filter(account_id__in=list(out), posted_at__lte=now)
        .annotate(rn=newest)
        .filter(rn__lte=POSTS)
        .order_by("account_id", "-posted_at", "id")
        .values(*reports.evidence_rows.POST_FIELDS)
    ):
        out[post["account_id"]]["posts"].append(post)
    post_account = {p["id"]: pk for pk, e in out.items() for p in e["posts"]}
    for post_id, commenter, text, posted_at in (
        CommentSample.objects.filter(post_id__in=list(post_account))
        .order_by("post_id", "posted_at", "id")
        .values_list("post_id", "commenter", "text", "posted_at")
    ):
        out[post_account[post_id]]["comments"].append(CommentItem(post_id, commenter, text, posted_at))
    for evidence in out.values():  # no metrics: the newest snapshot's count
        platform, handle, bio, followers, *rest = evidence["head"]
        if followers is None and evidence["snapshots"]:
            evidence["head"] = (platform, handle, bio, float(evidence["snapshots"][-1][1]), *rest)
    for account_id, *profile in (
        FollowerSample.objects.filter(account_id__in=list(out))
        .order_by("account_id", "id")
        .values_list("account_id", *FIELDS)
    ):
        out[account_id]["followers"].append(FollowerProfile(**dict(zip(FIELDS, profile))))
    return out


def _as_read(evidence: reports.AccountEvidence) -> dict[str, Any]:
    return {
        "head": (
            evidence.platform,
            evidence.handle,
            evidence.bio,
            evidence.followers,
            evidence.creator_languages,
            evidence.stored_metrics,
            evidence.data_as_of,
        ),
        "engagement": evidence.engagement,
        "snapshots": evidence.snapshots,
        "posts": evidence.posts,
        "comments": evidence.comments,
        "followers": evidence.follower_sample,
    }


def _catalogue(now: dt.datetime) -> tuple[list[int], list[int]]:
    """The account ids (and one that does not exist), and the ids of the posts kept of the first."""
    today = now.date()
    ids = []
    # Full data: metrics, a history longer than kept (one following count unknown), more posts
    # than kept with two at the same time, comments with and without a date, follower profiles.
    full = AccountFactory(creator=CreatorFactory(languages=["zh", "en"]), bio="护肤 skincare")
    AccountMetricsFactory(account=full, followers=5_000, engagement_rate=0.031, er_formula="f", er_posts_used=3)
    AccountMetrics.objects.filter(account=full).update(data_as_of=today)
    record_points(
        full.pk,
        [
            (today - dt.timedelta(days=i * 2), 5_000 - i * 7, None if i == 3 else 300 + i, None)
            for i in range(HISTORY + 4)
        ],
    )
    record_points(full.pk, [(today + dt.timedelta(days=1), 9_999, None, None)])  # future
    # The third newest post is one of two at the same time: the one with the smaller id is kept.
    same_time = now - dt.timedelta(days=2)
    posts = [PostFactory(account=full, posted_at=now - dt.timedelta(hours=h), is_sponsored=True) for h in (3, 24)]
    posts += [PostFactory(account=full, posted_at=same_time, views=None, shares=None) for _ in range(2)]
    posts += [PostFactory(account=full, posted_at=now - dt.timedelta(days=d)) for d in (3, 9)]
    PostFactory(account=full, posted_at=now + dt.timedelta(hours=1))  # not published yet at `now`
    for post in posts:
        CommentSampleFactory(post=post, posted_at=None, text="first")
        CommentSampleFactory(post=post, posted_at=now - dt.timedelta(minutes=3), text="second")
        CommentSampleFactory(post=post, posted_at=now - dt.timedelta(minutes=3), text="tie")
    FollowerSampleFactory(account=full, has_profile_pic=None, is_private=True, followers_count=None)
    FollowerSampleFactory(account=full, is_verified=False, external_url="https://example.com")
    ids.append(full.pk)
    # No more posts than kept (read without the window), two of them at the same time, and one
    # not published yet.
    few = AccountFactory()
    for posted_at in (same_time, now - dt.timedelta(days=5), same_time, now + dt.timedelta(hours=2)):
        PostFactory(account=few, posted_at=posted_at, shares=None)
    ids.append(few.pk)
    # A short history, no metrics row, a creator without languages.
    short = AccountFactory(creator=CreatorFactory(languages=[]))
    record_points(short.pk, [(today - dt.timedelta(days=i), 100 + i, 5, None) for i in range(3)])
    PostFactory(account=short, posted_at=now - dt.timedelta(days=2))
    ids.append(short.pk)
    # Nothing at all but a metrics row that was never computed (no data_as_of).
    empty = AccountFactory(bio="")
    AccountMetricsFactory(account=empty, followers=0)
    AccountMetrics.objects.filter(account=empty).update(data_as_of=None)
    ids.append(empty.pk)
    return [*ids, 987_654], [post.pk for post in posts[:POSTS]]


def test_load_evidence_reads_what_the_orm_read(monkeypatch):
    monkeypatch.setattr(reports, "HISTORY_DAYS", HISTORY)
    monkeypatch.setattr(reports, "RECENT_POSTS", POSTS)
    now = timezone.now()
    ids, kept_posts = _catalogue(now)
    expected = _orm_evidence(ids, now)
    got = reports.load_evidence(ids, now=now)
    assert sorted(got) == sorted(expected) == sorted(ids[:-1])
    for pk, evidence in got.items():
        assert _as_read(evidence) == expected[pk], pk
        # The columns the scorers read: those a whole history was read as, or transposed.
        columns = tuple(map(list, zip(*expected[pk]["snapshots"], strict=True))) or ([], [], [])
        assert reports._history_columns(evidence) == columns, pk
        # The same Python types too (the report's JSON is written from them).
        for ours, theirs in zip(evidence.posts, expected[pk]["posts"], strict=True):
            assert [type(v) for v in ours.values()] == [type(v) for v in theirs.values()]
            assert ours["posted_at"].tzinfo == theirs["posted_at"].tzinfo
    full = got[ids[0]]
    assert len(full.snapshots) == HISTORY and len(full.posts) == POSTS and len(full.comments) == 3 * POSTS
    assert [p["id"] for p in full.posts] == kept_posts
    few = got[ids[1]]
    assert [p["posted_at"] for p in few.posts] == [now - dt.timedelta(days=2)] * 2 + [now - dt.timedelta(days=5)]
    assert few.posts[0]["id"] < few.posts[1]["id"]
    assert got[ids[2]].followers == 100.0  # no metrics: the newest snapshot's count


def test_posts_no_more_than_kept_are_read_without_the_window_query(monkeypatch):
    monkeypatch.setattr(reports, "RECENT_POSTS", POSTS)
    now = timezone.now()
    ids, _posts = _catalogue(now)
    windowed: list[list[int]] = []
    window_read = reports.evidence_rows.recent_post_rows

    def recent(account_ids, **kwargs):
        windowed.append(list(account_ids))
        return window_read(account_ids, **kwargs)

    monkeypatch.setattr(reports.evidence_rows, "recent_post_rows", recent)
    got = reports.load_evidence(ids, now=now)
    assert windowed == [[ids[0]]]  # the only account with more posts than kept
    assert [len(got[pk].posts) for pk in ids[:4]] == [POSTS, 3, 1, 0]


def test_a_history_is_whole_by_its_points_dated_until_or_earlier(monkeypatch):
    # The growth fit reads a whole history's columns (`evidence.history`); a longer one only its
    # newest HISTORY points (`snapshots`). Points after `until` do not make a history longer.
    monkeypatch.setattr(reports, "HISTORY_DAYS", HISTORY)
    now = timezone.now()
    today = now.date()
    whole, longer = AccountFactory(), AccountFactory()
    record_points(whole.pk, [(today - dt.timedelta(days=i), 10 + i, 5, None) for i in range(-3, HISTORY)])
    record_points(longer.pk, [(today - dt.timedelta(days=i), 10 + i, None, None) for i in range(HISTORY + 1)])
    read = reports.load_evidence([whole.pk, longer.pk], now=now)
    kept = [today - dt.timedelta(days=i) for i in range(HISTORY - 1, -1, -1)]
    assert read[whole.pk].history is not None and [s[0] for s in read[whole.pk].snapshots] == kept
    assert read[longer.pk].history is None and [s[0] for s in read[longer.pk].snapshots] == kept
    assert [s[1] for s in read[longer.pk].snapshots] == [10 + i for i in range(HISTORY - 1, -1, -1)]
    assert all(s[2] is None for s in read[longer.pk].snapshots)
    assert all(type(s[0]) is dt.date for s in read[whole.pk].snapshots)


def test_history_dates_read_right_whatever_the_servers_date_style():
    # PostgreSQL writes a date cast to text in the session's DateStyle; a server configured for
    # "SQL, DMY" must not turn 2026-03-04 into 3 April or an unreadable text.
    from django.db import connection

    from vetting.selectors.evidence import snapshot_histories

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (set DATABASE_URL): DateStyle is a PostgreSQL setting")
    account = AccountFactory()
    record_points(account.pk, [(dt.date(2026, 3, 4), 10, 2, None), (dt.date(2026, 3, 25), 12, None, None)])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL DateStyle = 'SQL, DMY'")
        histories = snapshot_histories([account.pk], until=dt.date(2026, 12, 31))
    assert histories == {account.pk: (([dt.date(2026, 3, 4), dt.date(2026, 3, 25)], [10, 12], [2, None]), 2)}


def test_a_chunks_ids_are_one_parameter_on_postgresql(monkeypatch):
    # psycopg scans a statement in Python for each marker and does not cache long statements;
    # the server plans a long IN list slowly: on PostgreSQL every id list of the follow-up's
    # reads (vetting evidence, metrics history, search text) is one array parameter.
    from django.db import connection

    from influencers.metrics.service import refresh_metrics
    from influencers.services.search_index import index_accounts

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (set DATABASE_URL): SQLite has no arrays and keeps its IN lists")
    monkeypatch.setattr(reports, "HISTORY_DAYS", HISTORY)
    monkeypatch.setattr(reports, "RECENT_POSTS", POSTS)
    now = timezone.now()
    ids, _posts = _catalogue(now)
    ids = ids[:-1]
    sent: list[tuple[str, int]] = []

    def count(execute, sql, params, many, context):
        sent.append((sql, 0 if params is None else len(params)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        reports.load_evidence(ids, now=now)
        refresh_metrics(ids, as_of=now)
        index_accounts(ids)
    reads = [(sql, n) for sql, n in sent if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    raw = [(sql, n) for sql, n in reads if "ANY(" in sql]
    assert len(raw) >= 6  # accounts, histories, posts, comments, samples; snapshots, posts; counts
    assert all(n <= 4 for _sql, n in raw), [(sql[:80], n) for sql, n in raw if n > 4]


@pytest.mark.parametrize(
    "values",
    [
        ["2026-03-04 05:06:07.123456", "2026-03-04 05:06:07"],  # SQLite's texts: by C calls alone
        ["2026-03-04 05:06:07", "2026-03-04 05:06:07+02:00"],  # one with an offset: kept as it is
        ["2026-03-04 05:06:07", "2026-3-4 5:06"],  # one only Django's parser reads
        ["2026-03-04 05:06:07", None],
        [dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC), dt.datetime(2026, 3, 4, 5, 6, 7)],  # PostgreSQL's
        [],
    ],
)
def test_post_times_are_made_aware_as_one_at_a_time(values):
    from vetting.selectors.evidence import _aware_times, _to_aware

    got = _aware_times(values)
    expected = list(map(_to_aware(), values))
    assert got == expected
    assert [getattr(time, "tzinfo", None) for time in got] == [getattr(time, "tzinfo", None) for time in expected]


def test_history_rows_are_the_rows_of_the_columns():
    # A history read as columns, seen as its rows (made when read): equal to the list of them
    # in every read the report and the tests make.
    dates = [dt.date(2026, 1, d) for d in (1, 2, 3)]
    columns = (dates, [10, 11, 12], [5, None, 7])
    rows = reports.HistoryRows(columns)
    expected = list(zip(*columns))
    assert rows == expected and expected == rows and rows == reports.HistoryRows(columns)
    assert rows != expected[:2] and rows != tuple(expected)
    assert len(rows) == 3 and bool(rows) and not reports.HistoryRows(([], [], []))
    assert rows[-1] == (dates[2], 12, 7) and rows[1:] == expected[1:] and list(rows) == expected
    assert repr(rows) == repr(expected)


def test_histories_are_read_by_date_cut_at_until_and_limited():
    # Each history's points by date whatever order they were written in, unknown following
    # counts as None, the dates after `until` left out (and not counted), the `limit` newest
    # kept; an account without a point dated `until` or earlier is absent.
    from vetting.selectors import evidence

    rng = __import__("random").Random(3)
    today = timezone.now().date()
    accounts = [AccountFactory() for _ in range(4)]
    points = {
        a.pk: [(today - dt.timedelta(days=d), 1_000 * (k + 1) + d, None if d % 4 else d, d + 3) for d in range(-2, 40)]
        for k, a in enumerate(accounts[:2])
    }
    for account_id, written in points.items():
        shuffled = written[:]
        rng.shuffle(shuffled)
        for start in range(0, len(shuffled), 10):  # several writes: merged into the one row
            record_points(account_id, shuffled[start : start + 10])
    record_points(accounts[2].pk, [(today + dt.timedelta(days=1), 5, 5, 5)])  # only a future point
    ids = [a.pk for a in accounts]
    for limit in (None, 7):
        got = evidence.snapshot_histories(ids, until=today, limit=limit)
        assert sorted(got) == ids[:2]
        for account_id, written in points.items():
            dated = sorted(point for point in written if point[0] <= today)
            kept = dated if limit is None else dated[-limit:]
            columns, count = got[account_id]
            assert count == len(dated) == 40
            assert columns == ([p[0] for p in kept], [p[1] for p in kept], [p[2] for p in kept])
            assert all(type(d) is dt.date for d in columns[0]) and None in columns[2]


def test_audience_profiles_read_as_the_orm_read():
    # The audience profiles by plain SQL: the dicts values() made (dates as dates, JSON decoded),
    # in its order, and load_evidence keeps each account's newest.
    from influencers.models import AudienceProfile
    from tests.factories import AudienceProfileFactory
    from vetting.selectors import evidence

    today = timezone.now().date()
    accounts = [AccountFactory() for _ in range(3)]
    for k, account in enumerate(accounts[:2]):
        for days, source in ((30, "a"), (2, "b"), (2, "c"), (400, "a")):
            AudienceProfileFactory(
                account=account,
                source=source,
                as_of=today - dt.timedelta(days=days),
                age={"18-24": 0.5 + k / 10, "25-34": 0.5 - k / 10},
                languages={"zh": 1.0} if source == "c" else {},
                interests=["beauty"] if source == "b" else {},
            )
    ids = [a.pk for a in accounts]
    fields = evidence.AUDIENCE_FIELDS
    expected = list(
        AudienceProfile.objects.filter(account_id__in=ids).order_by("account_id", "-as_of", "-id").values(*fields)
    )
    got = evidence.audience_rows(ids)
    assert got == expected and len(got) == 8
    for ours, theirs in zip(got, expected, strict=True):
        assert list(ours) == list(theirs) and [type(v) for v in ours.values()] == [type(v) for v in theirs.values()]
    read = reports.load_evidence(ids)
    assert read[ids[0]].audience == expected[0] and read[ids[1]].audience == expected[4]
    assert read[ids[0]].audience["source"] == "c" and read[ids[2]].audience is None
