"""Validating the flat format (CSV, TSV, XLSX): one account per row, creator fields repeated on
the rows of a creator's accounts (joined by `creator_key`), current counts as a snapshot."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from influencers.models.audience import DISTRIBUTION_FIELDS
from influencers.services.imports.columns import (
    AUDIENCE_SHARE,
    FIXED_COLUMNS,
    REQUIRED_COLUMNS,
    canonical_name,
    is_column,
)
from influencers.services.imports.mapping import ColumnMapping, ColumnRule
from influencers.services.imports.readers import UncachedFormula
from influencers.services.imports.records import ACCOUNTS, CREATORS, AccountIn, CreatorIn
from influencers.services.imports.validation import Validator, suggestion
from influencers.services.imports.values import (
    ValueInvalid,
    check_handle,
    is_blank,
    parse_bool,
    parse_count,
    parse_country,
    parse_date,
    parse_email,
    parse_handle,
    parse_languages,
    parse_list,
    parse_platform,
    parse_share,
    parse_text,
    parse_url,
)


def _one_line(parser: Callable[[object], Any]) -> Callable[[object], Any]:
    """`parser` for a value that is one line of text (a name, an id): a line break in it is what an
    unclosed quote earlier in the row leaves behind, having joined the following lines into it."""

    def parse(value: object) -> Any:
        if isinstance(value, str) and ("\n" in value.strip() or "\r" in value.strip()):
            raise ValueInvalid(
                f'contains a line break: {value.strip()[:40]!r}...; if a quote (") opens this value, '
                "close it where the value ends (otherwise the next lines are read into it)"
            )
        return parser(value)

    return parse


# column → (model field, parser of its cell)
CREATOR_PARSERS: dict[str, tuple[str, Callable[[object], Any]]] = {
    "creator_name": ("display_name", _one_line(lambda v: parse_text(v, 200))),
    "country": ("country", parse_country),
    "languages": ("languages", parse_languages),
    "categories": ("categories", parse_list),
    "contact_email": ("contact_email", parse_email),
    "creator_notes": ("notes", parse_text),
}
ACCOUNT_PARSERS: dict[str, tuple[str, Callable[[object], Any]]] = {
    "platform_user_id": ("platform_user_id", _one_line(lambda v: parse_text(v, 100))),
    "display_name": ("display_name", _one_line(lambda v: parse_text(v, 200))),
    "bio": ("bio", parse_text),
    "external_url": ("external_url", lambda v: parse_url(v, 500)),
    "is_verified": ("is_verified", parse_bool),
    "is_private": ("is_private", parse_bool),
    "profile_picture_url": ("profile_picture_url", parse_url),
    "tracked": ("tracked", parse_bool),
}


@dataclass(frozen=True)
class Column:
    """A column of the file that we read: its position, its header, our name for it, and the
    mapping rule that converts its values (None for our own columns)."""

    index: int
    header: str
    target: str
    rule: ColumnRule | None

    @property
    def label(self) -> str:
        return self.header if self.header == self.target else f"{self.header} → {self.target}"


class RowValidator(Validator):
    """Turns rows of a flat file into CreatorIn records, collecting every problem."""

    def __init__(self, *args: Any, mapping: ColumnMapping | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mapping = mapping
        self.columns: list[Column] = []
        self.ignored: list[str] = []
        self.header_width = 0
        self.creators: dict[str, CreatorIn] = {}
        self.records: list[CreatorIn] = []

    def read_header(self, header: list[str], header_row: int) -> bool:
        """Resolve the header to our columns; False when the file cannot be read at all."""
        location = f"row {header_row}"
        self.header_width = len(header)
        constants = self.mapping.constants if self.mapping else {}
        seen: dict[str, str] = {}
        for index, raw in enumerate(header):
            name = (raw or "").strip()
            if not name:
                continue
            if "\x00" in name or isinstance(raw, UncachedFormula):
                why = "contains a NUL character (\\x00)" if "\x00" in name else "is a formula without a saved result"
                self.error(location, f"the header of column {index + 1} {why}", f"column {index + 1}")
                continue
            rules = self.mapping.rules_for(name) if self.mapping else []
            targets: list[tuple[str, ColumnRule | None]]
            if rules:
                targets = [(rule.target, rule) for rule in rules]
            elif self.mapping and self.mapping.ignores(name):
                continue
            else:
                target = canonical_name(name)
                if not is_column(target):
                    if self.mapping:
                        self.ignored.append(name)
                    else:
                        self.error(
                            location,
                            f"unknown column '{name}'{suggestion(target, FIXED_COLUMNS)}; "
                            "rename it, remove it, or read the file with a column mapping (--mapping)",
                            name,
                        )
                    continue
                targets = [(target, None)]
            for target, rule in targets:
                if target in seen:
                    self.error(location, f"column '{target}' is given twice (by '{seen[target]}' and '{name}')", name)
                    continue
                seen[target] = name
                self.columns.append(Column(index, name, target, rule))
        for required in REQUIRED_COLUMNS:
            if required not in seen and required not in constants:
                mapped = ""
                if self.mapping:
                    sources = [r.source for rs in self.mapping.rules.values() for r in rs if r.target == required]
                    mapped = f" (the mapping reads it from '{sources[0]}', which the file lacks)" if sources else ""
                self.error(location, f"missing required column '{required}'{mapped}", required)
        return not self.problems

    def rows(self, rows: Iterable[tuple[int, list[Any]]]) -> None:
        """Validate every data row."""
        constants = self.mapping.constants if self.mapping else {}
        width = self.header_width
        for number, cells in rows:
            if all(is_blank(cell) for cell in cells):
                continue
            location = f"row {number}"
            if len(cells) > width and any(not is_blank(cell) for cell in cells[width:]):
                self.error(location, f"the row has {len(cells)} cells but the header only {width}")
                continue
            values: dict[str, Any] = dict(constants)
            labels: dict[str, str] = {}
            for column in self.columns:
                raw = cells[column.index] if column.index < len(cells) else None
                labels[column.target] = column.label
                if isinstance(raw, UncachedFormula):
                    self.error(
                        location,
                        f"a formula without a saved result ({str(raw)[:60]}); open the file in Excel or "
                        "LibreOffice and save it (that stores the results), or paste the values instead",
                        column.label,
                    )
                    continue
                if column.rule is not None:
                    try:
                        raw = column.rule.apply(raw)
                    except ValueInvalid as exc:
                        self.error(location, str(exc), column.label)
                        continue
                if not is_blank(raw):
                    values[column.target] = raw
            self.row(location, values, labels)

    def row(self, location: str, values: dict[str, Any], labels: dict[str, str]) -> None:
        before = self.problems.total

        def read(target: str, parser: Any) -> Any:
            return self.value(parser, values.get(target), location, labels.get(target, target))

        creator_values: list[Any] = [None] * len(CREATORS.values)
        for target, (column, parser) in CREATOR_PARSERS.items():
            creator_values[CREATORS.values.index(column)] = read(target, parser)
        account_values: list[Any] = [None] * len(ACCOUNTS.values)
        for target, (column, parser) in ACCOUNT_PARSERS.items():
            account_values[ACCOUNTS.values.index(column)] = read(target, parser)
        platform = read("platform", parse_platform)
        handle = read("handle", parse_handle)
        if platform is not None and handle is not None:
            handle = read("handle", lambda _raw: check_handle(platform, handle))
        for required in REQUIRED_COLUMNS:
            if required not in values:
                self.error(location, f"the {required} is empty", labels.get(required, required))
        key = read("creator_key", _one_line(lambda v: parse_text(v, 200)))

        followers = read("followers", parse_count)
        following = read("following", parse_count)
        posts = read("posts", parse_count)
        date = read("snapshot_date", parse_date)
        if date is not None:
            self.plausible_date(date, platform, location, labels.get("snapshot_date", "snapshot_date"))
        if followers is None and "followers" not in values and (following is not None or posts is not None):
            self.error(
                location,
                "a snapshot needs followers when following or posts are given",
                labels.get("followers", "followers"),
            )

        audience = self._row_audience(location, values, labels, platform)
        if self.problems.total > before or platform is None or handle is None:
            return
        account = AccountIn(location=location, platform=platform, handle=handle, values=tuple(account_values))
        if not self.claim_account(account):
            return
        if followers is not None:
            account.snapshots.append((date or self.today, followers, following, posts))
        if audience is not None:
            account.audiences.append(audience)
        self._attach(location, key, tuple(creator_values), account)

    def _row_audience(
        self, location: str, values: dict[str, Any], labels: dict[str, str], platform: str | None
    ) -> tuple | None:
        dims: dict[str, dict[str, Any]] = {}
        ok = True
        for target, raw in values.items():
            match = AUDIENCE_SHARE.fullmatch(target)
            if not match:
                continue
            share = self.value(parse_share, raw, location, labels.get(target, target))
            if share is None:
                ok = False
                continue
            dims.setdefault(match.group(1), {})[match.group(2)] = share
        if not ok:
            return None
        if not dims:  # audience_source/audience_date alone (e.g. mapping constants) describe nothing
            return None
        raw_dims = {name: dims.get(name) for name in DISTRIBUTION_FIELDS}
        return self.audience(
            raw_dims,
            values.get("audience_source"),
            values.get("audience_date"),
            location,
            field_prefix="audience_",
            platform=platform,
        )

    def _attach(self, location: str, key: str | None, creator_values: tuple, account: AccountIn) -> None:
        """Add the account to its creator: a new one per row, or the one sharing its creator_key."""
        fallback = creator_values[0] or account.values[1] or account.handle
        if key is None:
            creator = CreatorIn(location=location, values=creator_values, fallback_name=fallback)
            self.records.append(creator)
        elif key not in self.creators:
            creator = CreatorIn(location=location, values=creator_values, fallback_name=fallback)
            self.creators[key] = creator
            self.records.append(creator)
        else:
            creator = self.creators[key]
            merged = list(creator.values)
            for position, (old, new) in enumerate(zip(creator.values, creator_values)):
                if new is None:
                    continue
                if old is None:
                    merged[position] = new
                elif old != new:
                    column = CREATORS.values[position]
                    self.error(
                        location, f"creator '{key}' has {column} {new!r} here but {old!r} at {creator.location}", column
                    )
            creator.values = tuple(merged)
        creator.accounts.append(account)
