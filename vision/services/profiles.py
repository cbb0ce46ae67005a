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

from core.caching.memo import VersionMemo
from influencers.models import MediaAsset
from vision.embedders import get_embedder, l2_normalize
from vision.models import AestheticProfile, ImageEmbedding
from vision.services.results import ImageMatch

_SQL_CHUNK = 900
TOP_M = 3  # images per account averaged in mood-board similarity
EVIDENCE = 3  # best-matching images returned per account


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


def group_top_m_mean(groups: np.ndarray, sims: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean of the m largest `sims` within each group label (fewer when a group is smaller).
    Returns (unique groups, means). Pure numpy: one sort, no loop over groups."""
    order = np.lexsort((-sims, groups))
    g, s = groups[order], sims[order]
    starts = np.r_[0, np.flatnonzero(np.diff(g)) + 1]
    rank = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    keep = rank < m
    uniq = g[starts]
    slot = np.searchsorted(uniq, g[keep])
    totals = np.bincount(slot, weights=s[keep], minlength=len(uniq))
    counts = np.bincount(slot, minlength=len(uniq))
    return uniq, totals / np.maximum(counts, 1)


def moodboard_similarity(
    *, images: list[Any], account_ids: Collection[int]
) -> dict[int, tuple[float, list[ImageMatch]]]:
    """How much each account's images look like a mood board: {account_id: (score 0..1, the
    account's best-matching images as evidence)}. Accounts without embedded images are absent.

    For mood-board image q and account a, s(q, a) is the mean of a's TOP_M highest cosine
    similarities to q. It is rescaled against the catalogue: b(q) = q · mean(catalogue vectors)
    is the average similarity of q to any catalogue image, and score(q, a) = clip((s − b) / (1 −
    b), 0, 1): 0 = no closer than an average image, 1 = identical. The account's score is the
    mean over mood-board images. One batch of vectors for all accounts, numpy throughout.
    """
    if not images or not account_ids:
        return {}
    from vision.services.images import load_query_images

    embedder = get_embedder()
    queries = embedder.embed_images(load_query_images(images, field="images"))  # (q, d)
    by_account = _vectors_by_account(embedder.id, account_ids)
    if not by_account:
        return {}
    accounts = np.concatenate([np.full(len(a), acc, dtype=np.int64) for acc, (a, _) in by_account.items()])
    assets = np.concatenate([a for a, _ in by_account.values()])
    vectors = np.concatenate([v for _, v in by_account.values()])
    sims = vectors @ queries.T  # (n, q)

    baseline = _catalogue_mean(embedder.id, fallback=vectors) @ queries.T  # (q,)
    uniq = np.unique(accounts)
    scores = np.zeros(len(uniq))
    for j in range(queries.shape[0]):
        _, top_mean = group_top_m_mean(accounts, sims[:, j], TOP_M)  # groups come back as `uniq`
        b = float(min(baseline[j], 0.99))
        scores += np.clip((top_mean - b) / (1.0 - b), 0.0, 1.0)
    scores /= queries.shape[0]

    # Evidence: per account, its images ranked by their best similarity to any mood-board image.
    best = sims.max(axis=1)
    order = np.lexsort((-best, accounts))
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
                similarity=round(float(best[row]), 4),
                image_url=urls.get(int(assets[row]), ""),
            )
        )
    return {int(a): (round(float(s), 4), evidence[int(a)]) for a, s in zip(uniq, scores, strict=True)}


# The profiles' catalogue mean per embedder at the current vision version (the fallback baseline).
_profiles_mean_memo: VersionMemo[np.ndarray | None] = VersionMemo(("vision",), max_entries=4)


def _catalogue_mean(embedder_id: str, *, fallback: np.ndarray) -> np.ndarray:
    """Mean vector of the whole catalogue: from the index, else from every account's aesthetic
    profile, and only without either from the vectors at hand. Never from the accounts being
    ranked when the catalogue is known: a brand's score of a creator must not depend on which
    other creators a query happens to rank (docs/scoring.md, "Scores independent of the result set")."""
    from vision.services.index import get_index

    try:
        index = get_index(embedder_id)
    except Exception:  # noqa: BLE001 - a damaged index only costs the better baseline
        index = None
    if index is not None and index.count:
        return index.mean_vector
    from_profiles = _profiles_mean_memo.get_or_compute(embedder_id, lambda: _profiles_mean(embedder_id))
    if from_profiles is not None and len(from_profiles) == fallback.shape[1]:
        return from_profiles
    return fallback.mean(axis=0).astype(np.float32)


def _profiles_mean(embedder_id: str) -> np.ndarray | None:
    """The mean of every catalogue vector of `embedder_id`, from the aesthetic profiles: a
    profile's centroid × its consistency (the mean cosine of its unit vectors to the centroid) is
    the mean of its vectors, weighted here by the image count. None without profiles."""
    total, count = None, 0
    for image_count, consistency, centroid in AestheticProfile.objects.filter(embedder_id=embedder_id).values_list(
        "image_count", "consistency", "centroid"
    ):
        vector = np.frombuffer(bytes(centroid), dtype="<f4").astype(np.float64) * consistency * image_count
        total = vector if total is None else total + vector
        count += image_count
    return None if total is None or not count else (total / count).astype(np.float32)
