"""Column mappings: Chinese-header and English tool exports read through the documented mappings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.errors import ImportValidationError
from influencers.models import Account, AudienceProfile
from influencers.services.imports import creators_import_file, load_mapping
from tests.influencers.test_import_csv import only_point

pytestmark = pytest.mark.django_db
MAPPINGS = Path(__file__).resolve().parents[2] / "docs" / "examples" / "mappings"


def test_chinese_export_sample():
    result = creators_import_file(path=MAPPINGS / "chinese-export.csv", mapping=MAPPINGS / "chinese-export.yaml")

    assert result.counts["accounts"]["created"] == 4
    lin = Account.objects.get(platform="xiaohongshu", handle="linxiaoyu")
    assert lin.creator.display_name == "林小雨" and lin.creator.country == "CN"
    assert lin.creator.categories == ["skincare"]
    snapshot = only_point(lin)
    assert (snapshot.date, snapshot.followers) == (dt.date(2026, 3, 1), 128_000)  # "12.8万", "2026/03/01"
    bili = Account.objects.get(platform="bilibili")
    assert bili.handle == "20394857" and bili.creator.country == "TW"
    assert only_point(bili).followers == 35_000  # "3.5w", date "2026年03月01日"
    assert only_point(Account.objects.get(platform="weibo")).followers == 110_000_000  # "1.1亿"
    assert only_point(Account.objects.get(platform="douyin")).posts == 1_320  # "1,320"
    profile = AudienceProfile.objects.get(account=bili)
    assert profile.gender == {"female": pytest.approx(0.615), "male": pytest.approx(0.385)}
    assert (profile.source, profile.as_of) == ("达人导出", dt.date(2026, 3, 1))
    assert result.ignored_columns == []  # every extra column is listed under `ignore`

    again = creators_import_file(path=MAPPINGS / "chinese-export.csv", mapping=MAPPINGS / "chinese-export.yaml")
    assert (again.created, again.updated) == (0, 0)


def test_english_tool_export_sample():
    creators_import_file(path=MAPPINGS / "modash-export.csv", mapping=MAPPINGS / "modash-export.yaml")

    maya = Account.objects.get(platform="instagram", handle="mayatravels")
    assert only_point(maya).followers == 23_400 and only_point(maya).following == 1_210
    assert maya.creator.country == "US" and maya.creator.languages == ["en"]
    assert maya.external_url == "https://www.instagram.com/mayatravels/"
    sofia = Account.objects.get(platform="tiktok")
    assert sofia.is_verified and only_point(sofia).followers == 1_200_000
    profile = AudienceProfile.objects.get(account=sofia)
    assert profile.age == {
        "18-24": pytest.approx(0.44),
        "25-34": pytest.approx(0.38),
        "35-44": pytest.approx(0.12),
        "45-54": pytest.approx(0.06),
    }
    assert profile.as_of == dt.date(2026, 3, 1)  # "Mar 1, 2026"


def test_xlsx_export_through_a_mapping(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "达人列表"
    sheet.append(["达人导出 2026-03"])  # a title row above the header, as tools do
    sheet.append(["达人昵称", "平台", "账号ID", "粉丝数"])
    sheet.append(["小鹿", "微博", "xiaolu", "2.5万"])
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "sheet: 达人列表\nheader_row: 2\ncolumns:\n  达人昵称: creator_name\n"
        "  平台: {to: platform, values: {微博: weibo}}\n"
        "  账号ID: handle\n"
        "  粉丝数: {to: followers, transform: number}\n",
        encoding="utf-8",
    )
    creators_import_file(path=path, mapping=mapping)
    account = Account.objects.get()
    assert (account.platform, account.handle, only_point(account).followers) == ("weibo", "xiaolu", 25_000)


def test_unmapped_platform_value_is_an_error_naming_the_source_column(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("平台,账号ID\n快手,abc\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  平台: {to: platform, values: {抖音: douyin}}\n  账号ID: handle\n", encoding="utf-8")
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path, mapping=mapping)
    (error,) = [str(e) for e in excinfo.value.errors]
    assert "row 2" in error and "平台 → platform" in error and "unknown platform '快手'" in error


def test_bad_humanised_number_names_the_transform_column(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("账号ID,粉丝数\nabc,很多\n", encoding="utf-8")
    mapping = tmp_path / "m.json"
    mapping.write_text(
        '{"columns": {"账号ID": "handle", "粉丝数": {"to": "followers", "transform": "number"}},'
        ' "constants": {"platform": "douyin"}}',
        encoding="utf-8",
    )
    with pytest.raises(ImportValidationError) as excinfo:
        creators_import_file(path=path, mapping=mapping)
    (error,) = [str(e) for e in excinfo.value.errors]
    assert "粉丝数 → followers" in error and "not a number: '很多'" in error


def test_mapping_file_problems_are_all_reported(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "colums: {}\ncolumns:\n  A: folowers\n"
        "  B: {to: followers, transform: magic}\n  C: {to: handle, format: '%Y'}\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportValidationError) as excinfo:
        load_mapping(mapping)
    errors = [str(e) for e in excinfo.value.errors]
    assert any("colums" in e and "unknown setting" in e for e in errors)
    assert any("columns.A" in e and "unknown target column 'folowers'" in e for e in errors)
    assert any("columns.B" in e and "unknown transform 'magic'" in e for e in errors)
    assert any("columns.C" in e and "needs 'transform: date'" in e for e in errors)


def test_invalid_yaml_names_its_line(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  a: [b\n", encoding="utf-8")
    with pytest.raises(ImportValidationError, match="invalid YAML"):
        load_mapping(mapping)
