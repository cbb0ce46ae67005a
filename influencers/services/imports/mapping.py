"""Column mappings: read a foreign CSV/XLSX export (Chinese agency sheets, Modash, HypeAuditor, ...)
as the flat import format, renaming its headers and converting its values.

A mapping is a YAML or JSON file (documented in docs/import-format.md):

    encoding: utf-8          # or gb18030 for exports saved by Chinese Excel
    columns:
      达人昵称: creator_name
      粉丝数: {to: followers, transform: number}        # 1.2万 → 12000
      平台: {to: platform, values: {小红书: xiaohongshu}}
    constants: {audience_source: 千瓜}
    ignore: [序号]
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from influencers.services.imports.columns import FIXED_COLUMNS, canonical_name, closest_name, is_column
from influencers.services.imports.problems import Problems, fail
from influencers.services.imports.values import (
    is_blank,
    parse_date,
    parse_datetime,
    parse_human_number,
    parse_percent,
)

TRANSFORMS = ("number", "percent", "date", "datetime")
_MAPPING_KEYS = {
    "name",
    "description",
    "encoding",
    "delimiter",
    "sheet",
    "header_row",
    "columns",
    "constants",
    "ignore",
}
_RULE_KEYS = {"to", "transform", "format", "values", "default"}


def _fold(text: str) -> str:
    return text.strip().casefold()


@dataclass
class ColumnRule:
    """How one column of a foreign file becomes one column of ours."""

    source: str
    target: str
    transform: str | None = None
    formats: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)  # case-folded source value → our value
    default: Any = None

    def apply(self, value: Any) -> Any:
        """The converted value; raises ValueInvalid with the reason."""
        if self.values and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            key = _fold(str(value))
            if key in self.values:
                value = self.values[key]
        if is_blank(value):
            value = self.default
            if value is None:
                return None
        if self.transform == "number":
            return parse_human_number(value)
        if self.transform == "percent":
            return parse_percent(value)
        if self.transform == "date":
            return parse_date(value, self.formats)
        if self.transform == "datetime":
            return parse_datetime(value, self.formats)
        return value


@dataclass
class ColumnMapping:
    """A parsed mapping file."""

    path: str
    name: str = ""
    encoding: str = "utf-8"
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int = 1
    rules: dict[str, list[ColumnRule]] = field(default_factory=dict)  # case-folded source header → rules
    constants: dict[str, Any] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()

    def rules_for(self, header: str) -> list[ColumnRule]:
        """The rules reading this header (a column may feed several of ours, e.g. a report date)."""
        return self.rules.get(_fold(header), [])

    def ignores(self, header: str) -> bool:
        return _fold(header) in self.ignore


def load_mapping(path: Path | str) -> ColumnMapping:
    """Read and check a mapping file (YAML or JSON); every problem is reported at once."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        fail(source, "mapping file not found")
    except OSError as exc:
        fail(source, f"cannot read the mapping file: {exc.strerror or exc}")
    except UnicodeDecodeError as exc:
        fail(source, f"the mapping file is not UTF-8 (undecodable byte at offset {exc.start})")
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        fail(source, f"invalid JSON: {exc.msg}", f"line {exc.lineno}, column {exc.colno}")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        fail(source, f"invalid YAML: {getattr(exc, 'problem', None) or exc}", where)
    except RecursionError:
        fail(source, "the mapping is nested too deeply; a mapping is a few levels of sections and columns")
    if not isinstance(data, dict):
        fail(source, "a mapping file must be an object with a 'columns' section")
    return _parse_mapping(source, data)


def mapping_from_data(data: Any, *, source: str = "column mapping") -> ColumnMapping:
    """Check a mapping given as data (a shipped mapping, the web UI's column choices, the API);
    every problem is reported at once, named by `source` (never a server path)."""
    if not isinstance(data, dict):
        fail(source, "a mapping must be an object with a 'columns' section")
    return _parse_mapping(source, data)


def _parse_mapping(source: str, data: dict[str, Any]) -> ColumnMapping:
    problems = Problems(source)
    for key in sorted(set(data) - _MAPPING_KEYS):
        problems.add(str(key), f"unknown setting (expected one of: {', '.join(sorted(_MAPPING_KEYS))})")
    mapping = ColumnMapping(path=source, name=str(data.get("name") or ""))
    encoding = data.get("encoding", "utf-8")
    try:
        "".encode(str(encoding))
        mapping.encoding = str(encoding)
    except LookupError:
        problems.add("encoding", f"unknown text encoding {encoding!r}")
    delimiter = data.get("delimiter")
    if delimiter is not None:
        if delimiter in ("\\t", "tab"):
            delimiter = "\t"
        if not isinstance(delimiter, str) or len(delimiter) != 1:
            problems.add("delimiter", "must be a single character (or 'tab')")
        else:
            mapping.delimiter = delimiter
    if data.get("sheet") is not None:
        mapping.sheet = str(data["sheet"])
    header_row = data.get("header_row", 1)
    if isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1:
        problems.add("header_row", "must be a row number (1 = the first row)")
    else:
        mapping.header_row = header_row

    columns = data.get("columns") or {}
    if not isinstance(columns, dict) or not columns:
        problems.add("columns", "must map each column of the file to one of ours, e.g. {粉丝数: followers}")
        columns = {}
    targets: dict[str, str] = {}
    for header, spec in columns.items():
        for rule in _parse_rules(problems, str(header), spec):
            if rule.target in targets:
                problems.add(
                    f"columns.{header}", f"column '{rule.target}' is already mapped from '{targets[rule.target]}'"
                )
                continue
            targets[rule.target] = str(header)
            mapping.rules.setdefault(_fold(str(header)), []).append(rule)

    constants = data.get("constants") or {}
    if not isinstance(constants, dict):
        problems.add("constants", "must map our column names to a value used for every row")
        constants = {}
    for target, value in constants.items():
        name = canonical_name(str(target))
        if not is_column(name):
            problems.add(f"constants.{target}", f"unknown column '{target}'")
        elif name in targets:
            problems.add(f"constants.{target}", f"'{name}' is also mapped from column '{targets[name]}'")
        else:
            mapping.constants[name] = value

    ignore = data.get("ignore") or []
    if not isinstance(ignore, list):
        problems.add("ignore", "must be a list of column headers")
        ignore = []
    mapping.ignore = frozenset(_fold(str(header)) for header in ignore)
    problems.raise_if_any()
    return mapping


def _parse_rules(problems: Problems, header: str, spec: Any) -> list[ColumnRule]:
    where = f"columns.{header}"
    if isinstance(spec, (str, list)):
        spec = {"to": spec}
    if not isinstance(spec, dict):
        problems.add(where, "must be our column name or an object {to: ..., transform: ...}")
        return []
    for key in sorted(set(spec) - _RULE_KEYS):
        problems.add(where, f"unknown setting '{key}' (expected one of: {', '.join(sorted(_RULE_KEYS))})")
    names = spec.get("to")
    names = names if isinstance(names, list) else [names]
    rules = []
    for name in names:
        target = canonical_name(str(name or ""))
        if not target:
            problems.add(where, "says nothing about where the column goes: add 'to: <our column>'")
        elif not is_column(target):
            close = closest_name(target, FIXED_COLUMNS)
            hint = f" (did you mean '{close}'?)" if close else ""
            problems.add(where, f"unknown target column '{name}'{hint} (see docs/import-format.md)", "to")
        else:
            rule = _parse_rule(problems, where, header, target, spec)
            if rule is not None:
                rules.append(rule)
    return rules


def _parse_rule(problems: Problems, where: str, header: str, target: str, spec: dict[str, Any]) -> ColumnRule | None:
    rule = ColumnRule(source=header, target=target)
    transform = spec.get("transform")
    if transform is not None:
        if transform not in TRANSFORMS:
            problems.add(
                where, f"unknown transform {transform!r} (expected one of: {', '.join(TRANSFORMS)})", "transform"
            )
        rule.transform = transform
    formats = spec.get("format") or ()
    if isinstance(formats, str):
        formats = (formats,)
    if not isinstance(formats, (list, tuple)) or not all(isinstance(item, str) for item in formats):
        problems.add(where, "must be a strptime pattern such as '%Y/%m/%d' or a list of them", "format")
        formats = ()
    if formats and rule.transform not in ("date", "datetime"):
        problems.add(where, "a format needs 'transform: date' or 'transform: datetime'", "format")
    rule.formats = tuple(formats)
    values = spec.get("values") or {}
    if not isinstance(values, dict):
        problems.add(where, "must map values of the file to ours, e.g. {小红书: xiaohongshu}", "values")
        values = {}
    rule.values = {_fold(str(key)): value for key, value in values.items()}
    rule.default = spec.get("default")
    return rule
