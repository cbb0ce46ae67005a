"""One ranking of candidate accounts for one brand, vectorised over numpy arrays.

Hard filters first (platform, follower range, country, language, maximum risk: only risks that
are verdicts pass it, `include_unvetted` keeps the creators without one), then a
composite of four parts in [0, 1]:

    audience_fit     the brand-target overlap (`audience_fit`), shrunk towards 0.5 by its confidence
    authenticity     1 − fake-follower risk, shrunk towards 0.5 by the risk's confidence
    value_alignment  brand values/mood board vs the creator's content, minus brand-safety hits
    engagement       engagement rate relative to its platform/tier benchmark (`engagement_quality`)

A part without data is 0.5 (neutral) and is flagged in the explanation: missing data neither
promotes nor buries an account, and is never read as "clean". composite = Σ wₖ·partₖ / Σ wₖ with
DEFAULT_WEIGHTS unless the request overrides them. Ties are broken by account id, so the
ranking is deterministic.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.errors import InputError
from vetting import messages as m

PARTS = ("audience_fit", "authenticity", "value_alignment", "engagement")
DEFAULT_WEIGHTS: dict[str, float] = {
    "audience_fit": 0.35,
    "authenticity": 0.30,
    "value_alignment": 0.20,
    "engagement": 0.15,
}
FILTER_KEYS = ("platforms", "min_followers", "max_followers", "countries", "languages", "max_risk", "include_unvetted")
NEUTRAL = 0.5


@dataclass
class Candidates:
    """Column arrays of candidate accounts (length n). Unknown floats are NaN.

    Categorical columns are integer codes into the vocabularies: `platform` into
    `platform_names`, `country` into `country_names` (-1 unknown); `languages` is a bit mask
    over `language_names` (bit i set = speaks language i)."""

    ids: np.ndarray
    platform: np.ndarray
    followers: np.ndarray
    country: np.ndarray
    languages: np.ndarray
    risk: np.ndarray
    risk_confidence: np.ndarray
    audience_fit: np.ndarray
    fit_confidence: np.ndarray
    value_alignment: np.ndarray
    engagement: np.ndarray
    platform_names: Sequence[str] = ()
    country_names: Sequence[str] = ()
    language_names: Sequence[str] = ()
    # Whether the risk is a verdict (the evidence rule met); None: every known risk is one.
    verdict: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class RankedPage:
    """A page of the ranking: row indices into the candidates, their scores and parts."""

    indices: np.ndarray
    composite: np.ndarray
    parts: dict[str, np.ndarray]
    known: dict[str, np.ndarray]
    total: int  # candidates passing the filters
    weights: dict[str, float]
    filters: dict[str, Any] = field(default_factory=dict)


def resolve_weights(weights: Mapping[str, Any] | None) -> dict[str, float]:
    """DEFAULT_WEIGHTS overridden by `weights` (unknown names or negative values are errors)."""
    out = dict(DEFAULT_WEIGHTS)
    for key, value in (weights or {}).items():
        if key not in DEFAULT_WEIGHTS:
            raise InputError(f"unknown weight {key!r}; expected any of {', '.join(PARTS)}", field=f"weights.{key}")
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise InputError(f"weight {key!r} must be a number, got {value!r}", field=f"weights.{key}") from exc
        if not np.isfinite(number) or number < 0:
            raise InputError(f"weight {key!r} must be a non-negative number, got {value!r}", field=f"weights.{key}")
        out[key] = number
    if sum(out.values()) <= 0:
        raise InputError(m.NO_POSITIVE_WEIGHT(), field="weights")
    return out


def _codes(names: Sequence[str], wanted: Sequence[str]) -> np.ndarray:
    index = {str(n).lower(): i for i, n in enumerate(names)}
    return np.array([index[w.lower()] for w in wanted if w.lower() in index], dtype=np.int64)


def _is_in(column: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """`np.isin(column, codes)`: for a few codes, one comparison each (np.isin sorts; it took
    ~1.1 ms over 110k accounts' platforms, two comparisons ~0.04 ms)."""
    if len(codes) > 4:
        return np.isin(column, codes)
    found = np.zeros(len(column), dtype=bool)
    for code in codes:
        found |= column == code
    return found


def filter_mask(c: Candidates, filters: Mapping[str, Any] | None) -> np.ndarray:
    """Boolean mask of the candidates passing the hard filters."""
    filters = dict(filters or {})
    unknown = set(filters) - set(FILTER_KEYS)
    if unknown:
        raise InputError(
            f"unknown filter(s): {', '.join(sorted(unknown))}; expected any of {', '.join(FILTER_KEYS)}",
            field="filters",
        )
    mask = np.ones(len(c), dtype=bool)
    if filters.get("platforms"):
        mask &= _is_in(c.platform, _codes(c.platform_names, list(filters["platforms"])))
    for key, op in (("min_followers", np.greater_equal), ("max_followers", np.less_equal)):
        if filters.get(key) is not None:
            try:
                bound = float(filters[key])
            except (TypeError, ValueError) as exc:
                raise InputError(f"{key} must be a number, got {filters[key]!r}", field=f"filters.{key}") from exc
            # An account without metrics (NaN) is outside any follower range (as in the
            # database): a comparison with NaN is False, without a copy of the column.
            mask &= op(c.followers, bound)
    if filters.get("countries"):
        mask &= _is_in(c.country, _codes(c.country_names, list(filters["countries"])))
    if filters.get("languages"):
        bits = 0
        for code in _codes(c.language_names, list(filters["languages"])):
            bits |= 1 << int(code)
        mask &= (c.languages & np.int64(bits)) != 0
    if filters.get("max_risk") is not None:
        try:
            limit = float(filters["max_risk"])
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"max_risk must be a number, got {filters['max_risk']!r}", field="filters.max_risk"
            ) from exc
        # Only a verdict passes: a risk without enough evidence behind it is not "clean".
        known = ~np.isnan(c.risk) if c.verdict is None else (c.verdict & ~np.isnan(c.risk))
        ok = known & (np.nan_to_num(c.risk, nan=1.0) <= limit)
        if filters.get("include_unvetted"):
            ok |= ~known
        mask &= ok
    return mask


def _shrink(value: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """NEUTRAL + conf · (value − NEUTRAL), NEUTRAL where the value is unknown: computed in place
    on its own temporaries (the same operations, so the same bits), as a ranking scores every
    account of the catalogue."""
    conf = np.nan_to_num(confidence, nan=0.0)
    np.clip(conf, 0.0, 1.0, out=conf)
    out = value - NEUTRAL
    out *= conf
    out += NEUTRAL
    np.copyto(out, NEUTRAL, where=np.isnan(value))
    return out


def part_scores(c: Candidates) -> dict[str, np.ndarray]:
    """The four parts per candidate (neutral 0.5 where unknown)."""
    return {
        "audience_fit": _shrink(c.audience_fit, c.fit_confidence),
        "authenticity": _shrink(1.0 - c.risk, c.risk_confidence),
        "value_alignment": np.where(np.isnan(c.value_alignment), NEUTRAL, c.value_alignment),
        "engagement": np.where(np.isnan(c.engagement), NEUTRAL, c.engagement),
    }


def _known(c: Candidates, rows: np.ndarray | slice) -> dict[str, np.ndarray]:
    """Whether each part of these candidates was known (only a page's rows are asked)."""
    return {
        "audience_fit": ~np.isnan(c.audience_fit[rows]),
        "authenticity": ~np.isnan(c.risk[rows]),
        "value_alignment": ~np.isnan(c.value_alignment[rows]),
        "engagement": ~np.isnan(c.engagement[rows]),
    }


def part_values(c: Candidates) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The four parts per candidate (neutral 0.5 where unknown) and whether each was known."""
    return part_scores(c), _known(c, slice(None))


def rank(
    c: Candidates,
    *,
    weights: Mapping[str, Any] | None = None,
    filters: Mapping[str, Any] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> RankedPage:
    """Filter, score and sort the candidates; return the page [offset, offset + limit)."""
    if limit < 0 or offset < 0:
        raise InputError("limit and offset must be non-negative", field="limit" if limit < 0 else "offset")
    w = resolve_weights(weights)
    idx = np.flatnonzero(filter_mask(c, filters))
    parts, composite = _scored(c, w)
    sub = composite[idx]
    # lexsort: last key is primary → highest composite first, then smallest id.
    order = np.lexsort((c.ids[idx], -sub))
    return _ranked(idx[order[offset : offset + limit]], c, parts, composite, len(idx), w, filters)


def _scored(
    c: Candidates, w: Mapping[str, float], parts: Mapping[str, np.ndarray] | None = None
) -> tuple[Mapping[str, np.ndarray], np.ndarray]:
    parts = part_scores(c) if parts is None else parts
    total_w = sum(w.values())
    composite: np.ndarray | None = None
    # Written into this thread's scratch arrays: a new array per term (the size of the
    # catalogue) cost more in page faults than its arithmetic (~1.4 ms -> ~0.2 ms a ranking of
    # 110k accounts). The composite never leaves the ranking (pages copy their rows' scores).
    buffer, term = _scratch(len(c))
    for name in PARTS:
        if w[name]:
            # The first term is the sum so far (0 + x is x, bit for bit): one pass fewer.
            if composite is None:
                composite = np.multiply(parts[name], w[name], out=buffer)
            else:
                composite += np.multiply(parts[name], w[name], out=term)
    if composite is None:
        composite = np.zeros(len(c))
    composite /= total_w
    return parts, composite


_scratch_arrays = threading.local()


def _scratch(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two float arrays of n values for this thread's ranking (their contents are garbage),
    kept between rankings: at most two of the largest catalogue's size per thread."""
    found = getattr(_scratch_arrays, "pair", None)
    if found is None or len(found[0]) < n:
        found = _scratch_arrays.pair = (np.empty(n), np.empty(n))
    return found[0][:n], found[1][:n]


def _ranked(
    page: np.ndarray,
    c: Candidates,
    parts: Mapping[str, np.ndarray],
    composite: np.ndarray,
    total: int,
    w: dict[str, float],
    filters: Mapping[str, Any] | None,
) -> RankedPage:
    return RankedPage(
        indices=page,
        composite=composite[page],
        parts={k: v[page] for k, v in parts.items()},
        known=_known(c, page),
        total=int(total),
        weights=w,
        filters=dict(filters or {}),
    )


def rank_groups(
    c: Candidates,
    group: np.ndarray,
    groups: int,
    wanted: int,
    *,
    weights: Mapping[str, Any] | None = None,
    filters: Mapping[str, Any] | None = None,
    parts: Mapping[str, np.ndarray] | None = None,
    total: Callable[[Callable[[], int]], int] | None = None,
) -> tuple[RankedPage, int]:
    """The start of `rank`'s full order (every passing candidate, best first) holding at least
    `wanted` distinct groups (`group`: each candidate's code in 0..groups-1; all of it when there
    are fewer), and how many groups pass the filters. Only the candidates scoring at least the
    cut are sorted, ties at the cut included, so the start is exactly rank's. `parts`: the
    candidates' `part_scores`, when the caller keeps them. `total`: where the caller keeps the
    number of passing groups of these candidates and filters (given how to count them), as it
    depends on neither the weights nor the page."""
    w = resolve_weights(weights)
    mask = filter_mask(c, filters)
    parts, composite = _scored(c, w, parts)
    # Without a filter that narrows, every candidate passes: no index list, no gathered copies
    # (at 1M candidates each costs milliseconds).
    idx: np.ndarray | None = None if mask.all() else np.flatnonzero(mask)
    sub = composite if idx is None else composite[idx]

    def count() -> int:
        passing = group if idx is None else group[idx]
        return int(np.count_nonzero(np.bincount(passing, minlength=groups)))

    passing_total = count() if total is None else total(count)
    size = max(2 * wanted, 256)
    while True:
        chosen = np.arange(len(sub)) if size >= len(sub) else at_or_above_cut(sub, size)
        rows = chosen if idx is None else idx[chosen]
        order = np.lexsort((c.ids[rows], -sub[chosen]))
        if len(chosen) == len(sub) or len(np.unique(group[rows[order]])) >= wanted:
            return _ranked(rows[order], c, parts, composite, passing_total, w, filters), passing_total
        size *= 4


# Above this many values the cut is first estimated on a strided sample of at most SAMPLE
# values. Partitioning a sample of 8k values costs ~0.1 ms; the full partition of 110k ~1 ms
# (of 1M, ~9 ms); samples of 16k and 64k were slower at 50k-1M values.
SAMPLED_CUT_FROM = 16_384
SAMPLE = 8_192


def at_or_above_cut(values: np.ndarray, size: int) -> np.ndarray:
    """The positions (ascending) of the values at or above the `size`-th highest (ties at the
    cut included): `flatnonzero(values >= cut)`. Over many values a strided sample first gives
    a lower bound holding ~4 × size of them, so only those are partitioned, not every value
    (the full partition copies and reorders them all); when the bound holds too few, the full
    partition answers. Either way the positions are the same."""
    n = len(values)
    if n > SAMPLED_CUT_FROM and n > 64 * size:
        sample = values[:: -(-n // SAMPLE)]  # a stride rounded up: at most SAMPLE values
        above = min(len(sample), math.ceil(4 * size * len(sample) / n) + 8)
        bound = np.partition(sample, len(sample) - above)[len(sample) - above]
        candidates = np.flatnonzero(values >= bound)
        if len(candidates) >= size:  # the size-th highest is at or above the bound: all are here
            near = values[candidates]
            cut = np.partition(near, len(near) - size)[len(near) - size]
            return candidates[near >= cut]
    cut = np.partition(values, n - size)[n - size]  # the size-th highest value
    return np.flatnonzero(values >= cut)


def explain_rows(page: RankedPage, rows: Sequence[int] | np.ndarray) -> list[dict[str, Any]]:
    """Each part of each of these ranked rows (value, weight, contribution to the composite,
    known or not), reading each part's column once for all of them (a page of 50 rows read 400
    numpy scalars one at a time)."""
    total_w = sum(page.weights.values())
    columns = [
        (name, page.weights[name], page.parts[name][rows].tolist(), page.known[name][rows].tolist()) for name in PARTS
    ]
    return [
        {
            name: {
                "value": round(values[k], 4),
                "weight": weight,
                "contribution": round(weight * values[k] / total_w, 4),
                "known": known[k],
            }
            for name, weight, values, known in columns
        }
        for k in range(len(rows))
    ]


def explain_row(page: RankedPage, row: int) -> dict[str, Any]:
    """Each part of one ranked row: value, weight, contribution to the composite, known or not."""
    return explain_rows(page, [row])[0]
