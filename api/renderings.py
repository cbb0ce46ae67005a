"""The matches API's renderings of ranked rows' reasons, kept per process across responses.

A row's parts and reasons in one language, as JSON bytes (api.views.brands._row_reasons), cost
~5 ms a page to render, and rankings of one brand with other weights, filters and offsets show
the same rows' reasons over and over. The matching service keeps a row's explanations with the
catalogue version's page inputs and numbers each kept explanation (`RankingResult.
explanation_ids`, vetting/services/page_inputs.py): the number stands for everything the
explanations were made from (the catalogue version, the brand's words, target and rules, the
day, the account and its ranking inputs), and a row explained anew gets a new one. So a
rendering kept under (that number, the language) is the rendering of the same explanations in
that language, and never served for others.

Kept as bytes: as live objects, thousands of rows' rendered reasons made every full garbage
collection of the process walk them, and rebuilding them per response cost more than rendering.
Bounded (RENDERINGS_MAX): the least recently used go first; the renderings of an older catalogue
version's numbers are never asked for again and age out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Generic, TypeVar

from django.test.signals import setting_changed

# A bound, not a working set: ~9.5 KB a rendering (a row's four parts and its reasons in one
# language, measured on the 100k bench catalogue), so at most ~200 MB a process; the row
# explanations they render are bounded at 50,000 (page_inputs.MEMO_EXPLANATIONS, ~5 KB each).
RENDERINGS_MAX = 20_000

T = TypeVar("T")
# A row's parts (each as its JSON before its score and after its weight) and its reasons (in
# words, then as messages), rendered in one language: api.views.brands._row_reasons.
RowReasons = tuple[list[tuple[bytes, bytes]], bytes, bytes]


class RenderingMemo(Generic[T]):
    """Renderings by (explanation number, language), the RENDERINGS_MAX least recently used
    dropped first. Thread-safe: one lock around each look-up and addition."""

    def __init__(self, max_entries: int = RENDERINGS_MAX) -> None:
        self.max_entries = max_entries
        self._kept: OrderedDict[tuple[int, str], T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, explanation_id: int, language: str) -> T | None:
        key = (explanation_id, language)
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def keep(self, explanation_id: int, language: str, rendering: T) -> None:
        with self._lock:
            self._kept[(explanation_id, language)] = rendering
            self._kept.move_to_end((explanation_id, language))
            while len(self._kept) > self.max_entries:
                self._kept.popitem(last=False)

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


# The matches API's (api.views.brands): one per process.
row_reasons: RenderingMemo[RowReasons] = RenderingMemo()


def _forget_renderings(*, setting: str, **kwargs: Any) -> None:
    """Translations changed (tests): words rendered before may read otherwise now."""
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"):
        row_reasons.clear()


setting_changed.connect(_forget_renderings)
