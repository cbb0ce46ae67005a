"""One query-parameter convention for every list and search of the API.

- A list parameter may be repeated, comma-separated, or both: `country=CN&country=TW` and
  `country=CN,TW` mean the same. Codes are case-insensitive (`platform=Instagram`, `country=cn`).
- An unknown parameter (`min_follower=`) is a 400 naming it and listing the allowed ones; a value
  outside a parameter's choices is a 400 listing the allowed values; so is a boolean that is not
  true/false/1/0/yes/no, and a `min_x` above its `max_x`.
Nothing is silently ignored: a filter that is not applied is an error, not the whole catalogue.

`QuerySpec.normalise` checks a request's query and rewrites it into the one form the filter
behind it reads (a list, or a comma-joined string for filters that split by themselves)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import QueryDict
from rest_framework.exceptions import ValidationError

# Accepted anywhere: paging, and DRF's format override.
COMMON = frozenset({"page", "page_size", "format"})
TRUE = frozenset({"true", "1", "yes", "on"})
FALSE = frozenset({"false", "0", "no", "off"})


def _error(name: str, code: str, detail: str) -> ValidationError:
    return ValidationError({name: [ValidationError(detail, code=code).detail[0]]})


@dataclass(frozen=True)
class ListParam:
    """A repeatable, comma-separable parameter. `case`: "lower"/"upper" to normalise codes;
    `choices`: the allowed values (after normalising), if closed; `joined`: hand it on as one
    comma-separated string (for filters that split by themselves)."""

    case: str = ""
    choices: tuple[str, ...] = ()
    joined: bool = False

    def values(self, name: str, raw: Iterable[str]) -> list[str]:
        out: list[str] = []
        for item in raw:
            for part in item.split(","):
                value = part.strip()
                if not value:
                    continue
                value = value.lower() if self.case == "lower" else value.upper() if self.case == "upper" else value
                if self.choices and value not in self.choices:
                    raise _error(
                        name,
                        "invalid_choice",
                        f"{part.strip()!r} is not allowed; choose from {', '.join(self.choices)}",
                    )
                if value not in out:
                    out.append(value)
        return out


@dataclass(frozen=True)
class QuerySpec:
    """The parameters one endpoint reads."""

    single: frozenset[str] = frozenset()
    lists: Mapping[str, ListParam] = field(default_factory=dict)
    booleans: frozenset[str] = frozenset()
    ranges: tuple[tuple[str, str], ...] = ()
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # single, case-insensitive

    @property
    def allowed(self) -> frozenset[str]:
        return COMMON | self.single | frozenset(self.lists) | self.booleans | frozenset(self.choices)

    def normalise(self, query: QueryDict) -> QueryDict:
        """The query checked and in normal form (a new QueryDict); ValidationError (400) if not."""
        allowed = self.allowed
        unknown = sorted(set(query) - allowed)
        if unknown:
            raise _error(
                unknown[0],
                "unknown_parameter",
                f"unknown parameter {unknown[0]!r}; allowed: {', '.join(sorted(allowed))}",
            )
        out = QueryDict(mutable=True)
        for name in query:
            raw = query.getlist(name)
            if name in self.lists:
                spec = self.lists[name]
                values = spec.values(name, raw)
                if values:
                    out.setlist(name, [",".join(values)] if spec.joined else values)
                continue
            if len(raw) > 1 and len(set(raw)) > 1:
                raise _error(name, "not_repeatable", f"{name} takes one value, got {len(raw)}")
            value = raw[-1].strip()
            if name in self.booleans and value:
                if value.lower() not in TRUE | FALSE:
                    raise _error(name, "invalid_boolean", f"{value!r} is not a boolean; use true or false")
                value = "true" if value.lower() in TRUE else "false"
            if name in self.choices and value:
                match = {c.lower(): c for c in self.choices[name]}.get(value.lower())
                if match is None:
                    raise _error(
                        name, "invalid_choice", f"{value!r} is not allowed; choose from {', '.join(self.choices[name])}"
                    )
                value = match
            out[name] = value
        self._check_ranges(out)
        out._mutable = False
        return out

    def _check_ranges(self, query: QueryDict) -> None:
        for low_name, high_name in self.ranges:
            low, high = _number(query.get(low_name)), _number(query.get(high_name))
            if low is not None and high is not None and low > high:
                raise _error(high_name, "invalid_range", f"{high_name} ({high}) is below {low_name} ({low})")


def _number(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None  # the filter itself names the malformed number
    return number if number.is_finite() else None
