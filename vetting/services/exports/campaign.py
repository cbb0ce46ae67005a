"""The campaign report as a client reads it — web page, PDF and XLSX share these rows: per
prediction type, the actual figure, the predicted one and the error, worded in the active
language (the caller activates it). `campaign_report_file` writes the PDF or the XLSX."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.messages import compact_number, label, render_message
from vetting import messages as m
from vetting.services.campaign_report import error_lines

# The rows of a creator's (and the total's) results: prediction types first, then figures that
# were not predicted (views, cost per view).
METRICS = ("reach", "views", "engagements", "er", "cost", "cpe", "cpv", "cpm")
EXTRA_LABELS = {"views": "Views", "cpv": "Cost per view"}
TEMPLATE = "vetting/export/campaign.html"
FORMATS = ("pdf", "xlsx")
NUMBER_FORMATS = {
    "reach": "#,##0",
    "views": "#,##0",
    "engagements": "#,##0",
    "er": "0.00%",
    "cost": '"US$"#,##0',
    "cpe": '"US$"#,##0.000',
    "cpv": '"US$"#,##0.0000',
    "cpm": '"US$"#,##0.00',
}


def metric_label(kind: str) -> str:
    return _(EXTRA_LABELS[kind]) if kind in EXTRA_LABELS else label("prediction_type", kind)


def fmt(kind: str, value: Any) -> str:
    """A figure of `kind` for reading: counts short (12.3K / 1.23万), ER in %, money in US$."""
    if value is None:
        return "—"
    value = float(value)
    if kind in ("reach", "views", "engagements"):
        return compact_number(value)
    if kind == "er":
        return f"{value * 100:.2f}%"
    digits = {"cost": 0, "cpe": 3, "cpv": 4, "cpm": 2}[kind]
    return f"US${value:,.{digits}f}"


def _predicted_text(kind: str, pair: list[float] | None) -> str:
    if not pair:
        return "—"
    low, high = pair
    return fmt(kind, low) if low == high else f"{fmt(kind, low)}–{fmt(kind, high)}"


def metric_rows(block: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of one creator's (or the total's) results: {kind, label, actual, predicted,
    error, within, values}; `values` are the numbers (actual, predicted low, high, error)."""
    rows = []
    for kind in METRICS:
        actual = block["actual"].get(kind)
        pair = block["predicted"].get(kind)
        comparison = block["comparison"].get(kind) or {}
        if actual is None and pair is None:
            continue
        error = comparison.get("error")
        rows.append(
            {
                "kind": kind,
                "label": metric_label(kind),
                "actual": fmt(kind, actual),
                "predicted": _predicted_text(kind, pair),
                "error": "—" if error is None else f"{error * 100:+.0f}%",
                "within": comparison.get("within") if pair and pair[0] != pair[1] else None,
                "values": (actual, pair[0] if pair else None, pair[1] if pair else None, error),
            }
        )
    return rows


def report_view(report: dict[str, Any]) -> dict[str, Any]:
    """Everything the page, the PDF and the XLSX show, worded in the active language."""
    creators = []
    for row in report["creators"]:
        creators.append(
            {
                "id": row["creator"]["id"],
                "booking_id": row["booking_id"],
                "name": row["creator"]["display_name"],
                "platform": label("platform", row["platform"]) if row["platform"] else "",
                "handle": row["handle"],
                "fee": fmt("cost", row["fee_usd"]),
                "fee_value": row["fee_usd"],
                "posts": row["posts"],
                "post_count": len(row["posts"]),
                "source": label("prediction_source", row["prediction_source"]),
                "reach_basis": label("reach_basis", row["actual"]["reach_basis"]),
                "metrics": metric_rows(row),
            }
        )
    return {
        "campaign": report["campaign"],
        "creators": creators,
        "total": metric_rows(report["total"]),
        "cost_all_bookings": fmt("cost", report["total"]["cost_all_bookings"]),
        "campaign_errors": [render_message(line) for line in error_lines(report["error_by_type"])],
        "organisation_errors": [render_message(line) for line in error_lines(report["organisation_error"])],
        "method": render_message(m.CAMPAIGN_METHOD()),
    }


def campaign_report_file(report: dict[str, Any], *, fmt_name: str, language: str, path: Path) -> None:
    """Write the report as a PDF or an XLSX at `path`, in the active language."""
    view = report_view(report)
    if fmt_name == "pdf":
        _write_pdf(view, language=language, path=path)
    else:
        _write_xlsx(view, path=path)


def _write_pdf(view: dict[str, Any], *, language: str, path: Path) -> None:
    from vetting.services.exports.pdf import pdf_from_html, printable

    pdf_from_html(printable(campaign_html(view, language=language)), path)


def campaign_html(view: dict[str, Any], *, language: str, now: dt.datetime | None = None) -> str:
    """The PDF's HTML, in the active language."""
    from vetting.services.exports.pdf import FONT_FAMILY, font_path

    return render_to_string(
        TEMPLATE,
        {
            **view,
            "font_url": font_path().as_uri(),
            "font_family": FONT_FAMILY,
            "language": language,
            "language_name": label("language", language),
            "date": timezone.localtime(now or timezone.now()).date().isoformat(),
        },
    )


def _write_xlsx(view: dict[str, Any], *, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from vetting.services.exports.columns import defuse

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Campaign report")[:31]
    bold = Font(bold=True)
    campaign = view["campaign"]
    sheet.append([_("Campaign report"), defuse(campaign["name"])])
    sheet.append([_("Shortlist"), defuse(campaign["shortlist"]["name"])])
    sheet.append([_("Dates"), campaign["starts_on"], campaign["ends_on"] or ""])
    sheet.append([])
    header = [_("Creator"), _("Platform"), _("Posts"), _("Figure"), _("Actual"), _("Predicted, low")]
    header += [_("Predicted, high"), pgettext("prediction", "Error"), _("Inside the range"), _("Prediction")]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = bold

    def add(name: str, platform: str, posts: Any, source: str, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            actual, low, high, error = row["values"]
            within = "" if row["within"] is None else (_("yes") if row["within"] else _("no"))
            sheet.append([defuse(name), platform, posts, row["label"], actual, low, high, error, within, source])
            line = sheet[sheet.max_row]
            for target in line[4:7]:
                target.number_format = NUMBER_FORMATS[row["kind"]]
            line[7].number_format = "+0%;-0%;0%"

    add(_("Total"), "", sum(c["post_count"] for c in view["creators"]), "", view["total"])
    for creator in view["creators"]:
        add(creator["name"], creator["platform"], creator["post_count"], creator["source"], creator["metrics"])
    sheet.append([])
    sections = ((_("This campaign"), view["campaign_errors"]), (_("All your campaigns"), view["organisation_errors"]))
    for title, lines in sections:
        sheet.append([title])
        sheet[sheet.max_row][0].font = bold
        for text in lines:
            sheet.append([defuse(text)])
    sheet.append([defuse(view["method"])])
    for letter, width in zip("ABCDEFGHIJ", (24, 14, 8, 24, 14, 14, 14, 10, 12, 40)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_col=1, max_col=1):
        row[0].alignment = Alignment(vertical="top")

    posts = workbook.create_sheet(_("Posts")[:31])
    posts.append([_("Creator"), "URL", _("Posted"), _("Reach"), _("Views"), _("Likes"), _("Comments"), _("Shares")])
    for cell in posts[1]:
        cell.font = bold
    for creator in view["creators"]:
        for post in creator["posts"]:
            posts.append(
                [
                    defuse(creator["name"]),
                    defuse(post["url"]),
                    (post["posted_at"] or "")[:10],
                    post["reach"],
                    post["views"],
                    post["likes"],
                    post["comments"],
                    post["shares"],
                ]
            )
    posts.column_dimensions["B"].width = 50
    workbook.save(path)
