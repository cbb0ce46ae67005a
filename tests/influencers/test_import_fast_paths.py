"""The validation's fast paths (docs/import-performance.md, "The import's validation at bulk speed",
2026-12-07) give exactly what the field-by-field path gives:

- a plain post (`documents._plain_post`) is the PostIn the general `post` builds, and a post the
  fast path is not sure of (a blank or missing id or posted_at, an implausible date, a value its
  parser refuses, a field it leaves to the general path) goes the general way, with the same
  messages;
- hashtags and mentions taken in one pass (`documents._tags`) and plain text (`parse_text`)
  are what the general parsers give, the same error for a value they refuse;
- JSON Lines parsed from the file's bytes: a byte order mark, blank lines (blank in Unicode's
  sense too), CRLF line ends, broken lines and lines orjson refuses read as they did from text;
  each line a view of the file's bytes, numbered as `bytes.split` numbered them;
- the snapshot loop's common case (a cached date, three counts checked in range at once): a
  value it is not sure of, in any position, dict or array form, gets the general checks and
  their message naming the snapshot and field;
- a post's date checked against a per-platform window (`clearly_plausible_window`) is what
  `date_problem` answers, at the window's edges and in any zone; an account's posts keep their
  duplicate-id messages;
- ISO datetimes with an offset and document text fields taken first give what the general
  checks give, the same error for a value they refuse.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import pytest
from django.utils import timezone

from core.errors import ImportValidationError
from influencers.services.imports import creators_import_file
from influencers.services.imports import documents as documents_module
from influencers.services.imports.documents import DocumentValidator
from influencers.services.imports.problems import Problems
from influencers.services.imports.readers import read_jsonl
from influencers.services.imports.records import AccountIn
from influencers.services.imports.values import (
    EARLIEST_LAUNCH_YEAR,
    MAX_COUNT,
    PLATFORM_LAUNCH_YEARS,
    ValueInvalid,
    _clearly_plausible,
    clearly_plausible_window,
    date_problem,
    parse_datetime,
    parse_list,
    parse_text,
)

PLAIN = {
    "id": "p1",
    "posted_at": "2026-03-01T12:00:00+00:00",
    "caption": "  morning light  ",
    "hashtags": ["#travel", " coffee "],
    "likes": 120,
    "comments": 4,
    "saves": 2,
}
TOMORROW_BUT_ONE = (timezone.localdate() + dt.timedelta(days=3)).isoformat()

# Posts shaped like the plain one whose values the fast path must leave to the general path.
# Each one's expected messages are asserted too, so a broken fallback cannot pass by giving
# nothing on both paths.
BOUNDARY = {
    "blank id": ({"id": "  "}, ["the post id (the platform's id of the post) is required"]),
    "missing id": ({"id": None}, ["the post id (the platform's id of the post) is required"]),
    "id too long": ({"id": "x" * 201}, ["is 201 characters long, the limit is 200"]),
    "missing posted_at": ({"posted_at": None}, ["posted_at is required"]),
    "blank posted_at": ({"posted_at": " "}, ["posted_at is required"]),
    "unreadable posted_at": ({"posted_at": "yesterday"}, ["not a date and time"]),
    "posted_at in the future": ({"posted_at": TOMORROW_BUT_ONE}, ["is in the future"]),
    "posted_at before the platform": ({"posted_at": "2009-06-01T00:00:00Z"}, ["before Instagram existed"]),
    "negative likes": ({"likes": -1}, ["must not be negative"]),
    "likes as a bool": ({"likes": True}, ["expected a whole number, got True"]),
    "likes too large": ({"likes": 2**63}, ["is too large"]),
    "caption with a NUL": ({"caption": "a\x00b"}, ["contains a NUL character"]),
    "hashtags not a list": ({"hashtags": 5}, ["expected a list of strings"]),
    "hashtag not text": ({"hashtags": ["ok", 3]}, ["expected a list of strings, found 3"]),
    "hashtag too long": ({"hashtags": ["#ok", "#" + "x" * 200]}, ["is longer than 200 characters"]),
    "mention with a NUL": ({"mentions": ["@a", "b\x00"]}, ["contains a NUL character"]),
    "unknown field": ({"likez": 3}, ["unknown field 'likez' in a post"]),
    "two problems": ({"likes": -1, "saves": "many"}, ["must not be negative", "not a whole number"]),
}


def validate_post(raw: object, *, fast: bool, monkeypatch) -> tuple[object, list[tuple[str, str, str | None]]]:
    """(PostIn fields or None, problems) of one post of an Instagram account, through `post`
    with the fast path on, or off (the general path alone)."""
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(documents_module, "_plain_post", lambda *args: None)
        validator = DocumentValidator("f.jsonl", Problems("f.jsonl"))
        account = AccountIn(location="line 1.accounts[0]", platform="instagram", handle="a", values=())
        post = validator.post(account, "line 1.accounts[0].posts[0]", raw)
    fields = None if post is None else (post.location, post.key, post.values, list(post.images), list(post.comments))
    problems = [(e.location, e.reason, e.field) for e in validator.problems.errors]
    return fields, problems


@pytest.mark.parametrize(
    "raw",
    [
        PLAIN,
        {"id": 12345, "posted_at": "2026-03-01"},  # an id given as a number; a naive moment
        {**PLAIN, "type": "Reel", "url": "https://example.com/p/1", "mentions": ["@a"], "shares": 1, "views": 9},
        {**PLAIN, "paid_partnership": "yes", "sponsor": " Brand "},
        {**PLAIN, "likes": 12.0, "saves": "1,200", "caption": None},
    ],
    ids=["plain", "numeric id", "every field", "paid partnership", "counts as float and text"],
)
def test_a_plain_post_is_the_post_the_general_path_builds(raw, monkeypatch):
    fast = validate_post(raw, fast=True, monkeypatch=monkeypatch)
    general = validate_post(raw, fast=False, monkeypatch=monkeypatch)
    assert fast == general
    assert fast[0] is not None and fast[1] == []


@pytest.mark.parametrize("change", BOUNDARY.values(), ids=BOUNDARY.keys())
def test_a_post_the_fast_path_is_not_sure_of_gets_the_general_paths_messages(change, monkeypatch):
    fields, expected = change
    raw = {key: value for key, value in {**PLAIN, **fields}.items() if value is not None}
    fast = validate_post(raw, fast=True, monkeypatch=monkeypatch)
    assert fast == validate_post(raw, fast=False, monkeypatch=monkeypatch)
    _post, problems = fast  # refused, but for an unknown field (reported; the file is refused whole)
    assert len(problems) == len(expected)
    for (location, reason, _field), words in zip(problems, expected, strict=True):
        assert location == "line 1.accounts[0].posts[0]" and words in reason


@pytest.mark.parametrize(
    "extra",
    [
        {"is_sponsored": True},
        {"comment_samples": [{"commenter": "fan", "text": "nice"}]},
        {"images": []},
    ],
    ids=["older sponsored flag", "comment samples", "images"],
)
def test_fields_left_to_the_general_path_give_what_it_gives(extra, monkeypatch):
    raw = {**PLAIN, **extra}
    fast = validate_post(raw, fast=True, monkeypatch=monkeypatch)
    assert fast == validate_post(raw, fast=False, monkeypatch=monkeypatch)
    assert fast[0] is not None and fast[1] == []


def tags_by_parse_list(value: object, prefix: str) -> list[str] | None:
    """What `_tags` gave before its one-pass case: `parse_list`, then the prefix dropped."""
    items = parse_list(value, max_item_length=200)
    return None if items is None else [item.lstrip(prefix) for item in items if item.lstrip(prefix)]


def outcome(parse, value: object) -> object:
    try:
        return parse(value)
    except ValueInvalid as exc:
        return f"ValueInvalid: {exc}"


@pytest.mark.parametrize(
    "value",
    [
        ["#travel", " coffee ", "#", "  ", "##two", "#x" + "y" * 197],
        [],
        ["ok", "x" * 201],  # one too long: the whole list is parse_list's, for its message
        ["ok", "a\x00b"],
        ["ok", "  \x00  "],
        ["ok", 3],
        ["ok", None],
        "#a, #b;c",  # text: parse_list splits it
        None,
        7,
    ],
)
@pytest.mark.parametrize("field,prefix", [("hashtags", "#"), ("mentions", "@")])
def test_tags_in_one_pass_are_what_parse_list_gives(value, field, prefix):
    parse = documents_module.POST_FIELDS[field][1]
    assert outcome(parse, value) == outcome(lambda v: tags_by_parse_list(v, prefix), value)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("  text ", "text"),
        ("   ", None),
        ("", None),
        ("a\x00b", "ValueInvalid: contains a NUL character (\\x00): 'a\\x00b'"),
        ("x" * 11, "ValueInvalid: is 11 characters long, the limit is 10"),
        (" " + "x" * 10 + " ", "x" * 10),
        (12, "12"),
        (True, "ValueInvalid: expected text, got True"),
    ],
)
def test_plain_text_first_gives_what_the_general_checks_give(value, expected):
    assert outcome(lambda v: parse_text(v, 10), value) == expected


def records_of(tmp_path, data: bytes) -> tuple[list[tuple[str, object]], list[tuple[str, str]]]:
    path = tmp_path / "c.jsonl"
    path.write_bytes(data)
    problems = Problems(str(path))
    records = list(read_jsonl(path, problems))
    return records, [(e.location, e.reason) for e in problems.errors]


def test_json_lines_from_bytes_read_as_from_text(tmp_path):
    first = json.dumps({"name": "晨光", "accounts": []}, ensure_ascii=False).encode()
    second = json.dumps({"name": "B"}).encode()
    data = (
        b"\xef\xbb\xbf"  # Excel's byte order mark, before the first record
        + first
        + b"\r\n"  # a CRLF line end
        + "\u3000\t".encode()  # a line blank in Unicode's sense (an ideographic space), not in ASCII's
        + b"\n\n"
        + b'{"followers": NaN}\n'  # orjson refuses it; the standard library reads it
        + second
    )
    records, problems = records_of(tmp_path, data)
    assert problems == []
    assert [location for location, _record in records] == ["line 1", "line 4", "line 5"]
    assert records[0][1] == {"name": "晨光", "accounts": []}
    assert repr(records[1][1]) == repr({"followers": float("nan")})
    assert records[2][1] == {"name": "B"}


def test_broken_json_lines_from_bytes_are_reported_as_from_text(tmp_path):
    records, problems = records_of(tmp_path, '{"name": "é",}\n{"ok": 1}\n[1,\n'.encode())
    assert [location for location, _record in records] == ["line 2"]
    assert problems == [
        ("line 1, column 14", "invalid JSON: Expecting property name enclosed in double quotes"),
        ("line 3, column 4", "invalid JSON: Expecting value"),
    ]


def test_a_json_lines_file_that_is_not_utf8_is_still_refused_whole(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes('{"name": "晨光"}\n'.encode("gb18030"))
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    assert "is not UTF-8 text" in str(excinfo.value) and "line 1" in str(excinfo.value)


# -- snapshots: the loop's common case (a cached date, three plain counts in range) -------------

DAYS = ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]
LIMIT_ERROR = f"{MAX_COUNT + 1} is too large"

# (field, value given, the snapshot the general checks make of it or the message they give)
SNAPSHOT_VALUES = {
    "followers at the limit": ("followers", MAX_COUNT, (dt.date(2026, 3, 3), MAX_COUNT, 10, 1)),
    "followers above it": ("followers", MAX_COUNT + 1, LIMIT_ERROR),
    "following above it": ("following", MAX_COUNT + 1, LIMIT_ERROR),
    "posts above it": ("posts", MAX_COUNT + 1, LIMIT_ERROR),
    "posts far above it": ("posts", 2**64 + 5, f"{2**64 + 5} is too large"),
    "followers negative": ("followers", -1, "must not be negative (got -1)"),
    "following negative": ("following", -(2**70), f"must not be negative (got {-(2**70)})"),
    "posts zero": ("posts", 0, (dt.date(2026, 3, 3), 100, 10, 0)),
    "followers a bool": ("followers", True, "expected a whole number, got True"),
    "posts a bool": ("posts", False, "expected a whole number, got False"),
    "following a whole float": ("following", 12.0, (dt.date(2026, 3, 3), 100, 12, 1)),
    "following a fraction": ("following", 1.5, "expected a whole number, got 1.5"),
    "followers as text": ("followers", "1,200", (dt.date(2026, 3, 3), 1200, 10, 1)),
    "followers missing": ("followers", None, "followers is required"),
    "date a number": ("date", 20260303, "expected a date (YYYY-MM-DD), got 20260303"),
    "date a list": ("date", ["2026-03-03"], "expected a date (YYYY-MM-DD), got ['2026-03-03']"),
    "date an object": ("date", {}, "expected a date (YYYY-MM-DD), got {}"),
    "date not seen before": ("date", "2026-03-09", (dt.date(2026, 3, 9), 100, 10, 1)),
    "date unreadable": ("date", "2026-02-30", "not a date: '2026-02-30' (expected YYYY-MM-DD)"),
    "date blank": ("date", " ", "the date is required"),
    "date in the future": ("date", TOMORROW_BUT_ONE, "is in the future"),
}


def snapshots_of(raws: list, *, arrays: bool) -> tuple[list, list[tuple[str, str, str | None]]]:
    """(snapshots, problems) of a second account whose snapshots are `raws`, after a first one
    made the validator know DAYS (so the common case really is taken)."""
    validator = DocumentValidator("f.jsonl", Problems("f.jsonl"))
    first = AccountIn(location="line 1.accounts[0]", platform="instagram", handle="a", values=())
    validator._snapshots(first, [[day, 1, 1, 1] for day in DAYS], "line 1.accounts[0]")
    assert len(first.snapshots) == len(DAYS) and not validator.problems
    if arrays:
        raws = [[raw.get("date"), raw.get("followers"), raw.get("following"), raw.get("posts")] for raw in raws]
    account = AccountIn(location="line 2.accounts[0]", platform="instagram", handle="b", values=())
    validator._snapshots(account, raws, "line 2.accounts[0]")
    return account.snapshots, [(e.location, e.reason, e.field) for e in validator.problems.errors]


@pytest.mark.parametrize("arrays", [False, True], ids=["objects", "arrays"])
@pytest.mark.parametrize("change", SNAPSHOT_VALUES.values(), ids=SNAPSHOT_VALUES.keys())
def test_a_snapshot_between_plain_ones_gets_the_general_checks(change, arrays):
    field, value, expected = change
    raws = [{"date": day, "followers": 100, "following": 10, "posts": 1} for day in DAYS]
    raws[2][field] = value
    snapshots, problems = snapshots_of(raws, arrays=arrays)
    plain = [(dt.date.fromisoformat(day), 100, 10, 1) for day in DAYS]
    if isinstance(expected, tuple):
        assert problems == []
        assert snapshots == [*plain[:2], expected, *plain[3:]]
    else:
        assert snapshots == [*plain[:2], *plain[3:]]
        [(location, reason, where)] = problems
        assert (location, where) == ("line 2.accounts[0].snapshots[2]", field)
        assert expected in reason


def test_the_counts_limit_is_a_run_of_one_bits():
    # The loop checks the three counts at once (`0 <= a | b | c <= MAX_COUNT`), right only when
    # the limit is 2**n - 1.
    assert MAX_COUNT & (MAX_COUNT + 1) == 0


def test_snapshots_of_other_shapes_still_get_their_messages():
    raws = [
        {"date": "2026-03-01", "followers": 1, "following": 1, "posts": 1, "likes": 3},
        {"date": "2026-03-02", "followers": 1, "following": 1},
        ["2026-03-03", 5],
        "2026-03-04",
        ["2026-03-05", 1, 1, 1, 1],
        {"date": "2026-03-05", "followers": 2, "following": 2, "posts": 2},
        {"date": "2026-03-05", "followers": 3, "following": 3, "posts": 3},
    ]
    snapshots, problems = snapshots_of(raws, arrays=False)
    assert snapshots == [
        (dt.date(2026, 3, 2), 1, 1, None),
        (dt.date(2026, 3, 3), 5, None, None),
        (dt.date(2026, 3, 5), 3, 3, 3),  # of two for one day, the last is kept
    ]
    shape = (
        "a snapshot is an object {date, followers, following, posts} or an array [date, followers, following, posts]"
    )
    assert problems == [
        ("line 2.accounts[0].snapshots[0]", "unknown field 'likes' in a snapshot", "likes"),
        ("line 2.accounts[0].snapshots[3]", shape, None),
        ("line 2.accounts[0].snapshots[4]", shape, None),
        ("line 2.accounts[0].snapshots", "two snapshots for 2026-03-05; keep one per day", "date"),
    ]


@pytest.mark.parametrize("first", ["array", "object"])
def test_snapshots_of_both_forms_in_one_list_get_what_each_form_gets(first):
    # The loop takes its form from the first snapshot; a snapshot of the other form, or four
    # items that are no snapshot (an object's four keys, a text's four characters), still gets
    # the general checks, whichever form came first.
    leading: object = ["2026-03-01", 1, 2, 3]
    if first == "object":
        leading = {"date": "2026-03-01", "followers": 1, "following": 2, "posts": 3}
    raws = [
        leading,
        {"date": "2026-03-02", "followers": 4, "following": 5, "posts": 6},
        ["2026-03-03", 7, 8, 9],
        {"day": "2026-03-04", "followers": 1, "following": 1, "posts": 1},
        "2026",
        ["2026-03-05", 10, None, 11],
    ]
    snapshots, problems = snapshots_of(raws, arrays=False)
    assert snapshots == [
        (dt.date(2026, 3, 1), 1, 2, 3),
        (dt.date(2026, 3, 2), 4, 5, 6),
        (dt.date(2026, 3, 3), 7, 8, 9),
        (dt.date(2026, 3, 5), 10, None, 11),
    ]
    shape = (
        "a snapshot is an object {date, followers, following, posts} or an array [date, followers, following, posts]"
    )
    assert [(location, reason.split(" (")[0]) for location, reason, _field in problems] == [
        ("line 2.accounts[0].snapshots[3]", "unknown field 'day' in a snapshot"),
        ("line 2.accounts[0].snapshots[4]", shape.split(" (")[0]),
    ]


def test_snapshot_dates_before_the_platform_are_named_once_per_account():
    raws = [[f"2009-0{month}-01", 1, 1, 1] for month in range(1, 6)] + [["2026-03-01", 1, 1, 1]]
    _snapshots, problems = snapshots_of(raws, arrays=False)
    assert [(location, reason) for location, reason, _field in problems] == [
        ("line 2.accounts[0].snapshots", f"2009-0{month}-01 is before Instagram existed (launched in 2010)")
        for month in (1, 2, 3)
    ] + [("line 2.accounts[0].snapshots", "... and 2 more snapshot dates that early")]


# -- posts: the date window, the id, and an account's posts together ----------------------------


def test_the_date_window_is_what_date_problem_accepts_without_the_server_zone():
    today = timezone.localdate()
    hours_and_minutes = ((-12, 0), (-3, -30), (0, 0), (5, 45), (14, 0))
    offsets = [dt.timezone(dt.timedelta(hours=h, minutes=m)) for h, m in hours_and_minutes]
    for platform, launched in [*PLATFORM_LAUNCH_YEARS.items(), ("not-a-platform", EARLIEST_LAUNCH_YEAR)]:
        earliest, latest = clearly_plausible_window(platform, today)
        for edge in (earliest, latest):
            for step in (dt.timedelta(0), dt.timedelta(microseconds=1), dt.timedelta(hours=1), dt.timedelta(days=1)):
                for moment in (edge - step, edge + step):
                    for offset in offsets:
                        shown = moment.astimezone(offset)
                        inside = earliest <= shown < latest
                        assert inside == _clearly_plausible(shown, launched, today), (platform, shown)
                        if inside:
                            assert date_problem(shown, platform, today) is None
    # The ends of the calendar are outside, so their moments still go to date_problem (which
    # raises OverflowError there, as it did).
    ends = [
        dt.datetime(1, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-1))),
    ]
    earliest, latest = clearly_plausible_window("instagram", today)
    assert not any(earliest <= moment < latest for moment in ends)


@pytest.mark.parametrize(
    "posted_at",
    [
        "{latest}",
        "{latest_less}",
        "{latest_in_kiribati}",
        "{earliest}",
        "{earliest_less}",
        "{earliest_in_samoa}",
        "2010-01-01T00:00:00",  # no offset: read in the server's zone
    ],
)
@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_a_post_at_the_edges_of_the_date_window_gets_the_general_answer(posted_at, zone, monkeypatch):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        assert_same_post_at_the_edge(posted_at, monkeypatch)


def assert_same_post_at_the_edge(posted_at: str, monkeypatch) -> None:
    earliest, latest = clearly_plausible_window("instagram", timezone.localdate())
    microsecond = dt.timedelta(microseconds=1)
    text = posted_at.format(
        latest=latest.isoformat(),
        latest_less=(latest - microsecond).isoformat(),
        latest_in_kiribati=latest.astimezone(dt.timezone(dt.timedelta(hours=14))).isoformat(),
        earliest=earliest.isoformat(),
        earliest_less=(earliest - microsecond).isoformat(),
        earliest_in_samoa=(earliest - microsecond).astimezone(dt.timezone(dt.timedelta(hours=-11))).isoformat(),
    )
    raw = {**PLAIN, "posted_at": text}
    assert validate_post(raw, fast=True, monkeypatch=monkeypatch) == validate_post(
        raw, fast=False, monkeypatch=monkeypatch
    )


def test_an_accounts_posts_and_their_ids_are_checked_as_one_by_one():
    posts = [
        {**PLAIN, "id": "p1"},
        {**PLAIN, "id": "p2", "likes": -3},
        {**PLAIN, "id": " p1 "},  # the same id once stripped
        {**PLAIN, "id": "p3", "is_sponsored": True},
        {**PLAIN, "id": "p3"},
    ]
    validator = DocumentValidator("f.jsonl", Problems("f.jsonl"))
    account = validator.account("line 1.accounts[0]", {"platform": "instagram", "handle": "a", "posts": posts})
    assert account is not None
    assert [(post.location, post.key) for post in account.posts] == [
        ("line 1.accounts[0].posts[0]", "p1"),
        ("line 1.accounts[0].posts[2]", "p1"),
        ("line 1.accounts[0].posts[3]", "p3"),
        ("line 1.accounts[0].posts[4]", "p3"),
    ]
    assert [(e.location, e.reason, e.field) for e in validator.problems.errors] == [
        ("line 1.accounts[0].posts[1]", "must not be negative (got -3)", "likes"),
        ("line 1.accounts[0].posts[2]", "duplicate post id 'p1' (also at line 1.accounts[0].posts[0])", "id"),
        ("line 1.accounts[0].posts[4]", "duplicate post id 'p3' (also at line 1.accounts[0].posts[3])", "id"),
    ]


# -- values: the common case first ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-01T12:00:00+08:00",
        " 2026-03-01T12:00:00Z ",
        "2026-03-01T12:00:00.123456-03:30",
        "2026-03-01T12:00:00",  # no offset
        "2026-03-01",
        "20260301T120000+0800",
        "",
        "   ",
        "yesterday",
        "2026-02-30T00:00:00Z",
        "2026-03-01T12:00:00+25:00",
        "a\x00b",
        None,
        12,
        dt.date(2026, 3, 1),
        dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC),
    ],
)
def test_datetimes_with_an_offset_first_give_what_the_general_checks_give(value):
    general = outcome(lambda v: parse_datetime(v, ("not a format that matches",)), value)
    first = outcome(parse_datetime, value)
    assert repr(first) == repr(general)  # the zone too


@pytest.mark.parametrize(
    "value", ["  text ", "x" * 10, " " + "x" * 10 + " ", "x" * 11, "", "   ", "a\x00b", 12, 12.0, 1.5, True, None, []]
)
@pytest.mark.parametrize("limit", [10, None])
def test_document_text_fields_give_what_parse_text_gives(value, limit):
    assert outcome(documents_module._text(limit), value) == outcome(lambda v: parse_text(v, limit), value)


def test_json_lines_ends_and_line_numbers(tmp_path):
    records, problems = records_of(tmp_path, b'{"a": 1}\n\n{"b": \n{"c": 3}')  # no line end at the end
    assert records == [("line 1", {"a": 1}), ("line 4", {"c": 3})]
    assert problems == [("line 3, column 7", "invalid JSON: Expecting value")]
    records, problems = records_of(tmp_path, b'{"a": 1}\n[1,')
    assert records == [("line 1", {"a": 1})] and problems == [("line 2, column 4", "invalid JSON: Expecting value")]
