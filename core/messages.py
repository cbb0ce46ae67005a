"""Explanations as data: a message id with its parameters, put into words only where a person
reads it.

Domain code (scorers, vetting, matching, monitoring, jobs) never formats a sentence for a user. It
returns a `Message`: a stable `code` and its `params` — numbers unformatted (a share is 0.1034, not
"10.3%"), codes rather than labels (a platform is "xiaohongshu"), JSON-safe — so it is stored as it
is in vetting reports, alerts and job logs. The faces (web pages, the API, the exports) turn it into
words with `render_message(message, language)`: the code's English template is looked up in the
registry, translated through Django's catalogue (frontend/locale) and each parameter formatted for
the language (percentages, thousands, 1.02万, lists joined with "、" in Chinese).

Templates are declared once, in the module of the app that emits them:

    FAKE_SHARE = define(
        "risk.audience_quality",
        gettext_noop("%(share)s of the sampled followers look fake (n=%(n)s)"),
        share=PCT1, n=INT,
    )
    FAKE_SHARE(share=0.1034, n=212)  # → Message("risk.audience_quality", {"share": 0.1034, "n": 212})

`gettext_noop` marks the English text for `makemessages`; calling the template checks the
parameters against the declared ones, so a typo fails where it is made, not when a page renders.
English plurals: `define(code, one_text, plural=other_text, count="n")` picks the form by the
`count` parameter (both forms are plain catalogue entries: Chinese has one form, and so does every
language the UI speaks). Codes of things (platforms, risk levels, signal names, categories) get
their label with `label(kind, code)`, declared by `define_labels(kind, {...})`, or as a
parameter formatted `label_of(kind)`.

Stored texts from before messages existed are plain strings: `render_message` returns them as they
are, so old vetting reports keep reading as they did.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import orjson
from django.core.signals import setting_changed
from django.utils import translation
from django.utils.translation import gettext_noop

# --- parameter formats -----------------------------------------------------------------------------
TEXT = "text"  # names, handles, terms, free text: as it is
INT = "int"  # 12,345
SIGNED_INT = "signed_int"  # +1,234 / -56
NUM0, NUM1, NUM2 = "num0", "num1", "num2"  # 1,234 / 11.7 / 0.35
SIGNED_NUM0 = "signed_num0"  # +1,234 (a trend per day, rounded)
PCT0, PCT1, PCT2 = "pct0", "pct1", "pct2"  # a share 0.1034 → 10% / 10.3% / 10.34%
SIGNED_PCT1 = "signed_pct1"  # +2.1%
COMPACT = "compact"  # 10.2K / 1.02万
TRANSLATED = "translated"  # a text the catalogue may know (a bundled table's name): translated, else as is
NUMG = "num"  # as short as exact: 1.5, 2, 1,234.5
DATE = "date"  # ISO date (the first 10 characters of a date or datetime)
SIGNED_INTS = "signed_ints"  # a list of changes: "+1,200, +800"
LIST = "list"  # a list of texts: "a, b" / "a、b"
LIST_OR = "list_or"  # "a or b" / "a或b"
LIST_SLASH = "list_slash"  # "18-24/35-44"
MESSAGE = "message"  # a nested message
MESSAGES = "messages"  # a list of nested messages as clauses: "a; b" / "a；b"
MESSAGE_LIST = "message_list"  # a list of nested messages as a list: "a, b" / "a、b"

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def label_of(kind: str) -> str:
    """The format of a parameter holding a code of `kind`, shown as its label."""
    return f"label:{kind}"


def labels_of(kind: str, join: str = "") -> str:
    """The format of a parameter holding a list of codes of `kind`, shown as their labels joined
    as a list ("a, b"), or with join="or" ("a or b"), "and" ("a and b") or "plus" ("a + b")."""
    return f"labels{'_' + join if join else ''}:{kind}"


# --- messages and templates ------------------------------------------------------------------------


@dataclass(frozen=True, init=False)
class Message:
    """A message id and its parameters (JSON-safe values, numbers unformatted)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __init__(self, code: str, params: dict[str, Any] | None = None) -> None:
        # The fields set in the instance's dict, as the frozen dataclass's own __init__ sets them
        # but without its object.__setattr__ per field (a third of making a message; a vetted
        # account makes ~17 of them).
        fields = self.__dict__
        fields["code"] = code
        fields["params"] = {} if params is None else params

    def as_dict(self) -> dict[str, Any]:
        """The stored form: {"code": ..., "params": {...}}."""
        return {"code": self.code, "params": _plain(self.params)}

    def __str__(self) -> str:
        # For logs and debugging only (the active language); faces call render_message.
        return render_message(self)


@dataclass(frozen=True)
class MessageTemplate:
    """How a message code reads: its English text (and plural), and each parameter's format."""

    code: str
    text: str
    formats: dict[str, str]
    plural: str | None = None
    count: str | None = None
    _bare: Message | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A template without parameters makes one message, kept and returned by every call:
        # messages are never changed once made (their params neither), and a vetted account
        # asks for ~5 of them (benchmarks, "no data" notes).
        object.__setattr__(self, "_bare", None if self.formats else Message(self.code, {}))

    def __call__(self, **params: Any) -> Message:
        bare = self._bare
        if bare is not None and not params:
            return bare
        if params.keys() != self.formats.keys():  # compared as sets, without building them
            missing = set(self.formats) - set(params)
            unknown = set(params) - set(self.formats)
            raise TypeError(f"message {self.code}: missing {sorted(missing)}, unknown {sorted(unknown)}")
        # `params` is a new dict (Python builds one for every ** call): kept as the message's own
        # when each value is already JSON-safe (exact str, int, bool, None, a float but NaN), as
        # most are; else `_plain(params)` without the call, its dict branch.
        for v in params.values():
            if type(v) not in _KEPT_AS_IS and (type(v) is not float or v != v):
                params = {
                    k: v if type(v) in _KEPT_AS_IS or (type(v) is float and v == v) else _plain(v)
                    for k, v in params.items()
                }
                break
        return Message(self.code, params)

    def text_for(self, params: Mapping[str, Any]) -> str:
        """The English text to translate: the plural form unless the count is exactly 1."""
        if self.plural is not None and params.get(self.count or "") != 1:
            return self.plural
        return self.text


_TEMPLATES: dict[str, MessageTemplate] = {}
_LABELS: dict[str, dict[str, str]] = {}


def define(
    code: str, text: str, /, *, plural: str | None = None, count: str | None = None, **formats: str
) -> MessageTemplate:
    """Declare the template of `code` (texts marked with gettext_noop) and return it. Declaring a
    code twice with another text is an error: a code means one sentence."""
    for variant in (text, plural):
        used = set(_PLACEHOLDER.findall(variant or ""))
        if used - set(formats):
            raise ValueError(f"message {code}: placeholders {sorted(used - set(formats))} have no format")
    if plural is not None and count not in formats:
        raise ValueError(f"message {code}: a plural needs its count parameter")
    template = MessageTemplate(code, text, dict(formats), plural, count)
    known = _TEMPLATES.get(code)
    if known is not None and known != template:
        raise ValueError(f"message {code} is already defined with another text")
    _TEMPLATES[code] = template
    return template


def template_of(code: str) -> MessageTemplate | None:
    return _TEMPLATES.get(code)


def templates() -> list[MessageTemplate]:
    """Every declared template (the translation tests check each has a Chinese text)."""
    return list(_TEMPLATES.values())


def define_labels(kind: str, labels: Mapping[str, str]) -> None:
    """Declare the labels (English, marked with gettext_noop) of the codes of `kind`."""
    _LABELS.setdefault(kind, {}).update(labels)


def label_kinds() -> dict[str, dict[str, str]]:
    """Every declared label by kind (for the translation tests and the search vocabulary)."""
    return {kind: dict(labels) for kind, labels in _LABELS.items()}


def label(kind: str, code: Any, *, language: str | None = None) -> str:
    """The label of `code` in the active (or given) language; an unknown code is shown as it is."""
    with translation.override(language) if language else nullcontext():
        return _label_in(kind, code, translation.get_language() or "")


def _label_in(kind: str, code: Any, active: str) -> str:
    """`label` in the active language, `active` (translation.get_language(), read by the caller)."""
    text = _LABELS.get(kind, {}).get(str(code))
    if text is None:
        return "" if code is None else str(code)
    return _declared_gettext(text, active)


# Declared texts (templates and labels) translated once per language: a ranking page renders
# thousands of messages, and Django's gettext costs more than the formatting around it.
_TRANSLATED: dict[tuple[str, str], str] = {}


def _declared_gettext(text: str, active: str) -> str:
    """`text` translated into the active language, `active` (that language as the caller read it:
    a message rendered anew asks for it several times, each read ~1-2 µs through asgiref)."""
    key = (active, text)
    found = _TRANSLATED.get(key)
    if found is None:
        found = _TRANSLATED[key] = translation.gettext(text)
    return found


def _forget_translations(*, setting: str, **kwargs: Any) -> None:
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"):
        _TRANSLATED.clear()
        _RENDERED.clear()


# Messages already put into words, by (language, their stored form as JSON): a message's words
# depend on nothing else, and rankings of one brand show the same creators' reasons request after
# request (at 50 rows a matching page renders ~600 messages, a third of its CPU). Bounded: cleared
# when full, which costs one re-render per message.
_RENDERED: dict[tuple[str, bytes], tuple[str, dict[str, Any]]] = {}
RENDERED_MAX = 200_000


setting_changed.connect(_forget_translations)


def is_message(value: Any) -> bool:
    """A Message, or its stored form: a dict of exactly a string `code` and a dict `params`."""
    if isinstance(value, Message):
        return True
    # Exactly the two keys, checked without building a set: a ranking page asks ~2,000 times.
    return (
        isinstance(value, dict)
        and len(value) == 2
        and "code" in value
        and "params" in value
        and isinstance(value["code"], str)
        and isinstance(value["params"], dict)
    )


def as_message(value: Any) -> Message:
    """A Message from a Message or its stored form."""
    return value if isinstance(value, Message) else Message(value["code"], dict(value["params"]))


# --- rendering -------------------------------------------------------------------------------------


def _chinese(active: str | None = None) -> bool:
    return (translation.get_language() or "" if active is None else active).lower().startswith("zh")


def join_texts(items: Iterable[str], how: str = "", *, active: str | None = None) -> str:
    """Texts as a list in the active language: "a, b" in English, "a、b" in Chinese; with how="or"
    "a or b" / "a或b", "and" "a and b" / "a和b", "plus" "a + b", "slash" "a/b". `active`: the
    active language as the caller read it (else read here)."""
    separators = {
        "": ("、", ", "),
        "or": ("或", " or "),
        "and": ("和", " and "),
        "plus": (" + ", " + "),
        "slash": ("/", "/"),
    }
    zh, en = separators[how]
    return (zh if _chinese(active) else en).join(items)


def join_sentences(items: Iterable[str], *, active: str | None = None) -> str:
    """Clauses one after the other: "a; b" in English, "a；b" in Chinese."""
    return ("；" if _chinese(active) else "; ").join(i for i in items if i)


def compact_number(value: Any, *, active: str | None = None) -> str:
    """A count made short without losing what the English form shows: 12,345 → "12.3K" in
    English, "1.23万" in Chinese (10,200 → "1.02万", not "1万": a 万 is ten thousand, so two
    decimals keep the precision of one decimal of K); "—" when unknown."""
    number = _number(value)
    if number is None:
        return "—"
    sign = "-" if number < 0 else ""
    number = abs(number)
    if _chinese(active):
        if number >= 1e8:
            return f"{sign}{_trim(number / 1e8, 2)}亿"
        if number >= 1e4:
            scaled = number / 1e4
            digits = 2 if scaled < 100 else 1 if scaled < 1000 else 0
            return f"{sign}{_trim(scaled, digits)}万"
        return f"{sign}{number:,.0f}"
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if number >= size:
            return f"{sign}{_trim(number / size, 1)}{unit}"
    return f"{sign}{number:,.0f}"


def _trim(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _number(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


_NUMBER_FORMATS: dict[str, Callable[[float], str]] = {
    INT: lambda number: f"{round(number):,}",
    SIGNED_INT: lambda number: f"{round(number):+,}",
    SIGNED_NUM0: lambda number: f"{number:+,.0f}",
    NUMG: lambda number: _trim(number, 2) if abs(number) < 1000 else f"{number:,.0f}",
    NUM0: lambda number: f"{number:,.0f}",
    NUM1: lambda number: f"{number:,.1f}",
    NUM2: lambda number: f"{number:,.2f}",
    PCT0: lambda number: f"{number * 100:.0f}%",
    PCT1: lambda number: f"{number * 100:.1f}%",
    PCT2: lambda number: f"{number * 100:.2f}%",
    SIGNED_PCT1: lambda number: f"{number * 100:+.1f}%",
}


def format_value(kind: str, value: Any, active: str | None = None) -> str:
    """One parameter in words, by its format, in the active language (`active`: that language as
    the caller read it, else read here)."""
    number_format = _NUMBER_FORMATS.get(kind)
    if number_format is not None:  # most parameters are numbers: one lookup instead of the chain
        number = _number(value)
        if number is None:
            return "∞" if isinstance(value, float) and math.isinf(value) else "—"
        return number_format(number)
    if active is None:
        active = translation.get_language() or ""
    if kind == MESSAGE:
        return _render_in(value, active) if value is not None else "—"
    if kind == MESSAGES:
        return join_sentences((_render_in(v, active) for v in value or []), active=active)
    if kind == MESSAGE_LIST:
        return join_texts((_render_in(v, active) for v in value or []), active=active)
    if kind in (LIST, LIST_OR, LIST_SLASH):
        return join_texts((str(v) for v in value or []), kind[5:], active=active)
    if kind == SIGNED_INTS:
        return join_texts((f"{round(_number(v) or 0):+,}" for v in value or []), active=active)
    if kind.startswith("label:"):
        return _label_in(kind[6:], value, active) if value is not None else "—"
    if kind.startswith("labels"):
        style, _, of = kind.partition(":")
        return join_texts((_label_in(of, v, active) for v in value or []), style[7:], active=active)
    if kind == TEXT:
        return "—" if value is None else str(value)
    if kind == TRANSLATED:
        return "—" if value is None else translation.gettext(str(value))
    if kind == DATE:
        return "—" if not value else str(value)[:10]
    if kind == COMPACT:
        return compact_number(value, active=active)
    raise ValueError(f"unknown parameter format {kind!r}")


def render_message(message: Any, language: str | None = None) -> str:
    """A message in words, in `language` (else the active language). A plain string (a text
    stored before messages existed) is returned as it is; None is ""."""
    if not is_message(message):
        return _not_a_message(message)
    return _rendered(message, language)[0]


def _render_in(message: Any, active: str) -> str:
    """`render_message` in the active language, `active` (read by the caller)."""
    if not is_message(message):
        return _not_a_message(message)
    return _rendered_in(message, active)[0]


def _not_a_message(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else str(value)


def message_json(message: Any, language: str | None = None) -> dict[str, Any]:
    """The API's form of a message: {"code", "params", "message"} (message in `language`)."""
    with translation.override(language) if language else nullcontext():
        return _message_json_in(message, translation.get_language() or "")


def _code(message: Any) -> str:
    """The code of a message or its stored form (without copying the latter into a Message)."""
    return message.code if isinstance(message, Message) else message["code"]


def message_json_renderer() -> Callable[[Any], dict[str, Any]]:
    """`message_json` for many messages in the active language, which it reads once: a ranking
    page renders ~600 messages, and each read of the active language costs as much as finding
    the message's words in _RENDERED. Use it while that language stays active (one response)."""
    active = translation.get_language() or ""

    def render(message: Any) -> dict[str, Any]:
        return _message_json_in(message, active)

    return render


def _message_json_in(message: Any, active: str) -> dict[str, Any]:
    """`message_json` in the active language, `active` (translation.get_language(), read by the caller)."""
    text, params = _rendered_in(message, active)
    return {"code": _code(message), "params": params, "message": text}


def _rendered(message: Any, language: str | None) -> tuple[str, dict[str, Any]]:
    """A message's words and its JSON-safe params, from _RENDERED or rendered now."""
    with translation.override(language) if language else nullcontext():
        return _rendered_in(message, translation.get_language() or "")


def _rendered_in(message: Any, active: str) -> tuple[str, dict[str, Any]]:
    """`_rendered` in the active language, `active` (translation.get_language(), read by the caller)."""
    try:
        stored = orjson.dumps(message, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)
        if b"null" in stored:  # JSON writes None, NaN and infinity alike; they read differently
            stored = repr(message).encode()
        key: tuple[str, bytes] | None = (active, stored)
    except TypeError:  # a parameter JSON cannot hold (a Decimal): rendered every time
        key = None
    found = _RENDERED.get(key) if key is not None else None
    if found is None:
        msg = as_message(message)
        template = _TEMPLATES.get(msg.code)
        if template is None:  # a code renamed since it was stored: show it rather than nothing
            text = msg.code
        else:
            words = {name: format_value(kind, msg.params.get(name), active) for name, kind in template.formats.items()}
            text = _declared_gettext(template.text_for(msg.params), active) % words
        found = (text, _plain(msg.params))
        if key is not None:
            if len(_RENDERED) >= RENDERED_MAX:
                _RENDERED.clear()
            _RENDERED[key] = found
    return found


def localize(
    data: Any,
    language: str | None = None,
    *,
    structured: bool = False,
    as_json: Callable[[Any], dict[str, Any]] | None = None,
) -> Any:
    """A copy of a JSON document (a vetting report, a match row, alert evidence) with every
    message in words. With `structured`, each message field `x` also gets `x_message`
    ({"code", "params", "message"}) and each list of messages `x` gets `x_messages`: the API's
    shape, where the string stays where clients read it. `as_json`: `message_json` in the
    active language as the caller keeps it (a response's memo), else a `message_json_renderer`."""
    with translation.override(language) if language else nullcontext():
        return _localize(data, structured, as_json or message_json_renderer())


# Values _localize returns as they are, checked by exact type first: most of a document's values
# are these, and a ranking page localises ~90k of them.
_LEAF_TYPES = frozenset({str, int, float, bool, type(None)})


def _localize(data: Any, structured: bool, as_json: Callable[[Any], dict[str, Any]]) -> Any:
    if type(data) in _LEAF_TYPES:
        return data
    if is_message(data):
        return as_json(data)["message"]
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for key, value in data.items():
            if type(value) in _LEAF_TYPES:
                out[key] = value
            elif structured and is_message(value):
                out[f"{key}_message"] = found = as_json(value)
                out[key] = found["message"]
            elif structured and isinstance(value, list) and value and all(is_message(v) for v in value):
                out[f"{key}_messages"] = found_list = [as_json(v) for v in value]
                out[key] = [m["message"] for m in found_list]
            else:
                out[key] = _localize(value, structured, as_json)
        return out
    if isinstance(data, list):
        return [v if type(v) in _LEAF_TYPES else _localize(v, structured, as_json) for v in data]
    return data


def message_safe(value: Any) -> Any:
    """A JSON-safe copy of a document holding messages (stored as {"code", "params"})."""
    return _plain(value)


_KEPT_AS_IS = frozenset({str, int, bool, type(None)})  # the values `_plain` returns unchanged by type


def _plain(value: Any) -> Any:
    """A JSON-safe copy: messages as their stored form, numpy scalars as Python numbers, NaN as
    None (an infinite ratio stays a float: "no comments at all" is not "unknown"), dates as ISO."""
    # Exact types first: nearly every value is one, and pages copy tens of thousands of them.
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return None if math.isnan(value) else value
    # Their items that are kept as they are (exact str, int, bool, None, and floats but NaN,
    # which are not equal to themselves) without a call each: nearly every message parameter is
    # one, and a vetted account builds ~25 messages.
    if kind is dict:
        return {
            k if type(k) is str else str(k): v if type(v) in _KEPT_AS_IS or (type(v) is float and v == v) else _plain(v)
            for k, v in value.items()
        }
    if kind is list:
        return [v if type(v) in _KEPT_AS_IS or (type(v) is float and v == v) else _plain(v) for v in value]
    if kind is Message:  # a nested message (a list of clauses): its `as_dict()`, without the call
        return {"code": value.code, "params": _plain(value.params)}
    if isinstance(value, float):  # numpy's float64 is a float: as a Python float, without the checks below
        return None if math.isnan(value) else float(value)
    if isinstance(value, Message):
        return value.as_dict()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "item") and callable(value.item) and type(value).__module__ == "numpy":
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# --- messages of the core layer ---------------------------------------------------------------------

# Clauses made by the domain as a list of messages, shown as one line.
JOINED = define("core.joined", gettext_noop("%(items)s"), items=MESSAGES)

# A job failed on an error that is not the user's to fix (a bug, a lost connection): the details
# go to the server log, the user reads this.
JOB_FAILED_UNEXPECTEDLY = define(
    "core.job.failed_unexpectedly",
    gettext_noop("The job stopped on an unexpected error; the administrators can find the details in the server log."),
)
JOB_QUEUE_UNREACHABLE = define(
    "core.job.queue_unreachable", gettext_noop("The job queue could not be reached; try again shortly.")
)

# An error about one input, named by its label in the reader's language (never "field 'x'").
FIELD_ERROR = define("core.field_error", gettext_noop("%(field)s: %(reason)s"), field=label_of("field"), reason=MESSAGE)
IMPORT_INVALID = define(
    "core.import_invalid",
    gettext_noop("%(n)s problem found in the file, nothing was imported"),
    plural=gettext_noop("%(n)s problems found in the file, nothing was imported"),
    count="n",
    n=INT,
)

# Reading uploaded files (core.services.uploads).
UPLOAD_TOO_LARGE = define(
    "upload.too_large", gettext_noop("the file is %(size)s bytes, above the limit of %(limit)s"), size=INT, limit=INT
)
UPLOAD_OVER_LIMIT = define(
    "upload.over_limit", gettext_noop("the file is larger than the limit of %(limit)s bytes"), limit=INT
)

# Checks of uploaded images (core.services.media).
IMAGE_EMPTY = define("media.empty", gettext_noop("the image file is empty"))
IMAGE_TOO_LARGE = define(
    "media.too_large", gettext_noop("the image is %(size)s bytes, above the limit of %(limit)s"), size=INT, limit=INT
)
IMAGE_TYPE = define(
    "media.type", gettext_noop("unsupported image type %(kind)s (allowed: %(allowed)s)"), kind=TEXT, allowed=LIST
)
IMAGE_TOO_MANY_PIXELS = define(
    "media.pixels",
    gettext_noop("the image is %(width)s×%(height)s = %(pixels)s pixels, above the limit of %(limit)s"),
    width=INT,
    height=INT,
    pixels=INT,
    limit=INT,
)
IMAGE_UNREADABLE = define("media.unreadable", gettext_noop("not a readable image"))
IMAGE_BROKEN = define("media.broken", gettext_noop("a broken image file"))
# Where an error was found, when that is a name the user gave (an uploaded file's name).
IN_SOURCE = define("core.in_source", gettext_noop("%(source)s: %(text)s"), source=TEXT, text=MESSAGE)

# Reasons of input errors, for any field (the faces put the field's label before them).
MUST_NOT_BE_EMPTY = define("input.empty", gettext_noop("must not be empty"))
AT_MOST_CHARS = define("input.max_chars", gettext_noop("at most %(n)s characters"), n=INT)
MUST_BE_NUMBER = define("input.number", gettext_noop("must be a number"))
MUST_BE_WHOLE = define("input.whole", gettext_noop("must be a whole number"))
MUST_BE_BETWEEN = define(
    "input.between",
    gettext_noop("must be between %(low)s and %(high)s, got %(value)s"),
    low=NUMG,
    high=NUMG,
    value=NUMG,
)
MUST_BE_BOOLEAN = define("input.boolean", gettext_noop("must be true or false"))
MUST_BE_TEXTS = define("input.texts", gettext_noop("must be a list of texts"))
MUST_BE_ONE_OF = define("input.one_of", gettext_noop("must be one of %(choices)s"), choices=LIST)


_INDEX = re.compile(r"\[\d+\]")


def field_name(field: str | None) -> str | None:
    """The input an error names, as forms call it: "filters.min_followers" and
    "params.window_days" → the last part, "images[2]" → "images"; None when there is none."""
    if not field:
        return None
    return _INDEX.sub("", field).rsplit(".", 1)[-1] or None


def error_message(exc: BaseException) -> Message | str:
    """What a person reads about a domain error: its message (or its English reason), after the
    label of the input it names ("最少粉丝数：…", never "field 'min_followers'"), after the name of
    the uploaded file it is about (never a server path). An input without a label is not named."""
    message = getattr(exc, "message", None)
    reason: Message | str = message if message is not None else getattr(exc, "reason", None) or str(exc)
    name = field_name(getattr(exc, "field", None))
    text: Message | str = reason
    if name and name in _LABELS.get("field", {}):
        text = FIELD_ERROR(field=name, reason=reason)
    source = getattr(exc, "source", "") or ""
    if source and "/" not in source and "\\" not in source:
        text = IN_SOURCE(source=source, text=text)
    return text
