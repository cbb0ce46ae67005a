"""What a ranking page shows of its accounts besides their scores: the account's row (handle,
name, engagement rate, the last vetting report's ranking inputs and text terms), its newest
audience profile and its creator's verdict.

Read per page from the database: four small queries of 50 rows that cost a warm ranking page
~9 ms of its ~30 (the ORM, the driver and parsing ~40 KB of text terms), more than ranking
every candidate. Where the ranking comes from the catalogue's feature snapshot, what was read is
kept with that snapshot (`PageInputsMemo`, one per catalogue version: a write's new version
starts an empty one, so nothing read before a write is shown after it), and a page reads only
the accounts no earlier page of this version showed. Rankings of other brands, weights and
filters show the same top creators over and over.

A page that has to read reads ahead too: the accounts its ranking places right after the page
(`ahead`, up to READ_AHEAD) that the memo lacks join the same queries. A read costs ~1 ms of CPU
whether it asks for 8 accounts or 50 (~6 µs more per account), and pages of other weights or
filters show mostly those next accounts: under varied load 4 pages in 10 still read a few rows
each after 1,500 requests without reading ahead.

The memo keeps each brand's row explanations too (`explanation`, `keep_explanation`; ~5 ms a
page to make). A row's explanations depend on the catalogue (this version), the brand's words,
target and rules and the day (the caller's key), and the row's ranking inputs (risk, text
similarity, mood-board match, brand-safety hits): those are kept beside them and compared before
they are reused, so a mood board changed since, or any input computed otherwise, is explained
anew. Each kept explanation has a number no other in the process has (`explanation` returns
it): a face keeps its rendering of the explanations under that number (the API's
`api.renderings`, another ~5 ms a page), and a row explained anew gets a new one. `explanation`
hands back a loader, not the explanations: a row whose rendering the face holds is never
unpickled.

The memo is bounded: past MEMO_ACCOUNTS rows (audiences, verdicts) or MEMO_EXPLANATIONS
explanations, the ones read (made) longest ago are dropped first, so a big page does not drop
every other page's inputs.
"""

from __future__ import annotations

import itertools
import pickle
import threading
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from influencers.models import Account
from influencers.risk import CreatorRisk
from influencers.selectors.creators import creator_risks, newest_audience_profiles_of
from vetting.features.snapshot import json_values

PAGE_FIELDS = (
    "pk",
    "creator_id",
    "platform",
    "handle",
    "creator__display_name",
    "metrics__engagement_rate",
    "metrics__vetting_inputs__rank",
    "metrics__vetting_inputs__text__terms",
)
PAGE_JSON_FIELDS = ("metrics__vetting_inputs__rank", "metrics__vetting_inputs__text__terms")
# A bound, not a working set: what the pages of one catalogue version show (~2 KB an account).
MEMO_ACCOUNTS = 50_000
# A row's ranking inputs, its explanations (pickled) and their number (`explanation`).
KeptExplanation = tuple[tuple[Any, ...], bytes, int]
MEMO_EXPLANATIONS = 50_000  # (brand, account) rows, ~5 KB each
# How many of the accounts ranked after a page a reading page reads too (`page_inputs`' `ahead`).
READ_AHEAD = 100
# Numbers of kept explanations, unique in the process (across catalogue versions' memos too):
# next() on a count is atomic under the GIL.
_explanation_numbers = itertools.count(1)


@dataclass(frozen=True)
class PageInputs:
    """By account id: its PAGE_FIELDS row and newest audience profile (only the dimensions asked
    for; missing: no profile); by creator id: the creator's verdict (missing: no account)."""

    rows: dict[int, tuple[Any, ...]]
    audiences: dict[int, dict[str, Any]]
    risks: dict[int, CreatorRisk]


def same_inputs(kept: tuple[Any, ...], now: tuple[Any, ...]) -> bool:
    """Whether a row's explanation inputs are those its kept explanations were made from (NaN
    equal to NaN: an unvetted account's risk stays unvetted). A loop, not all() over a generator:
    every row of every page asks."""
    for a, b in zip(kept, now, strict=True):
        if not (a is b or a == b or (isinstance(a, float) and a != a and b != b)):
            return False
    return True


class PageInputsMemo:
    """The page inputs read at one catalogue version. Pages read it without a lock (a dict's
    `get` is atomic); what they read is added under the lock (`keep`, `keep_explanation`), which
    evicts the oldest entries first (dicts keep insertion order), so nothing iterates an entry
    dict while another thread changes it."""

    def __init__(self) -> None:
        self.rows: dict[int, tuple[Any, ...]] = {}
        # (account id, dimensions) → its newest profile's distributions, or None without a profile.
        self.audiences: dict[tuple[int, tuple[str, ...]], dict[str, Any] | None] = {}
        self.risks: dict[int, CreatorRisk] = {}
        # (a brand's key, account id) → (the row's ranking inputs, its explanations, their number).
        self._explained: dict[tuple[Hashable, int], KeptExplanation] = {}
        self._lock = threading.Lock()

    def keep(self, entries: dict[Any, Any], new: Mapping[Any, Any]) -> None:
        """Add `new` to `entries` (`rows`, `audiences` or `risks`), then evict its oldest
        entries past MEMO_ACCOUNTS: a big page drops the inputs read longest ago, not every
        other page's."""
        with self._lock:
            entries.update(new)
            _evict_oldest(entries, len(entries) - MEMO_ACCOUNTS)

    def explanation(
        self, brand_key: Hashable, account_id: int, inputs: tuple[Any, ...]
    ) -> tuple[Callable[[], Any], int] | None:
        """The explanations kept for this brand's row of the account, as a loader (each call
        unpickles them anew), and their number, if they were made from these ranking inputs; else
        None. Loaded on demand: a face holding its rendering of them (under the number) never
        reads them (unpickling was the largest single cost in a profile of the API's workers)."""
        kept = self._explained.get((brand_key, account_id))
        if kept is None or not same_inputs(kept[0], inputs):
            return None
        return partial(pickle.loads, kept[1]), kept[2]

    def keep_explanation(self, brand_key: Hashable, account_id: int, inputs: tuple[Any, ...], explanations: Any) -> int:
        """Keep a row's explanations, made from these inputs (replacing any made from others);
        returns their new number."""
        number = next(_explanation_numbers)
        kept = (inputs, pickle.dumps(explanations, pickle.HIGHEST_PROTOCOL), number)
        key = (brand_key, account_id)
        with self._lock:
            self._explained.pop(key, None)  # explained anew: now the newest
            _evict_oldest(self._explained, len(self._explained) + 1 - MEMO_EXPLANATIONS)
            self._explained[key] = kept
        return number


def _evict_oldest(entries: dict[Any, Any], count: int) -> None:
    """Remove the `count` oldest entries of `entries` (its first keys), under the memo's lock."""
    if count > 0:
        for key in list(itertools.islice(entries, count)):
            del entries[key]


_UNREAD = object()  # not in the memo (None there: read, and found missing)


def page_inputs(
    account_ids: Sequence[int],
    dimensions: Iterable[str],
    *,
    memo: PageInputsMemo | None = None,
    risks: bool = True,
    ahead: Sequence[int] = (),
) -> PageInputs:
    """The page inputs of these accounts (deleted ones are absent), from `memo` where an earlier
    page of its catalogue version read them, else from the database (and kept there). `risks`
    False: the caller has the verdicts already, none are read. What this page reads is used as
    read, not read back from the memo: another page may evict it meanwhile. `ahead`: accounts
    ranked after the page; where the page has to read an input, it reads theirs the memo lacks
    in the same query, for the memo only."""
    dims = tuple(dimensions)
    if memo is None:
        rows = _rows(account_ids)
        verdicts = creator_risks(creators={r[1] for r in rows.values()}) if risks else {}
        return PageInputs(rows, _audiences(list(rows), dims), verdicts)
    page = set(account_ids)
    ahead = [a for a in dict.fromkeys(ahead) if a not in page]
    found_rows = {a: memo.rows.get(a) for a in account_ids}
    missing = [a for a, row in found_rows.items() if row is None]
    ahead_rows: dict[int, tuple[Any, ...]] = {}
    if missing:
        read = _rows([*missing, *(a for a in ahead if a not in memo.rows)])
        memo.keep(memo.rows, read)
        found_rows.update((a, read.get(a)) for a in missing)
        ahead_rows = {a: row for a, row in read.items() if a not in page}
    rows = {a: row for a, row in found_rows.items() if row is not None}
    profiles: dict[int, Any] = {a: memo.audiences.get((a, dims), _UNREAD) for a in rows}
    unread = [a for a, profile in profiles.items() if profile is _UNREAD]
    creators = {int(r[1]) for r in rows.values()}
    judged: dict[int, CreatorRisk | None] = {c: memo.risks.get(c) for c in creators}
    unjudged = [c for c, verdict in judged.items() if verdict is None]
    # The ahead accounts with a row (read by this page, or held by the memo), asked only when
    # the page reads something.
    known_ahead: dict[int, tuple[Any, ...]] = {}
    if unread or unjudged:
        known_ahead = {a: row for a in ahead if (row := ahead_rows.get(a) or memo.rows.get(a)) is not None}
    if unread:
        unread_ahead = [a for a in known_ahead if (a, dims) not in memo.audiences]
        read_profiles = _audiences([*unread, *unread_ahead], dims)
        profiles.update({a: read_profiles.get(a) for a in unread})
        memo.keep(memo.audiences, {(a, dims): read_profiles.get(a) for a in [*unread, *unread_ahead]})
    audiences = {a: profile for a, profile in profiles.items() if profile is not None}
    if unjudged:
        ahead_creators = {int(row[1]) for row in known_ahead.values()} - creators
        read_verdicts = creator_risks(creators=[*unjudged, *(c for c in ahead_creators if c not in memo.risks)])
        memo.keep(memo.risks, read_verdicts)
        judged.update({c: read_verdicts.get(c) for c in unjudged})
    return PageInputs(rows, audiences, {c: verdict for c, verdict in judged.items() if verdict is not None})


def _rows(account_ids: Collection[int]) -> dict[int, tuple[Any, ...]]:
    accounts = Account.objects.filter(pk__in=list(account_ids))
    return {r[0]: r for r in json_values(accounts, PAGE_FIELDS, json_fields=PAGE_JSON_FIELDS)}


def _audiences(account_ids: Collection[int], dimensions: tuple[str, ...]) -> dict[int, dict[str, Any]]:
    """The newest audience profile of each account, with only the distributions in `dimensions`
    (the brand's target dimensions): neither the fit nor its explanation reads the rest."""
    names = ("account_id", "as_of", *dimensions)
    rows = json_values(newest_audience_profiles_of(list(account_ids)), names, json_fields=dimensions)
    return {row[0]: dict(zip(names, row, strict=True)) for row in rows}
