"""Reading import files into raw rows (CSV, XLSX) or raw creator objects (JSON, JSON Lines).

These readers only check that the file is readable (exists, not empty, UTF-8, well-formed);
the validators decide whether its content is right.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from influencers.services.imports.problems import Problems, fail

FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
TOP_LEVEL_KEYS = frozenset({"creators", "format", "version", "source", "generated_at", "description"})


def detect_format(path: Path) -> str:
    """csv, xlsx, json or jsonl, from the file name."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        fail(
            str(path),
            f"unsupported file type '{path.suffix or '(none)'}' (expected .csv, .tsv, .xlsx, .json or .jsonl)",
        )
    return fmt


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a missing, unreadable or empty file stops the import."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        fail(str(path), "file not found")
    except IsADirectoryError:
        fail(str(path), "is a directory, not a file")
    except OSError as exc:
        fail(str(path), f"cannot read the file: {exc.strerror or exc}")
    if not data.strip():
        fail(str(path), "the file is empty")
    return data


def decode_text(data: bytes, source: str, encoding: str = "utf-8") -> str:
    """The file as text. A UTF-8 byte order mark (Excel's 'CSV UTF-8') is dropped."""
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8", "utf-8-sig"):
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex()
        name = "UTF-8" if encoding == "utf-8-sig" else encoding
        hint = (
            "; save it as UTF-8 (Excel: 'CSV UTF-8'), or name its encoding (e.g. gb18030) in a column mapping"
            if name == "UTF-8"
            else ""
        )
        fail(
            source,
            f"the file is not {name} text: byte 0x{bad} at byte offset {exc.start} cannot be decoded{hint}",
            f"line {line}",
        )
    if not text.strip():
        fail(source, "the file is empty")
    return text


def _sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {delimiter: first.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def read_csv(
    path: Path,
    *,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    header_row: int = 1,
) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """(header, rows) of a delimited text file; rows are (spreadsheet row number, cells)."""
    source = str(path)
    text = decode_text(read_bytes(path), source, encoding)
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = enumerate(reader, start=1)
    try:
        header = None
        for number, cells in rows:
            if number == header_row:
                header = cells
                break
    except csv.Error as exc:
        fail(source, f"not readable as CSV: {exc}", f"row {reader.line_num}")
    if header is None or not any(cell.strip() for cell in header):
        fail(source, "the file is empty" if header is None else "the header row is empty", f"row {header_row}")

    def data_rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            yield from rows
        except csv.Error as exc:
            fail(source, f"not readable as CSV: {exc}", f"line {reader.line_num}")

    return header, data_rows()


def read_xlsx(
    path: Path,
    *,
    sheet: str | None = None,
    header_row: int = 1,
) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """(header, rows) of one sheet of an Excel workbook (the first unless `sheet` names one)."""
    import openpyxl  # only XLSX imports pay for loading it

    source = str(path)
    read_bytes(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        fail(source, f"not a valid XLSX workbook ({exc.__class__.__name__}: {exc})")
    if sheet is not None and sheet not in workbook.sheetnames:
        fail(source, f"no sheet named {sheet!r} (sheets: {', '.join(workbook.sheetnames)})")
    worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
    rows = enumerate(worksheet.iter_rows(values_only=True), start=1)
    header = None
    for number, cells in rows:
        if number == header_row:
            header = ["" if cell is None else str(cell) for cell in cells]
            break
    if header is None or not any(cell.strip() for cell in header):
        fail(source, "the sheet is empty" if header is None else "the header row is empty", f"row {header_row}")

    def data_rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, cells in rows:
                yield number, list(cells)
        finally:
            workbook.close()

    return header, data_rows()


def loads_json(text: str) -> Any:
    """Parse JSON with orjson (about 3x faster on large imports). Whatever orjson refuses (NaN,
    invalid documents) is parsed again by the standard library, so what is accepted and every
    error message are the standard library's. One difference: orjson reads an integer beyond
    64 bits as a float, which the value checks then refuse where digits matter (ids: "write it
    as text"; counts: "too large")."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def read_json(path: Path) -> list[tuple[str, Any]]:
    """(record path, creator object) of a JSON file: a list of creators or {"creators": [...]}."""
    source = str(path)
    text = decode_text(read_bytes(path), source)
    try:
        document = loads_json(text)
    except json.JSONDecodeError as exc:
        fail(source, f"invalid JSON: {exc.msg}", f"line {exc.lineno}, column {exc.colno}")
    if isinstance(document, dict):
        unknown = sorted(set(document) - TOP_LEVEL_KEYS)
        if unknown:
            fail(
                source, f"unknown top-level field(s) {', '.join(map(repr, unknown))}; creators go in a 'creators' list"
            )
        if "creators" not in document:
            fail(source, "no 'creators' list in the file")
        creators = document["creators"]
    else:
        creators = document
    if not isinstance(creators, list):
        fail(source, "'creators' must be a list of creator objects", "creators")
    if not creators:
        fail(source, "the file contains no creators")
    return [(f"creators[{index}]", record) for index, record in enumerate(creators)]


def read_jsonl(path: Path, problems: Problems) -> Iterator[tuple[str, Any]]:
    """(record path, creator object) of a JSON Lines file: one creator object per line, parsed
    lazily so a large file is validated line by line without holding every raw object.

    A line that is not valid JSON is recorded in `problems` and the other lines are still read,
    so one run reports every broken line."""
    source = str(path)
    text = decode_text(read_bytes(path), source)
    loads = loads_json
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = loads(line)
        except json.JSONDecodeError as exc:
            problems.add(f"line {number}, column {exc.colno}", f"invalid JSON: {exc.msg}")
            continue
        yield f"line {number}", record
