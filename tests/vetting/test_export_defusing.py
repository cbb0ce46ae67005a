"""Formula defusing in exports (CSV injection): a text cell a spreadsheet would run as a formula —
starting with = + - @, a tab or a carriage return, their fullwidth forms ＝＋－＠, or any of them
after leading spaces — is written as text in CSV and XLSX; numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from vetting.services.exports.columns import BY_CODE, cell, defuse

DANGEROUS = [
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    '＝HYPERLINK("http://x")',
    "＋1",
    "－1",
    "＠SUM(A1)",
    "  =1+1",
    "\u3000=1+1",  # an ideographic space first
    " @A1",
]
HARMLESS = ["Ann Lee", "林小红", "a=b", "x@y.com", "2024-01-01", ""]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_could_run_as_a_formula_is_neutralised(text):
    assert defuse(text) == "'" + text  # marked as text, nothing of it lost


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_left_alone(text):
    assert defuse(text) == text


def test_numbers_are_numbers_and_negative_ones_are_not_defused():
    assert cell(BY_CODE["growth_30d"], -0.0123, for_csv=False) == pytest.approx(-0.0123)
    assert cell(BY_CODE["growth_30d"], -0.0123, for_csv=True) == pytest.approx(-1.23)
    assert cell(BY_CODE["followers"], 12345.6, for_csv=True) == 12346


def test_csv_and_xlsx_keep_dangerous_names_as_text(tmp_path):
    from openpyxl import load_workbook

    from vetting.services.exports.rows import ExportContext, ExportRow
    from vetting.services.exports.tabular import write_csv, write_xlsx

    rows = [
        ExportRow(values={"display_name": name, "notes": name, "followers": 100, "growth_30d": -0.5})
        for name in DANGEROUS
    ]
    context = ExportContext(title="t", shortlist="=evil()")
    write_csv(tmp_path / "a.csv", rows, context=context, progress=lambda n: None, header_row="code")
    read = list(csv.DictReader(io.StringIO((tmp_path / "a.csv").read_text(encoding="utf-8-sig"))))
    assert all(r["display_name"].startswith("'") and r["notes"].startswith("'") for r in read)
    assert all(r["growth_30d_pct"] == "-50.0" for r in read)  # a number, untouched
    write_xlsx(tmp_path / "a.xlsx", rows, context=context, progress=lambda n: None)
    book = load_workbook(tmp_path / "a.xlsx")
    sheet = book.worksheets[0]
    names = [c.value for c in sheet["B"][1:]]
    assert all(isinstance(v, str) and v.startswith("'") for v in names)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)  # no formula cell anywhere
    assert book.worksheets[1]["B1"].value == "'=evil()"  # the method sheet too
