"""Reused images: an account's pictures that also appear on unrelated accounts.

Identical bytes (same sha256) or a near-duplicate (64-bit DCT perceptual hash within
NEAR_DUPLICATE_BITS of each other: survives re-encoding, resizing, light edits) on an account of
*another creator* suggests stolen or stock content — a vetting signal shown with the other
account. Hashes come from `core.services.media.perceptual_hash`, stored on MediaAsset.

The catalogue's hashes are held as a uint64 numpy array (cached per process, refreshed when the
asset table changes) so each comparison is one XOR + popcount over all assets.

A close hash alone is not proof: low-contrast pictures (pastel cards, flat lays on a plain
background) can share a hash without being the same picture. So every near-duplicate candidate is
verified on pixels: 32×32 grey thumbnails of both images must correlate at ≥ PIXEL_CORRELATION
(a re-encoded or slightly cropped copy scores > 0.99; distinct pictures of one style measured up
to 0.97). When an image file cannot be read, only a hash distance ≤ UNVERIFIED_MAX_BITS counts.
"""

from __future__ import annotations

import io
import threading
from typing import Any

import numpy as np
from django.core.files.storage import default_storage
from django.db.models import Count, Max
from PIL import Image

from core.services.media import hamming_distance
from influencers.models import Account, MediaAsset

NEAR_DUPLICATE_BITS = 6  # ≤ ~10% of the 64 bits; random pairs differ by ~32 ± 4
# A hash with almost all bits equal comes from a nearly flat picture (a plain colour card); such
# pictures match each other without being copies, so they are not used for near-duplicates.
MIN_HASH_BITS_SET = 8

PIXEL_CORRELATION = 0.98
UNVERIFIED_MAX_BITS = 2

_lock = threading.Lock()
_table: dict[str, Any] = {}


def _hash_table() -> dict[str, np.ndarray]:
    """All assets with a perceptual hash: ids, account ids, creator ids, hashes (uint64)."""
    signature = tuple(
        MediaAsset.objects.exclude(phash="")
        .aggregate(n=Count("id"), last=Max("id"), changed=Max("updated_at"))
        .values()
    )
    with _lock:
        if _table.get("signature") == signature:
            return _table
        rows = list(
            MediaAsset.objects.exclude(phash="")
            .values_list("id", "account_id", "account__creator_id", "phash")
            .order_by("id")
        )
        _table.clear()
        _table.update(
            signature=signature,
            ids=np.array([r[0] for r in rows], dtype=np.int64),
            accounts=np.array([r[1] for r in rows], dtype=np.int64),
            creators=np.array([r[2] for r in rows], dtype=np.int64),
            hashes=np.array([int(r[3], 16) for r in rows], dtype=np.uint64),
        )
        return _table


def reused_image_signal(*, account_id: int) -> list[dict[str, Any]]:
    """Images of this account that also appear on accounts of other creators.

    Each item: {'asset_id', 'other_asset_id', 'other_account_id', 'other_handle',
    'other_platform', 'other_creator_id', 'hamming_distance', 'kind': 'identical' |
    'near_duplicate'}, identical ones first, then by distance.
    """
    account = Account.objects.filter(pk=account_id).values("id", "creator_id").first()
    if account is None:
        return []
    own = list(MediaAsset.objects.filter(account_id=account_id).values_list("id", "sha256", "phash"))
    if not own:
        return []
    creator_id = account["creator_id"]
    found: dict[tuple[int, int], dict[str, Any]] = {}

    # Identical bytes: an indexed equality lookup on sha256.
    shas = {sha: asset_id for asset_id, sha, _ in own if sha}
    identical = (
        MediaAsset.objects.filter(sha256__in=list(shas))
        .exclude(account__creator_id=creator_id)
        .values_list("id", "sha256", "phash")
    )
    own_phash = {asset_id: phash for asset_id, _, phash in own}
    for other_id, sha, other_phash in identical:
        mine = shas[sha]
        distance = hamming_distance(own_phash[mine], other_phash) if own_phash[mine] and other_phash else 0
        found[(mine, other_id)] = {
            "asset_id": mine,
            "other_asset_id": other_id,
            "hamming_distance": distance,
            "kind": "identical",
        }

    # Near-duplicates: XOR + popcount against every other creator's hashes, then a pixel check.
    thumbs: dict[int, np.ndarray | None] = {}
    table = _hash_table()
    others = table["creators"] != creator_id
    hashes, ids = table["hashes"][others], table["ids"][others]
    for asset_id, _, phash in own:
        if not phash:
            continue
        value = np.uint64(int(phash, 16))
        if not MIN_HASH_BITS_SET <= int(value).bit_count() <= 64 - MIN_HASH_BITS_SET:
            continue
        distances = np.bitwise_count(hashes ^ value)
        for row in np.flatnonzero(distances <= NEAR_DUPLICATE_BITS):
            key = (asset_id, int(ids[row]))
            if key in found:
                continue
            agree = _pixels_agree(asset_id, int(ids[row]), thumbs)
            if agree is False or (agree is None and distances[row] > UNVERIFIED_MAX_BITS):
                continue
            found[key] = {
                "asset_id": asset_id,
                "other_asset_id": int(ids[row]),
                "hamming_distance": int(distances[row]),
                "kind": "near_duplicate",
            }
    if not found:
        return []
    other_assets = {
        a["id"]: a
        for a in MediaAsset.objects.filter(pk__in=[k[1] for k in found]).values(
            "id", "account_id", "account__handle", "account__platform", "account__creator_id"
        )
    }
    signal = []
    for item in found.values():
        other = other_assets.get(item["other_asset_id"])
        if other is None:
            continue
        signal.append(
            {
                **item,
                "other_account_id": other["account_id"],
                "other_handle": other["account__handle"],
                "other_platform": other["account__platform"],
                "other_creator_id": other["account__creator_id"],
            }
        )
    signal.sort(key=lambda s: (s["kind"] != "identical", s["hamming_distance"], s["asset_id"], s["other_asset_id"]))
    return signal


def _thumbnail(asset_id: int, cache: dict[int, np.ndarray | None]) -> np.ndarray | None:
    """32×32 grey thumbnail of an asset's image (None when its file cannot be read)."""
    if asset_id not in cache:
        name = MediaAsset.objects.filter(pk=asset_id).values_list("image", flat=True).first()
        thumb = None
        if name:
            try:
                with default_storage.open(name, "rb") as handle:
                    image = Image.open(io.BytesIO(handle.read()))
                    thumb = np.asarray(image.convert("L").resize((32, 32), Image.Resampling.BOX), dtype=np.float64)
            except (OSError, ValueError, Image.DecompressionBombError):
                thumb = None
        cache[asset_id] = thumb
    return cache[asset_id]


def _pixels_agree(a: int, b: int, cache: dict[int, np.ndarray | None]) -> bool | None:
    """True/False when both images could be compared, None when one cannot be read."""
    ta, tb = _thumbnail(a, cache), _thumbnail(b, cache)
    if ta is None or tb is None:
        return None
    if ta.std() < 1.0 or tb.std() < 1.0:  # a flat picture: correlation says nothing, no proof of copy
        return False
    return float(np.corrcoef(ta.ravel(), tb.ravel())[0, 1]) >= PIXEL_CORRELATION
