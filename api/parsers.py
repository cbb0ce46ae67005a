"""The API's JSON parser: hostile JSON is a 400, never a 500.

DRF's parser lets through what the standard library accepts: nesting deep enough to exhaust the
recursion limit (RecursionError, a 500), numbers so large that later arithmetic overflows, and
1e999 read as infinity. Bodies here are shallow objects of ids, names and thresholds, so a depth
of MAX_DEPTH and integers of MAX_INT_DIGITS digits are far beyond any honest request."""

from __future__ import annotations

import json
import math
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32
MAX_INT_DIGITS = 30


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"a number of more than {MAX_INT_DIGITS} digits")
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:20]} is out of range")
    return value


def nesting_depth_exceeds(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than `limit` (checked before parsing: the
    recursive parser must not be handed a bomb)."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def loads_strict(text: str) -> Any:
    """json.loads refusing NaN/Infinity, out-of-range numbers and deep nesting (ValueError)."""
    if nesting_depth_exceeds(text, MAX_DEPTH):
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    return json.loads(text, parse_constant=_refuse_constant, parse_int=_parse_int, parse_float=_parse_float)


class StrictJSONParser(JSONParser):
    """application/json bodies, parsed by `loads_strict`."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        raw = stream.read() if stream is not None else b""
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            return loads_strict(raw.decode(encoding))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
