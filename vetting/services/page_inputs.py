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

The memo keeps each brand's row explanations too (`explanation`, `keep_explanation`; ~5 ms a
page to make, and the faces' rendering of them another ~5 ms, kept in the row's `renderings`).
A row's explanations depend on the catalogue (this version), the brand's words, target and rules
and the day (the caller's key), and the row's ranking inputs (risk, text similarity, mood-board
match, brand-safety hits): those are kept beside them and compared before they are reused, so a
mood board changed since, or any input computed otherwise, is explained anew.
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
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
    "metrics__vetting__rank",
    "metrics__vetting__text__terms",
)
PAGE_JSON_FIELDS = ("metrics__vetting__rank", "metrics__vetting__text__terms")
# A bound, not a working set: what the pages of one catalogue version show (~2 KB an account).
MEMO_ACCOUNTS = 50_000
# A row's ranking inputs, its explanations (pickled) and the faces' renderings of them (pickled).
KeptExplanation = tuple[tuple[Any, ...], bytes, dict[Any, bytes]]
MEMO_EXPLANATIONS = 50_000  # (brand, account) rows, ~5 KB each


@dataclass(frozen=True)
class PageInputs:
    """By account id: its PAGE_FIELDS row and newest audience profile (only the dimensions asked
    for; missing: no profile); by creator id: the creator's verdict (missing: no account)."""

    rows: dict[int, tuple[Any, ...]]
    audiences: dict[int, dict[str, Any]]
    risks: dict[int, CreatorRisk]


def same_inputs(kept: tuple[Any, ...], now: tuple[Any, ...]) -> bool:
    """Whether a row's explanation inputs are those its kept explanations were made from (NaN
    equal to NaN: an unvetted account's risk stays unvetted)."""
    return all(a is b or a == b or (isinstance(a, float) and a != a and b != b) for a, b in zip(kept, now, strict=True))


class PageInputsMemo:
    """The page inputs read at one catalogue version. Entries are only ever added (or all
    dropped past MEMO_ACCOUNTS), so concurrent pages read it without a lock; a lock only keeps
    two of them from clearing it at once."""

    def __init__(self) -> None:
        self.rows: dict[int, tuple[Any, ...]] = {}
        # (account id, dimensions) → its newest profile's distributions, or None without a profile.
        self.audiences: dict[tuple[int, tuple[str, ...]], dict[str, Any] | None] = {}
        self.risks: dict[int, CreatorRisk] = {}
        # (a brand's key, account id) → (the row's ranking inputs, its explanations).
        self._explained: dict[tuple[Hashable, int], KeptExplanation] = {}
        self._lock = threading.Lock()

    def explanation(
        self, brand_key: Hashable, account_id: int, inputs: tuple[Any, ...]
    ) -> tuple[Any, dict[Any, bytes]] | None:
        """The explanations kept for this brand's row of the account, and their renderings, if
        they were made from these ranking inputs; else None."""
        kept = self._explained.get((brand_key, account_id))
        if kept is None or not same_inputs(kept[0], inputs):
            return None
        return pickle.loads(kept[1]), kept[2]

    def keep_explanation(
        self, brand_key: Hashable, account_id: int, inputs: tuple[Any, ...], explanations: Any
    ) -> dict[Any, bytes]:
        """Keep a row's explanations, made from these inputs; returns the (empty) dict where the
        faces keep their renderings of them."""
        renderings: dict[Any, bytes] = {}
        with self._lock:
            if len(self._explained) >= MEMO_EXPLANATIONS:
                self._explained.clear()
        self._explained[(brand_key, account_id)] = (
            inputs,
            pickle.dumps(explanations, pickle.HIGHEST_PROTOCOL),
            renderings,
        )
        return renderings

    def make_room(self, incoming: int) -> None:
        with self._lock:
            if len(self.rows) + incoming > MEMO_ACCOUNTS:
                self.rows.clear()
                self.audiences.clear()
                self.risks.clear()
                self._explained.clear()


def page_inputs(
    account_ids: Sequence[int], dimensions: Iterable[str], *, memo: PageInputsMemo | None = None, risks: bool = True
) -> PageInputs:
    """The page inputs of these accounts (deleted ones are absent), from `memo` where an earlier
    page of its catalogue version read them, else from the database (and kept there). `risks`
    False: the caller has the verdicts already, none are read."""
    dims = tuple(dimensions)
    if memo is None:
        rows = _rows(account_ids)
        verdicts = creator_risks(creators={r[1] for r in rows.values()}) if risks else {}
        return PageInputs(rows, _audiences(list(rows), dims), verdicts)
    missing = [a for a in account_ids if a not in memo.rows]
    if missing:
        memo.make_room(len(missing))
        memo.rows.update(_rows(missing))
    rows = {a: memo.rows[a] for a in account_ids if a in memo.rows}
    unread = [a for a in rows if (a, dims) not in memo.audiences]
    if unread:
        found = _audiences(unread, dims)
        memo.audiences.update({(a, dims): found.get(a) for a in unread})
    audiences = {a: profile for a in rows if (profile := memo.audiences.get((a, dims))) is not None}
    creators = {int(r[1]) for r in rows.values()}
    unjudged = [c for c in creators if c not in memo.risks]
    if unjudged:
        memo.risks.update(creator_risks(creators=unjudged))
    return PageInputs(rows, audiences, {c: memo.risks[c] for c in creators if c in memo.risks})


def _rows(account_ids: Collection[int]) -> dict[int, tuple[Any, ...]]:
    accounts = Account.objects.filter(pk__in=list(account_ids))
    return {r[0]: r for r in json_values(accounts, PAGE_FIELDS, json_fields=PAGE_JSON_FIELDS)}


def _audiences(account_ids: Collection[int], dimensions: tuple[str, ...]) -> dict[int, dict[str, Any]]:
    """The newest audience profile of each account, with only the distributions in `dimensions`
    (the brand's target dimensions): neither the fit nor its explanation reads the rest."""
    names = ("account_id", "as_of", *dimensions)
    rows = json_values(newest_audience_profiles_of(list(account_ids)), names, json_fields=dimensions)
    return {row[0]: dict(zip(names, row, strict=True)) for row in rows}
