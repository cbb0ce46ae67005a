"""Aesthetic search: images and/or text → nearest catalogue images → ranked creators.

Query vector (Rocchio): the normalised mean of the example images; with text, the average of
that and the CLIP text vector; negative examples are subtracted with weight 0.5 before the final
normalisation. One kNN search with that vector over the current embedder's index.

Creator aggregation: a creator's score is the mean of its TOP_M (3) best image similarities.
Images of the creator that were not among the retrieved candidates count as the similarity of
the last candidate (an upper bound of what they could score), so a creator with one lucky image
does not outrank one whose whole feed matches. Candidates are over-fetched (≥ 5 per wanted
image slot) and the search is repeated with 4× more until `top` creators are found or the
catalogue is exhausted, so filters never starve the result.

Filters (platform, follower range, country, creator ids) become a set of allowed asset ids,
searched exactly when small and through a FAISS id selector with proportionally raised efSearch
when large (see vision.ann.VectorIndex.search): filtering happens inside the search, not after.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import connections
from django.db.models import QuerySet
from PIL import Image

from core.caching.memo import VersionMemo
from core.errors import InputError
from influencers.models import Creator, Platform
from influencers.selectors.creators import accounts_filtered
from vision.ann import FLAT_MAX
from vision.embedders import Embedder, get_embedder, l2_normalize
from vision.errors import IndexCorrupt, NoVectors
from vision.models import ImageEmbedding
from vision.services.images import load_query_images
from vision.services.profiles import image_urls
from vision.services.results import AestheticSearchResult, CreatorMatch, ImageMatch

if TYPE_CHECKING:
    from vision.services.index import SearchIndex

__all__ = ["AestheticSearchResult", "CreatorMatch", "ImageMatch", "aesthetic_search", "lookalikes", "search_by_vector"]

logger = logging.getLogger(__name__)

TOP_M = 3
NEGATIVE_WEIGHT = 0.5
TEXT_WEIGHT = 0.5
MAX_TOP = 200
AGGREGATION = (
    f"creator score = mean of the creator's {TOP_M} best image similarities; images not among the "
    "retrieved candidates count as the last candidate's similarity"
)
_FILTER_NAMES = {"platforms", "min_followers", "max_followers", "countries", "creator_ids"}


def aesthetic_search(
    *,
    images: list[Image.Image] | None = None,
    text: str | None = None,
    negative_images: list[Image.Image] | None = None,
    platforms: list[str] | None = None,
    min_followers: int | None = None,
    max_followers: int | None = None,
    countries: list[str] | None = None,
    creator_ids: Collection[int] | None = None,
    top: int = 20,
) -> AestheticSearchResult:
    """Creators whose images look most like the example images and/or match the text.

    Images (and negatives) may be PIL images, image bytes, file objects or file paths.

    Raises InputError for bad arguments and TextSearchUnavailable (an InputError on field
    'text') when text is given but the embedder in use has no text encoder.
    """
    images = load_query_images(images, field="images")
    negative_images = load_query_images(negative_images, field="negative_images")
    text = (text or "").strip()
    if not images and not text:
        raise InputError("give at least one example image or a text description", field="images")
    _check_top(top)
    filters = _clean_filters(
        platforms=platforms,
        min_followers=min_followers,
        max_followers=max_followers,
        countries=countries,
        creator_ids=creator_ids,
    )
    embedder = get_embedder()
    query = build_query_vector(embedder, images=images, text=text, negative_images=negative_images)
    info = {
        "images": len(images),
        "text": text,
        "negative_images": len(negative_images),
        "top": top,
        "filters": filters,
    }
    return search_by_vector(embedder=embedder, vector=query, top=top, query_info=info, **filters)


def lookalikes(*, creator_id: int, top: int = 10, **filters: Any) -> AestheticSearchResult:
    """Creators whose feeds look like this creator's (query: the centroid of its image vectors);
    the creator itself is excluded. Accepts the same filters as aesthetic_search."""
    unknown = set(filters) - _FILTER_NAMES
    if unknown:
        raise InputError(f"unknown filter(s): {', '.join(sorted(unknown))}", field=min(unknown))
    _check_top(top)
    if not Creator.objects.filter(pk=creator_id).exists():
        raise InputError(f"creator {creator_id} does not exist", field="creator_id")
    clean = _clean_filters(**filters)
    embedder = get_embedder()
    vectors = _creator_vectors(embedder.id, creator_id)
    if len(vectors) == 0:
        raise NoVectors(f"creator {creator_id} has no embedded images yet, so there is no look to compare")
    query = l2_normalize(vectors.mean(axis=0, keepdims=True))[0]
    info = {"lookalikes_of": creator_id, "top": top, "filters": clean}
    return search_by_vector(
        embedder=embedder, vector=query, top=top, query_info=info, exclude_creator_ids={creator_id}, **clean
    )


def build_query_vector(
    embedder: Embedder, *, images: list[Image.Image], text: str = "", negative_images: list[Image.Image] | None = None
) -> np.ndarray:
    """The single query vector (see the module docstring)."""
    parts = []
    if images:
        parts.append(l2_normalize(embedder.embed_images(images).mean(axis=0, keepdims=True))[0])
    if text:
        text_vector = embedder.embed_texts([text])[0]  # raises TextSearchUnavailable without CLIP
        parts.append(text_vector)
    if len(parts) == 2:
        query = (1 - TEXT_WEIGHT) * parts[0] + TEXT_WEIGHT * parts[1]
    else:
        query = parts[0]
    if negative_images:
        negative = l2_normalize(embedder.embed_images(negative_images).mean(axis=0, keepdims=True))[0]
        query = l2_normalize(query[None, :])[0] - NEGATIVE_WEIGHT * negative
    return l2_normalize(query[None, :])[0]


def search_by_vector(
    *,
    embedder: Embedder,
    vector: np.ndarray,
    top: int = 20,
    query_info: dict[str, Any] | None = None,
    exclude_creator_ids: Collection[int] = (),
    platforms: list[str] | None = None,
    min_followers: int | None = None,
    max_followers: int | None = None,
    countries: list[str] | None = None,
    creator_ids: Collection[int] | None = None,
) -> AestheticSearchResult:
    """Ranked creators for a query vector of `embedder` (filters already validated)."""
    index, state = _index_for_search(embedder.id)
    result = AestheticSearchResult(
        embedder=embedder.describe(), results=[], index_state=state, aggregation=AGGREGATION, query=query_info or {}
    )
    if index is None or index.count == 0:
        return result
    allowed = _allowed_assets(
        index,
        platforms=platforms,
        min_followers=min_followers,
        max_followers=max_followers,
        countries=countries,
        creator_ids=creator_ids,
        exclude_creator_ids=exclude_creator_ids,
    )
    available = index.count if allowed is None else len(allowed)
    if available == 0:
        return result
    k = min(available, max(100, top * TOP_M * 5))
    while True:
        sims, ids = index.search(vector[None, :], k, allowed=allowed)
        sims, ids = sims[0], ids[0]
        found = ids >= 0
        sims, ids = sims[found], ids[found]
        creators = index.creator_ids[index.positions(ids)]
        ranked_creators, scores, members = aggregate_by_creator(
            sims, creators, top_m=TOP_M, fill=float(sims[-1]) if len(sims) else 0.0
        )
        if len(ranked_creators) >= top or k >= available:
            break
        k = min(available, k * 4)
    result.query = {**result.query, "candidates": int(k)}
    chosen = slice(0, top)
    ranked_creators, scores, members = ranked_creators[chosen], scores[chosen], members[chosen]
    match_rows = [row for rows in members for row in rows]
    urls = image_urls(ids[match_rows].tolist())
    accounts = index.account_ids[index.positions(ids)]
    names = dict(Creator.objects.filter(pk__in=[int(c) for c in ranked_creators]).values_list("id", "display_name"))
    missing = 0
    for creator_id, score, rows in zip(ranked_creators, scores, members, strict=True):
        matches = []
        for row in rows:
            asset_id = int(ids[row])
            if asset_id not in urls:
                missing += 1  # deleted since the index was saved
                continue
            matches.append(ImageMatch(asset_id, int(accounts[row]), round(float(sims[row]), 4), urls[asset_id]))
        if matches and int(creator_id) in names:
            result.results.append(
                CreatorMatch(
                    creator_id=int(creator_id),
                    score=round(float(score), 4),
                    matches=matches,
                    display_name=names[int(creator_id)],
                )
            )
    if missing:
        _request_sync(f"search met {missing} deleted asset(s) still in the index")
    return result


def aggregate_by_creator(
    sims: np.ndarray, creators: np.ndarray, *, top_m: int = TOP_M, fill: float = 0.0
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Creator-level ranking of image candidates (sorted by similarity, best first).

    Returns (creator ids best first, their scores, for each the candidate rows of its top_m
    images). score = (sum of the creator's top_m similarities + fill × missing slots) / top_m.
    Vectorised: one stable sort by creator, rank within creator, bincount.
    """
    if len(sims) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0), []
    order = np.lexsort((-sims, creators))  # by creator, best image first within a creator
    g = creators[order]
    starts = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
    rank = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    keep = rank < top_m
    uniq = g[starts]
    slot = np.searchsorted(uniq, g[keep])
    totals = np.bincount(slot, weights=sims[order][keep], minlength=len(uniq))
    counts = np.bincount(slot, minlength=len(uniq))
    scores = (totals + (top_m - counts) * fill) / top_m
    best_first = np.argsort(-scores, kind="stable")
    kept_rows = order[keep]
    groups = np.split(kept_rows, np.cumsum(counts)[:-1])
    return uniq[best_first], scores[best_first], [groups[i] for i in best_first]


def _check_top(top: int) -> None:
    if not isinstance(top, int) or isinstance(top, bool) or not 1 <= top <= MAX_TOP:
        raise InputError(f"top must be an integer between 1 and {MAX_TOP}, got {top!r}", field="top")


def _clean_filters(
    *,
    platforms: list[str] | None = None,
    min_followers: int | None = None,
    max_followers: int | None = None,
    countries: list[str] | None = None,
    creator_ids: Collection[int] | None = None,
) -> dict[str, Any]:
    """Validated filters (InputError naming the field otherwise)."""
    clean: dict[str, Any] = {}
    if platforms:
        known = set(Platform.values)
        bad = [p for p in platforms if p not in known]
        if bad:
            raise InputError(
                f"unknown platform(s) {', '.join(map(str, bad))} (known: {', '.join(sorted(known))})", field="platforms"
            )
        clean["platforms"] = sorted(set(platforms))
    for name, value in (("min_followers", min_followers), ("max_followers", max_followers)):
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InputError(f"{name} must be a non-negative integer, got {value!r}", field=name)
            clean[name] = value
    if min_followers is not None and max_followers is not None and min_followers > max_followers:
        raise InputError(
            f"min_followers ({min_followers}) is above max_followers ({max_followers})", field="min_followers"
        )
    if countries:
        codes = [str(c).strip().upper() for c in countries]
        bad = [c for c in codes if len(c) != 2 or not c.isalpha()]
        if bad:
            raise InputError(f"countries must be ISO 3166-1 alpha-2 codes, got {', '.join(bad)}", field="countries")
        clean["countries"] = sorted(set(codes))
    if creator_ids is not None:
        try:
            clean["creator_ids"] = sorted({int(c) for c in creator_ids})
        except (TypeError, ValueError) as exc:
            raise InputError(f"creator_ids must be integers ({exc})", field="creator_ids") from exc
    return clean


def _allowed_assets(
    index: SearchIndex,
    *,
    platforms: list[str] | None,
    min_followers: int | None,
    max_followers: int | None,
    countries: list[str] | None,
    creator_ids: Collection[int] | None,
    exclude_creator_ids: Collection[int],
) -> np.ndarray | None:
    """Asset ids passing the filters (None: no filter). Account-level filters are one query."""
    if not (
        platforms
        or min_followers is not None
        or max_followers is not None
        or countries
        or creator_ids is not None
        or exclude_creator_ids
    ):
        return None
    mask = np.ones(len(index.asset_ids), dtype=bool)
    if creator_ids is not None:
        mask &= np.isin(index.creator_ids, np.fromiter(creator_ids, dtype=np.int64))
    if exclude_creator_ids:
        mask &= ~np.isin(index.creator_ids, np.fromiter(exclude_creator_ids, dtype=np.int64))
    if platforms or min_followers is not None or max_followers is not None or countries:
        key = (tuple(platforms or ()), min_followers, max_followers, tuple(countries or ()))
        accounts = _filter_accounts.get_or_compute(
            key,
            lambda: _account_ids_passing(
                platforms=platforms, min_followers=min_followers, max_followers=max_followers, countries=countries
            ),
        )
        mask &= np.isin(index.account_ids, accounts)
    return index.asset_ids[mask]


# The accounts passing a set of account-level filters, at the current catalogue version: the query
# reads every account (20-40 ms of CPU at 100,000 accounts, measured on SQLite) and the same
# filters come back search after search. On only with a shared cache (VersionMemo).
_filter_accounts: VersionMemo[np.ndarray] = VersionMemo(("catalogue",), max_entries=64)


def _account_ids_passing(
    *, platforms: list[str] | None, min_followers: int | None, max_followers: int | None, countries: list[str] | None
) -> np.ndarray:
    accounts = accounts_filtered(
        platforms=platforms, min_followers=min_followers, max_followers=max_followers, countries=countries
    )
    ids = _selected_ids(accounts)
    ids.setflags(write=False)  # shared by every search that memo serves
    return ids


def _selected_ids(queryset: QuerySet) -> np.ndarray:
    """The primary keys a queryset selects, read straight from the cursor: tens of thousands of
    ids for a broad filter, where Django's per-row iteration cost more than the query."""
    sql, params = queryset.values_list("pk", flat=True).order_by().query.get_compiler(using=queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return np.fromiter((row[0] for row in cursor.fetchall()), dtype=np.int64)


def _creator_vectors(embedder_id: str, creator_id: int) -> np.ndarray:
    rows = ImageEmbedding.objects.filter(embedder_id=embedder_id, account__creator_id=creator_id).values_list(
        "dim", "vector"
    )
    blobs = [(dim, bytes(v)) for dim, v in rows]
    if not blobs:
        return np.zeros((0, 0), dtype=np.float32)
    return np.frombuffer(b"".join(b for _, b in blobs), dtype="<f4").reshape(len(blobs), blobs[0][0]).astype(np.float32)


def _request_sync(reason: str) -> None:
    from vision.services.index import index_request_job

    try:
        index_request_job(mode="sync", reason=reason)
    except Exception:
        logger.exception("could not request an index sync (%s)", reason)


STALE_CHECK_SECONDS = 60.0
_last_stale_check: dict[str, float] = {}


def _refreshed_if_stale(embedder_id: str, index: SearchIndex) -> SearchIndex:
    """At most once a minute per process: if images were added or deleted since the index was
    saved, request the embed/sync job (it runs right away in eager mode) and use its result."""
    from vision.ann import ids_fingerprint
    from vision.services.embedding import pending_assets
    from vision.services.index import db_fingerprint, get_index, index_request_job
    from vision.services.jobs import embed_request_job

    now = time.monotonic()
    if now - _last_stale_check.get(embedder_id, -STALE_CHECK_SECONDS) < STALE_CHECK_SECONDS:
        return index
    _last_stale_check[embedder_id] = now
    try:
        if pending_assets(embedder_id=embedder_id).exists():
            embed_request_job(reason="search found images that are not embedded yet")
        elif ids_fingerprint(index.asset_ids) != db_fingerprint(embedder_id):
            index_request_job(mode="sync", reason="search found the index out of step with the database")
        else:
            return index
        return get_index(embedder_id) or index
    except Exception:
        logger.exception("could not refresh the stale index of %s", embedder_id)
        return index


def reset_stale_checks() -> None:
    """Forget this process's search state: when each index was last checked for staleness, and
    the memoised filter results (tests)."""
    _last_stale_check.clear()
    _filter_accounts.clear()


def _index_for_search(embedder_id: str) -> tuple[SearchIndex | None, str]:
    """The index to search and the state to report. A missing or damaged index of up to
    FLAT_MAX vectors is rebuilt on the spot from the stored vectors; a larger one gets a rebuild
    job and the state says "rebuilding" until it is done (no results meanwhile)."""
    from vision.services.embedding import pending_assets
    from vision.services.index import get_index, index_build, index_request_job

    try:
        index = get_index(embedder_id)
    except IndexCorrupt as exc:
        logger.warning("index of %s unreadable, rebuilding: %s", embedder_id, exc)
        index = None
    if index is not None:
        return _refreshed_if_stale(embedder_id, index), "ready"

    stored = ImageEmbedding.objects.filter(embedder_id=embedder_id).count()
    if stored == 0:
        if not pending_assets(embedder_id=embedder_id).exists():
            return None, "empty"
        from vision.services.jobs import embed_request_job

        embed_request_job(reason="search found images that are not embedded yet")
    elif stored <= FLAT_MAX:
        # An exact index of this size rebuilds from stored vectors in about a second: do it now.
        return index_build(embedder_id=embedder_id), "ready"
    else:
        index_request_job(mode="rebuild", reason="search found no usable index")
    try:  # eager mode (no broker) may have run the job already
        index = get_index(embedder_id)
    except IndexCorrupt:
        index = None
    return (index, "ready") if index is not None else (None, "rebuilding")
