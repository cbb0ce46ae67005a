"""Handles are checked against their platform's rule (docs/import-format.md, "Handles"): garbage
such as '=======' or '#@!?/' never becomes a creator, the error names file, row or record path
and field, and nothing is written. Unknown columns get the closest real column as a hint."""

from __future__ import annotations

import pytest

from core.errors import ImportValidationError
from influencers.models import Account, Creator
from influencers.services.imports import creators_import_file
from influencers.services.imports.columns import FIXED_COLUMNS, canonical_name, closest_name
from influencers.services.imports.values import ValueInvalid, check_handle
from tests.influencers.test_import_csv import errors_of, write
from tests.influencers.test_import_json import document

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("platform", "handle"),
    [
        ("instagram", "maya.travels"),
        ("instagram", "_maya_"),
        ("instagram", "a"),
        ("tiktok", "sofia.rossi"),
        ("youtube", "uc4r8dwoxfpz1a4c2pfgrekq"),  # a channel id, lower-cased
        ("youtube", "林小雨频道"),  # YouTube handles may be in other scripts
        ("x", "jack"),
        ("x", "a_b_c_d_e_f_g_h"),  # 15 characters
        ("facebook", "zuck"),
        ("facebook", "100064581234567"),
        ("xiaohongshu", "林小雨🌸"),
        ("xiaohongshu", "95038123"),
        ("douyin", "wangdachu_cooks"),
        ("bilibili", "阿may去旅行"),
        ("weibo", "小鹿穿搭·lu"),
    ],
)
def test_handles_the_platforms_allow_are_accepted(platform, handle):
    assert check_handle(platform, handle) == handle


@pytest.mark.parametrize(
    ("platform", "handle"),
    [
        ("instagram", "======="),
        ("instagram", "#@!?/"),
        ("instagram", ".maya"),
        ("instagram", "maya."),
        ("instagram", "maya..travels"),
        ("instagram", "a" * 31),
        ("instagram", "林小雨"),
        ("tiktok", "sofia.rossi."),
        ("tiktok", "sofia-rossi"),
        ("youtube", "ab"),
        ("youtube", "---"),
        ("x", "a_b_c_d_e_f_g_h_"),  # 16 characters
        ("x", "jack.dorsey"),
        ("facebook", "....."),
        ("xiaohongshu", "======="),
        ("douyin", "#@!?/"),
        ("bilibili", "·-·"),
        ("weibo", "a" * 51),
    ],
)
def test_garbage_and_handles_the_platform_cannot_have_are_refused(platform, handle):
    with pytest.raises(ValueInvalid, match="is not a valid handle on"):
        check_handle(platform, handle)


def test_a_profile_url_given_as_handle_is_refused_with_a_hint():
    with pytest.raises(ValueInvalid, match="give the handle, not the profile URL"):
        check_handle("instagram", "https://www.instagram.com/mayatravels/")


def test_csv_garbage_handles_are_named_by_file_row_and_field_and_nothing_is_written(tmp_path):
    path = write(
        tmp_path,
        "platform,handle,followers\n"
        "instagram,maya.travels,1200\n"
        "instagram,=======,10\n"
        "tiktok,#@!?/,10\n"
        "xiaohongshu,林小雨,500\n",
    )
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    errors = errors_of(excinfo)
    assert len(errors) == 2
    assert (
        "creators.csv, row 3, field 'handle'" in errors[0]
        and "'=======' is not a valid handle on Instagram" in errors[0]
    )
    assert "creators.csv, row 4, field 'handle'" in errors[1] and "TikTok" in errors[1]
    assert not Creator.objects.exists() and not Account.objects.exists()


def test_json_garbage_handle_is_named_by_record_path(tmp_path):
    path = document(
        tmp_path,
        [
            {"name": "ok", "accounts": [{"platform": "douyin", "handle": "王大厨"}]},
            {"name": "bad", "accounts": [{"platform": "x", "handle": "@#@!?/"}]},
        ],
    )
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    (error,) = errors_of(excinfo)
    assert "creators.json, creators[1].accounts[0], field 'handle'" in error and "X (Twitter)" in error
    assert not Creator.objects.exists()


# Header of a foreign export → the column a user most likely meant.
HINTS = [
    ("#Followees", "following"),
    ("#Followers", "followers"),
    ("Followings", "following"),
    ("Follows", "following"),
    ("粉丝数", "followers"),
    ("关注数", "following"),
    ("笔记数", "posts"),
    ("Followers count", "followers"),
    ("No. of Posts", "posts"),
    ("folowers", "followers"),
    ("Subscribers", "followers"),
    ("User Name", "handle"),
    ("账号ID", "handle"),
    ("E-mail", "contact_email"),
    ("Niche", "categories"),
    ("Verified", "is_verified"),
    ("Countrys", "country"),
    ("Likes", None),  # one letter from a synonym of external_url ('link'): no guess
    ("Engagement Rate", None),
    ("Profile URL", None),
]


@pytest.mark.parametrize(("header", "expected"), HINTS)
def test_the_hint_is_the_closest_real_column(header, expected):
    assert closest_name(canonical_name(header), FIXED_COLUMNS) == expected


def test_csv_unknown_column_hint_reads_followees_as_following(tmp_path):
    path = write(tmp_path, "platform,handle,#Followers,#Followees\ninstagram,maya,10,20\n")
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    errors = errors_of(excinfo)
    assert any("unknown column '#Followers'" in e and "did you mean 'followers'" in e for e in errors)
    assert any("unknown column '#Followees'" in e and "did you mean 'following'" in e for e in errors)


def test_json_unknown_post_field_partner_points_to_sponsor(tmp_path):
    path = document(
        tmp_path,
        [
            {
                "name": "a",
                "accounts": [
                    {
                        "platform": "tiktok",
                        "handle": "a",
                        "posts": [{"id": "1", "posted_at": "2026-03-01", "partner": "x"}],
                    }
                ],
            }
        ],
    )
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    assert any("unknown field 'partner'" in e and "did you mean 'sponsor'" in e for e in errors_of(excinfo))


def test_youtube_channel_ids_keep_their_case_other_handles_are_lower_cased():
    channel_id = "UCX6OQ3DkcsbYNE6H8uQQuVA"  # ids are case-sensitive: lower-cased it names no channel
    assert check_handle("youtube", channel_id) == channel_id
    assert check_handle("youtube", "MrBeast") == "mrbeast"
    assert check_handle("instagram", "Maya.Travels") == "maya.travels"
    assert check_handle("tiktok", "UCX6OQ3DkcsbYNE6H8uQQuVA") == "ucx6oq3dkcsbyne6h8uqquva"


def test_an_imported_youtube_channel_id_stays_fetchable_by_the_connector(tmp_path):
    from influencers.connectors.youtube import YouTubeConnector

    path = write(tmp_path, "platform,handle,followers\nyoutube,@UCX6OQ3DkcsbYNE6H8uQQuVA,1200\nyoutube,@MrBeast,10\n")
    creators_import_file(path=path, refresh=False)

    assert sorted(Account.objects.values_list("handle", flat=True)) == ["UCX6OQ3DkcsbYNE6H8uQQuVA", "mrbeast"]
    ref = YouTubeConnector(api_key="test-key").ref_for(handle="UCX6OQ3DkcsbYNE6H8uQQuVA")
    assert ref.platform_user_id == "UCX6OQ3DkcsbYNE6H8uQQuVA"
