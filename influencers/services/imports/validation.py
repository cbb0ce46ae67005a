"""What both import formats share when validating: account uniqueness in a file, audience
profiles, images, and reporting a bad value with its location and field."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.utils import timezone

from core.errors import InputError
from core.services.media import inspect_image_path
from influencers.models.audience import (
    AGE_BANDS,
    DISTRIBUTION_FIELDS,
    GENDERS,
    distribution_error,
)
from influencers.services.imports.columns import closest_name
from influencers.services.imports.problems import Problems
from influencers.services.imports.records import AccountIn, ImageIn
from influencers.services.imports.values import ValueInvalid, date_problem, parse_date, parse_text

DEFAULT_AUDIENCE_SOURCE = "import"


def suggestion(name: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when one of `choices` is what `name` likely means (the same words,
    a synonym other exports use, or a near spelling: `columns.closest_name`), else ''."""
    close = closest_name(name, choices)
    return f" (did you mean '{close}'?)" if close else ""


class Validator:
    """State shared by all records of one file: its problems, the accounts seen so far, the
    images already checked, and the date that stands for "today"."""

    def __init__(self, source: str, problems: Problems, *, base_dir: Path | None = None) -> None:
        self.source = source
        self.problems = problems
        self.base_dir = base_dir
        self.today = timezone.localdate()
        self.seen_accounts: dict[tuple[str, str], str] = {}
        self._images: dict[Path, ImageIn | None] = {}

    # -- reporting -------------------------------------------------------------------------
    def value(self, parser: Callable[[Any], Any], raw: Any, location: str, field: str) -> Any:
        """parser(raw), or None after recording the problem."""
        try:
            return parser(raw)
        except ValueInvalid as exc:
            self.problems.add(location, str(exc), field)
            return None

    def error(self, location: str, message: str, field: str | None = None) -> None:
        self.problems.add(location, message, field)

    def plausible_date(self, day: Any, platform: str | None, location: str, field: str) -> bool:
        """False (after recording why) for a date after tomorrow or before the platform existed."""
        problem = date_problem(day, platform, self.today)
        if problem is None:
            return True
        self.error(location, problem, field)
        return False

    # -- accounts --------------------------------------------------------------------------
    def claim_account(self, account: AccountIn) -> bool:
        """Record that `account` appears in the file; a second appearance is an error."""
        key = (account.platform, account.handle)
        first = self.seen_accounts.get(key)
        if first is not None:
            self.error(
                account.location,
                f"duplicate account {account.label}: it already appears at {first} "
                "(handles are compared without '@' and case)",
                "handle",
            )
            return False
        self.seen_accounts[key] = account.location
        return True

    # -- audience ----------------------------------------------------------------------------
    def distribution(
        self, raw: Any, location: str, field: str, dimension: str | None = None
    ) -> dict[str, float] | None:
        """A {key: share} distribution with normalised keys, checked to sum to 1."""
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.error(location, 'must be an object mapping each key to its share, e.g. {"female": 0.7}', field)
            return None
        normalised: dict[str, float] = {}
        for key, share in raw.items():
            if "\x00" in str(key):
                self.error(location, f"key {str(key)!r} contains a NUL character (\\x00)", field)
                return None
            name = self._distribution_key(dimension or field, str(key).strip(), location, field)
            if name is None:
                return None
            if name in normalised:
                self.error(location, f"key {name!r} appears twice", field)
                return None
            normalised[name] = share
        problem = distribution_error(normalised)
        if problem:
            self.error(location, f"audience distribution is not valid: {problem}", field)
            return None
        return normalised

    def _distribution_key(self, dimension: str, key: str, location: str, field: str) -> str | None:
        if dimension == "age":
            if key not in AGE_BANDS:
                self.error(location, f"unknown age band {key!r} (expected one of: {', '.join(AGE_BANDS)})", field)
                return None
            return key
        if dimension == "gender":
            if key.lower() not in GENDERS:
                self.error(location, f"unknown gender {key!r} (expected one of: {', '.join(GENDERS)})", field)
                return None
            return key.lower()
        if dimension == "countries":
            if len(key) != 2 or not key.isalpha() or not key.isascii():
                self.error(location, f"{key!r} is not a two-letter country code", field)
                return None
            return key.upper()
        if dimension == "languages":
            return key.lower()
        if not key:
            self.error(location, "empty key", field)
            return None
        return key

    def audience(
        self,
        raw_dims: dict[str, Any],
        source: Any,
        as_of: Any,
        location: str,
        field_prefix: str = "",
        platform: str | None = None,
    ) -> tuple[Any, ...] | None:
        """(source, as_of, age, gender, countries, languages, interests) or None if invalid."""
        errors_before = self.problems.total
        source_text = self.value(lambda v: parse_text(v, 100), source, location, f"{field_prefix}source")
        date = self.value(parse_date, as_of, location, f"{field_prefix}as_of")
        self.plausible_date(date, platform, location, f"{field_prefix}as_of")
        dims = [
            self.distribution(raw_dims.get(name), location, f"{field_prefix}{name}", name)
            for name in DISTRIBUTION_FIELDS
        ]
        if self.problems.total > errors_before:
            return None
        if all(dim is None for dim in dims):
            self.error(
                location,
                f"an audience profile needs at least one distribution ({', '.join(DISTRIBUTION_FIELDS)})",
                field_prefix.rstrip(".") or None,
            )
            return None
        return (source_text or DEFAULT_AUDIENCE_SOURCE, date or self.today, *dims)

    # -- images ------------------------------------------------------------------------------
    def image(self, raw: Any, location: str, field: str) -> ImageIn | None:
        """A local image named relative to the JSON file, checked by content."""
        source_url = None
        if isinstance(raw, dict):
            unknown = set(raw) - {"path", "source_url"}
            if unknown:
                self.error(location, f"unknown image field(s) {', '.join(sorted(map(repr, unknown)))}", field)
                return None
            from influencers.services.imports.values import parse_url

            source_url = self.value(parse_url, raw.get("source_url"), location, f"{field}.source_url")
            raw = raw.get("path")
        if not isinstance(raw, str) or not raw.strip():
            self.error(location, "an image is the path of a local file, relative to the JSON file", field)
            return None
        if not raw.isprintable():
            self.error(location, f"image path {raw!r} contains control characters", field)
            return None
        relative = Path(raw.strip())
        if relative.is_absolute() or ".." in relative.parts:
            self.error(
                location, f"image path {raw!r} must be relative to the JSON file's folder and stay inside it", field
            )
            return None
        base = self.base_dir or Path(".")
        path = base / relative
        if not _inside(path, base):
            # A symbolic link in the folder pointing elsewhere: the file named is not the
            # import's to read (the relative-path rule above would mean nothing otherwise).
            self.error(location, f"image path {raw!r} leads outside the JSON file's folder (a symbolic link)", field)
            return None
        if path not in self._images:
            try:
                info = inspect_image_path(path, source=self.source, field=field)
            except InputError as exc:
                self._images[path] = None
                self.error(location, f"{raw}: {exc.reason}", field)
                return None
            self._images[path] = ImageIn(
                location=location,
                path=path,
                sha256=info.sha256,
                width=info.width,
                height=info.height,
                phash=info.phash,
                extension=info.extension,
                source_url=None,
            )
        checked = self._images[path]
        if checked is None:
            self.error(location, f"{raw}: not a usable image (see the error above)", field)
            return None
        return ImageIn(
            **{
                **{slot: getattr(checked, slot) for slot in ImageIn.__slots__},
                "location": location,
                "source_url": source_url,
            }
        )


def _inside(path: Path, folder: Path) -> bool:
    """Whether `path`, every symbolic link followed, is inside `folder` (also resolved)."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False
