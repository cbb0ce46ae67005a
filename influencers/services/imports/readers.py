"""Reading import files into raw rows (CSV, XLSX) or raw creator objects (JSON, JSON Lines).

These readers only check that the file is readable (exists, not empty, UTF-8, well-formed);
the validators decide whether its content is right. Every message names the file by `source`:
the name the user knows (an upload's own name, not the server's temporary path).

What a broken or hostile file gets instead of a traceback: a CSV quote that is never closed, an
XLSX formula without a saved result, XML with entity declarations (XXE, "billion laughs"), a
workbook that would expand past XLSX_MAX_EXPANDED_BYTES, and JSON nested deeper than the
parsers go are each refused with the file (and row or cell) named.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

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


# A workbook whose files declare more than this once unzipped is refused before parsing (a zip
# bomb); real exports of the importer's size limit stay far below it.
XLSX_MAX_EXPANDED_BYTES = 2 * 1024**3


class JsonTooDeep(ValueError):
    """A JSON document nested deeper than the parsers follow (orjson: 1024 levels)."""


def detect_format(path: Path, source: str | None = None) -> str:
    """csv, xlsx, json or jsonl, from the file name."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        fail(
            source or str(path),
            f"unsupported file type '{path.suffix or '(none)'}' (expected .csv, .tsv, .xlsx, .json or .jsonl)",
        )
    return fmt


def read_bytes(path: Path, source: str | None = None) -> bytes:
    """The file's bytes; a missing, unreadable or empty file stops the import."""
    source = source or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        fail(source, "file not found")
    except IsADirectoryError:
        fail(source, "is a directory, not a file")
    except OSError as exc:
        fail(source, f"cannot read the file: {exc.strerror or type(exc).__name__}")
    if _blank(data):
        fail(source, "the file is empty")
    return data


def _blank(content: bytes | str) -> bool:
    """Whether `content` is empty or only whitespace: `not content.strip()` without the copy of
    the whole file that strip makes (tens of MB for a large import), since `isspace` stops at
    the first other character. Both use the same whitespace (ASCII for bytes, Unicode for text)."""
    return not content or content.isspace()


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
    if _blank(text):
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
    source: str | None = None,
) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """(header, rows) of a delimited text file; rows are (spreadsheet row number, cells).

    Read strictly: a quote that is never closed would otherwise swallow every following line
    into one value, and `"a"b` would silently become `ab`; both stop the import at their row."""
    source = source or str(path)
    text = decode_text(read_bytes(path, source), source, encoding)
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    def records() -> Iterator[tuple[int, list[Any]]]:
        number = 0
        while True:
            first_line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                _csv_failure(source, exc, number + 1, first_line)
            number += 1
            yield number, cells

    rows = records()
    header = None
    for number, cells in rows:
        if number == header_row:
            header = cells
            break
    if header is None or not any(cell.strip() for cell in header):
        fail(source, "the file is empty" if header is None else "the header row is empty", f"row {header_row}")
    return header, rows


def _csv_failure(source: str, exc: csv.Error, row: int, line: int) -> NoReturn:
    where = f"row {row}" if row == line else f"row {row} (line {line})"
    if "unexpected end of data" in str(exc):
        fail(
            source,
            'a quoted value that starts in this row is never closed (a " without its closing "), so '
            "every following line would be read into it; close the quote, or double a quote that is "
            'part of the text ("")',
            where,
        )
    fail(
        source,
        f'not readable as CSV: {exc} (a value with a " in it must be quoted as a whole, its " doubled)',
        where,
    )


class UncachedFormula(str):
    """An XLSX cell holding a formula whose result the file does not carry (written by a program
    that does not calculate, e.g. a script): the text is the formula. The validators refuse it,
    naming the row and column, instead of reading it as an empty cell."""


def _formula_aware_parser() -> type:
    # openpyxl's read-only worksheet parser (pinned openpyxl 3.1.5): with data_only it reads a
    # formula cell's saved result (<v>), and None when there is none, like an empty cell; this
    # subclass tells the two apart. Built on first use so CSV and JSON imports never load openpyxl.
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class FormulaAwareParser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["value"] = UncachedFormula("=" + (element.findtext(FORMULA_TAG) or ""))
            return cell

    return FormulaAwareParser


def _xml_failure(source: str, exc: Exception, where: str = "") -> NoReturn:
    fail(
        source,
        "not a valid XLSX workbook: its XML is malformed or declares entities (a DTD), which are "
        f"refused ({type(exc).__name__}); save it again from Excel or LibreOffice",
        where,
    )


def read_xlsx(
    path: Path,
    *,
    sheet: str | None = None,
    header_row: int = 1,
    source: str | None = None,
) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """(header, rows) of one sheet of an Excel workbook (the first unless `sheet` names one).
    A formula cell gives its saved result; one without a result is an `UncachedFormula`."""
    import openpyxl  # only XLSX imports pay for loading it

    source = source or str(path)
    read_bytes(path, source)
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        fail(source, f"not a valid XLSX workbook ({exc.__class__.__name__})")
    if expanded > XLSX_MAX_EXPANDED_BYTES:
        fail(source, f"the workbook would expand to {expanded:,} bytes (at most {XLSX_MAX_EXPANDED_BYTES:,})")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        fail(source, f"not a valid XLSX workbook ({exc.__class__.__name__}: {exc})")
    except SyntaxError as exc:  # xml.etree's ParseError: malformed XML, entities, amplification
        _xml_failure(source, exc)
    if sheet is not None and sheet not in workbook.sheetnames:
        fail(source, f"no sheet named {sheet!r} (sheets: {', '.join(workbook.sheetnames)})")
    worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]

    def sheet_rows() -> Iterator[tuple[int, list[Any]]]:
        parser_class = _formula_aware_parser()
        try:
            with worksheet._get_source() as xml:
                parser = parser_class(
                    xml,
                    worksheet._shared_strings,
                    data_only=True,
                    epoch=workbook.epoch,
                    date_formats=workbook._date_formats,
                    timedelta_formats=workbook._timedelta_formats,
                )
                for number, cells in parser.parse():
                    values: list[Any] = []
                    for cell in cells:
                        column = cell["column"]
                        if column > len(values):
                            values.extend([None] * (column - len(values)))
                        values[column - 1] = cell["value"]
                    yield number, values
        except SyntaxError as exc:
            _xml_failure(source, exc)
        except (KeyError, ValueError, TypeError, OSError, zipfile.BadZipFile) as exc:
            fail(source, f"not a valid XLSX workbook ({exc.__class__.__name__})")

    rows = sheet_rows()
    header = None
    try:
        for number, cells in rows:
            if number == header_row:
                header = ["" if cell is None else str(cell) for cell in cells]
                break
            if number > header_row:
                break
    except BaseException:
        workbook.close()
        raise
    if header is None or not any(cell.strip() for cell in header):
        workbook.close()
        fail(source, "the sheet is empty" if header is None else "the header row is empty", f"row {header_row}")

    def data_rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            yield from rows
        finally:
            workbook.close()

    return header, data_rows()


def loads_json(text: str) -> Any:
    """Parse JSON with orjson (about 3x faster on large imports). Whatever orjson refuses (NaN,
    invalid documents) is parsed again by the standard library, so what is accepted and every
    error message are the standard library's. One difference: orjson reads an integer beyond
    64 bits as a float, which the value checks then refuse where digits matter (ids: "write it
    as text"; counts: "too large"). A document nested deeper than orjson's 1,024 levels raises
    JsonTooDeep (the standard library would run out of stack)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc) or "recursion" in str(exc).lower():
            raise JsonTooDeep(str(exc)) from None
    try:
        return json.loads(text)
    except RecursionError:
        raise JsonTooDeep("nested too deeply") from None


TOO_DEEP = "the JSON is nested too deeply (more than 1,024 levels); the import format needs fewer than 10"


def read_json(path: Path, source: str | None = None) -> list[tuple[str, Any]]:
    """(record path, creator object) of a JSON file: a list of creators or {"creators": [...]}."""
    source = source or str(path)
    text = decode_text(read_bytes(path, source), source)
    try:
        document = loads_json(text)
    except JsonTooDeep:
        fail(source, TOO_DEEP)
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


def read_jsonl(path: Path, problems: Problems, source: str | None = None) -> Iterator[tuple[str, Any]]:
    """(record path, creator object) of a JSON Lines file: one creator object per line, parsed
    lazily so a large file is validated line by line without holding every raw object.

    A line that is not valid JSON is recorded in `problems` and the other lines are still read,
    so one run reports every broken line.

    The file is not decoded as a whole first (for a large file, as long as parsing it): orjson
    accepts only valid UTF-8, so only the lines it refuses are decoded, and the first that is
    not UTF-8, or a file of only blank lines, gets `decode_text`'s message for the whole file,
    as if it had been checked first. Nothing read before it is kept: the import stops there."""
    source = source or str(path)
    data = read_bytes(path, source)
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    data = data[len(bom) :]  # as decode_text drops it

    def refuse() -> None:
        decode_text(bom + data, source)  # the whole file's message: it raises here

    # orjson reads a line's bytes as they are, where a line of text with any non-ASCII character
    # would first be encoded to UTF-8 again (and that copy kept with it); "\n" splits the bytes
    # into the same lines as the text, since UTF-8 uses the byte only for that character. Each
    # line is a view of the file's bytes, not a copy of it (`bytes.split` copied the whole file).
    fast_loads, loads = orjson.loads, loads_json
    view, find = memoryview(data), data.find
    blank = True
    start, number = 0, 0
    while start <= len(data):
        end = find(b"\n", start)
        if end < 0:
            end = len(data)
        raw_line = view[start:end]
        start, number = end + 1, number + 1
        try:
            record = fast_loads(raw_line)
        except orjson.JSONDecodeError:
            # A blank line, or one orjson refuses: handled from its text, as every line was.
            try:
                line = str(raw_line, "utf-8")
            except UnicodeDecodeError:
                refuse()  # names the file's first byte that is not UTF-8
                raise
            if not line.strip():
                continue
            blank = False
            try:
                record = loads(line)
            except JsonTooDeep:
                problems.add(f"line {number}", TOO_DEEP)
                continue
            except json.JSONDecodeError as exc:
                problems.add(f"line {number}, column {exc.colno}", f"invalid JSON: {exc.msg}")
                continue
        blank = False
        yield f"line {number}", record
    if blank:
        refuse()  # the file is empty
