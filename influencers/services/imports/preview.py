"""The first rows of a stored upload, for the web UI's column-mapping step: the person sees their
own headers and values before choosing where each column goes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from influencers.services.imports.columns import canonical_name, is_column
from influencers.services.imports.mapping import mapping_from_data
from influencers.services.imports.readers import read_csv, read_xlsx

PREVIEW_ROWS = 5


@dataclass(frozen=True)
class ImportPreview:
    """A file's header, its first rows (as text), and per header the column of ours it goes to
    (from the chosen mapping, else the header itself when it is one of our column names)."""

    header: list[str]
    rows: list[list[str]]
    targets: dict[str, str]
    transforms: dict[str, str]


def import_preview(
    *, path: str, kind: str, name: str, mapping: dict[str, Any] | None = None, rows: int = PREVIEW_ROWS
) -> ImportPreview:
    """Header and first `rows` rows of a stored CSV/TSV/XLSX upload, with suggested targets.
    Problems (encoding, empty file) are InputErrors naming the file by `name`."""
    column_mapping = mapping_from_data(mapping) if mapping is not None else None
    encoding = column_mapping.encoding if column_mapping else "utf-8"
    if kind == "xlsx":
        header, records = read_xlsx(Path(path), source=name)
    else:
        header, records = read_csv(Path(path), encoding=encoding, source=name)
    first: list[list[str]] = []
    for _number, cells in records:
        first.append(["" if cell is None else str(cell) for cell in cells][: len(header)])
        if len(first) >= rows:
            break
    targets: dict[str, str] = {}
    transforms: dict[str, str] = {}
    for column in header:
        rules = column_mapping.rules_for(column) if column_mapping else []
        if rules:
            targets[column] = rules[0].target
            transforms[column] = rules[0].transform or ""
        elif not column_mapping and is_column(canonical_name(column)):
            targets[column] = canonical_name(column)
    return ImportPreview(header=[str(h) for h in header], rows=first, targets=targets, transforms=transforms)


def mapping_from_choices(choices: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """Mapping data from the web UI's choices: header → (our column, transform); blank columns
    are left out (ignored)."""
    columns: dict[str, Any] = {}
    for header, (target, transform) in choices.items():
        if target:
            columns[header] = {"to": target, "transform": transform} if transform else target
    return {"columns": columns}
