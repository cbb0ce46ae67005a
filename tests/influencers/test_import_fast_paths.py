"""The validation's fast paths (docs/import-format.md, "The import's validation at bulk speed",
2026-12-07) give exactly what the field-by-field path gives:

- a plain post (`documents._plain_post`) is the PostIn the general `post` builds, and a post the
  fast path is not sure of (a blank or missing id or posted_at, an implausible date, a value its
  parser refuses, a field it leaves to the general path) goes the general way, with the same
  messages;
- hashtags and mentions taken in one pass (`documents._tags`) and plain text (`parse_text`)
  are what the general parsers give, the same error for a value they refuse;
- JSON Lines parsed from the file's bytes: a byte order mark, blank lines (blank in Unicode's
  sense too), CRLF line ends, broken lines and lines orjson refuses read as they did from text.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from core.errors import ImportValidationError
from influencers.services.imports import creators_import_file
from influencers.services.imports import documents as documents_module
from influencers.services.imports.documents import DocumentValidator
from influencers.services.imports.problems import Problems
from influencers.services.imports.readers import read_jsonl
from influencers.services.imports.records import AccountIn
from influencers.services.imports.values import ValueInvalid, parse_list, parse_text

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
