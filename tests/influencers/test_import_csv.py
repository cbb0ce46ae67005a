"""CSV/TSV/XLSX imports: one account per row, all or nothing, idempotent, every bad input named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

import pytest
from django.utils import timezone

from core.errors import ImportValidationError
from influencers.models import Account, AccountHistory, AudienceProfile, Creator
from influencers.selectors.history import account_histories
from influencers.services.imports import creators_import_file
from tests.factories import AccountFactory, HistoryPointFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "creator_key,creator_name,country,languages,platform,handle,display_name,snapshot_date,followers,following,posts"
)


class StoredPoint(NamedTuple):
    date: dt.date
    followers: int
    following: int | None
    posts: int | None


def points_of(**account_filter) -> list[StoredPoint]:
    """The stored history points of the one account matching `account_filter`, oldest first."""
    account_id = Account.objects.get(**account_filter).pk
    return [StoredPoint(*point) for point in account_histories([account_id]).get(account_id, [])]


def only_point(account: Account) -> StoredPoint:
    """The one stored history point of `account` (fails unless there is exactly one)."""
    [point] = points_of(pk=account.pk)
    return point


def write(tmp_path: Path, text: str, name: str = "creators.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def errors_of(excinfo: pytest.ExceptionInfo[ImportValidationError]) -> list[str]:
    return [str(error) for error in excinfo.value.errors]


def test_rows_become_creators_accounts_and_snapshots(tmp_path):
    path = write(
        tmp_path,
        HEADER + "\n"
        "lin,林小雨,CN,zh;en,xiaohongshu,@LinXiaoyu,林小雨 Lin,2026-03-01,128000,312,486\n"
        "lin,林小雨,CN,zh;en,instagram,linxiaoyu.skin,Lin,2026-03-01,45200,,\n"
        ",Maya Chen,US,en,instagram,MayaTravels,,2026-03-01,23400,1210,640\n",
    )
    result = creators_import_file(path=path)

    assert result.counts["creators"]["created"] == 2
    assert result.counts["accounts"]["created"] == 3
    lin = Creator.objects.get(display_name="林小雨")
    assert lin.languages == ["zh", "en"]
    assert sorted(lin.accounts.values_list("platform", "handle")) == [
        ("instagram", "linxiaoyu.skin"),
        ("xiaohongshu", "linxiaoyu"),
    ]
    assert points_of(handle="linxiaoyu") == [(dt.date(2026, 3, 1), 128000, 312, 486)]
    [(_date, _followers, following, _posts)] = points_of(handle="linxiaoyu.skin")
    assert following is None


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = write(tmp_path, HEADER + "\nk,Maya,US,en,instagram,maya,Maya,2026-03-01,23400,1210,640\n")
    creators_import_file(path=path)
    before = list(Account.objects.values_list("id", "updated_at"))

    again = creators_import_file(path=path)

    assert again.created == 0 and again.updated == 0
    assert again.counts["snapshots"]["unchanged"] == 1
    assert list(Account.objects.values_list("id", "updated_at")) == before


def test_existing_account_updates_its_creator_instead_of_making_a_new_one(tmp_path):
    account = AccountFactory(platform="instagram", handle="maya", creator__display_name="Old name")
    HistoryPointFactory(account=account, date=dt.date(2026, 3, 1), followers=100, following=1, posts=1)
    path = write(tmp_path, HEADER + "\n,Maya Chen,US,en,Instagram,@MAYA,,2026-03-01,23400,,\n")

    result = creators_import_file(path=path)

    assert Creator.objects.count() == 1
    account.refresh_from_db()
    assert account.creator.display_name == "Maya Chen"
    assert result.counts["creators"]["updated"] == 1
    snapshot = only_point(account)
    # followers replaced; following/posts not given in the file are kept
    assert (snapshot.followers, snapshot.following, snapshot.posts) == (23400, 1, 1)


def test_snapshot_date_defaults_to_today(tmp_path):
    path = write(tmp_path, "platform,handle,followers\ninstagram,maya,100\n")
    creators_import_file(path=path)
    [(date, *_counts)] = points_of()
    assert date == timezone.localdate()
    assert Creator.objects.get().display_name == "maya"  # no name given: the handle stands in


def test_chinese_text_round_trips_with_and_without_bom(tmp_path):
    text = "creator_name,platform,handle,bio\n王大厨,douyin,wangdachu,家常菜 每天一道 🍜\n"
    creators_import_file(path=write(tmp_path, "\ufeff" + text, "bom.csv"))
    account = Account.objects.get(handle="wangdachu")
    assert account.bio == "家常菜 每天一道 🍜"
    assert account.creator.display_name == "王大厨"
    result = creators_import_file(path=write(tmp_path, text, "plain.csv"))
    assert result.created == 0 and result.updated == 0


def test_tab_separated_and_semicolon_files_are_read(tmp_path):
    creators_import_file(path=write(tmp_path, "platform\thandle\tfollowers\ntiktok\ta\t5\n", "c.tsv"))
    creators_import_file(path=write(tmp_path, "platform;handle;followers\ntiktok;b;6\n", "semi.csv"))
    assert set(Account.objects.values_list("handle", flat=True)) == {"a", "b"}


def test_audience_share_columns_make_a_profile(tmp_path):
    path = write(
        tmp_path,
        "platform,handle,audience_source,audience_date,audience_gender.female,audience_gender.male,audience_countries.cn\n"
        "instagram,maya,insights,2026-03-01,64%,36%,1\n",
    )
    creators_import_file(path=path)
    profile = AudienceProfile.objects.get()
    assert profile.source == "insights" and profile.as_of == dt.date(2026, 3, 1)
    assert profile.gender == {"female": pytest.approx(0.64), "male": pytest.approx(0.36)}
    assert profile.countries == {"CN": 1.0}


def test_xlsx_is_read_like_csv(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["creator_name", "platform", "handle", "followers", "snapshot_date"])
    sheet.append(["林小雨", "xiaohongshu", 2039485, 128000, dt.datetime(2026, 3, 1)])  # numeric ID cell
    path = tmp_path / "creators.xlsx"
    workbook.save(path)

    creators_import_file(path=path)

    account = Account.objects.get()
    assert account.handle == "2039485"
    assert only_point(account).date == dt.date(2026, 3, 1)


# --- bad input: every problem named, nothing written ---------------------------------------


def test_non_numeric_and_negative_counts_are_both_reported(tmp_path):
    path = write(tmp_path, "platform,handle,followers,posts\ninstagram,a,lots,5\ninstagram,b,10,-3\n")
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    errors = errors_of(excinfo)
    assert any("row 2" in e and "field 'followers'" in e and "not a whole number: 'lots'" in e for e in errors)
    assert any("row 3" in e and "field 'posts'" in e and "must not be negative" in e for e in errors)
    assert not Account.objects.exists()


def test_one_bad_row_means_nothing_is_written(tmp_path):
    path = write(tmp_path, "platform,handle,followers\ninstagram,good,10\ninstagram,bad,x\n")
    with pytest.raises(ImportValidationError):
        creators_import_file(path=path)
    assert not Creator.objects.exists() and not Account.objects.exists()


def test_missing_required_column(tmp_path):
    path = write(tmp_path, "platform,followers\ninstagram,10\n")
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    assert any("row 1" in e and "missing required column 'handle'" in e for e in errors_of(excinfo))


def test_unknown_column_is_named_with_a_suggestion(tmp_path):
    path = write(tmp_path, "platform,handle,folowers\ninstagram,a,10\n")
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    assert any("unknown column 'folowers'" in e and "did you mean 'followers'" in e for e in errors_of(excinfo))


def test_unknown_platform(tmp_path):
    path = write(tmp_path, "platform,handle\nmyspace,tom\n")
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    (error,) = errors_of(excinfo)
    assert "row 2" in error and "field 'platform'" in error and "unknown platform 'myspace'" in error


def test_duplicate_handle_in_one_file(tmp_path):
    path = write(tmp_path, "platform,handle\ninstagram,@Maya\ntiktok,maya\ninstagram,maya\n")
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    (error,) = errors_of(excinfo)
    assert "row 4" in error and "duplicate account instagram:@maya" in error and "row 2" in error


def test_file_that_is_not_utf8_names_the_byte_offset(tmp_path):
    path = write(tmp_path, "platform,handle,bio\ninstagram,a,美妆\n", encoding="gb18030")
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    (error,) = errors_of(excinfo)
    offset = len(b"platform,handle,bio\ninstagram,a,")
    assert "not UTF-8" in error and f"byte offset {offset}" in error and "line 2" in error


def test_gb18030_file_reads_with_a_mapping_that_names_the_encoding(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("encoding: gb18030\ncolumns: {简介: bio}\n", encoding="utf-8")
    path = write(tmp_path, "platform,handle,简介\ninstagram,a,美妆\n", encoding="gb18030")
    creators_import_file(path=path, mapping=mapping)
    assert Account.objects.get().bio == "美妆"


@pytest.mark.parametrize("content", ["", "\ufeff", "   \n\n"])
def test_empty_file(tmp_path, content):
    with pytest.raises(ImportValidationError, match="the file is empty"):
        creators_import_file(path=write(tmp_path, content))


def test_header_without_rows(tmp_path):
    with pytest.raises(ImportValidationError, match="header but no data rows"):
        creators_import_file(path=write(tmp_path, "platform,handle\n"))


def test_audience_not_summing_to_one(tmp_path):
    path = write(tmp_path, "platform,handle,audience_gender.female,audience_gender.male\ninstagram,a,0.7,0.2\n")
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    (error,) = errors_of(excinfo)
    assert "row 2" in error and "audience_gender" in error and "shares sum to 0.900" in error


def test_conflicting_creator_fields_for_one_creator_key(tmp_path):
    path = write(tmp_path, "creator_key,country,platform,handle\nk,CN,instagram,a\nk,TW,tiktok,a\n")
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path)
    assert any("row 3" in e and "creator 'k' has country 'TW'" in e for e in errors_of(excinfo))


def test_accounts_of_two_existing_creators_in_one_record_are_refused(tmp_path):
    AccountFactory(platform="instagram", handle="a")
    AccountFactory(platform="tiktok", handle="b")
    path = write(tmp_path, "creator_key,platform,handle\nk,instagram,a\nk,tiktok,b\n")
    with pytest.raises(ImportValidationError, match="belong to different creators"):
        creators_import_file(path=path)


def test_dry_run_reports_and_writes_nothing(tmp_path):
    AccountFactory(platform="instagram", handle="a", display_name="Old")
    path = write(tmp_path, "platform,handle,display_name,followers\ninstagram,a,New,5\ninstagram,b,B,6\n")

    result = creators_import_file(path=path, dry_run=True)

    assert result.counts["accounts"] == {"created": 1, "updated": 1, "unchanged": 0}
    assert result.counts["snapshots"]["created"] == 2
    assert Account.objects.count() == 1
    assert Account.objects.get().display_name == "Old"
    assert not AccountHistory.objects.exists()
