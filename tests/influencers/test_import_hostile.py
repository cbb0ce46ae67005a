"""Broken and hostile import files are refused with a message naming file, row/record and field,
nothing written, no traceback and no server path: unterminated CSV quotes, XLSX formulas without
a saved result, implausible dates, symbolic links out of the folder, XXE and "billion laughs"
workbooks, JSON nested too deeply, NUL characters anywhere (values and keys; PostgreSQL cannot
store them), and API uploads named by their own name rather than the server's temporary path."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import zipfile
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.errors import ImportValidationError
from core.models import Job, JobStatus
from core.selectors.jobs import job_log_lines
from influencers.models import AccountHistory, AudienceProfile, Creator
from influencers.services.imports import creators_import_file
from influencers.services.imports.jobs import import_upload_submit
from influencers.services.imports.values import PLATFORM_LAUNCH_YEARS
from tests.factories import MembershipFactory
from tests.influencers.test_import_csv import points_of

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "docs/examples/creators.json").read_text(encoding="utf-8"))
HEADER = "creator_name,platform,handle,followers,snapshot_date\n"


def _refused(path: Path, **kwargs) -> list[str]:
    """The messages of an import that must be refused; it must write nothing."""
    with pytest.raises(ImportValidationError) as err:
        creators_import_file(path=path, **kwargs)
    assert Creator.objects.count() == 0 and AccountHistory.objects.count() == 0
    messages = [str(error) for error in err.value.errors]
    for message in messages:
        assert "Traceback" not in message and "\x00" not in message
    return messages


def _cli_error(path: Path) -> str:
    """What `import_creators` says (a CommandError, never a traceback) about a refused file."""
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_creators", str(path), "--no-progress", stdout=StringIO(), stderr=err)
    text = f"{failure.value}\n{err.getvalue()}"
    assert "Traceback" not in text
    return text


# --- CSV quotes -----------------------------------------------------------------------------------


def test_an_unterminated_quote_is_refused_naming_its_row(tmp_path):
    path = tmp_path / "creators.csv"
    path.write_text(HEADER + 'Amy,instagram,amy,100,\n"Maya,instagram,maya,100,\nBob,instagram,bob,200,\n')
    (message,) = _refused(path)
    assert message.startswith(f"{path}, row 3: a quoted value that starts in this row is never closed")
    assert "nothing was imported" in _cli_error(path)


def test_a_quote_closed_rows_later_cannot_swallow_them_into_a_name(tmp_path):
    path = tmp_path / "creators.csv"
    path.write_text(HEADER + '"Maya\nBob,instagram,bob,200,\nZed",instagram,zed,5,\n')
    (message,) = _refused(path)
    assert "row 2, field 'creator_name': contains a line break" in message and "close it" in message


def test_text_after_a_closing_quote_is_refused(tmp_path):
    path = tmp_path / "creators.csv"
    path.write_text(HEADER + '"Maya" Lee,instagram,maya,100,\n')
    (message,) = _refused(path)
    assert "row 2" in message and "must be quoted as a whole" in message


def test_quotes_written_the_csv_way_still_work(tmp_path):
    path = tmp_path / "creators.csv"
    path.write_text(HEADER + '"Maya ""the"" Lee",instagram,maya,100,\nAmy "A" B,instagram,amy,5,\n')
    creators_import_file(path=path)
    assert sorted(Creator.objects.values_list("display_name", flat=True)) == ['Amy "A" B', 'Maya "the" Lee']


# --- XLSX formulas, XXE, billion laughs -----------------------------------------------------------


def _workbook(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _rewrite_sheet(path: Path, change) -> Path:
    """Rewrite xl/worksheets/sheet1.xml of the workbook at `path` with `change(xml bytes)`."""
    patched = path.with_name("patched-" + path.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, change(data) if item.filename == "xl/worksheets/sheet1.xml" else data)
    return patched


def test_a_formula_without_a_saved_result_is_refused_with_row_and_column(tmp_path):
    path = _workbook(
        tmp_path / "creators.xlsx",
        [["creator_name", "platform", "handle", "followers"], ["Maya", "instagram", "maya", "=SUM(1000,1)"]],
    )
    (message,) = _refused(path)
    assert "row 2, field 'followers': a formula without a saved result (=SUM(1000,1))" in message
    assert "save it" in message


def test_a_formula_with_a_saved_result_is_read_as_that_result(tmp_path):
    path = _workbook(
        tmp_path / "creators.xlsx",
        [["creator_name", "platform", "handle", "followers"], ["Maya", "instagram", "maya", "=SUM(1000,1)"]],
    )
    # What Excel writes after calculating: the formula and its cached value.
    saved = _rewrite_sheet(path, lambda xml: xml.replace(b"<f>SUM(1000,1)</f><v />", b"<f>SUM(1000,1)</f><v>1001</v>"))
    assert b"<v>1001</v>" in zipfile.ZipFile(saved).read("xl/worksheets/sheet1.xml")
    creators_import_file(path=saved)
    [(_date, followers, _following, _posts)] = points_of()
    assert followers == 1001


LOL = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))


@pytest.mark.parametrize(
    ("name", "doctype", "reference"),
    [
        ("xxe", '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"),
        ("billion-laughs", f"<!DOCTYPE x [{LOL}]>", "&l9;"),
    ],
)
def test_xml_entities_in_a_workbook_are_refused_without_a_traceback(tmp_path, name, doctype, reference):
    path = _workbook(tmp_path / f"{name}.xlsx", [["creator_name", "platform", "handle"], ["Maya", "instagram", "maya"]])
    hostile = _rewrite_sheet(
        path, lambda xml: doctype.encode() + xml.replace(b"<t>Maya</t>", f"<t>{reference}</t>".encode())
    )
    (message,) = _refused(hostile)
    assert "declares entities (a DTD), which are refused" in message
    assert "root:" not in message  # nothing of /etc/passwd
    assert "declares entities" in _cli_error(hostile)


# --- dates ---------------------------------------------------------------------------------------


def test_dates_after_tomorrow_are_refused_and_tomorrow_is_not(tmp_path):
    today = timezone.localdate()
    path = tmp_path / "creators.csv"
    path.write_text(HEADER + f"Maya,instagram,maya,100,2099-01-01\nAmy,instagram,amy,5,{today + dt.timedelta(2)}\n")
    messages = _refused(path)
    assert [m.split(": ", 1)[0] for m in messages] == [f"{path}, row 2, field 'snapshot_date'"] + [
        f"{path}, row 3, field 'snapshot_date'"
    ]
    assert "2099-01-01 is in the future" in messages[0]
    path.write_text(HEADER + f"Maya,instagram,maya,100,{today + dt.timedelta(1)}\n")
    creators_import_file(path=path)
    [(date, *_counts)] = points_of()
    assert date == today + dt.timedelta(1)


def test_dates_before_the_platform_existed_are_refused(tmp_path):
    path = tmp_path / "creators.csv"
    path.write_text(HEADER + "Maya,tiktok,maya,100,2013-06-01\nAmy,youtube,amychannel,5,2013-06-01\n")
    (message,) = _refused(path)  # YouTube existed in 2013; TikTok (musical.ly) did not
    assert "row 2, field 'snapshot_date': 2013-06-01 is before TikTok existed (launched in 2014)" in message
    assert PLATFORM_LAUNCH_YEARS["instagram"] == 2010 and PLATFORM_LAUNCH_YEARS["youtube"] == 2005


def test_every_dated_part_of_a_json_record_is_checked(tmp_path):
    document = copy.deepcopy(EXAMPLE)
    account = document["creators"][0]["accounts"][0]  # xiaohongshu, launched 2013
    account["snapshots"][0]["date"] = "2012-02-27"
    account["snapshots"][1]["date"] = "2099-02-28"
    account["posts"][0]["posted_at"] = "2100-01-01T10:00:00+08:00"
    account["posts"][0]["comment_samples"][0]["posted_at"] = "2011-01-01T10:00:00+08:00"
    account["audience"]["as_of"] = "2098-03-01"
    account["follower_samples"][0]["sampled_at"] = "1999-03-01"
    path = tmp_path / "creators.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    shutil.copytree(ROOT / "docs/examples/images", tmp_path / "images")
    messages = "\n".join(_refused(path))
    at = "creators[0].accounts[0]"
    for expected in (
        f"{at}.snapshots[1], field 'date': 2099-02-28 is in the future",
        f"{at}.snapshots, field 'date': 2012-02-27 is before Xiaohongshu (RED) existed (launched in 2013)",
        f"{at}.posts[0], field 'posted_at': 2100-01-01 is in the future",
        f"{at}.posts[0].comment_samples[0], field 'posted_at': 2011-01-01 is before Xiaohongshu",
        f"{at}.audience, field 'as_of': 2098-03-01 is in the future",
        f"{at}.follower_samples[0], field 'sampled_at': 1999-03-01 is before Xiaohongshu",
    ):
        assert expected in messages, expected
    assert AudienceProfile.objects.count() == 0


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:30:00-01:00"])
def test_a_moment_outside_the_calendar_in_utc_is_refused_naming_its_field(tmp_path, moment):
    document = copy.deepcopy(EXAMPLE)
    account = document["creators"][0]["accounts"][0]
    account["posts"][0]["posted_at"] = moment
    account["posts"][0]["comment_samples"][0]["posted_at"] = moment
    path = tmp_path / "creators.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    shutil.copytree(ROOT / "docs/examples/images", tmp_path / "images")
    messages = "\n".join(_refused(path))
    at = "creators[0].accounts[0].posts[0]"
    for where in (at, f"{at}.comment_samples[0]"):
        assert f"{where}, field 'posted_at': '{moment}' is outside the calendar's range in UTC" in messages
    assert "outside the calendar's range" in _cli_error(path)


# --- files outside the folder ----------------------------------------------------------------------


def test_a_symbolic_link_out_of_the_folder_is_refused_by_the_cli(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(ROOT / "docs/examples/images/linxiaoyu-serum.jpg", outside / "secret.jpg")  # a real image
    folder = tmp_path / "import"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "innocent.jpg").symlink_to(outside / "secret.jpg")
    shutil.copy(ROOT / "docs/examples/images/linxiaoyu-avatar.png", folder / "images" / "real.png")
    (folder / "images" / "alias.png").symlink_to(folder / "images" / "real.png")  # inside: fine
    document = {
        "creators": [
            {
                "name": "Maya",
                "accounts": [
                    {"platform": "instagram", "handle": "maya", "images": ["images/alias.png", "images/innocent.jpg"]}
                ],
            }
        ]
    }
    path = folder / "creators.json"
    path.write_text(json.dumps(document))
    text = _cli_error(path)
    assert "field 'images[1]': image path 'images/innocent.jpg' leads outside the JSON file's folder" in text
    assert "images[0]" not in text and Creator.objects.count() == 0


# --- deep JSON -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("suffix", "text"), [(".json", "[" * 50_000 + "]" * 50_000), (".jsonl", '{"a":' * 3000)])
def test_json_nested_too_deeply_is_refused(tmp_path, suffix, text):
    path = tmp_path / f"deep{suffix}"
    path.write_text(text)
    messages = _refused(path)
    assert any("nested too deeply" in m for m in messages)


# --- NUL characters ------------------------------------------------------------------------------


def _string_leaves(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _string_leaves(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _string_leaves(value, (*prefix, index))
    elif isinstance(node, str):
        yield prefix


def test_a_nul_in_any_text_of_a_record_is_refused(tmp_path):
    """Every string of the documented example in turn (the fuzz test's derandomised examples never
    put a NUL there): on PostgreSQL one reaching the database would be a DataError."""
    shutil.copytree(ROOT / "docs/examples/images", tmp_path / "images")
    leaves = list(_string_leaves(EXAMPLE["creators"]))
    assert len(leaves) > 40
    for leaf in leaves:
        document = copy.deepcopy(EXAMPLE)
        target = document["creators"]
        for key in leaf[:-1]:
            target = target[key]
        target[leaf[-1]] = f"x\x00{target[leaf[-1]]}"
        path = tmp_path / "nul.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        messages = _refused(path)
        assert messages, leaf


def test_a_nul_in_a_key_or_a_csv_cell_is_refused(tmp_path):
    document = copy.deepcopy(EXAMPLE)
    account = document["creators"][0]["accounts"][0]
    account["audience"]["interests"]["be\x00auty"] = account["audience"]["interests"].pop("beauty")
    account["bio\x00"] = "x"
    path = tmp_path / "creators.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    shutil.copytree(ROOT / "docs/examples/images", tmp_path / "images")
    messages = "\n".join(_refused(path))
    assert r"key 'be\x00auty' contains a NUL character" in messages
    assert r"unknown field 'bio\x00' in an account" in messages
    csv_path = tmp_path / "creators.csv"
    csv_path.write_text("creator_name,platform,handle,fol\x00lowers\nMa\x00ya,instagram,maya,100\n")
    messages = _refused(csv_path)
    assert any("column 4" in m and "NUL" in m for m in messages)
    csv_path.write_text("creator_name,platform,handle\nMa\x00ya,instagram,maya\n")
    (message,) = _refused(csv_path)
    assert r"row 2, field 'creator_name': contains a NUL character (\x00): 'Ma\x00ya'" in message


# --- uploads through the API: their own name, never the temporary path ------------------------------


def test_an_uploaded_file_is_named_by_its_own_name_in_the_job(settings, django_capture_on_commit_callbacks):
    membership = MembershipFactory(organization__name=settings.ADMIN_ORGANIZATION_NAME)
    bad = SimpleUploadedFile(
        "../../My creators (March).csv", (HEADER + "Maya,instagram,maya,100,2099-01-01\n").encode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = import_upload_submit(
            upload=bad, dry_run=False, organization=membership.organization, user=membership.user
        )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.count("My creators (March).csv, row 2, field 'snapshot_date'") == 1
    for text in (job.error, job.log):
        assert "vetted-import-" not in text and "/tmp" not in text and str(settings.BASE_DIR) not in text
    good = SimpleUploadedFile("good.csv", (HEADER + "Maya,instagram,maya,100,\n").encode())
    with django_capture_on_commit_callbacks(execute=True):
        job = import_upload_submit(
            upload=good, dry_run=False, organization=membership.organization, user=membership.user
        )
    job = Job.objects.get(pk=job.pk)
    assert job.status == JobStatus.SUCCEEDED and job.result["source"] == "good.csv"
    messages = [message for _stamp, message in job_log_lines(job)]
    assert {"code": "import.importing", "params": {"file": "good.csv"}} in messages
