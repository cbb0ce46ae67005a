"""Nested JSON / JSON Lines imports: posts, images, comments, audiences, follower samples."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import IntegrityError
from PIL import Image

from core.errors import ImportValidationError
from core.services.media import inspect_image_path
from influencers.models import (
    Account,
    AudienceProfile,
    CommentSample,
    Creator,
    FollowerSample,
    MediaAsset,
    Post,
)
from influencers.services.imports import creators_import_file
from tests.factories import AccountFactory, CreatorFactory
from tests.influencers.test_import_csv import points_of

pytestmark = pytest.mark.django_db


def image(path: Path, colour: tuple[int, int, int] = (200, 120, 90)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (32, 24), colour).save(path, "JPEG")
    return path


def document(tmp_path: Path, creators: list, name: str = "creators.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"creators": creators}, ensure_ascii=False), encoding="utf-8")
    return path


def creator(**account_fields) -> dict:
    return {"name": "林小雨", "accounts": [{"platform": "xiaohongshu", "handle": "lin", **account_fields}]}


def errors_of(excinfo) -> list[str]:
    return [str(error) for error in excinfo.value.errors]


def test_nested_record_with_posts_images_comments_audience_and_followers(tmp_path):
    picture = image(tmp_path / "img" / "p1.jpg")
    path = document(
        tmp_path,
        [
            creator(
                snapshots=[{"date": "2026-03-01", "followers": 128000, "following": 312, "posts": 486}],
                posts=[
                    {
                        "id": "p1",
                        "posted_at": "2026-02-28T20:15:00+08:00",
                        "caption": "换季泛红救星 #敏感肌",
                        "hashtags": ["#敏感肌"],
                        "likes": 5230,
                        "comments": 312,
                        "saves": 2890,
                        "images": ["img/p1.jpg"],
                        "comment_samples": [
                            {"id": "c1", "commenter": "@XiaoMei", "text": "求链接！"},
                            {"commenter": "bot_1", "text": "nice"},
                            {"commenter": "bot_1", "text": "nice"},
                        ],
                    }
                ],
                audience={"source": "insights", "as_of": "2026-03-01", "gender": {"female": 0.8, "male": 0.2}},
                follower_samples=[{"username": "@Follower_1", "following_count": 4980, "has_profile_pic": False}],
            )
        ],
    )

    result = creators_import_file(path=path)

    post = Post.objects.get()
    assert post.caption == "换季泛红救星 #敏感肌" and post.hashtags == ["敏感肌"] and post.saves == 2890
    assert post.posted_at.isoformat() == "2026-02-28T12:15:00+00:00"
    asset = MediaAsset.objects.get()
    facts = inspect_image_path(picture)
    assert (asset.post_id, asset.sha256, asset.width, asset.height, asset.phash) == (
        post.id,
        facts.sha256,
        32,
        24,
        facts.phash,
    )
    assert default_storage.open(asset.image.name).read() == picture.read_bytes()
    comments = CommentSample.objects.filter(post=post)
    assert comments.count() == 3  # the bot's two identical comments stay two (a vetting signal)
    assert comments.get(external_id="c1").commenter == "xiaomei"
    assert AudienceProfile.objects.get().gender == {"female": 0.8, "male": 0.2}
    assert FollowerSample.objects.get().username == "follower_1"
    assert result.counts["comments"]["created"] == 3


def test_reimport_of_json_with_derived_comment_ids_changes_nothing(tmp_path):
    image(tmp_path / "a.jpg")
    path = document(
        tmp_path,
        [
            creator(
                posts=[
                    {
                        "id": "p1",
                        "posted_at": "2026-02-28",
                        "images": ["a.jpg"],
                        "comment_samples": [{"commenter": "u", "text": "好看", "posted_at": "2026-02-28T10:00:00Z"}],
                    }
                ],
                images=["a.jpg"],
            )
        ],
    )
    creators_import_file(path=path)
    ids = list(CommentSample.objects.values_list("id", "external_id"))

    again = creators_import_file(path=path)

    assert again.created == 0 and again.updated == 0
    assert list(CommentSample.objects.values_list("id", "external_id")) == ids
    assert MediaAsset.objects.count() == 1  # the same picture as post image and account image is one asset


def test_changed_counts_update_rows_in_place(tmp_path):
    creators_import_file(
        path=document(
            tmp_path,
            [
                creator(
                    snapshots=[["2026-03-01", 100, 5, 1]], posts=[{"id": "p", "posted_at": "2026-03-01", "likes": 1}]
                )
            ],
        )
    )
    result = creators_import_file(
        path=document(
            tmp_path,
            [creator(snapshots=[["2026-03-01", 150]], posts=[{"id": "p", "posted_at": "2026-03-01", "likes": 9}])],
            "second.json",
        )
    )
    assert result.counts["snapshots"]["updated"] == 1 and result.counts["posts"]["updated"] == 1
    [(_date, *counts)] = points_of()
    assert counts == [150, 5, 1]
    assert Post.objects.get().likes == 9


def test_json_lines_file(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(
        json.dumps(creator(snapshots=[["2026-03-01", 1]]), ensure_ascii=False)
        + "\n\n"
        + json.dumps({"name": "B", "accounts": [{"platform": "tiktok", "handle": "b"}]})
        + "\n",
        encoding="utf-8",
    )
    result = creators_import_file(path=path)
    assert result.counts["accounts"]["created"] == 2


def test_creator_of_existing_account_is_updated_and_gets_the_new_account(tmp_path):
    existing = AccountFactory(platform="xiaohongshu", handle="lin", creator=CreatorFactory(display_name="Lin"))
    path = document(
        tmp_path,
        [
            {
                "name": "林小雨",
                "accounts": [
                    {"platform": "xiaohongshu", "handle": "LIN"},
                    {"platform": "instagram", "handle": "lin.skin"},
                ],
            }
        ],
    )
    creators_import_file(path=path)
    assert Creator.objects.count() == 1
    assert set(existing.creator.accounts.values_list("handle", flat=True)) == {"lin", "lin.skin"}
    existing.creator.refresh_from_db()
    assert existing.creator.display_name == "林小雨"


# --- bad input -------------------------------------------------------------------------------


def test_invalid_json_names_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"creators": [\n  {"name": "a",}\n]}', encoding="utf-8")
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    (error,) = errors_of(excinfo)
    assert "line 2, column 16" in error and "invalid JSON" in error


def test_every_broken_json_line_is_reported(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(
        '{"accounts": []\n{"name": "ok", "accounts": [{"platform": "x", "handle": "a"}]}\n[1,\n', encoding="utf-8"
    )
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    errors = errors_of(excinfo)
    assert any(e.startswith(f"{path}, line 1, column") for e in errors)
    assert any(f"{path}, line 3, column" in e for e in errors)


def test_record_paths_locate_nested_errors(tmp_path):
    path = document(
        tmp_path,
        [
            creator(),
            {
                "name": "B",
                "accounts": [
                    {
                        "platform": "tiktok",
                        "handle": "b",
                        "snapshots": [
                            {"date": "2026-03-01", "followers": 1},
                            {"date": "2026-03-02", "followers": "many"},
                        ],
                        "posts": [
                            {"id": "p", "posted_at": "2026-03-01"},
                            {"id": "q", "posted_at": "2026-03-01", "likes": -1},
                        ],
                    }
                ],
            },
        ],
    )
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    errors = errors_of(excinfo)
    assert any("creators[1].accounts[0].snapshots[1]" in e and "field 'followers'" in e for e in errors)
    assert any("creators[1].accounts[0].posts[1]" in e and "field 'likes'" in e and "negative" in e for e in errors)
    assert not Account.objects.exists()


def test_unknown_field_gets_a_suggestion(tmp_path):
    path = document(tmp_path, [creator(snapshots=[{"date": "2026-03-01", "folowers": 1}])])
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    assert any("unknown field 'folowers'" in e and "did you mean 'followers'" in e for e in errors_of(excinfo))


def test_duplicate_handle_across_creators(tmp_path):
    path = document(tmp_path, [creator(), {"name": "x", "accounts": [{"platform": "xiaohongshu", "handle": "@Lin"}]}])
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    (error,) = errors_of(excinfo)
    assert "creators[1].accounts[0]" in error and "duplicate account xiaohongshu:@lin" in error
    assert "creators[0].accounts[0]" in error


def test_broken_and_non_image_files_are_refused(tmp_path):
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 40)
    (tmp_path / "notes.jpg").write_text("not a picture", encoding="utf-8")
    path = document(tmp_path, [creator(images=["broken.jpg", "notes.jpg", "missing.png", "../escape.jpg"])])
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    errors = errors_of(excinfo)
    assert len(errors) == 4
    assert any("images[0]" in e and "broken.jpg" in e for e in errors)
    assert any("images[1]" in e and "notes.jpg" in e and "not a readable image" in e for e in errors)
    assert any("images[2]" in e and "cannot read image file" in e for e in errors)
    assert any("images[3]" in e and "stay inside" in e for e in errors)
    assert not MediaAsset.objects.exists()


def test_audience_distribution_must_sum_to_one(tmp_path):
    path = document(
        tmp_path,
        [
            creator(
                audience=[
                    {"as_of": "2026-03-01", "age": {"18-24": 0.5, "25-34": 0.2}},
                    {"as_of": "2026-03-02", "gender": {"female": 0.5, "robot": 0.5}},
                ]
            )
        ],
    )
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    errors = errors_of(excinfo)
    assert any("audience[0]" in e and "field 'age'" in e and "shares sum to 0.700" in e for e in errors)
    assert any("audience[1]" in e and "unknown gender 'robot'" in e for e in errors)


def test_empty_and_creatorless_files(tmp_path):
    empty = tmp_path / "e.json"
    empty.write_bytes(b"")
    with pytest.raises(ImportValidationError, match="the file is empty"):
        creators_import_file(path=empty)
    with pytest.raises(ImportValidationError, match="contains no creators"):
        creators_import_file(path=document(tmp_path, []))


def test_database_error_during_write_rolls_everything_back_and_removes_stored_images(tmp_path, monkeypatch):
    sha256 = inspect_image_path(image(tmp_path / "a.jpg", colour=(1, 254, 77))).sha256  # a picture no other test uses
    path = document(tmp_path, [creator(images=["a.jpg"], follower_samples=[{"username": "f"}])])
    from influencers.services.imports import writer as writer_module

    real_children = writer_module.Writer._children

    def failing_children(self, table_writer, parents, prepare=None):
        ids = real_children(self, table_writer, parents, prepare)
        if table_writer.table.label == "media":
            raise IntegrityError("disk on fire")
        return ids

    monkeypatch.setattr(writer_module.Writer, "_children", failing_children)
    with pytest.raises(IntegrityError):
        creators_import_file(path=path)

    assert not Creator.objects.exists() and not Account.objects.exists() and not FollowerSample.objects.exists()
    assert not MediaAsset.objects.exists()
    stored = Path(default_storage.location) / "assets"
    assert not [p for p in stored.rglob(f"{sha256}.*")]


def test_the_documented_examples_import_cleanly_and_idempotently():
    examples = Path(__file__).resolve().parents[2] / "docs" / "examples"
    for name in ("creators.csv", "creators.json", "creators.jsonl"):
        creators_import_file(path=examples / name)
        again = creators_import_file(path=examples / name)
        assert (again.created, again.updated) == (0, 0), name
    assert MediaAsset.objects.count() == 4
    assert Creator.objects.filter(display_name="林小雨").count() == 1


def test_examples_can_be_copied_elsewhere(tmp_path):
    examples = Path(__file__).resolve().parents[2] / "docs" / "examples"
    shutil.copytree(examples, tmp_path / "examples")
    result = creators_import_file(path=tmp_path / "examples" / "creators.json", dry_run=True)
    assert result.counts["media"]["created"] == 4 and not MediaAsset.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        '{"followers": NaN}',  # not JSON proper, but the standard library accepts it
        '{"a": 1, "a": 2}',  # duplicate keys: the last wins
        '{"name": "晨光 \\u2728"}',
    ],
)
def test_fast_json_parsing_accepts_what_the_standard_library_accepts(text):
    from influencers.services.imports.readers import loads_json

    parsed, expected = loads_json(text), json.loads(text)
    assert repr(parsed) == repr(expected)  # repr: NaN != NaN


@pytest.mark.parametrize("text", ['{"followers": 12,}', '{"a": [1, 2}', "{'single': 1}", ""])
def test_invalid_json_errors_are_the_standard_librarys(text):
    from influencers.services.imports.readers import loads_json

    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(json.JSONDecodeError) as got:
        loads_json(text)
    assert (got.value.msg, got.value.lineno, got.value.colno) == (
        expected.value.msg,
        expected.value.lineno,
        expected.value.colno,
    )


def test_an_id_written_as_a_number_too_large_to_be_exact_is_refused_not_rounded(tmp_path):
    record = {
        "display_name": "Big ids",
        "accounts": [
            {
                "platform": "tiktok",
                "handle": "big_ids",
                "posts": [{"id": 123456789012345678901234567890, "posted_at": "2026-10-01T10:00:00Z", "likes": 5}],
            }
        ],
    }
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(ImportValidationError) as error:
        creators_import_file(path=path)
    assert "too large to be exact; write it as text" in str(error.value)
    assert "posts[0]" in str(error.value) and "id" in str(error.value)
    assert not Account.objects.filter(handle="big_ids").exists()
