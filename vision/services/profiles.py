"""Per-account aesthetic profiles and mood-board similarity.

A profile is the account's centroid (normalised mean of its image vectors) plus k style
prototypes: spherical k-means centres over its images, k = 1 below 4 images, 2 below 9, else 3,
each with the share of images it covers. A feed that mixes two looks (studio product shots and
moody street photos) gets one prototype per look instead of a centroid that resembles neither.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

import numpy as np
from django.db import transaction

from influencers.models import MediaAsset
from vision.creator_scores import Calibration, calibrate, feed_scores
from vision.embedders import get_embedder, l2_normalize
from vision.models import AestheticProfile, ImageEmbedding
from vision.services.results import ImageMatch

_SQL_CHUNK = 900
EVIDENCE = 3  # best-matching images returned per account
MOODBOARD_Z_FULL = 3.0  # standard deviations above a typical account that make a full mood-board match


def prototype_count(n_images: int) -> int:
    """How many style prototypes an account with n images gets."""
    return 1 if n_images < 4 else 2 if n_images < 9 else 3


def spherical_kmeans(
    vectors: np.ndarray, k: int, *, seed: int = 0, iterations: int = 20
) -> tuple[np.ndarray, np.ndarray]:
    """k-means on the unit sphere (cosine), k-means++ seeding, deterministic for a seed.
    Returns (centres (k, d) normalised, label per row)."""
    n = len(vectors)
    k = max(1, min(k, n))
    rng = np.random.default_rng(seed)
    centres = [vectors[rng.integers(n)]]
    for _ in range(1, k):
        dist = 1.0 - np.max(vectors @ np.stack(centres).T, axis=1)
        dist = np.clip(dist, 0, None)
        total = dist.sum()
        centres.append(vectors[rng.choice(n, p=dist / total)] if total > 1e-9 else vectors[rng.integers(n)])
    c = np.stack(centres)
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(iterations):
        new_labels = np.argmax(vectors @ c.T, axis=1)
        if _ and np.array_equal(new_labels, labels):
            break
        labels = new_labels
        for j in range(k):
            members = vectors[labels == j]
            if len(members):
                c[j] = members.sum(axis=0)
        c = l2_normalize(c)
    return c, labels


def _vectors_by_account(embedder_id: str, account_ids: Collection[int]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """{account_id: (asset_ids, vectors)} for the given accounts, in chunked IN queries."""
    wanted = sorted({int(a) for a in account_ids})
    rows: list[tuple[int, int, bytes]] = []
    dim = 0
    for start in range(0, len(wanted), _SQL_CHUNK):
        chunk = wanted[start : start + _SQL_CHUNK]
        for account_id, asset_id, row_dim, vector in (
            ImageEmbedding.objects.filter(embedder_id=embedder_id, account_id__in=chunk)
            .order_by("account_id", "asset_id")
            .values_list("account_id", "asset_id", "dim", "vector")
        ):
            dim = row_dim
            rows.append((account_id, asset_id, bytes(vector)))
    if not rows:
        return {}
    accounts = np.array([r[0] for r in rows], dtype=np.int64)
    assets = np.array([r[1] for r in rows], dtype=np.int64)
    vectors = np.frombuffer(b"".join(r[2] for r in rows), dtype="<f4").reshape(len(rows), dim).astype(np.float32)
    bounds = np.flatnonzero(np.diff(accounts)) + 1
    out = {}
    for idx in np.split(np.arange(len(rows)), bounds):
        out[int(accounts[idx[0]])] = (assets[idx], vectors[idx])
    return out


def profile_refresh(*, account_ids: Iterable[int], embedder_id: str | None = None) -> int:
    """Recompute the profiles of these accounts from their stored vectors (accounts without
    vectors lose their profile); returns how many profiles were written."""
    embedder_id = embedder_id or get_embedder().id
    account_ids = sorted({int(a) for a in account_ids})
    if not account_ids:
        return 0
    by_account = _vectors_by_account(embedder_id, account_ids)
    profiles = []
    for account_id, (_, vectors) in by_account.items():
        centroid = l2_normalize(vectors.mean(axis=0, keepdims=True))[0]
        centres, labels = spherical_kmeans(vectors, prototype_count(len(vectors)), seed=account_id)
        shares = np.bincount(labels, minlength=len(centres)) / len(vectors)
        profiles.append(
            AestheticProfile(
                account_id=account_id,
                embedder_id=embedder_id,
                dim=vectors.shape[1],
                image_count=len(vectors),
                centroid=centroid.astype("<f4").tobytes(),
                prototypes=centres.astype("<f4").tobytes(),
                prototype_weights=[round(float(s), 4) for s in shares],
                consistency=float(np.mean(vectors @ centroid)),
            )
        )
    without = sorted(set(account_ids) - set(by_account))
    with transaction.atomic():
        for start in range(0, len(without), _SQL_CHUNK):
            AestheticProfile.objects.filter(
                embedder_id=embedder_id, account_id__in=without[start : start + _SQL_CHUNK]
            ).delete()
        # Upsert: a profile keeps its row (and id) across refreshes.
        AestheticProfile.objects.bulk_create(
            profiles,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["account", "embedder_id"],
            update_fields=[
                "dim",
                "image_count",
                "centroid",
                "prototypes",
                "prototype_weights",
                "consistency",
                "updated_at",
            ],
        )
    return len(profiles)


def profiles_refresh_all(*, embedder_id: str | None = None, progress: Callable[[int, int], None] | None = None) -> int:
    """Refresh the profile of every account that has vectors of this embedder."""
    embedder_id = embedder_id or get_embedder().id
    account_ids = list(
        ImageEmbedding.objects.filter(embedder_id=embedder_id)
        .values_list("account_id", flat=True)
        .distinct()
        .order_by()
    )
    AestheticProfile.objects.filter(embedder_id=embedder_id).exclude(account_id__in=account_ids).delete()
    written = 0
    step = 2000
    for start in range(0, len(account_ids), step):
        written += profile_refresh(account_ids=account_ids[start : start + step], embedder_id=embedder_id)
        if progress:
            progress(min(start + step, len(account_ids)), len(account_ids))
    return written


def image_urls(asset_ids: Collection[int]) -> dict[int, str]:
    """{asset_id: URL of its stored image (or its source URL)} for existing assets."""
    urls: dict[int, str] = {}
    wanted = sorted({int(a) for a in asset_ids})
    storage = MediaAsset._meta.get_field("image").storage  # what asset.image.url calls, without a model per row
    for start in range(0, len(wanted), _SQL_CHUNK):
        chunk = wanted[start : start + _SQL_CHUNK]
        rows = MediaAsset.objects.filter(pk__in=chunk).values_list("id", "image", "source_url")
        for asset_id, name, source_url in rows:
            urls[asset_id] = storage.url(name) if name else source_url
    return urls


def moodboard_similarity(
    *, images: list[Any], account_ids: Collection[int]
) -> dict[int, tuple[float, list[ImageMatch]]]:
    """How much each account's feed looks like a mood board: {account_id: (score 0..1, the
    account's best-matching images as evidence)}. Accounts without embedded images are absent.

    The mood board is one query, as in aesthetic search (the normalised mean of its images).
    An account's raw score is its feed score (vision.creator_scores: the expected best cosine
    among 3 random images of the feed, whatever the feed's size), calibrated against the
    catalogue's accounts for the same query: z = (raw − mean) / std over a fixed sample of them,
    and score = clip(z / MOODBOARD_Z_FULL, 0, 1) — 0: no closer than a typical catalogue
    account, 1: MOODBOARD_Z_FULL (3) standard deviations above, which on the demo catalogue only
    accounts of the mood board's look reach. The same scale for every embedder, so the mood
    board weighs in the brand match as much with the style descriptor as with CLIP. One batch of
    vectors for all accounts, numpy throughout.
    """
    if not images or not account_ids:
        return {}
    from vision.services.images import load_query_images

    embedder = get_embedder()
    boards = embedder.embed_images(load_query_images(images, field="images"))  # (q, d)
    query = l2_normalize(boards.mean(axis=0, keepdims=True))[0]
    by_account = _vectors_by_account(embedder.id, account_ids)
    if not by_account:
        return {}
    accounts = np.concatenate([np.full(len(a), acc, dtype=np.int64) for acc, (a, _) in by_account.items()])
    assets = np.concatenate([a for a, _ in by_account.values()])
    vectors = np.concatenate([v for _, v in by_account.values()])
    sims = vectors @ query
    uniq, raw, _ = feed_scores(sims, accounts)
    calibration = _account_calibration(embedder.id, query, fallback=(vectors, accounts))
    scores = np.clip(calibration.z(raw) / MOODBOARD_Z_FULL, 0.0, 1.0)

    # Evidence: per account, its images closest to the mood board.
    order = np.lexsort((-sims, accounts))
    starts = np.r_[0, np.flatnonzero(np.diff(accounts[order])) + 1]
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    evidence_rows = order[rank < EVIDENCE]
    urls = image_urls(assets[evidence_rows])
    evidence: dict[int, list[ImageMatch]] = {int(a): [] for a in uniq}
    for row in evidence_rows:
        evidence[int(accounts[row])].append(
            ImageMatch(
                asset_id=int(assets[row]),
                account_id=int(accounts[row]),
                similarity=round(float(sims[row]), 4),
                image_url=urls.get(int(assets[row]), ""),
            )
        )
    return {int(a): (round(float(s), 4), evidence[int(a)]) for a, s in zip(uniq, scores, strict=True)}


def _account_calibration(
    embedder_id: str, query: np.ndarray, *, fallback: tuple[np.ndarray, np.ndarray]
) -> Calibration:
    """The query's calibration against the catalogue's accounts (from the index); only without
    an index against the accounts at hand. Never from the ranked accounts when the catalogue is
    known: a brand's score of a creator must not depend on which other creators a query happens
    to rank (docs/scoring.md, "Scores independent of the result set")."""
    from vision.services.calibration import calibration_for
    from vision.services.index import get_index

    try:
        index = get_index(embedder_id)
    except Exception:  # noqa: BLE001 - a damaged index only costs the better reference
        index = None
    if index is not None and index.count:
        return calibration_for(index, query, level="account")
    return calibrate(query, *fallback)
