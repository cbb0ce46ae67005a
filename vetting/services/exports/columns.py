"""The columns of the CSV and XLSX exports: stable codes, headers in the export's language, and each
value as a client reads and sorts it — numbers as numbers (a share as a fraction with a percentage
format in XLSX, in percentage points in CSV), ranges as min/max columns, codes as labels, messages
in words. Text cells that a spreadsheet would run as a formula are defused (`defuse`)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.messages import is_message, join_texts, label, render_message

TEXT, ID, INT, PCT, SCORE = "text", "id", "int", "pct", "score"
NUM1, NUM2, NUM3, DATE, YES_NO = "num1", "num2", "num3", "date", "yes_no"


@dataclass(frozen=True)
class Column:
    """One export column: its code (the CSV's machine header), how its values read, its XLSX width
    (characters) and number format."""

    code: str
    kind: str = TEXT
    width: int = 14
    labels: str = ""  # the label kind of a code (or a list of codes) shown as its label

    @property
    def csv_code(self) -> str:
        """The machine header: percentage columns say their unit (the CSV holds points)."""
        return f"{self.code}_pct" if self.kind == PCT else self.code

    @property
    def number_format(self) -> str | None:
        return {
            ID: "0",
            INT: "#,##0",
            PCT: "0.00%",
            SCORE: "0.0",
            NUM1: "#,##0.0",
            NUM2: "#,##0.00",
            NUM3: "#,##0.000",
            DATE: "yyyy-mm-dd",
        }.get(self.kind)


COLUMNS: tuple[Column, ...] = (
    Column("creator_id", ID, 10),
    Column("display_name", TEXT, 24),
    Column("country", TEXT, 8),
    Column("languages", TEXT, 10),
    Column("categories", TEXT, 16, labels="category"),
    Column("contact_email", TEXT, 26),
    Column("platform", TEXT, 12, labels="platform"),
    Column("handle", TEXT, 20),
    Column("followers", INT, 12),
    Column("engagement_rate", PCT, 11),
    Column("er_formula", TEXT, 40),
    Column("data_as_of", DATE, 11),
    Column("data_stale", YES_NO, 8),
    Column("growth_30d", PCT, 11),
    Column("growth_90d", PCT, 11),
    Column("posts_per_week", NUM1, 9),
    Column("fake_risk", PCT, 10),
    Column("risk_level", TEXT, 14, labels="risk_level"),
    Column("risk_reason", TEXT, 48),
    Column("risk_account", TEXT, 22),
    Column("risk_confidence", PCT, 10),
    Column("risk_missing", TEXT, 24, labels="evidence_missing"),
    Column("accounts_without_verdict", TEXT, 26),
    Column("other_accounts", TEXT, 26),
    Column("status", TEXT, 11, labels="entry_status"),
    Column("notes", TEXT, 40),
    Column("added_at", DATE, 11),
    Column("added_by", TEXT, 12),
    Column("followers_when_added", INT, 12),
    Column("fake_risk_when_added", PCT, 10),
    Column("match_score", SCORE, 9),
    Column("match_note", TEXT, 36),
    Column("audience_fit", SCORE, 9),
    Column("authenticity", SCORE, 9),
    Column("value_alignment", SCORE, 9),
    Column("engagement_quality", SCORE, 9),
    Column("est_reach_min", INT, 11),
    Column("est_reach_max", INT, 11),
    Column("est_cost_min_usd", INT, 11),
    Column("est_cost_max_usd", INT, 11),
    Column("est_cpm_min_usd", NUM2, 10),
    Column("est_cpm_max_usd", NUM2, 10),
    Column("est_cpe_min_usd", NUM3, 10),
    Column("est_cpe_max_usd", NUM3, 10),
    Column("est_tier", TEXT, 10, labels="tier"),
    Column("est_rate_table", TEXT, 30),
)
BY_CODE = {c.code: c for c in COLUMNS}


def header(column: Column) -> str:
    """The column's header in the active language."""
    return label("export_column", column.code)


# A spreadsheet runs a cell as a formula when it starts with one of these, also in their fullwidth
# forms (Excel and LibreOffice fold ＝＋－＠ into =+-@) and after leading spaces.
_FORMULA = re.compile(r"^[\s\u3000]*[=+\-@＝＋－＠]|^[\t\r\n]")
# Control characters XLSX (XML) cannot hold.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def defuse(text: str) -> str:
    """A text cell that cannot run as a formula: "=cmd|…" → "'=cmd|…" (the apostrophe is what
    spreadsheets themselves use to mark text); also "＝…", " +…", "\\t-…"."""
    text = _ILLEGAL.sub("", text)
    return "'" + text if _FORMULA.match(text) else text


def _words(value: Any, labels: str) -> str:
    if value is None or value == "":
        return ""
    if is_message(value):
        return render_message(value)
    if isinstance(value, (list, tuple)):
        return join_texts(_words(v, labels) for v in value if v not in (None, ""))
    if labels:
        return label(labels, value)
    return str(value)


def cell(column: Column, value: Any, *, for_csv: bool) -> Any:
    """A column's value as the file holds it: numbers rounded to what they can tell (a share to a
    hundredth of a percent, a score to a tenth), None for unknown; text in the active language,
    defused."""
    if column.kind == TEXT:
        return defuse(_words(value, column.labels))
    if column.kind == YES_NO:
        return "" if value is None else label("yes_no", "yes" if value else "no")
    if column.kind == DATE:
        if isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, dt.date):
            return None
        return value.isoformat() if for_csv else value
    number = _number(value)
    if number is None:
        return None
    if column.kind in (INT, ID):
        return int(round(number))
    if column.kind == PCT:
        return round(number * 100, 2) if for_csv else round(number, 4)
    if column.kind == SCORE:
        return round(number * 100, 1)
    return round(number, {NUM1: 1, NUM2: 2, NUM3: 3}[column.kind])


def _number(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def row_cells(values: dict[str, Any], columns: Iterable[Column] = COLUMNS, *, for_csv: bool) -> list[Any]:
    return [cell(c, values.get(c.code), for_csv=for_csv) for c in columns]
