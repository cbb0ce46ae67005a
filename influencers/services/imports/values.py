"""Parsing single cell/field values of import files into the Python values the catalogue stores.

Every parser returns None for "not given" (None, empty or blank text) and raises `ValueInvalid`
with a message a user can act on; the validators add file, row/record path and field.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone

from influencers.handles import stored_handle
from influencers.models import Platform, PostType

MAX_COUNT = 2**63 - 1  # PositiveBigIntegerField
PLATFORMS = frozenset(Platform.values)
POST_TYPES = frozenset(PostType.values)
_TRUE = frozenset({"true", "yes", "y", "1", "t", "是", "对", "✓", "✔"})
_FALSE = frozenset({"false", "no", "n", "0", "f", "否", "不是", "✗", "✘"})
_INT_TEXT = re.compile(r"[+-]?(\d+|\d{1,3}(,\d{3})+)(\.0*)?")
_LIST_SEPARATORS = re.compile(r"[;,|、，；]")
_COUNTRY = re.compile(r"[A-Z]{2}")
_SPACE = re.compile(r"\s")
_HUMAN_NUMBER = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*([a-z\u4e00-\u9fff]*)\+?")
# Suffixes of humanised counts in Chinese and English exports: 1.2万, 3.5w, 12.3k, 1.2M, 1.1亿.
_MULTIPLIERS = {
    "": 1,
    "k": 1_000,
    "千": 1_000,
    "w": 10_000,
    "万": 10_000,
    "萬": 10_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "b": 1_000_000_000,
    "bn": 1_000_000_000,
    "亿": 100_000_000,
    "億": 100_000_000,
}
_email = EmailValidator()
_url = URLValidator()


class ValueInvalid(ValueError):
    """A single value that cannot be read; the message says what was expected."""


def is_blank(value: object) -> bool:
    """True for None and empty/whitespace-only text: the value was not given."""
    return value is None or (isinstance(value, str) and not value.strip())


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


EXACT_FLOAT_LIMIT = 2**53  # floats hold every whole number below this, and not all above


def parse_text(value: object, max_length: int | None = None) -> str | None:
    """Text, stripped. Whole numbers from spreadsheets (an ID typed as a number) become digits."""
    if type(value) is str and "\x00" not in value:
        # The common case first (every text field of every row), with the same checks as below.
        value = value.strip()
        if max_length is not None and len(value) > max_length:
            raise ValueInvalid(f"is {len(value)} characters long, the limit is {max_length}")
        return value or None
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueInvalid(f"expected text, got {_show(value)}")
    if isinstance(value, int):
        value = str(value)
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueInvalid(f"expected text, got the number {value}")
        if abs(value) >= EXACT_FLOAT_LIMIT:
            # A number this large has lost digits on its way here (a spreadsheet cell, or an
            # integer beyond 64 bits in JSON): storing it would invent an id.
            raise ValueInvalid(f"the number {value:.0f} is too large to be exact; write it as text in quotes")
        value = str(int(value))
    elif not isinstance(value, str):
        raise ValueInvalid(f"expected text, got {type(value).__name__} {_show(value)}")
    if "\x00" in value:
        # PostgreSQL cannot store it (a DataError after validation); SQLite would.
        raise ValueInvalid(f"contains a NUL character (\\x00): {_show(value)}")
    value = value.strip()
    if not value:
        return None
    if max_length is not None and len(value) > max_length:
        raise ValueInvalid(f"is {len(value)} characters long, the limit is {max_length}")
    return value


def parse_text_within(max_length: int | None, value: object) -> str | None:
    """`parse_text(value, max_length)`, the limit first (for a positional `functools.partial`)."""
    if type(value) is str and "\x00" not in value:
        # parse_text's common case, here too: no second call for it.
        value = value.strip()
        if max_length is not None and len(value) > max_length:
            raise ValueInvalid(f"is {len(value)} characters long, the limit is {max_length}")
        return value or None
    return parse_text(value, max_length)


def parse_count(value: object) -> int | None:
    """A non-negative whole number: 12000, 12000.0, '12000', '12,000'. Humanised forms such as
    '1.2万' need the `number` transform of a column mapping."""
    if type(value) is int:
        if value < 0:
            raise ValueInvalid(f"must not be negative (got {value})")
        if value > MAX_COUNT:
            raise ValueInvalid(f"{value} is too large")
        return value
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueInvalid(f"expected a whole number, got {_show(value)}")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueInvalid(f"expected a whole number, got {value}")
        return parse_count(int(value))
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
        if not text:
            return None
        if not _INT_TEXT.fullmatch(text):
            raise ValueInvalid(f"not a whole number: {_show(value)}")
        return parse_count(int(text.split(".")[0].replace(",", "")))
    raise ValueInvalid(f"expected a whole number, got {type(value).__name__} {_show(value)}")


def parse_human_number(value: object) -> float | int | None:
    """A number written the way exports show it: '1,234', '12.3k', '1.2M', '1.2万', '3.5w', '1.1亿',
    '10万+' (the '+' of a floor is dropped). Whole results are ints."""
    if value is None or isinstance(value, bool):
        return None if value is None else _fail_number(value)
    if isinstance(value, (int, float)):
        return value
    if not isinstance(value, str):
        _fail_number(value)
    text = unicodedata.normalize("NFKC", value).strip().lower().replace(",", "").replace(" ", "")
    if not text or text in {"-", "--", "—", "n/a", "na"}:
        return None
    match = _HUMAN_NUMBER.fullmatch(text)
    if not match or match.group(2) not in _MULTIPLIERS:
        _fail_number(value)
    number = float(match.group(1)) * _MULTIPLIERS[match.group(2)]
    rounded = round(number)
    return rounded if abs(number - rounded) < 1e-6 * max(1.0, abs(number)) else number


def _fail_number(value: object) -> NoReturn:
    raise ValueInvalid(f"not a number: {_show(value)} (expected e.g. 1234, 1,234, 12.3k, 1.2M, 1.2万, 3.5w)")


def parse_percent(value: object) -> float | None:
    """A percentage to a fraction: '3.4%', '3.4' and 3.4 all give 0.034."""
    if value is None:
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().rstrip("%").strip()
        if not text:
            return None
        try:
            return float(text.replace(",", "")) / 100
        except ValueError:
            raise ValueInvalid(f"not a percentage: {_show(value)}") from None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) / 100
    raise ValueInvalid(f"not a percentage: {_show(value)}")


def parse_share(value: object) -> float | None:
    """A share of an audience: a fraction 0..1 (0.34) or a percentage ('34%')."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.endswith("%"):
            share = parse_percent(text)
        else:
            try:
                share = float(text)
            except ValueError:
                raise ValueInvalid(f"not a share: {_show(value)} (expected a fraction like 0.34 or 34%)") from None
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        share = float(value)
    else:
        raise ValueInvalid(f"not a share: {_show(value)} (expected a fraction like 0.34 or 34%)")
    assert share is not None
    if not math.isfinite(share) or share < 0:
        raise ValueInvalid(f"share must be between 0 and 1, got {_show(value)}")
    if share > 1:
        raise ValueInvalid(f"share {_show(value)} is above 1; write it as a fraction (0.34) or a percentage (34%)")
    return share


def parse_bool(value: object) -> bool | None:
    """true/false, yes/no, 1/0, 是/否."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if not text:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise ValueInvalid(f"expected true or false (yes/no, 1/0), got {_show(value)}")


def parse_date(value: object, formats: Sequence[str] = ()) -> dt.date | None:
    """A calendar date: ISO 'YYYY-MM-DD', a spreadsheet date cell, or one of `formats` (strptime)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueInvalid(f"expected a date (YYYY-MM-DD), got {_show(value)}")
    text = value.strip()
    if not text:
        return None
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:
        return dt.date.fromisoformat(text[:10] if len(text) > 10 and text[10] in "T " else text)
    except ValueError:
        expected = " or ".join([*formats, "YYYY-MM-DD"]) if formats else "YYYY-MM-DD"
        raise ValueInvalid(f"not a date: {_show(value)} (expected {expected})") from None


# The year each platform opened to the public (docs/import-format.md, "Dates"): a date before it
# cannot describe an account there, so it is a typo or a broken export. TikTok counts from
# musical.ly (2014), whose accounts and posts it took over.
PLATFORM_LAUNCH_YEARS: dict[str, int] = {
    Platform.FACEBOOK: 2004,
    Platform.YOUTUBE: 2005,
    Platform.X: 2006,
    Platform.WEIBO: 2009,
    Platform.BILIBILI: 2009,
    Platform.PINTEREST: 2009,
    Platform.INSTAGRAM: 2010,
    Platform.XIAOHONGSHU: 2013,
    Platform.TIKTOK: 2014,
    Platform.DOUYIN: 2016,
}
EARLIEST_LAUNCH_YEAR = min(PLATFORM_LAUNCH_YEARS.values())


def _clearly_plausible(moment: dt.datetime, launched: int, today: dt.date) -> bool:
    """Whether an aware `moment` is fine in every time zone: its server-local date is within a
    day of its UTC date, so a UTC date up to today and a day after the launch year began passes
    whatever the zone. Spares the per-post `timezone.localtime` (a thread-local look-up each)."""
    utc_day = moment.astimezone(dt.UTC).date()  # at the ends of the calendar: OverflowError, as localtime's
    return utc_day <= today and utc_day > dt.date(launched, 1, 1)


def clearly_plausible_window(platform: str | None, today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """(earliest, latest): an aware moment with earliest <= moment < latest is one
    `_clearly_plausible` accepts (its UTC date after the launch year's first day and not after
    `today`), so `date_problem` has nothing to say about it. Two comparisons per post instead of
    a call, a conversion to UTC and a date; a moment outside still goes through `date_problem`."""
    launched = PLATFORM_LAUNCH_YEARS.get(platform or "", EARLIEST_LAUNCH_YEAR)
    earliest = dt.datetime(launched, 1, 2, tzinfo=dt.UTC)
    latest = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return earliest, latest


def date_problem(day: dt.date | dt.datetime | None, platform: str | None, today: dt.date) -> str | None:
    """Why `day` cannot be a date of data about an account on `platform` (None when it can): later
    than tomorrow (allowing for time zones), or before the platform existed."""
    if day is None:
        return None
    launched = PLATFORM_LAUNCH_YEARS.get(platform or "", EARLIEST_LAUNCH_YEAR)
    if isinstance(day, dt.datetime):
        if day.utcoffset() is not None:
            if _clearly_plausible(day, launched, today):
                return None
            day = timezone.localtime(day).date()
        else:
            day = day.date()
    tomorrow = today + dt.timedelta(days=1)
    if day > tomorrow:
        return f"{day.isoformat()} is in the future (the latest date accepted is tomorrow, {tomorrow.isoformat()})"
    if day.year < launched:
        label = Platform(platform).label if platform in PLATFORMS else "any of the platforms"
        return f"{day.isoformat()} is before {label} existed (launched in {launched})"
    return None


def parse_datetime(value: object, formats: Sequence[str] = ()) -> dt.datetime | None:
    """A moment: ISO 8601 ('2026-01-03T10:00:00+08:00', 'Z' allowed; a bare date is midnight).
    Times without an offset are read in the server's TIME_ZONE."""
    parsed: dt.datetime | None
    if type(value) is str and not formats:
        # The common case first (every post of a JSON file): ISO text with an offset, which the
        # code below returns as parsed. Anything else (blank, unreadable, without an offset) is
        # left to it.
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed if parsed.year not in _CALENDAR_END_YEARS else _representable(parsed, value)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        parsed = None
        for fmt in formats:
            try:
                parsed = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if parsed is None:
            try:
                parsed = dt.datetime.fromisoformat(text)
            except ValueError:
                raise ValueInvalid(
                    f"not a date and time: {_show(value)} (expected ISO 8601, e.g. 2026-01-03T10:00:00+08:00)"
                ) from None
        moment = parsed
    else:
        raise ValueInvalid(f"expected a date and time (ISO 8601), got {_show(value)}")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment if moment.year not in _CALENDAR_END_YEARS else _representable(moment, value)


# Only a moment in the calendar's first or last year can be one a time zone moves out of it
# (offsets are under a day).
_CALENDAR_END_YEARS = frozenset({dt.MINYEAR, dt.MAXYEAR})


def _representable(moment: dt.datetime, value: object) -> dt.datetime:
    """`moment`, or ValueInvalid when it has no date in UTC or in the server's time zone (the
    database stores UTC; the checks and pages read local dates): 0001-01-01T00:00:00+01:00 is
    still year 0 in UTC, which Python's dates cannot hold."""
    try:
        moment.astimezone(dt.UTC)
        timezone.localtime(moment)
    except OverflowError:
        raise ValueInvalid(f"{_show(value)} is outside the calendar's range in UTC") from None
    return moment


def parse_list(value: object, max_item_length: int = 100) -> list[str] | None:
    """A list of short strings: a JSON list, or text separated by ; , | or 、."""
    if value is None:
        return None
    if isinstance(value, str):
        items = [item.strip() for item in _LIST_SEPARATORS.split(value)]
    elif isinstance(value, list):
        items = []
        for item in value:
            if not isinstance(item, str):
                raise ValueInvalid(f"expected a list of strings, found {_show(item)}")
            items.append(item.strip())
    else:
        raise ValueInvalid(f"expected a list of strings, got {_show(value)}")
    items = [item for item in items if item]
    for item in items:
        if len(item) > max_item_length:
            raise ValueInvalid(f"item {_show(item)} is longer than {max_item_length} characters")
        if "\x00" in item:
            raise ValueInvalid(f"item {_show(item)} contains a NUL character (\\x00)")
    return items


def parse_languages(value: object) -> list[str] | None:
    """ISO 639-1 language codes, lower-cased: 'zh;en' or ['zh', 'en']."""
    items = parse_list(value, max_item_length=10)
    if items is None:
        return None
    codes = [item.lower() for item in items]
    for code in codes:
        if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", code):
            raise ValueInvalid(f"{code!r} is not a language code (expected ISO 639-1 such as 'zh' or 'en')")
    return codes


def parse_country(value: object) -> str | None:
    """An ISO 3166-1 alpha-2 country code, upper-cased."""
    text = parse_text(value)
    if text is None:
        return None
    code = text.upper()
    if not _COUNTRY.fullmatch(code):
        raise ValueInvalid(
            f"{text!r} is not a two-letter country code (ISO 3166-1, e.g. CN, US); "
            "a column mapping can translate names with `values`"
        )
    return code


def parse_platform(value: object) -> str | None:
    """One of the catalogue's platforms, case-insensitive ('Instagram' → 'instagram')."""
    text = parse_text(value)
    if text is None:
        return None
    platform = text.lower()
    if platform not in PLATFORMS:
        raise ValueInvalid(f"unknown platform {text!r} (expected one of: {', '.join(Platform.values)})")
    return platform


def parse_handle(value: object, max_length: int = 100) -> str | None:
    """An account handle with surrounding spaces and a leading '@' removed; its case is settled by
    `check_handle`, which knows the platform."""
    text = parse_text(value)
    if text is None:
        return None
    handle = text.lstrip("@").strip()
    if not handle:
        raise ValueInvalid(f"{text!r} is not a handle")
    if _SPACE.search(handle):
        raise ValueInvalid(f"handle {text!r} contains spaces")
    if len(handle) > max_length:
        raise ValueInvalid(f"handle is {len(handle)} characters long, the limit is {max_length}")
    return handle


@dataclass(frozen=True)
class HandleRule:
    """What a platform accepts as a handle (after '@' is dropped and the text stored as
    `stored_handle` says)."""

    pattern: re.Pattern[str]
    rule: str  # for the error message and docs/import-format.md


# Per platform, from its own sign-up rules (sources in docs/import-format.md, "Handles"). The
# Chinese platforms are looser: exports give their ids (小红书号, 抖音号, UID) or nicknames, which
# may be Chinese, so any letters of any script count there; what is refused everywhere is text
# with no letter or digit at all ('=======', '#@!?/') and characters no handle has.
HANDLE_RULES: dict[str, HandleRule] = {
    Platform.INSTAGRAM: HandleRule(
        re.compile(r"(?!\.)(?!.*\.\.)[a-z0-9._]{1,30}(?<!\.)"),
        "1–30 of a–z, 0–9, '.' and '_', not starting or ending with '.', no '..'",
    ),
    Platform.TIKTOK: HandleRule(
        re.compile(r"[a-z0-9._]{1,30}(?<!\.)"), "1–30 of a–z, 0–9, '.' and '_', not ending with '.'"
    ),
    Platform.YOUTUBE: HandleRule(
        re.compile(r"(?=.*[^\W_])[\w.\-]{3,30}"),
        "3–30 letters (any script), digits, '_', '-' and '.' (an @handle, or a channel id UC…)",
    ),
    Platform.X: HandleRule(re.compile(r"[a-z0-9_]{1,15}"), "1–15 of a–z, 0–9 and '_'"),
    Platform.FACEBOOK: HandleRule(
        re.compile(r"(?=.*[a-z0-9])[a-z0-9.]{1,50}"), "1–50 of a–z, 0–9 and '.' (a username or a numeric id)"
    ),
    Platform.PINTEREST: HandleRule(
        re.compile(r"(?=.*[a-z0-9])[a-z0-9._\-]{1,30}"), "1–30 of a–z, 0–9, '_', '-' and '.'"
    ),
}
_LOOSE_HANDLE = HandleRule(
    re.compile(r"(?=.*[^\W_])[\w.\-·\u00b7\u30fb\u200d\ufe0f\U0001F300-\U0001FAFF\u2600-\u27bf]{1,50}"),
    "1–50 letters (any script, e.g. a Chinese nickname), digits, emoji, '_', '-', '.' and '·', "
    "with at least one letter or digit",
)
for _platform in (Platform.XIAOHONGSHU, Platform.DOUYIN, Platform.BILIBILI, Platform.WEIBO):
    HANDLE_RULES[_platform] = _LOOSE_HANDLE
_URL_LIKE = re.compile(r"(?:https?:|www\.|\.com/)")


def check_handle(platform: str, handle: str) -> str:
    """`handle` (as `parse_handle` returns it) as the catalogue stores it (`stored_handle`:
    lower-cased but for YouTube channel ids) if the platform could have it; else ValueInvalid
    naming the platform's rule."""
    rule = HANDLE_RULES.get(platform, _LOOSE_HANDLE)
    handle = stored_handle(platform, handle)
    if rule.pattern.fullmatch(handle):
        return handle
    hint = "; give the handle, not the profile URL" if _URL_LIKE.search(handle) else ""
    label = Platform(platform).label if platform in PLATFORMS else platform
    raise ValueInvalid(f"{_show(handle)} is not a valid handle on {label}: expected {rule.rule}{hint}")


def parse_username(value: object, max_length: int = 150) -> str | None:
    """A follower's or commenter's username, lower-cased as handles are."""
    username = parse_handle(value, max_length=max_length)
    return None if username is None else username.lower()


def parse_post_type(value: object) -> str | None:
    text = parse_text(value)
    if text is None:
        return None
    post_type = text.lower()
    if post_type not in POST_TYPES:
        raise ValueInvalid(f"unknown post type {text!r} (expected one of: {', '.join(PostType.values)})")
    return post_type


def parse_email(value: object) -> str | None:
    text = parse_text(value, max_length=254)
    if text is None:
        return None
    try:
        _email(text)
    except ValidationError:
        raise ValueInvalid(f"{text!r} is not an email address") from None
    return text


def parse_url(value: object, max_length: int = 1000) -> str | None:
    text = parse_text(value, max_length=max_length)
    if text is None:
        return None
    try:
        _url(text)
    except ValidationError:
        raise ValueInvalid(f"{text!r} is not a URL (expected http:// or https://...)") from None
    return text
