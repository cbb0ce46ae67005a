"""Read a brief in plain words: the checks every face shares (API, command, web page) before the
pure parser (vetting/briefs) runs. Nothing is stored."""

from __future__ import annotations

import datetime as dt

from core.errors import InputError
from vetting.briefs.parser import MAX_BRIEF_CHARS, BriefParse, parse_brief


def brief_parse(*, text: object, today: dt.date | None = None) -> BriefParse:
    """The parse of `text`; InputError naming `text` when it is not text, empty, or longer than
    MAX_BRIEF_CHARS characters."""
    if not isinstance(text, str):
        raise InputError("must be text", field="text")
    if not text.strip():
        raise InputError("write the brief to read, e.g. “micro creators on TikTok in the UK”", field="text")
    if len(text) > MAX_BRIEF_CHARS:
        raise InputError(f"at most {MAX_BRIEF_CHARS} characters, got {len(text)}", field="text")
    return parse_brief(text, today=today)
