"""Aesthetic search: images and/or text → nearest catalogue images → ranked creators.

Query vector (Rocchio): the normalised mean of the example images; with text, the average of
that and the CLIP text vector; negative examples are subtracted with weight 0.5 before the final
normalisation. One kNN search with that vector over the current embedder's index.

Creators: the kNN finds the candidate creators (over-fetched, ≥ 5 images per wanted slot,
repeated with 4× more until `top` creators are found or the catalogue is exhausted, so filters
never starve the result); each candidate is then scored on its WHOLE feed (vectors read back
from the index) with the feed score of vision.creator_scores — the expected best similarity
among 3 random images of the feed, which does not grow with the feed's size — and calibrated
against a fixed sample of the catalogue's creators for the same query (standard score and
percentile). A creator owning a copy of a query image (cosine ≥ DUPLICATE_COSINE, confirmed on
pixels) ranks first. Image-only queries are expanded with the best first-pass creator's feed
(vision.creator_scores.expanded_query) and searched again; the result names that creator.

Filters (platform, follower range, country, creator ids) become a set of allowed asset ids,
searched exactly when small and through a FAISS id selector with proportionally raised efSearch
when large (see vision.ann.VectorIndex.search): filtering happens inside the search, not after.

Readiness: a search never embeds a backlog in the caller's request. Images not embedded yet are
handed to an EMBED job (without a broker: run outside the request) and every result says how
many are still pending (`pending_images`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings
from django.db import connections
from django.db.models import QuerySet
from PIL import Image

from core.caching.memo import VersionMemo
from core.errors import InputError
from core.services.background import run_outside_request
from influencers.models import Creator, Platform
from influencers.selectors.creators import accounts_filtered
from vision.ann import FLAT_MAX
from vision.creator_scores import EXPAND_MIN_Z, SUBSET, expanded_query, feed_scores, rank_groups
from vision.embedders import Embedder, l2_normalize
from vision.errors import IndexCorrupt, NoVectors
from vision.models import ImageEmbedding
from vision.services.calibration import calibration_for, creator_rows, reset_calibration_cache
from vision.services.images import QueryImage, load_query_images
from vision.services.profiles import image_urls
from vision.services.results import AestheticSearchResult, CreatorMatch, ImageMatch
from vision.services.reuse import same_picture
from vision.services.serving import serving_embedder

if TYPE_CHECKING:
    from vision.services.index import SearchIndex

__all__ = [
    "AestheticSearchResult",
    "CreatorMatch",
    "ImageMatch",
    "aesthetic_search",
    "build_query_vector",
    "embed_query",
    "lookalikes",
    "search_by_vector",
]

logger = logging.getLogger(__name__)

NEGATIVE_WEIGHT = 0.5
TEXT_WEIGHT = 0.5
MAX_TOP = 200
EVIDENCE = 3  # a creator's closest images shown with it
# A catalogue image this close to a query image is checked on pixels for being the same picture
# (distinct pictures of one style reach ~0.99 with the style descriptor, so the vector alone
# cannot decide); its owner then ranks first.
DUPLICATE_COSINE = 0.97
DUPLICATE_NEIGHBOURS = 4
AGGREGATION = (
    f"creator score = the expected best similarity among {SUBSET} random images of the creator's feed "
    "(the same whatever the feed's size); owners of a copy of a query image first"
)
CALIBRATION = {
    "method": "z",
    "description": (
        "calibrated = (creator score − mean) / standard deviation of the scores of a fixed sample of the "
        "catalogue's creators for the same query: 0 = a typical catalogue creator, 2 = well above; "
        "percentile = share of that sample scoring below"
    ),
}
_FILTER_NAMES = {"platforms", "min_followers", "max_followers", "countries", "creator_ids"}


def aesthetic_search(
    *,
    images: Sequence[QueryImage] | None = None,
    text: str | None = None,
    negative_images: Sequence[QueryImage] | None = None,
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
    serving = serving_embedder()
    embedder = serving.embedder
    query, image_vectors = embed_query(embedder, images=images, text=text, negative_images=negative_images)
    info = {
        "images": len(images),
        "text": text,
        "negative_images": len(negative_images),
        "top": top,
        "filters": filters,
    }
    probes = list(zip(image_vectors, images, strict=True))
    result = search_by_vector(
        embedder=embedder, vector=query, top=top, query_info=info, probes=probes, expand=not text, **filters
    )
    result.switching_to = serving.switching_to
    return result


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
    serving = serving_embedder()
    embedder = serving.embedder
    vectors = _creator_vectors(embedder.id, creator_id)
    if len(vectors) == 0:
        raise NoVectors(f"creator {creator_id} has no embedded images yet, so there is no look to compare")
    query = l2_normalize(vectors.mean(axis=0, keepdims=True))[0]
    info = {"lookalikes_of": creator_id, "top": top, "filters": clean}
    result = search_by_vector(
        embedder=embedder, vector=query, top=top, query_info=info, exclude_creator_ids={creator_id}, **clean
    )
    result.switching_to = serving.switching_to
    return result


def build_query_vector(
    embedder: Embedder, *, images: list[Image.Image], text: str = "", negative_images: list[Image.Image] | None = None
) -> np.ndarray:
    """The single query vector (see the module docstring)."""
    return embed_query(embedder, images=images, text=text, negative_images=negative_images)[0]


def embed_query(
    embedder: Embedder, *, images: list[Image.Image], text: str = "", negative_images: list[Image.Image] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(the query vector, the vector of each example image)."""
    parts = []
    image_vectors = embedder.embed_images(images) if images else np.zeros((0, embedder.dim), dtype=np.float32)
    if images:
        parts.append(l2_normalize(image_vectors.mean(axis=0, keepdims=True))[0])
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
    return l2_normalize(query[None, :])[0], image_vectors


def search_by_vector(
    *,
    embedder: Embedder,
    vector: np.ndarray,
    top: int = 20,
    query_info: dict[str, Any] | None = None,
    exclude_creator_ids: Collection[int] = (),
    probes: Sequence[tuple[np.ndarray, Image.Image]] = (),
    copy_owners: list[int] | None = None,
    expand: bool = False,
    platforms: list[str] | None = None,
    min_followers: int | None = None,
    max_followers: int | None = None,
    countries: list[str] | None = None,
    creator_ids: Collection[int] | None = None,
) -> AestheticSearchResult:
    """Ranked creators for a query vector of `embedder` (filters already validated). `probes`:
    the example images with their vectors, whose copies in the catalogue rank their owner first
    (`copy_owners`: those owners when already verified on pixels, so they are not checked again).
    With `expand`, the vector is first moved toward the best-ranked creator's feed (see the
    module docstring) and `query["expanded_with"]` names that creator."""
    index, state = _index_for_search(embedder.id)
    result = AestheticSearchResult(
        embedder=embedder.describe(),
        results=[],
        index_state=state,
        aggregation=AGGREGATION,
        query=query_info or {},
        pending_images=_pending_images(embedder.id, index),
        calibration=dict(CALIBRATION),
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
    k = min(available, max(100, top * SUBSET * 5))
    while True:
        _, ids = index.search(vector[None, :], k, allowed=allowed)
        ids = ids[0][ids[0] >= 0]
        candidates = np.unique(index.creator_ids[index.positions(ids)])
        if len(candidates) >= top or k >= available:
            break
        k = min(available, k * 4)
    result.query = {**result.query, "candidates": int(k)}
    duplicates = _duplicate_owners(index, probes, allowed) if copy_owners is None else copy_owners
    candidates = np.union1d(candidates, np.array(duplicates, dtype=np.int64))

    # Every candidate creator's whole feed (inside the filters), scored exactly.
    in_feed = creator_rows(index, candidates)
    if allowed is not None:
        in_feed = in_feed[np.isin(index.asset_ids[in_feed], allowed)]
    assets, owners, accounts = index.asset_ids[in_feed], index.creator_ids[in_feed], index.account_ids[in_feed]
    feed_vectors = index.reconstruct(assets)
    sims = feed_vectors @ vector
    groups, scores, counts = feed_scores(sims, owners)
    chosen = rank_groups(groups, scores, first=duplicates)[:top]
    calibration = calibration_for(index, vector, level="creator")
    if expand and len(chosen) and calibration.z(scores[chosen[:1]])[0] >= EXPAND_MIN_Z:
        leader = int(groups[chosen[0]])
        expanded = search_by_vector(
            embedder=embedder,
            vector=expanded_query(vector, feed_vectors[owners == leader]),
            top=top,
            query_info={**result.query, "expanded_with": leader},
            exclude_creator_ids=exclude_creator_ids,
            copy_owners=duplicates,  # the copies do not depend on the query vector: checked once
            platforms=platforms,
            min_followers=min_followers,
            max_followers=max_followers,
            countries=countries,
            creator_ids=creator_ids,
        )
        expanded.expanded_with = leader
        return expanded
    result.calibration["reference_creators"] = int(len(calibration.sorted_scores))

    evidence = {}
    for g in groups[chosen]:
        rows = np.flatnonzero(owners == g)
        evidence[int(g)] = rows[np.argsort(-sims[rows], kind="stable")[:EVIDENCE]]
    urls = image_urls(assets[np.concatenate(list(evidence.values()))].tolist() if evidence else [])
    names = dict(Creator.objects.filter(pk__in=[int(g) for g in groups[chosen]]).values_list("id", "display_name"))
    z, percentile = calibration.z(scores[chosen]), calibration.percentile(scores[chosen])
    missing = 0
    for position, pos in enumerate(chosen):
        creator_id = int(groups[pos])
        matches = []
        for row in evidence[creator_id]:
            asset_id = int(assets[row])
            if asset_id not in urls:
                missing += 1  # deleted since the index was saved
                continue
            matches.append(ImageMatch(asset_id, int(accounts[row]), round(float(sims[row]), 4), urls[asset_id]))
        if matches and creator_id in names:
            result.results.append(
                CreatorMatch(
                    creator_id=creator_id,
                    score=round(float(scores[pos]), 4),
                    matches=matches,
                    display_name=names[creator_id],
                    calibrated=round(float(z[position]), 2),
                    percentile=round(float(percentile[position]), 1),
                    image_count=int(counts[pos]),
                    small_feed=bool(counts[pos] < SUBSET),
                    duplicate=creator_id in duplicates,
                )
            )
    if missing:
        _request_sync(f"search met {missing} deleted asset(s) still in the index")
    return result


def _duplicate_owners(
    index: SearchIndex, probes: Sequence[tuple[np.ndarray, Image.Image]], allowed: np.ndarray | None
) -> list[int]:
    """Creators owning a copy of one of the probe images (nearest first, pixel-verified)."""
    if not probes:
        return []
    sims, ids = index.search(np.stack([v for v, _ in probes]), DUPLICATE_NEIGHBOURS, allowed=allowed)
    owners: list[int] = []
    for (_, image), row_sims, row_ids in zip(probes, sims, ids, strict=True):
        close = row_ids[(row_ids >= 0) & (row_sims >= DUPLICATE_COSINE)]
        if close.size == 0:
            continue
        verified = set(same_picture(image, close.tolist()))
        for asset_id in close:
            if int(asset_id) in verified:
                owner = int(index.creator_ids[index.positions(np.array([asset_id]))][0])
                if owner not in owners:
                    owners.append(owner)
    return owners


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
    saved, request the embed/sync job and use its result when it is already done (a sync runs
    at once without a broker; embedding a backlog never runs in the caller's request, see
    `_request_embedding`)."""
    from vision.ann import ids_fingerprint
    from vision.services.index import db_fingerprint, get_index, index_request_job

    now = time.monotonic()
    if now - _last_stale_check.get(embedder_id, -STALE_CHECK_SECONDS) < STALE_CHECK_SECONDS:
        return index
    _last_stale_check[embedder_id] = now
    try:
        if _count_pending(embedder_id, index):
            request_embedding("search found images that are not embedded yet")
        elif ids_fingerprint(index.asset_ids) != db_fingerprint(embedder_id):
            index_request_job(mode="sync", reason="search found the index out of step with the database")
        else:
            return index
        return get_index(embedder_id) or index
    except Exception:
        logger.exception("could not refresh the stale index of %s", embedder_id)
        return index


def request_embedding(reason: str) -> None:
    """Ask for the EMBED job. Without a broker the job would run inside this request (a backlog
    of hundreds of images is seconds of work), so it runs outside the request instead and the
    search answers at once with what is embedded, saying how many images are pending."""
    from vision.services.jobs import embed_request_job

    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_outside_request("vision-embed", lambda: embed_request_job(reason=reason))
    else:
        embed_request_job(reason=reason)


# Per embedder: (the index it was counted for, images pending). Counted again when the index
# changes (an embed job publishes a new version) and at every staleness check.
_pending: dict[str, tuple[tuple[int, Any, int] | None, int]] = {}


def _index_key(index: SearchIndex | None) -> tuple[int, Any, int] | None:
    return None if index is None else (id(index), index.version, index.count)


def _count_pending(embedder_id: str, index: SearchIndex | None) -> int:
    from vision.services.embedding import pending_assets

    count = pending_assets(embedder_id=embedder_id).count()
    _pending[embedder_id] = (_index_key(index), count)
    return count


def _pending_images(embedder_id: str, index: SearchIndex | None) -> int:
    """Catalogue images not embedded yet (so not searched), counted once per index version."""
    cached = _pending.get(embedder_id)
    if cached is not None and cached[0] == _index_key(index):
        return cached[1]
    return _count_pending(embedder_id, index)


def reset_stale_checks() -> None:
    """Forget this process's search state: when each index was last checked for staleness, the
    pending counts, the calibration samples and the memoised filter results (tests)."""
    _last_stale_check.clear()
    _pending.clear()
    reset_calibration_cache()
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
        request_embedding("search found images that are not embedded yet")
    elif stored <= FLAT_MAX:
        # An exact index of this size rebuilds from stored vectors in about a second: do it now.
        return index_build(embedder_id=embedder_id), "ready"
    else:
        index_request_job(mode="rebuild", reason="search found no usable index")
    try:  # the job may have run already (eager mode without background threads, e.g. tests)
        index = get_index(embedder_id)
    except IndexCorrupt:
        index = None
    return (index, "ready") if index is not None else (None, "rebuilding")
