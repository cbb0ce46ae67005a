"""Reading and writing follower-sample CSV files for `manage.py score_followers`.

Input: a header with any subset of `followers.FIELDS` (case and surrounding spaces ignored;
other columns are carried through untouched), comma, semicolon or tab separated, UTF-8 (a BOM
is fine). Empty cells, "NA", "null", "none" and "nan" are unknown. Counts accept thousands
separators and k/M suffixes ("1,234", "1.2k"); booleans accept true/false, yes/no, 1/0, t/f,
y/n. Any other value is an InputError naming the file, the line and the field; nothing is
written then.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import InputError
from vetting.scoring.audience_quality import AudienceQuality, score_audience
from vetting.scoring.follower_calibration import FollowerCalibration
from vetting.scoring.followers import BOOL_FIELDS, COUNT_FIELDS, FIELDS, FollowerBatch, FollowerProfile, reasons_for

OUTPUT_COLUMNS = ("fake_probability", "reasons")
_MISSING = {"", "na", "n/a", "null", "none", "nan", "-"}
_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0"}
_COUNT = re.compile(r"^(\d+(?:\.\d+)?)([km]?)$")


@dataclass
class FollowerCsv:
    """A parsed input file: its header as written, its raw rows, and the profiles."""

    header: list[str]
    rows: list[list[str]]
    profiles: list[FollowerProfile]
    known_columns: dict[str, int]
    lines: list[int]  # the file line of each row


def parse_count(value: str) -> float | None:
    """A non-negative count, or None when unknown; ValueError otherwise."""
    text = value.strip().lower()
    if text in _MISSING:
        return None
    text = text.replace(",", "").replace("_", "").replace(" ", "").replace("'", "")
    match = _COUNT.match(text)
    if not match:
        raise ValueError(f"{value!r} is not a non-negative count")
    number = float(match.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2)]
    return float(round(number))


def parse_bool(value: str) -> bool | None:
    """True/False, or None when unknown; ValueError otherwise."""
    text = value.strip().lower()
    if text in _MISSING:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{value!r} is not a boolean (use true/false, yes/no or 1/0)")


def read_follower_csv(path: str | os.PathLike[str]) -> FollowerCsv:
    """Parse and validate the whole file before anything is scored or written."""
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", source=source) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", source=source) from exc
    if not text.strip():
        raise InputError("the file is empty; expected a header line", source=source)
    try:
        dialect = csv.Sniffer().sniff(text[:4096].splitlines()[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise InputError(f"cannot read the header: {exc}", source=source, location="line 1") from exc
    known: dict[str, int] = {}
    for i, name in enumerate(header):
        key = name.strip().lower()
        if key in FIELDS:
            if key in known:
                raise InputError(f"column {key!r} appears twice", source=source, location="line 1", field=key)
            known[key] = i
    if not known:
        raise InputError(
            "no recognised column; expected any of: " + ", ".join(FIELDS), source=source, location="line 1"
        )
    rows: list[list[str]] = []
    profiles: list[FollowerProfile] = []
    lines: list[int] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # blank line
            if len(row) > len(header):
                raise InputError(
                    f"{len(row)} values but the header has {len(header)} columns",
                    source=source,
                    location=f"line {line}",
                )
            row = row + [""] * (len(header) - len(row))
            values: dict[str, Any] = {}  # FollowerProfile's fields, each of its own type
            for name, i in known.items():
                cell = row[i]
                try:
                    if name in COUNT_FIELDS:
                        values[name] = parse_count(cell)
                    elif name in BOOL_FIELDS:
                        values[name] = parse_bool(cell)
                    else:
                        values[name] = cell.strip() if name != "biography" else cell
                except ValueError as exc:
                    raise InputError(str(exc), source=source, location=f"line {line}", field=name) from exc
            rows.append(row)
            profiles.append(FollowerProfile(**values))
            lines.append(line)
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", source=source, location=f"line {reader.line_num}") from exc
    if not rows:
        raise InputError("no data rows after the header", source=source)
    return FollowerCsv(header=header, rows=rows, profiles=profiles, known_columns=known, lines=lines)


@dataclass
class ScoredCsv:
    """The output table and the audience quality of the sample."""

    header: list[str]
    rows: list[list[str]]
    quality: AudienceQuality


def score_follower_csv(parsed: FollowerCsv, calibration: FollowerCalibration | None = None) -> ScoredCsv:
    """Append fake_probability (calibrated, at the sample's estimated share of fakes) and reasons
    to every row (input order kept)."""
    batch = FollowerBatch.from_profiles(parsed.profiles)
    scored = score_audience(batch, calibration)
    header = list(parsed.header)
    positions = {}
    for column in OUTPUT_COLUMNS:
        existing = [i for i, name in enumerate(header) if name.strip().lower() == column]
        if existing:  # re-scoring an output file: overwrite the old values
            positions[column] = existing[0]
        else:
            header.append(column)
            positions[column] = len(header) - 1
    out_rows = []
    for i, row in enumerate(parsed.rows):
        new = row + [""] * (len(header) - len(row))
        new[positions["fake_probability"]] = f"{scored.probability[i]:.4f}"
        new[positions["reasons"]] = "; ".join(reasons_for(batch, scored.scores, i))
        out_rows.append(new)
    return ScoredCsv(header=header, rows=out_rows, quality=scored.quality)


LABEL_COLUMN = "is_fake"


def read_labelled_follower_csv(path: str | os.PathLike[str]) -> tuple[FollowerBatch, np.ndarray]:
    """A follower CSV with an `is_fake` column (true/false on every row): the batch and labels."""
    parsed = read_follower_csv(path)
    columns = [i for i, name in enumerate(parsed.header) if name.strip().lower() == LABEL_COLUMN]
    if not columns:
        raise InputError(f"no {LABEL_COLUMN!r} column (true/false per account)", source=str(path), location="line 1")
    labels = []
    for row, line in zip(parsed.rows, parsed.lines):
        try:
            label = parse_bool(row[columns[0]])
        except ValueError as exc:
            raise InputError(str(exc), source=str(path), location=f"line {line}", field=LABEL_COLUMN) from exc
        if label is None:
            raise InputError(
                "missing label (true/false)", source=str(path), location=f"line {line}", field=LABEL_COLUMN
            )
        labels.append(label)
    return FollowerBatch.from_profiles(parsed.profiles), np.array(labels, dtype=bool)


def write_csv_atomic(path: str | os.PathLike[str], header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Write the CSV to a temporary file next to `path` and move it into place, so a failure
    never leaves a half-written output."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError("the output directory does not exist", source=str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
