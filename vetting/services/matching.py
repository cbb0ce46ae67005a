"""One ranking of creators for a brand: load candidate features in bulk, rank them with the
pure vectorised `vetting.scoring.ranking`, explain the returned page.

Candidates are accounts (a creator's best account represents the creator). Features come in a
fixed number of queries whatever the catalogue size: accounts with their creator and
AccountMetrics (risk, engagement, the cached text terms and ranking inputs of the last vetting
report), the newest AudienceProfile per account (a window function), the recent posts of the
candidates' creators (any of their accounts) that hit the brand's excluded keywords/topics or
are sponsored by a competitor (searched by the database,
confirmed by the pure brand-safety matcher), and, when the brand has a mood board, the
calibrated mood-board match of each account's images (vision: its feed score against the board,
standardised against the catalogue's accounts, 0–1). Where the host keeps a feature snapshot of the
catalogue (`vetting.features.snapshot`), the same features come from its memory-mapped arrays
instead, with the same arithmetic (`_features_from_snapshot`); only brand safety, the mood board
and the page's rows read the database, and the page's rows (with their explanations) only once per
catalogue version (`vetting.services.page_inputs`).

A creator's score for a brand and weights does not depend on the query: nothing is normalised
over the candidates. The text IDF is catalogue-wide (`catalogue_idf`, cached at the catalogue
version), the mood-board match is calibrated against the catalogue's accounts, and authenticity is the
creator-level risk (its worst vetted account's, `influencers.risk`), whatever accounts the
filters let through.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from functools import cached_property, partial
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.caching.limits import concurrency_slot
from core.caching.memo import VersionMemo
from core.errors import InputError
from core.messages import Message, label_kinds
from influencers.models import Account, AccountMetrics, Platform
from influencers.risk import NOT_VETTED, CreatorRisk
from influencers.selectors.creators import accounts_filtered, creator_risks, newest_audience_profiles_of
from vetting import messages as m
from vetting.features.snapshot import (
    LANGUAGE_BITS,
    FeatureSnapshot,
    current_snapshot,
    engagement_column,
    json_values,
    normalised_shares,
)
from vetting.models import Brand
from vetting.scoring.audience_fit import (
    FOCUS_MASS,
    HALF_LIFE_DAYS,
    FitTarget,
    audience_fit,
    audience_fit_vectorised,
    fit_targets,
    target_vectors,
)
from vetting.scoring.ranking import (
    PARTS,
    Candidates,
    explain_rows,
    filter_mask,
    part_scores,
    rank_groups,
    resolve_weights,
)
from vetting.scoring.text_similarity import concept_label, cosine
from vetting.scoring.value_alignment import (
    MOODBOARD_WEIGHT,
    TEXT_SCALE,
    brand_vector,
)
from vetting.services.brand_safety import Safety, brand_safety, safety_rules, stored_safety
from vetting.services.page_inputs import READ_AHEAD, PageInputsMemo, page_inputs
from vision.services.profiles import moodboard_similarity

logger = logging.getLogger(__name__)

# Bump when the arithmetic of the audience fit or of the text similarity changes (what their
# constants in the key do not show): a brand's columns kept with the snapshot are then not read.
BRAND_COLUMNS_VERSION = 1
PART_LABELS = label_kinds()["match_part"]  # English; the faces show the "match_part" labels


Explanations = dict[str, dict[str, Any]]  # part name → its "lines" (stored messages) and "details"


@dataclass(eq=False)
class RankedRow:
    """One row of a ranking page, its dict (`row`) made on first reading. `head` is the row
    without what its explanations give (each part's reasons and evidence, the row's reasons, the
    competitor posts): rank, creator and account, score, risk, and each part's name, label,
    score, weight, contribution and known. The explanations are loaded (unpickled from the page
    memo: the largest single cost in a profile of the API's workers under varied load) only when
    `row` or `competitor_posts` is read, so a face that holds its rendering of the row's
    explanations (`explanation_id`) reads `head` and loads nothing. Without `load_explanations`,
    `head` is the whole row."""

    head: dict[str, Any]
    # The number of the row's kept explanations (`PageInputsMemo.explanation`), the same on every
    # page showing them, under which a face may keep its rendering of them; None where they were
    # made for this page only (the database path).
    explanation_id: int | None = None
    load_explanations: Callable[[], Explanations] | None = None
    # False: none of the row's brand-safety hits is a competitor's sponsorship, so it cites no
    # competitor post (one evidence entry per hit, of the hit's kind) without loading anything.
    cites_competitors: bool = True

    @cached_property
    def row(self) -> dict[str, Any]:
        if self.load_explanations is None:
            return self.head
        return _explained_row(self.head, self.load_explanations())

    @property
    def competitor_posts(self) -> list[dict[str, Any]]:
        if self.load_explanations is not None and not self.cites_competitors:
            return []
        return self.row.get("competitor_posts", [])


class RankingResult:
    """A page of the ranking: rows (dicts, best first), the number of creators passing the
    filters, and the weights and filters used. Iterating yields the rows.

    Made from dicts or from RankedRows (`ranked`), whose dicts are made when `rows` is first
    read; a face that renders only some rows' explanations reads `ranked` instead."""

    def __init__(
        self,
        rows: list[dict[str, Any]] | list[RankedRow],
        total: int,
        weights: dict[str, float],
        filters: dict[str, Any] | None = None,
        brand_id: int | None = None,
        notes: list[Message] | None = None,
    ) -> None:
        self.ranked = [r if isinstance(r, RankedRow) else RankedRow(r) for r in rows]
        self.total = total
        self.weights = weights
        self.filters = {} if filters is None else filters
        self.brand_id = brand_id
        self.notes = [] if notes is None else notes

    @cached_property
    def rows(self) -> list[dict[str, Any]]:
        return [r.row for r in self.ranked]

    @property
    def explanation_ids(self) -> list[int | None]:
        """Beside each row: the number of its kept explanations (RankedRow.explanation_id)."""
        return [r.explanation_id for r in self.ranked]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.ranked)


def _effective_filters(brand: Brand, filters: Mapping[str, Any] | None) -> dict[str, Any]:
    """Request filters, falling back to the brand's preferred platforms and follower range."""
    out = {k: v for k, v in dict(filters or {}).items() if v is not None}
    if "platforms" not in out and brand.preferred_platforms:
        out["platforms"] = list(brand.preferred_platforms)
    if "min_followers" not in out and brand.min_followers is not None:
        out["min_followers"] = brand.min_followers
    if "max_followers" not in out and brand.max_followers is not None:
        out["max_followers"] = brand.max_followers
    for key in ("platforms", "countries", "languages"):
        if key in out:
            value = out[key]
            if isinstance(value, str) or not hasattr(value, "__iter__"):
                raise InputError(f"{key} must be a list", field=f"filters.{key}")
            out[key] = [str(v) for v in value]
    if "platforms" in out:
        unknown = [p for p in out["platforms"] if p not in Platform.values]
        if unknown:
            raise InputError(f"unknown platform(s): {', '.join(unknown)}", field="filters.platforms")
    return out


def _candidate_queryset(filters: dict[str, Any], creator_ids: list[int] | None) -> QuerySet[Account]:
    """Accounts narrowed by the filters the database answers cheaply (the pure ranking applies
    every filter again, so both paths agree)."""
    return accounts_filtered(
        platforms=filters.get("platforms"),
        min_followers=filters.get("min_followers"),
        max_followers=filters.get("max_followers"),
        countries=filters.get("countries"),
        creator_ids=creator_ids,
    )


def _moodboard(brand: Brand, account_ids: np.ndarray) -> tuple[dict[int, tuple[float, list[Any]]], Message | None]:
    """The calibrated mood-board match (0–1) from the vision module, when the brand has images."""
    if getattr(brand, "mood_board_count", None) == 0:  # counted when the brand was read (brand_get)
        return {}, None
    images = [item.image for item in brand.mood_board.all()]
    if not images or not len(account_ids):
        return {}, None
    try:
        # The ids as a list only here: most brands have no mood board, and 100k candidates' ids
        # cost ~1 ms to convert.
        return dict(moodboard_similarity(images=images, account_ids=account_ids.tolist())), None
    except Exception as exc:  # noqa: BLE001 - the ranking still works on text when images cannot be compared
        logger.warning("mood-board similarity failed for brand %s: %s", brand.pk, exc)
        return {}, m.MOOD_BOARD_UNUSED()


def _image_url(match: Any) -> str:
    """An evidence image's URL (vision's ImageMatch, or its dict form)."""
    return str(match.get("image_url", "") if isinstance(match, dict) else getattr(match, "image_url", ""))


def _codes(values: list[Any], vocabulary: dict[str, int]) -> np.ndarray:
    out = np.empty(len(values), dtype=np.int64)
    for i, value in enumerate(values):
        key = str(value or "")
        if key not in vocabulary:
            vocabulary[key] = len(vocabulary)
        out[i] = vocabulary[key]
    return out


ROW_FIELDS = (
    "pk",
    "creator_id",
    "platform",
    "handle",
    "creator__display_name",
    "creator__country",
    "creator__languages",
    "metrics__followers",
    "metrics__fake_risk",
    "metrics__risk_confidence",
    "metrics__risk_level",
    "metrics__engagement_rate",
    "metrics__vetting_inputs__rank",
    "metrics__vetting_inputs__text",
)
ROW_JSON_FIELDS = ("creator__languages", "metrics__vetting_inputs__rank", "metrics__vetting_inputs__text")


# What a page's rows read besides the features: only the cached text terms of the vetting
# report's text (not the rest of it) and no column the features already hold.
@dataclass
class Features:
    """Every candidate's ranking inputs for one brand, filters and day, independent of the weights
    and the page: what other weights, pages and offsets of the same ranking reuse (see
    `_features`). Arrays only, plus the little the page explanations need besides the page's own
    rows (loaded per page): the brand's text query and terms, mood-board scores, brand-safety hits."""

    cands: Candidates
    creator: np.ndarray
    sims: np.ndarray
    query: dict
    mood: dict[int, tuple[float, list[Any]]]
    hits_by_creator: Mapping[int, list[Any]]
    notes: list[Message]
    dimensions: list[str]
    creator_risks: dict[int, CreatorRisk] = field(default_factory=dict)
    page_risks: bool = False  # creator_risks left empty: read the page's when it is shown
    post_places: Mapping[int, dict[str, Any]] = field(default_factory=dict)
    # Each candidate's creator as a code in 0..creators-1: a page keeps each creator's best
    # account without sorting every candidate by creator.
    creator_code: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    creators: int = 0
    # The page inputs read at the snapshot's catalogue version (None: the database path reads them per page).
    page_memo: PageInputsMemo | None = None
    # The number of creators passing each set of filters (`passing_total`).
    passing_totals: dict[str, int] = field(default_factory=dict)

    def passing_total(self, filters: Mapping[str, Any], count: Callable[[], int]) -> int:
        """How many creators pass these filters, counted once per filter set: the count reads
        every passing candidate (~0.3 ms and two catalogue-sized arrays a ranking of 110k
        accounts), and it depends on neither the weights nor the page."""
        key = json.dumps(filters, sort_keys=True, default=str)
        found = self.passing_totals.get(key)
        if found is None:
            found = count()
            if len(self.passing_totals) >= PASSING_TOTALS_KEPT:
                self.passing_totals.clear()  # atomic, unlike evicting some: other threads read it
            self.passing_totals[key] = found
        return found

    @cached_property
    def part_scores(self) -> dict[str, np.ndarray]:
        """The four parts of every candidate, whatever the weights (a memoised brand's rankings
        of other weights and filters reuse them)."""
        scores = part_scores(self.cands)
        for array in scores.values():
            array.setflags(write=False)
        return scores


# Filter sets whose passing creators a brand's Features keep counted (a few bytes each).
PASSING_TOTALS_KEPT = 256


# A brand's candidate features at the current catalogue, brand and vision versions, per process:
# other weights, pages and offsets of a ranking reuse them (~10 MB per 100k candidates).
features_memo: VersionMemo[Features] = VersionMemo(("catalogue", "brands", "vision"), max_entries=16)


def rank_creators_for_brand(
    *,
    brand: Brand,
    weights: dict | None = None,
    filters: dict | None = None,
    limit: int = 50,
    offset: int = 0,
    user_id: int | None = None,
) -> RankingResult:
    """Creators ranked for `brand`: hard filters (platforms, min/max followers, countries,
    languages, max_risk with include_unvetted; creator_ids to rank a given set), then the
    composite of audience fit, authenticity, value alignment and engagement with the default
    or given weights. Each row carries its parts, their explanations and the evidence.

    A ranking asked for by a user (`user_id`, the web UI and the API) holds one of that user's
    MATCHING_CONCURRENCY_PER_USER slots while it loads and scores the candidates' features (the
    uncached work; a ranking whose features this process already holds takes none); past them
    it raises Throttled ("busy, try again"), so one user's burst of uncached rankings cannot
    starve everyone else's."""
    if limit < 0 or offset < 0:
        raise InputError("limit and offset must be non-negative", field="limit" if limit < 0 else "offset")
    resolved = resolve_weights(weights)
    request_filters = dict(filters or {})
    creator_ids = request_filters.pop("creator_ids", None)
    if creator_ids is not None:
        try:
            creator_ids = [int(c) for c in creator_ids]
        except (TypeError, ValueError) as exc:
            raise InputError("creator_ids must be a list of integers", field="filters.creator_ids") from exc
    effective = _effective_filters(brand, request_filters)
    filter_mask(_empty_candidates(), effective)  # unknown names and non-numbers are refused before any work
    today = timezone.localdate()
    snapshot = current_snapshot()
    # From the snapshot a brand's features are every account's, and the page's ranking applies
    # the filters (as it does to any features): one memo entry per brand serves every filter
    # set, and a new filter costs a mask instead of a dozen columns taken for its rows. The
    # database path narrows in SQL first.
    narrowing = {} if snapshot is not None and creator_ids is None else effective

    def compute() -> Features:
        if user_id is None:
            return _compute_features(brand, narrowing, creator_ids, today, snapshot)
        slots = int(getattr(settings, "MATCHING_CONCURRENCY_PER_USER", 2))
        message = f"you already have {slots} rankings running; this one was not started, try again in a moment"
        with concurrency_slot("matching", user_id, slots, message=message):
            return _compute_features(brand, narrowing, creator_ids, today, snapshot)

    key = json.dumps(narrowing, sort_keys=True, default=str)
    features = features_memo.get_or_compute(
        (brand.pk, key, creator_ids and tuple(creator_ids), today, snapshot is not None), compute
    )
    return _page(brand, features, resolved, effective, limit=limit, offset=offset, today=today)


def _compute_features(
    brand: Brand,
    effective: dict[str, Any],
    creator_ids: list[int] | None,
    today: dt.date,
    snapshot: FeatureSnapshot | None,
) -> Features:
    """From the catalogue's feature snapshot when this host keeps one, else from the database."""
    if snapshot is None:
        return _features(brand, effective, creator_ids, today)
    return _features_from_snapshot(snapshot, brand, effective, creator_ids, today)


def _page(
    brand: Brand,
    features: Features,
    resolved: dict[str, float],
    effective: dict[str, Any],
    *,
    limit: int,
    offset: int,
    today: dt.date,
) -> RankingResult:
    notes = list(features.notes)
    cands = features.cands
    if not len(cands.ids):
        return RankingResult([], 0, resolved, effective, brand.pk, notes)
    # Rank every passing account, keep each creator's best account, then page.
    # Only as much of the order as holds the page's creators is sorted.
    full, total = rank_groups(
        cands,
        features.creator_code,
        features.creators,
        offset + limit,
        weights=resolved,
        filters=effective,
        parts=features.part_scores,
        total=partial(features.passing_total, effective),
    )
    # Each creator's first (best) row: np.unique's indices are first occurrences (no array of
    # one slot per creator of the catalogue).
    _, first = np.unique(features.creator_code[full.indices], return_index=True)
    keep = np.sort(first)
    page_rows = keep[offset : offset + limit]
    at = full.indices[page_rows]  # the page's candidates
    page_ids = cands.ids[at].tolist()
    # The creators ranked next: pages of other weights and filters show mostly them (read along
    # with this page's inputs only when it has to read some).
    ahead_rows = keep[offset + limit : offset + limit + READ_AHEAD] if features.page_memo is not None else keep[:0]
    ahead_ids = cands.ids[full.indices[ahead_rows]].tolist()
    inputs = page_inputs(
        page_ids, features.dimensions, memo=features.page_memo, risks=features.page_risks, ahead=ahead_ids
    )
    rows, audiences = inputs.rows, inputs.audiences
    risks = inputs.risks if features.page_risks else features.creator_risks

    targets = fit_targets(brand.target_audience)  # the same for every row's fit explanation
    memo, explanation_key = features.page_memo, _explanation_key(brand, today)
    # The page's values of each column, read once as Python numbers (the same floats as
    # float() of each numpy scalar): a page read ~10 numpy scalars a row one at a time.
    risk_at, sims_at, fit_at, engagement_at, followers_at = (
        column[at].tolist()
        for column in (cands.risk, features.sims, cands.audience_fit, cands.engagement, cands.followers)
    )
    scores_at = full.composite[page_rows].tolist()
    explained_at = explain_rows(full, page_rows)
    out = []
    for k, account_id in enumerate(page_ids):
        r = rows.get(account_id)
        if r is None:  # deleted since the features were computed: the next request recomputes
            continue
        parts = explained_at[k]
        _, creator_id, platform, handle, display_name, er, ranked_inputs, terms = r
        creator_risk = risks.get(int(creator_id), NOT_VETTED)
        hits = features.hits_by_creator.get(int(creator_id), [])
        inputs_now = (
            risk_at[k],
            sims_at[k],
            not math.isnan(fit_at[k]),
            engagement_at[k],
            features.mood.get(account_id),
            hits,
            creator_risk,
        )
        kept = memo.explanation(explanation_key, account_id, inputs_now) if memo is not None else None
        explanation_id: int | None
        load: Callable[[], Explanations]
        if kept is not None:
            load, explanation_id = kept  # unpickled only if the row's explanations are read
        else:
            risk, sims, fit_known, engagement, mood, _, _ = inputs_now
            doc = terms or {}
            explanations = _explanations(
                targets=targets,
                audience=audiences.get(account_id),
                fit_known=fit_known,
                risk=risk,
                creator_risk=creator_risk,
                sims=sims,
                doc=doc,
                query=features.query,
                mood=mood,
                hits=hits,
                has_text=bool(doc),
                engagement=engagement,
                ranked_inputs=ranked_inputs or {},
                er=er,
                today=today,
                post_places=features.post_places,
            )
            explanation_id = (
                None if memo is None else memo.keep_explanation(explanation_key, account_id, inputs_now, explanations)
            )
            load = _given(explanations)
        followers = followers_at[k]
        head = {
            "rank": offset + 1 + k,
            "creator_id": int(creator_id),
            "account_id": account_id,
            "platform": platform,
            "handle": handle,
            "display_name": display_name,
            "followers": None if math.isnan(followers) else int(followers),
            "score": round(scores_at[k], 4),
            # The creator's verdict (its worst vetted account's, named), not this account's.
            "risk_level": creator_risk.level,
            "risk": creator_risk.as_dict(),
            "parts": [
                {
                    "name": name,
                    "label": PART_LABELS[name],
                    "score": parts[name]["value"],
                    "weight": parts[name]["weight"],
                    "contribution": parts[name]["contribution"],
                    "known": parts[name]["known"],
                }
                for name in PARTS
            ],
        }
        cites = any(hit.kind == "competitor_sponsored" for hit in hits)
        out.append(RankedRow(head, explanation_id, load, cites))
    return RankingResult(out, total, resolved, effective, brand.pk, notes)


def _given(explanations: Explanations) -> Callable[[], Explanations]:
    """A loader of explanations made for this page (nothing to unpickle)."""
    return lambda: explanations


def _explained_row(head: dict[str, Any], explanations: Explanations) -> dict[str, Any]:
    """A ranked row's dict: its head (RankedRow) with each part's reasons and evidence, the
    competitor posts and the row's reasons, in the order the faces and exports have always seen."""
    part_rows = []
    for part in head["parts"]:
        lines = explanations[part["name"]]["lines"]
        part_rows.append(
            {
                **part,
                # m.JOINED(items=lines).as_dict() without copying the lines' stored forms again.
                "explanation": {"code": m.JOINED.code, "params": {"items": lines}},
                "explanations": lines,
                "details": explanations[part["name"]]["details"],
            }
        )
    row = {key: value for key, value in head.items() if key != "parts"}
    evidence = explanations["value_alignment"]["details"]["brand_safety"]
    row["competitor_posts"] = [hit for hit in evidence if hit["kind"] == "competitor_sponsored"]
    row["parts"] = part_rows
    # The parts' lines themselves (not copies): a face renders each stored form once, by identity.
    row["explanations"] = [line for p in part_rows for line in p["explanations"]]
    return row


def _explanation_key(brand: Brand, today: dt.date) -> tuple[Any, ...]:
    """What a row's explanations depend on besides the catalogue and the row's own inputs: the
    brand's audience target, words and brand-safety rules, and the day (audience age, the
    brand-safety window)."""
    said = [
        brand.target_audience,
        brand.values,
        brand.description,
        brand.excluded_keywords,
        brand.excluded_topics,
        brand.competitors,
    ]
    return (brand.pk, today, json.dumps(said, sort_keys=True, default=str))


def _features(brand: Brand, effective: dict[str, Any], creator_ids: list[int] | None, today: dt.date) -> Features:
    """Load and compute every candidate's ranking inputs from the database (the expensive part of
    a ranking without a feature snapshot)."""
    accounts = _candidate_queryset(effective, creator_ids)
    rows = json_values(accounts, ROW_FIELDS, json_fields=ROW_JSON_FIELDS)
    targets = target_vectors(brand.target_audience)
    if not rows:
        return _no_features(targets)
    n = len(rows)
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    creator = np.array([r[1] for r in rows], dtype=np.int64)
    platforms = [r[2] for r in rows]
    followers = np.array([float(r[7]) if r[7] is not None else np.nan for r in rows])
    # Authenticity and the max_risk filter read the creator-level verdict (its worst vetted
    # account's, over all its accounts, not only those the filters let through).
    risks = creator_risks(creators=accounts.values("creator_id"))
    row_risks = [risks.get(int(r[1]), NOT_VETTED) for r in rows]
    risk = np.array([np.nan if cr.risk is None else float(cr.risk) for cr in row_risks])
    risk_conf = np.array([float(cr.confidence or 0.0) for cr in row_risks])
    verdict = np.array([cr.has_verdict for cr in row_risks], dtype=bool)
    eq = engagement_column(platforms, followers, [r[11] for r in rows], [r[12] for r in rows])

    # Audience fit for every candidate, vectorised over the target's keys.
    fit, fit_conf = audience_fit_vectorised(brand.target_audience, *_audience_matrices(accounts, ids, targets, today))

    # Value alignment: brand terms (IDF over the whole catalogue, never over the candidates)
    # against each account's cached terms, blended with the mood board, minus brand-safety hits.
    query = brand_vector(brand.values or [], brand.description or "")
    docs = [((r[13] or {}).get("terms") or {}) for r in rows]
    has_text = np.array([bool(d) for d in docs])
    idf = catalogue_idf(query) if query else {}
    sims = np.array([cosine(query, d, idf) if d else 0.0 for d in docs])
    del docs
    safety = brand_safety(accounts.values("creator_id"), brand)
    alignment = _alignment(brand, ids, has_text, sims, query, safety, safety.penalties_of(creator))

    # Categorical columns as codes for the vectorised filters.
    platform_vocab: dict[str, int] = {}
    platform_codes = _codes(platforms, platform_vocab)
    country_vocab: dict[str, int] = {}
    country_codes = _codes([(r[5] or "").upper() for r in rows], country_vocab)
    language_vocab: dict[str, int] = {}
    lang_bits = np.zeros(n, dtype=np.int64)
    for i, r in enumerate(rows):
        for lang in r[6] or []:
            code = str(lang).lower()
            if code not in language_vocab:
                if len(language_vocab) >= LANGUAGE_BITS:
                    continue  # bit mask capacity; rare languages beyond it cannot be filtered on
                language_vocab[code] = len(language_vocab)
            lang_bits[i] |= np.int64(1) << language_vocab[code]
    cands = Candidates(
        ids=ids,
        platform=platform_codes,
        followers=followers,
        country=country_codes,
        languages=lang_bits,
        risk=risk,
        risk_confidence=risk_conf,
        audience_fit=fit,
        fit_confidence=fit_conf,
        value_alignment=alignment.values,
        engagement=eq,
        platform_names=list(platform_vocab),
        country_names=list(country_vocab),
        language_names=list(language_vocab),
        verdict=verdict,
    )
    used = {int(c) for c in np.unique(creator)}
    return _frozen(cands, creator, sims, query, alignment, targets, {c: cr for c, cr in risks.items() if c in used})


def _features_from_snapshot(
    snapshot: FeatureSnapshot, brand: Brand, effective: dict[str, Any], creator_ids: list[int] | None, today: dt.date
) -> Features:
    """`_features` from the catalogue's feature snapshot: the candidate filters on its arrays,
    the same arithmetic on its columns; the database is read only for brand safety (the
    brand's terms in recent posts) and the mood board."""
    rows = snapshot.select(
        platforms=effective.get("platforms"),
        min_followers=effective.get("min_followers"),
        max_followers=effective.get("max_followers"),
        countries=effective.get("countries"),
        creator_ids=creator_ids,
    )
    targets = target_vectors(brand.target_audience)
    if not len(rows):
        return _no_features(targets)
    take = _taker(rows, len(snapshot))
    ids = take(snapshot["account_id"])
    creator = take(snapshot["creator_id"])
    query = brand_vector(brand.values or [], brand.description or "")
    columns = _brand_columns(snapshot, brand, targets, query, today)
    fit, fit_conf, sims = take(columns["fit"]), take(columns["fit_conf"]), take(columns["sims"])
    has_text = take(snapshot["has_text"])
    # Brand safety of the candidates' creators. Without a creator list the posts are searched
    # catalogue-wide (no join with 100k candidates), once per brand exclusions, day and snapshot:
    # the posts are catalogue data, so the snapshot's version is theirs. Once per host, too: the
    # hits are kept in a file of the snapshot's folder, which the host's other processes (and
    # this one after a restart) map in about a millisecond instead of the ~1 s scan at 100k
    # (7-11 s at 1M).
    if creator_ids is not None:
        safety = brand_safety(creator_ids, brand)
        penalty = safety.penalties_of(creator)
    else:
        rules = safety_rules(brand)
        safety = snapshot.memo(
            ("brand safety", json.dumps(rules, default=str), today),
            lambda: stored_safety(snapshot, brand, rules, today),
        )
        penalty = take(safety.snapshot_penalties(snapshot))
    alignment = _alignment(brand, ids, has_text, sims, query, safety, penalty, text_score=take(columns["text_score"]))
    constants = snapshot.memo(("ranking columns",), lambda: _ranking_columns(snapshot))
    cands = Candidates(
        ids=ids,
        platform=take(constants["platform"]),
        followers=take(snapshot["followers"]),
        country=take(constants["country"]),
        languages=take(snapshot["languages"]),
        risk=take(snapshot["risk"]),
        risk_confidence=take(snapshot["risk_confidence"]),
        audience_fit=fit,
        fit_confidence=fit_conf,
        value_alignment=alignment.values,
        engagement=take(snapshot["engagement"]),
        platform_names=list(snapshot.meta["platforms"]),
        country_names=list(constants["country_names"]),
        language_names=list(snapshot.meta["languages"]),
        verdict=take(snapshot["verdict"]),
    )
    codes, creators = snapshot.memo(("creator codes",), lambda: _stored_creator_codes(snapshot))
    page_memo = snapshot.memo(("page inputs",), PageInputsMemo)
    return _frozen(cands, creator, sims, query, alignment, targets, None, (take(codes), creators), page_memo)


def _taker(rows: np.ndarray, every: int) -> Callable[[np.ndarray], np.ndarray]:
    """`column[rows]` of snapshot-wide columns, or the column itself (a view, never written:
    the features are frozen) when `rows` are all `every` rows: a ranking without filters would
    otherwise copy a dozen columns of every account."""
    if len(rows) == every:  # select's rows are distinct and sorted: every row, in order
        return np.asarray
    return lambda column: column[rows]


def _brand_columns(
    snapshot: FeatureSnapshot, brand: Brand, targets: Mapping[str, Any], query: Mapping[str, float], today: dt.date
) -> dict[str, np.ndarray]:
    """Audience fit ("fit"), its confidence ("fit_conf"), the text similarity ("sims") and its
    score before the mood board ("text_score") of every account of the snapshot for the brand's
    target audience and words, per (those, day): each is per account, so a ranking of any filters
    takes its rows' values. Kept with the snapshot in this process and, for the host's other
    processes and restarts, in a file of its folder (`FeatureSnapshot.stored_arrays`): at 1M
    accounts they cost ~150 ms of CPU to compute (the audience matrices and the fit) and ~1 ms
    to map."""

    def compute() -> dict[str, np.ndarray]:
        every = np.arange(len(snapshot))
        matrices = snapshot.audience_matrices(every, targets, today)
        fit, fit_conf = audience_fit_vectorised(brand.target_audience, *matrices)
        sims = snapshot.cosine(query, snapshot.idf(query) if query else {}, every)
        return {"fit": fit, "fit_conf": fit_conf, "sims": sims, "text_score": _text_score(sims)}

    said = [brand.target_audience, brand.values, brand.description]
    # What the values depend on besides the catalogue (the folder's version): the target as the
    # fit reads it, the query's terms in their order (the cosine sums them in it), the day
    # (audience ages) and the arithmetic's constants.
    stored_key = [
        "brand columns",
        BRAND_COLUMNS_VERSION,
        json.loads(json.dumps(brand.target_audience, sort_keys=True, default=str)),
        [[term, float(weight)] for term, weight in query.items()],
        today.isoformat(),
        HALF_LIFE_DAYS,
        FOCUS_MASS,
        TEXT_SCALE,
    ]
    key = json.dumps(said, sort_keys=True, default=str)
    return snapshot.memo(("brand columns", key, today), lambda: snapshot.stored_arrays(stored_key, compute))


def _ranking_columns(snapshot: FeatureSnapshot) -> dict[str, Any]:
    """The snapshot's columns as every brand's candidates hold them, made once per snapshot: the
    platform codes as int64, and the country codes in the SQL path's vocabulary (the upper-cased
    stored code, "country_names"). Each is a copy of 1.1M values at 1M accounts."""
    upper = {code: i for i, code in enumerate(dict.fromkeys(c.upper() for c in snapshot.meta["countries"]))}
    to_upper = np.array([upper[c.upper()] for c in snapshot.meta["countries"]] or [0], dtype=np.int64)
    platform = np.asarray(snapshot["platform"]).astype(np.int64)
    country = to_upper[np.asarray(snapshot["country"])]
    for array in (platform, country):
        array.setflags(write=False)
    return {"platform": platform, "country": country, "country_names": tuple(upper)}


def _stored_creator_codes(snapshot: FeatureSnapshot) -> tuple[np.ndarray, int]:
    """`_creator_codes` of the snapshot's creators, kept in its folder for the host's other
    processes (a sort of 1.1M ids at 1M accounts)."""

    def compute() -> dict[str, np.ndarray]:
        codes, creators = _creator_codes(snapshot["creator_id"])
        return {"codes": codes, "creators": np.array([creators], dtype=np.int64)}

    stored = snapshot.stored_arrays(["creator codes", 1], compute)
    return stored["codes"], int(stored["creators"][0])


def _no_features(targets: Mapping[str, Any]) -> Features:
    empty = np.zeros(0)
    return Features(_empty_candidates(), np.zeros(0, dtype=np.int64), empty, {}, {}, {}, [], sorted(targets))


def _frozen(
    cands: Candidates,
    creator: np.ndarray,
    sims: np.ndarray,
    query: dict,
    alignment: Alignment,
    targets: Mapping[str, Any],
    risks: dict[int, CreatorRisk] | None,
    creator_codes: tuple[np.ndarray, int] | None = None,
    page_memo: PageInputsMemo | None = None,
) -> Features:
    """The features, read-only (shared by every later ranking of this brand in the process);
    `risks` None: the page's creator risks are read when it is shown; `creator_codes` (codes,
    how many), else coded here."""
    codes, creators = creator_codes or _creator_codes(creator)
    for array in (*(getattr(cands, f.name) for f in fields(cands)), creator, sims, codes):
        if isinstance(array, np.ndarray):
            array.setflags(write=False)
    return Features(
        cands,
        creator,
        sims,
        query,
        alignment.mood,
        alignment.hits_by_creator,
        alignment.notes,
        sorted(targets),
        risks or {},
        page_risks=risks is None,
        post_places=alignment.post_places,
        creator_code=codes,
        creators=creators,
        page_memo=page_memo,
    )


def _creator_codes(creator: np.ndarray) -> tuple[np.ndarray, int]:
    """Each creator id as a code in 0..n-1, and n."""
    unique, codes = np.unique(creator, return_inverse=True)
    return codes.astype(np.int64, copy=False), len(unique)


@dataclass
class Alignment:
    """Value alignment per candidate (NaN: unscored) and what its explanations show."""

    values: np.ndarray
    mood: dict[int, tuple[float, list[Any]]]
    hits_by_creator: Mapping[int, list[Any]]  # every creator's of the searched posts (candidates' or not)
    post_places: Mapping[int, dict[str, Any]]
    notes: list[Message]


def _alignment(
    brand: Brand,
    ids: np.ndarray,
    has_text: np.ndarray,
    sims: np.ndarray,
    query: Mapping[str, float],
    safety: Safety,
    penalty: np.ndarray,
    *,
    text_score: np.ndarray | None = None,
) -> Alignment:
    """The text similarity blended with the mood board, minus the brand-safety penalty of each
    candidate's creator (`safety`: the hits of recent posts by creator, and where they are;
    `penalty`: each candidate's, from its creator's hits).

    Brand safety is creator-level: a competitor's sponsorship on the creator's Weibo costs its
    Instagram row as much, whatever platforms the query lets through. The hits are kept by
    reference, not narrowed to the candidates' creators: pages look up only their own
    creators, and narrowing a catalogue-wide search costs milliseconds per ranking.
    `text_score`: `_text_score(sims)` when the caller keeps it."""
    notes: list[Message] = []
    if text_score is None:
        text_score = _text_score(sims)
    mood, mood_note = _moodboard(brand, ids) if brand.pk else ({}, None)
    if mood_note:
        notes.append(mood_note)
    if mood:
        mood_arr = _by_key({a: sim for a, (sim, _evidence) in mood.items()}, ids)
        base = np.where(
            np.isnan(mood_arr),
            text_score,
            (1 - MOODBOARD_WEIGHT) * text_score + MOODBOARD_WEIGHT * np.clip(np.nan_to_num(mood_arr), 0, 1),
        )
        scored = has_text | ~np.isnan(mood_arr) | (penalty > 0)
    else:  # the same values without a mood board's arrays (most brands have none)
        base = text_score
        scored = has_text | (penalty > 0)
    alignment = np.where(scored, np.maximum(base - penalty, 0.0), np.nan)
    if not query and not mood:
        alignment = np.where(penalty > 0, np.maximum(0.5 - penalty, 0.0), np.nan)
        notes.append(m.ALIGNMENT_UNSCORED())
    return Alignment(alignment, mood, safety.hits_by_creator, safety.post_places, notes)


def _text_score(sims: np.ndarray) -> np.ndarray:
    """The value alignment of a text similarity, before the mood board and brand safety."""
    return 1.0 - np.exp(-sims / TEXT_SCALE)


def _by_key(values: Mapping[int, float], keys: np.ndarray) -> np.ndarray:
    """values[k] for each of `keys` (NaN where absent), without a Python loop over the keys: a
    ranking's candidates are every account of the catalogue."""
    out = np.full(len(keys), np.nan)
    if not values:
        return out
    known = np.fromiter(values, dtype=np.int64, count=len(values))
    given = np.fromiter(values.values(), dtype=float, count=len(values))
    order = np.argsort(known)
    known, given = known[order], given[order]
    at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
    found = known[at] == keys
    out[found] = given[at[found]]
    return out


# Catalogue-wide document frequencies of a brand's terms, per process at the catalogue version.
idf_memo: VersionMemo[dict[str, float]] = VersionMemo(("catalogue",), max_entries=32)


def catalogue_idf(query: Mapping[str, float]) -> dict[str, float]:
    """Smoothed IDF of the query's terms over the whole catalogue: log((1 + N) / (1 + df)) + 1,
    N = accounts with metrics, df = those whose cached text terms (the vetting report's
    `text.terms`) contain the term. One aggregate query, cached at the catalogue version: the
    same for every query, page, export and API response of the catalogue as it is."""
    terms = sorted(query)
    if not terms:
        return {}
    return dict(idf_memo.get_or_compute(tuple(terms), lambda: _catalogue_idf(terms)))


def _catalogue_idf(terms: list[str]) -> dict[str, float]:
    counts = AccountMetrics.objects.aggregate(
        n=Count("pk"),
        **{f"t{i}": Count("pk", filter=Q(vetting_inputs__text__terms__has_key=term)) for i, term in enumerate(terms)},
    )
    n = counts["n"] or 0
    return {term: math.log((1 + n) / (1 + (counts[f"t{i}"] or 0))) + 1.0 for i, term in enumerate(terms)}


def _audience_matrices(
    accounts: QuerySet[Account], ids: np.ndarray, targets: dict[str, Any], today: dt.date
) -> tuple[dict[str, tuple[list[str], np.ndarray]], np.ndarray]:
    """Per target dimension, (keys, shares): row i holds account ids[i]'s newest audience shares of
    the target's keys, normalised over its whole distribution (NaN without one); and the age in
    days of each account's newest profile."""
    dims = sorted(targets)
    position = {int(a): i for i, a in enumerate(ids)}
    ages = np.full(len(ids), np.nan)
    matrices = {dim: (sorted(targets[dim][1]), np.full((len(ids), len(targets[dim][1])), np.nan)) for dim in dims}
    for account_id, as_of, *dists in json_values(
        newest_audience_profiles_of(accounts), ("account_id", "as_of", *dims), json_fields=dims
    ):
        i = position[account_id]
        ages[i] = (today - as_of).days
        for dim, dist in zip(dims, dists, strict=True):
            shares = normalised_shares(dist)
            if shares is not None:
                keys, matrix = matrices[dim]
                matrix[i] = [shares.get(k, 0.0) for k in keys]
    return matrices, ages


def _empty_candidates() -> Candidates:
    empty_f = np.zeros(0)
    empty_i = np.zeros(0, dtype=np.int64)
    return Candidates(empty_i, empty_i, empty_f, empty_i, empty_i, empty_f, empty_f, empty_f, empty_f, empty_f, empty_f)


def _stored(message: Message) -> dict[str, Any]:
    """`message.as_dict()` of a message made by its template, whose params the template already
    made JSON-safe (`_plain`), without copying them again: a page stores ~700 messages."""
    return {"code": message.code, "params": message.params}


def _explanations(
    *,
    targets: list[FitTarget],
    audience: dict | None,
    fit_known: bool,
    risk: float,
    creator_risk: CreatorRisk,
    sims: float,
    doc: dict,
    query: dict,
    mood: tuple | None,
    hits: list,
    has_text: bool,
    engagement: float,
    ranked_inputs: dict,
    er: float | None,
    today: dt.date,
    post_places: Mapping[int, dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """The reasons (messages, stored form) and evidence for each part of one ranked row."""
    out: dict[str, dict[str, Any]] = {}
    # A dimension's sentence is both a reason and in the details: one stored form for both, so
    # the faces render it once (they memoise a response's messages by identity).
    stored: dict[int, dict[str, Any]] = {}
    if fit_known and audience:
        fit = audience_fit(None, audience, as_of=audience["as_of"], today=today, targets=targets)
        stored = {id(d.sentence): _stored(d.sentence) for d in fit.dimensions}
        lines: list[Message] = [d.sentence for d in fit.dimensions if d.fit is not None]
        if fit.summary is not None:
            lines.insert(0, fit.summary)
        out["audience_fit"] = {
            "lines": lines,
            "details": {
                "confidence": fit.confidence,
                "as_of": fit.as_of,
                "dimensions": [{**d.__dict__, "sentence": stored[id(d.sentence)]} for d in fit.dimensions],
            },
        }
    else:
        reason = m.NEUTRAL_NO_AUDIENCE() if not audience else m.NEUTRAL_NO_TARGET_DATA()
        if not targets:
            reason = m.NEUTRAL_NO_TARGET()
        out["audience_fit"] = {"lines": [reason], "details": {}}
    if math.isnan(risk):
        out["authenticity"] = {"lines": [m.NEUTRAL_NOT_VETTED()], "details": creator_risk.as_dict()}
    else:
        account = creator_risk.account
        level = creator_risk.level
        confidence = creator_risk.confidence or 0.0
        line = (
            m.AUTHENTICITY_OF(
                risk=risk,
                account=m.ACCOUNT(platform=account.platform, handle=account.handle),
                level=level,
                confidence=confidence,
            )
            if account
            else m.AUTHENTICITY(risk=risk, level=level, confidence=confidence)
        )
        lines = [line]
        if creator_risk.missing:
            lines.append(m.MISSING_EVIDENCE(kinds=list(creator_risk.missing)))
        out["authenticity"] = {"lines": lines, "details": creator_risk.as_dict()}
    lines = []
    if has_text and query:
        shared = [concept_label(t) for t in sorted(query, key=lambda t: -query[t] * doc.get(t, 0.0)) if t in doc]
        shared = [s for s in dict.fromkeys(shared) if len(s) > 1][:5]
        lines.append(
            m.TEXT_WITH_BRAND_SHARED(similarity=sims, terms=shared) if shared else m.TEXT_WITH_BRAND(similarity=sims)
        )
    elif query:
        lines.append(m.NO_TEXT_YET())
    if mood is not None:
        lines.append(m.MOOD_BOARD_MATCH(similarity=mood[0]))
    evidence = []
    for hit in hits:
        place = post_places.get(hit.post_id, {})
        if hit.penalty:
            lines.append(
                m.SAFETY_PENALTY_DATED(penalty=hit.penalty, kind=hit.kind, term=hit.term, date=hit.date)
                if hit.date
                else m.SAFETY_PENALTY(penalty=hit.penalty, kind=hit.kind, term=hit.term)
            )
        # Faces link the post: its own URL when imported, else the creator page at the post.
        evidence.append(
            {
                "kind": hit.kind,
                "term": hit.term,
                "post_id": hit.post_id,
                "account_id": place.get("account_id"),
                "url": place.get("url", ""),
                "date": hit.date,
                "snippet": hit.snippet,
                "penalty": hit.penalty,
            }
        )
    out["value_alignment"] = {
        "lines": lines or [m.NOT_SCORED()],
        "details": {
            "text_similarity": sims,
            "brand_safety": evidence,
            "moodboard": None if mood is None else mood[0],
            # The account's images closest to the mood board: the evidence of the mood-board part.
            "moodboard_images": [] if mood is None else [_image_url(match) for match in mood[1]][:4],
        },
    }
    if math.isnan(engagement):
        out["engagement"] = {"lines": [m.NO_ENGAGEMENT()], "details": {}}
    else:
        rate = ranked_inputs.get("engagement_rate", er)
        median = ranked_inputs.get("benchmark_median")
        if rate is None:
            line = m.ENGAGEMENT_QUALITY(quality=engagement)
        elif median:
            line = m.ENGAGEMENT_QUALITY_BENCH(quality=engagement, rate=float(rate), median=float(median))
        else:
            line = m.ENGAGEMENT_QUALITY_RATE(quality=engagement, rate=float(rate))
        out["engagement"] = {"lines": [line], "details": {"engagement_rate": rate, "benchmark_median": median}}
    for part in out.values():
        part["lines"] = [stored.get(id(line)) or _stored(line) for line in part["lines"]]
    return out
