"""CSV and XLSX writers: one row per creator, the COLUMNS in order."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from vetting.services.exports.rows import COLUMNS, ExportRow

# Spreadsheet apps execute cells starting with these characters as formulas (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def write_csv(path: Path, rows: list[ExportRow], *, title: str, progress: Callable[[int], None]) -> None:
    """UTF-8 with BOM, so Excel opens Chinese text correctly."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for index, row in enumerate(rows, start=1):
            writer.writerow([_safe(row.values.get(c)) for c in COLUMNS])
            if index % 50 == 0:
                progress(index)
    progress(len(rows))


def write_xlsx(path: Path, rows: list[ExportRow], *, title: str, progress: Callable[[int], None]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "creators"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, row in enumerate(rows, start=1):
        sheet.append([_safe(row.values.get(c)) for c in COLUMNS])
        if index % 50 == 0:
            progress(index)
    for column in ("engagement_rate", "growth_30d", "growth_90d", "fake_risk", "risk_confidence", "match_score"):
        letter = sheet.cell(row=1, column=COLUMNS.index(column) + 1).column_letter
        for cell in sheet[letter][1:]:
            cell.number_format = "0.00%" if column != "match_score" else "0.000"
    workbook.save(path)
    progress(len(rows))
