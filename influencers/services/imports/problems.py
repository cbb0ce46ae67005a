"""Collecting every problem of an import before anything is written."""

from __future__ import annotations

from typing import NoReturn

from core.errors import ImportValidationError, InputError

ERROR_LIMIT = 1000  # listed errors; past this a file is clearly the wrong shape and more lines don't help


class Problems:
    """The InputErrors found in one import file (its name is the `source` of each)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[InputError] = []
        self.total = 0

    def add(self, location: str, message: str, field: str | None = None, *, source: str | None = None) -> None:
        self.total += 1
        if len(self.errors) < ERROR_LIMIT:
            self.errors.append(
                InputError(message, source=self.source if source is None else source, location=location, field=field)
            )

    def extend(self, error: InputError) -> None:
        self.total += 1
        if len(self.errors) < ERROR_LIMIT:
            self.errors.append(error)

    def __bool__(self) -> bool:
        return self.total > 0

    def raise_if_any(self) -> None:
        if not self.total:
            return
        errors = list(self.errors)
        if self.total > len(errors):
            errors.append(InputError(f"... and {self.total - len(errors)} more errors not listed", source=self.source))
        raise ImportValidationError(errors)


def fail(source: str, message: str, location: str = "", field: str | None = None) -> NoReturn:
    """Stop at a problem that makes the rest of the file unreadable (encoding, syntax, emptiness)."""
    raise ImportValidationError([InputError(message, source=source, location=location, field=field)])
