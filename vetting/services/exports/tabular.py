"""CSV and XLSX writers: one row per creator, the columns of `columns.COLUMNS`, headers and words in
the export's language (the caller activates it).

CSV: UTF-8 with a BOM (Excel then reads Chinese right), a header row of labels ("Engagement rate
(%)") or, with `header="code"`, of stable machine codes ("engagement_rate_pct"); percentages in
points rounded to 0.01, scores 0–100 to 0.1, money and counts whole.
XLSX: a "creators" sheet with numbers as numbers and their formats (thousands, 0.00%), column
widths, an autofilter and a frozen header row; a second sheet with the method and the sources.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from core.messages import render_message
from vetting.services.exports.columns import COLUMNS, PCT, defuse, header, row_cells
from vetting.services.exports.method import method_lines
from vetting.services.exports.overlap import cell_shade, cell_text
from vetting.services.exports.rows import ExportContext, ExportRow

HEADERS = ("label", "code")


def write_csv(
    path: Path,
    rows: list[ExportRow],
    *,
    context: ExportContext,
    progress: Callable[[int], None],
    header_row: str = "label",
) -> None:
    """UTF-8 with BOM, so Excel opens Chinese text correctly."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        if header_row == "code":
            writer.writerow([c.csv_code for c in COLUMNS])
        else:
            writer.writerow([f"{header(c)} (%)" if c.kind == PCT else header(c) for c in COLUMNS])
        for index, row in enumerate(rows, start=1):
            writer.writerow(["" if v is None else v for v in row_cells(row.values, for_csv=True)])
            if index % 50 == 0:
                progress(index)
    progress(len(rows))


def write_xlsx(path: Path, rows: list[ExportRow], *, context: ExportContext, progress: Callable[[int], None]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Creators")[:31]
    sheet.append([header(c) for c in COLUMNS])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="F1F5F9")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, row in enumerate(rows, start=1):
        sheet.append(row_cells(row.values, for_csv=False))
        if index % 50 == 0:
            progress(index)
    for position, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(position)
        # Wide enough for the header or the values, whichever is longer, within reason.
        sheet.column_dimensions[letter].width = max(column.width, min(len(header(column)) + 2, 30))
        if column.number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
                cell.number_format = column.number_format
    sheet.row_dimensions[1].height = 30
    sheet.freeze_panes = "C2"  # the header row and the creator's id and name stay in view
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(len(rows) + 1, 2)}"

    if context.overlap is not None and len(context.overlap["rows"]) > 1:
        _overlap_sheet(workbook, context.overlap)

    method = workbook.create_sheet(_("Method and sources")[:31])
    method.column_dimensions["A"].width = 28
    method.column_dimensions["B"].width = 110
    method.append([_("Vetting export"), defuse(context.shortlist or _("Discovery search"))])
    method["A1"].font = bold
    platforms = sorted({row.values["platform"] for row in rows if row.values.get("platform")})
    for topic, text in method_lines(context, platforms=platforms or None):
        method.append([topic, defuse(text)])
    for (cell,) in method.iter_rows(min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for (cell,) in method.iter_rows(min_col=1, max_col=1):
        cell.alignment = Alignment(vertical="top")
        cell.font = bold
    workbook.save(path)
    progress(len(rows))


def _overlap_sheet(workbook: Any, matrix: dict[str, Any]) -> None:
    """The audience overlap: unique reach, the creators × creators matrix (estimates as numbers
    formatted 0.0%, shaded by size; other cells as words), then one row per pair with its
    interval and explanation."""
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = workbook.create_sheet(_("Audience overlap")[:31])
    bold = Font(bold=True)
    reach = matrix["unique_reach"]
    sheet.append([_("Audience overlap")])
    sheet["A1"].font = bold
    sheet.append([defuse(render_message(matrix["reach"]))])
    if reach["estimate"] is not None:
        sheet.append([_("Unique reach"), reach["estimate"], reach["interval"][0], reach["interval"][1]])
        sheet.append(["", _("estimate"), _("Interval, low (95%)"), _("Interval, high (95%)")])
    if matrix["not_counted"] is not None:
        sheet.append([defuse(render_message(matrix["not_counted"]))])
    sheet.append([defuse(render_message(matrix["method"]))])
    sheet.append([])
    names = [defuse(row["creator"]["display_name"]) for row in matrix["rows"]]
    sheet.append(["", *names])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in matrix["rows"]:
        values: list[Any] = [defuse(row["creator"]["display_name"])]
        values += [cell["share"] if cell["kind"] == "estimate" else cell_text(cell) for cell in row["cells"]]
        sheet.append(values)
        line = sheet[sheet.max_row]
        line[0].font = bold
        for target, cell in zip(line[1:], row["cells"]):
            target.fill = PatternFill("solid", fgColor=cell_shade(cell))
            target.alignment = Alignment(horizontal="right")
            if cell["kind"] == "estimate":
                target.number_format = "0.0%"
    sheet.append([])
    sheet.append(
        [_("Creator"), _("Creator"), _("Overlap"), _("Interval, low (95%)"), _("Interval, high (95%)"), _("How")]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for i, row in enumerate(matrix["rows"]):
        for j in range(i + 1, len(matrix["rows"])):
            cell = row["cells"][j]
            low, high = cell["interval"] if cell["interval"] else (None, None)
            share = cell["share"] if cell["kind"] == "estimate" else cell_text(cell)
            sheet.append(
                [
                    defuse(row["creator"]["display_name"]),
                    defuse(matrix["rows"][j]["creator"]["display_name"]),
                    share,
                    low,
                    high,
                    defuse(render_message(cell["note"])) if cell["note"] else "",
                ]
            )
            line = sheet[sheet.max_row]
            for target in line[2:5]:
                if isinstance(target.value, float):
                    target.number_format = "0.0%"
    sheet.column_dimensions["A"].width = 24
    for letter in "BCDE":
        sheet.column_dimensions[letter].width = 16
    sheet.column_dimensions["F"].width = 90
