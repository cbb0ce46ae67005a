"""Messages in English words, for tests that read what a person would read (core.messages)."""

from __future__ import annotations

from typing import Any

from core.messages import localize, render_message


def en(value: Any) -> str:
    """A message (or its stored form, or a list of them) rendered in English."""
    if isinstance(value, list):
        return "; ".join(en(v) for v in value)
    return render_message(value, "en")


def zh(value: Any) -> str:
    """A message rendered in Simplified Chinese."""
    if isinstance(value, list):
        return "；".join(zh(v) for v in value)
    return render_message(value, "zh-hans")


def en_doc(document: Any) -> Any:
    """A JSON document (a stored report, a match row) with every message in English."""
    return localize(document, "en")
