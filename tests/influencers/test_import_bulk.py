"""The importer's bulk paths (docs/import-performance.md, 2026-12-06): each shortcut gives
what the general path gives.

- `date_problem` on an aware moment skips the time zone look-up when the moment is clearly in
  range: same answer as converting it to the server's zone, in any zone, at every boundary;
- new rows get the model defaults taken once per table, and a callable default (a list) still
  gives each row its own value;
- SQLite datetimes adapted without Django's adapter give Django's text;
- new posts get reserved ids (no RETURNING): the ids the database would have given, the comments
  under them point at them, across chunks and next to posts already in the catalogue;
- on PostgreSQL queued inserts are a COPY: the rows read back as a multi-row INSERT writes them,
  and a failing COPY rolls the import back.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import zoneinfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from influencers.history_arrays import COLUMNS as HISTORY_COLUMNS
from influencers.history_arrays import from_points
from influencers.models import AccountHistory, AudienceProfile, CommentSample, Platform, Post, PostType
from influencers.services.imports import creators_import_file
from influencers.services.imports import sql as sql_module
from influencers.services.imports import writer as writer_module
from influencers.services.imports.records import AUDIENCES, POSTS
from influencers.services.imports.sql import BulkTable, StatementRunner
from influencers.services.imports.values import EARLIEST_LAUNCH_YEAR, PLATFORM_LAUNCH_YEARS, date_problem
from influencers.services.imports.writer import _TableWriter
from tests.factories import AccountFactory

ZONES = ("UTC", "Asia/Shanghai", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/St_Johns", "Asia/Kathmandu")


def date_problem_by_local_date(day: dt.datetime, platform: str | None, today: dt.date) -> str | None:
    """The general check: the moment's date in the server's zone, then the two limits."""
    local = timezone.localtime(day).date()
    tomorrow = today + dt.timedelta(days=1)
    if local > tomorrow:
        return f"{local.isoformat()} is in the future (the latest date accepted is tomorrow, {tomorrow.isoformat()})"
    launched = PLATFORM_LAUNCH_YEARS.get(platform or "", EARLIEST_LAUNCH_YEAR)
    if local.year < launched:
        label = Platform(platform).label if platform in Platform.values else "any of the platforms"
        return f"{local.isoformat()} is before {label} existed (launched in {launched})"
    return None


def moments_near_the_limits(today: dt.date, rng: random.Random) -> list[dt.datetime]:
    """Aware moments in many zones around tomorrow and around each platform's launch, plus
    random ones, every hour of the boundary days."""
    days = [today + dt.timedelta(days=d) for d in (-2, -1, 0, 1, 2, 3)]
    for year in {*PLATFORM_LAUNCH_YEARS.values()}:
        days += [dt.date(year, 1, 1) + dt.timedelta(days=d) for d in (-2, -1, 0, 1, 2)]
    days += [dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(12_000)) for _ in range(60)]
    offsets = [dt.timedelta(hours=h, minutes=m) for h, m in ((-12, 0), (-9, -30), (0, 0), (5, 45), (8, 0), (14, 0))]
    moments = []
    for day in days:
        for hour in (0, 1, 11, 12, 22, 23):
            for offset in offsets:
                moment = dt.datetime.combine(day, dt.time(hour, rng.randrange(60)), dt.timezone(offset))
                moments.append(moment)
    return moments


@pytest.mark.parametrize("zone", ZONES)
def test_date_problem_on_aware_moments_is_the_check_in_the_server_zone(zone):
    rng = random.Random(zone)
    today = dt.date(2026, 12, 6)
    platforms = [None, "instagram", "tiktok", "douyin", "youtube", "not-a-platform"]
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        for moment in moments_near_the_limits(today, rng):
            for platform in platforms:
                assert date_problem(moment, platform, today) == date_problem_by_local_date(moment, platform, today), (
                    moment,
                    platform,
                )


def outcome(check, *args):
    try:
        return check(*args)
    except OverflowError:
        return OverflowError


def test_date_problem_at_the_ends_of_the_calendar_gives_the_general_answer():
    today = dt.date(2026, 12, 6)
    ends = [
        dt.datetime(1, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        dt.datetime(1, 1, 2, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-1))),
        dt.datetime(9999, 12, 30, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-1))),
    ]
    for zone in ("UTC", "Asia/Shanghai", "America/St_Johns"):
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            for moment in ends:
                assert outcome(date_problem, moment, "instagram", today) == outcome(
                    date_problem_by_local_date, moment, "instagram", today
                ), (zone, moment)


def test_new_rows_get_the_model_defaults_and_each_its_own_list():
    writer = _TableWriter(POSTS, timezone.now())
    given = (None,) * len(POSTS.values)
    first, second = writer.complete(given), writer.complete(given)
    fields = {field.attname: field for field in Post._meta.concrete_fields}
    by_field = tuple(
        None if fields[name].null or fields[name].get_default() is None else fields[name].get_default()
        for name in POSTS.values
    )
    assert first == writer.derive(by_field)
    hashtags = POSTS.values.index("hashtags")
    assert first[hashtags] == [] and first[hashtags] is not second[hashtags]


def test_new_rows_completed_a_column_at_a_time_are_completed_rows():
    """`new_columns` (the chunk's new rows, completed column by column, derived columns decided
    row by row) gives the columns of the rows `complete` gives, each row its own default list."""
    writer = _TableWriter(POSTS, timezone.now())
    rng = random.Random(3)
    rows = []
    for index in range(40):
        values = [None] * len(POSTS.values)
        for name, choices in (
            ("caption", ["#ad trip", "我的日常", "paid partnership with @brand", ""]),
            ("hashtags", [["ad"], ["travel"]]),
            ("post_type", ["reel", "video"]),
            ("likes", [0, 5, 2**40]),
            ("paid_partnership", [True, False]),
            ("sponsor", ["Lumiskin", " "]),
        ):
            if rng.random() < 0.5:
                values[POSTS.values.index(name)] = rng.choice(choices)
        rows.append((f"post-{index}", *values))
    rows.append((f"post-{len(rows)}", *([None] * len(POSTS.values))))  # a column the file never gives
    columns = writer.new_columns([7] * len(rows), rows)
    expected = [(7, row[0], *writer.complete(row[1:])) for row in rows]
    assert [tuple(row) for row in zip(*columns, strict=True)] == expected
    hashtags = list(columns[2 + POSTS.values.index("hashtags")])
    defaults = [
        value for value, row in zip(hashtags, rows, strict=True) if row[1 + POSTS.values.index("hashtags")] is None
    ]
    assert len(defaults) > 1 and len({id(value) for value in defaults}) == len(defaults)


def test_given_values_are_kept_and_only_missing_ones_take_defaults():
    writer = _TableWriter(AUDIENCES, timezone.now())
    given = ({"female": 1.0}, None, None, {"zh": 1.0}, None)
    completed = writer.complete(given)
    assert completed == ({"female": 1.0}, {}, {}, {"zh": 1.0}, {})
    assert completed[1] is not writer.complete(given)[1]


@pytest.mark.sqlite_only
@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/St_Johns"])
def test_sqlite_datetimes_are_stored_as_django_stores_them(zone):
    rng = random.Random(zone)
    adapt = BulkTable(Post, ["posted_at"]).adapters[0][1]
    values: list[dt.datetime | None] = [None]
    for _ in range(300):
        naive = dt.datetime(2009, 1, 1) + dt.timedelta(
            seconds=rng.randrange(600_000_000), microseconds=rng.randrange(2)
        )
        offset = dt.timedelta(minutes=rng.randrange(-12 * 60, 14 * 60 + 1))
        values += [naive.replace(tzinfo=dt.timezone(offset)), naive.replace(tzinfo=zoneinfo.ZoneInfo(zone)), naive]
    for value in values:
        assert adapt(value) == connection.ops.adapt_datetimefield_value(value), value


@pytest.mark.sqlite_only
@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai"])
def test_sqlite_datetime_columns_are_adapted_as_each_value_is(zone):
    """A column of aware moments is written at once (numpy, from each moment's distance from
    1970): the text Django stores, across the calendar, every offset, with and without
    microseconds; a column with a naive moment, a None or a moment at an end of the calendar
    goes value by value, and gives the same."""
    table = BulkTable(Post, ["posted_at"])
    adapt, adapt_column = table.adapters[0][1], table.column_adapters[0][1]
    rng = random.Random(zone)
    zones = [zoneinfo.ZoneInfo(name) for name in ZONES]
    aware = []
    for _ in range(3000):
        naive = dt.datetime(1, 1, 3) + dt.timedelta(
            seconds=rng.randrange(315_537_000_000), microseconds=rng.choice([0, rng.randrange(1_000_000)])
        )
        offset = dt.timezone(dt.timedelta(minutes=rng.randrange(-23 * 60, 24 * 60), seconds=rng.randrange(2) * 30))
        aware.append(naive.replace(tzinfo=rng.choice([dt.UTC, offset, rng.choice(zones)]), fold=rng.randrange(2)))
    aware += [dt.datetime(1970, 1, 1, tzinfo=dt.UTC), dt.datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC)]
    aware += [dt.datetime(2000, 2, 29, 23, 30, tzinfo=dt.timezone(-dt.timedelta(hours=1)))]
    ends = [dt.datetime(1, 1, 1, 0, 30, tzinfo=dt.UTC), dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.UTC)]
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        for column in (aware, [*aware, None], [*aware, aware[0].replace(tzinfo=None)], [*aware, *ends]):
            assert adapt_column(column) == [adapt(value) for value in column]
        assert adapt_column(aware) == [connection.ops.adapt_datetimefield_value(value) for value in aware]


@pytest.mark.django_db
def test_json_columns_are_adapted_as_each_value_is():
    """Lists of strings go through the memo at once; a column with anything else goes value by
    value: the same parameters either way."""
    table = BulkTable(Post, ["hashtags"])
    adapt, adapt_column = table.adapters[0][1], table.column_adapters[0][1]
    lists = [["travel", "food"], [], ["旅行"], ["travel", "food"], ["a"] * 3]
    for column in (lists, [*lists, None], [*lists, {"not": "a list"}], [*lists, [{"un": "hashable"}]]):
        adapted, expected = adapt_column(column), [adapt(value) for value in column]
        assert [str(value) for value in adapted] == [str(value) for value in expected]


def post_record(index: int, posts: int, comments: int, prefix: str = "p") -> dict:
    return {
        "name": f"Creator {index}",
        "accounts": [
            {
                "platform": "instagram",
                "handle": f"bulk_{index}",
                "snapshots": [{"date": "2026-03-01", "followers": 10 + index, "following": 1, "posts": 2}],
                "posts": [
                    {
                        "id": f"{prefix}{index}-{n}",
                        "posted_at": f"2026-03-0{1 + n % 9}T12:00:00+08:00",
                        "caption": f"post {n} #ad" if n % 2 else f"post {n}",
                        "hashtags": ["#travel", "food"],
                        "comment_samples": [{"commenter": f"fan{c}", "text": f"nice {n}.{c}"} for c in range(comments)],
                    }
                    for n in range(posts)
                ],
            }
        ],
    }


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")


@pytest.mark.django_db(transaction=True)
def test_posts_get_the_ids_the_database_gives_and_their_comments_point_at_them(tmp_path, monkeypatch):
    monkeypatch.setattr(writer_module, "ACCOUNTS_PER_CHUNK", 2)
    # Posts already in the catalogue: their ids come first, and the import matches them up.
    existing = AccountFactory(platform="instagram", handle="bulk_0")
    Post.objects.create(account=existing, platform_post_id="p0-0", posted_at=timezone.now(), caption="old")
    Post.objects.create(account=AccountFactory(), platform_post_id="elsewhere", posted_at=timezone.now())
    first_new_id = Post.objects.order_by("-id").values_list("id", flat=True)[0] + 1
    path = tmp_path / "creators.jsonl"
    write_jsonl(path, [post_record(index, posts=3, comments=2) for index in range(7)])

    result = creators_import_file(path=path, refresh=False)

    assert result.counts["posts"] == {"created": 20, "updated": 1, "unchanged": 0}
    new_posts = list(
        Post.objects.filter(id__gte=first_new_id).order_by("id").values_list("platform_post_id", flat=True)
    )
    # In file order, one id after another from the first free one, as INSERT ... RETURNING gave.
    assert new_posts == [f"p{index}-{n}" for index in range(7) for n in range(3) if (index, n) != (0, 0)]
    for post in Post.objects.filter(account__handle__startswith="bulk_"):
        texts = sorted(CommentSample.objects.filter(post=post).values_list("text", flat=True))
        n = post.platform_post_id.rsplit("-", 1)[1]
        assert texts == [f"nice {n}.0", f"nice {n}.1"], post.platform_post_id
    # The table's own id source moved past the reserved ids.
    later = Post.objects.create(account=existing, platform_post_id="later", posted_at=timezone.now())
    assert later.id > max(Post.objects.exclude(pk=later.pk).values_list("id", flat=True))

    again = creators_import_file(path=path, refresh=False)
    assert again.counts["posts"] == {"created": 0, "updated": 0, "unchanged": 21}
    assert again.counts["comments"] == {"created": 0, "updated": 0, "unchanged": 42}


@pytest.mark.django_db
def test_empty_columns_booleans_and_choices_are_stored_as_the_orm_stores_them():
    """A column without a value in the rows (NULL in the statement's text on SQLite), booleans
    (sent as 1 and 0 on SQLite) and a choices member read back as the ORM's own rows do."""
    account = AccountFactory()
    names = ["account_id", "platform_post_id", "posted_at", "post_type", "paid_partnership", "shares"]
    names += ["is_sponsored", "caption", "url", "hashtags", "mentions", "likes", "comments", "sponsor"]
    names += ["sponsorship_source", "sponsorship_marker"]
    moment = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    rows = [
        (account.id, "a", moment, PostType.REEL, None, None, True, "x", "", ["ad"], [], 1, 2, "", "flag", ""),
        (account.id, "b", moment, PostType.IMAGE, None, 5, False, "y", "", [], [], 3, 4, "", "", ""),
    ]
    BulkTable(Post, names).insert_columns(list(zip(*rows, strict=True)))
    for row in rows:
        Post.objects.create(
            **{name: value for name, value in zip(names, row, strict=True)} | {"platform_post_id": row[1] + "-orm"}
        )
    stored = {post_id: values for post_id, *values in Post.objects.values_list(*names[1:])}
    for post_id in ("a", "b"):
        assert stored[post_id] == stored[post_id + "-orm"]
    assert stored["a"][4] is True and stored["b"][4] is False and stored["a"][1] == "reel"
    with connection.cursor() as cursor:
        cursor.execute("SELECT platform_post_id, is_sponsored, paid_partnership FROM influencers_post")
        raw = {post_id: (sponsored, flag) for post_id, sponsored, flag in cursor.fetchall()}
    assert raw["a"] == raw["a-orm"] and raw["b"] == raw["b-orm"]


def rows_as_read(model, columns):
    return sorted(model.objects.values_list(*columns), key=repr)


def stored_history_rows():
    rows = AccountHistory.objects.order_by("account_id").values_list("account_id", *HISTORY_COLUMNS)
    return [(account_id, *map(bytes, packed)) for account_id, *packed in rows]


@pytest.mark.django_db
def test_queued_inserts_store_what_a_direct_insert_stores():
    """On PostgreSQL the queued insert is a COPY and the direct one a multi-row INSERT; on SQLite
    both are INSERTs (the same check, still)."""
    accounts = [AccountFactory() for _ in range(3)]
    account = accounts[0]
    now = timezone.now()
    histories = BulkTable(AccountHistory, ["account_id", *HISTORY_COLUMNS])
    audiences = _TableWriter(AUDIENCES, now)
    history_rows = [
        (
            owner.id,
            *from_points(
                [
                    (dt.date(2026, 1, 1) + dt.timedelta(days=d), 10 * d + n, None if d % 3 else d, 2**62 + d)
                    for d in range(40 * n)
                ]
            ).packed(),
        )
        for n, owner in enumerate(accounts)
    ]
    audience_rows = [
        (
            account.id,
            f"source {n} ü 中文 \\ \t tab",
            dt.date(2026, 2, 1),
            {"18-24": 1.0},
            {},
            {"CN": 1.0},
            {"zh": 0.5, "en": 0.5},
            {},
        )
        for n in range(5)
    ]
    runner = StatementRunner()
    try:
        histories.insert(history_rows, runner)
        audiences.inserter.insert([(*row, *audiences.extra_values) for row in audience_rows], runner)
        runner.flush()
    finally:
        runner.close()
    audience_columns = ["account_id", "source", "as_of", *AUDIENCES.values]
    queued = stored_history_rows(), rows_as_read(AudienceProfile, audience_columns)
    AccountHistory.objects.all().delete()
    AudienceProfile.objects.all().delete()
    histories.insert(history_rows)
    audiences.inserter.insert([(*row, *audiences.extra_values) for row in audience_rows])
    direct = stored_history_rows(), rows_as_read(AudienceProfile, audience_columns)
    assert queued == direct
    assert queued[0] == sorted(history_rows) and len(queued[1]) == 5
    assert queued[1][0][1].startswith("source 0 ü 中文 \\ \t tab")


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgresql_queued_inserts_go_through_copy(monkeypatch):
    statements = []
    real = sql_module._run_statement

    def recording(cursor, sql, params, kind):
        statements.append((kind, sql))
        return real(cursor, sql, params, kind)

    monkeypatch.setattr(sql_module, "_run_statement", recording)
    account = AccountFactory()
    histories = BulkTable(AccountHistory, ["account_id", *HISTORY_COLUMNS])
    row = (account.id, *from_points([(dt.date(2026, 1, 1), 5, None, None)]).packed())
    runner = StatementRunner()
    try:
        histories.insert([row], runner)
        runner.flush()
    finally:
        runner.close()
    assert [kind for kind, _sql in statements] == ["copy"]
    assert statements[0][1].startswith('COPY "influencers_accounthistory"')
    assert stored_history_rows() == [row]


@pytest.mark.django_db(transaction=True)
def test_a_failing_bulk_insert_rolls_the_import_back(tmp_path, monkeypatch):
    """A row the database refuses (here: a duplicate key planted behind the writer's back) fails
    the whole import, on PostgreSQL inside the COPY: nothing of the file stays."""
    monkeypatch.setattr(writer_module, "ACCOUNTS_PER_CHUNK", 2)
    path = tmp_path / "creators.jsonl"
    write_jsonl(path, [post_record(index, posts=2, comments=1) for index in range(5)])
    real_insert = BulkTable.insert

    def duplicating(self, rows, runner=None):
        if rows and self.table.strip('"') == "influencers_accounthistory":
            rows = [*rows, rows[0]]
        return real_insert(self, rows, runner)

    monkeypatch.setattr(BulkTable, "insert", duplicating)
    with pytest.raises(IntegrityError):
        creators_import_file(path=path, refresh=False)
    assert not Post.objects.exists() and not AccountHistory.objects.exists() and not CommentSample.objects.exists()
    with transaction.atomic():  # the connection is usable again
        assert not AccountHistory.objects.exists()
