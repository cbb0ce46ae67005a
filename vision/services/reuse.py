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

`reused_images(account_ids)` answers for many accounts at once (vetting calls it per chunk of
accounts) with a fixed number of queries; `reused_image_signal(account_id=…)` is the one-account
view of the same answer. Which copy came first is not decided here: each side carries its post
date, and the vetting scorer (`vetting.scoring.reuse`) judges.
"""

from __future__ import annotations

import io
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.files.storage import default_storage
from django.db.models import Count, Max
from PIL import Image

from core.services.media import hamming_distance
from influencers.models import MediaAsset

NEAR_DUPLICATE_BITS = 6  # ≤ ~10% of the 64 bits; random pairs differ by ~32 ± 4
# A hash with almost all bits equal comes from a nearly flat picture (a plain colour card); such
# pictures match each other without being copies, so they are not used for near-duplicates.
MIN_HASH_BITS_SET = 8

PIXEL_CORRELATION = 0.98
UNVERIFIED_MAX_BITS = 2

# Own hashes compared at once against the whole table: bounds the XOR matrix to ~16 MB
# whatever the catalogue size.
_BLOCK_CELLS = 2_000_000

_lock = threading.Lock()
_table: dict[str, Any] = {}


@dataclass
class AccountImages:
    """One account's catalogue images and where copies of them appear on other creators' accounts.

    images: [{'asset_id', 'image_url', 'posted_at'}] (posted_at: the date of the post the image
    belongs to, None when it belongs to none). matches: see `reused_image_signal`."""

    account_id: int
    creator_id: int
    images: list[dict[str, Any]] = field(default_factory=list)
    matches: list[dict[str, Any]] = field(default_factory=list)


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


def image_url(name: str, source_url: str) -> str:
    """A link to an image: where it was found (stable, public), else the stored file."""
    if source_url:
        return source_url
    return default_storage.url(name) if name else ""


def reused_image_signal(*, account_id: int) -> list[dict[str, Any]]:
    """Images of this account that also appear on accounts of other creators.

    Each item: {'asset_id', 'other_asset_id', 'other_account_id', 'other_handle',
    'other_platform', 'other_creator_id', 'hamming_distance', 'kind': 'identical' |
    'near_duplicate', 'other_image_url', 'other_posted_at'}, identical ones first, then by
    distance.
    """
    found = reused_images([account_id]).get(account_id)
    return found.matches if found else []


def reused_images(account_ids: Iterable[int]) -> dict[int, AccountImages]:
    """The images of each account (those with at least one image) and their copies on accounts of
    other creators, in at most six queries whatever the number of accounts: the accounts'
    assets, the hash table's signature (and the table when it changed), the identical bytes,
    the file names of near-duplicate candidates, and the matched assets' accounts."""
    ids = sorted({int(i) for i in account_ids})
    if not ids:
        return {}
    own = list(
        MediaAsset.objects.filter(account_id__in=ids)
        .order_by("account_id", "id")
        .values_list(
            "id", "account_id", "account__creator_id", "sha256", "phash", "image", "source_url", "post__posted_at"
        )
    )
    out: dict[int, AccountImages] = {}
    creator_of: dict[int, int] = {}
    for asset_id, account_id, creator_id, _, _, name, source_url, posted_at in own:
        scan = out.setdefault(account_id, AccountImages(account_id, creator_id))
        scan.images.append({"asset_id": asset_id, "image_url": image_url(name, source_url), "posted_at": posted_at})
        creator_of[asset_id] = creator_id
    if not own:
        return out
    found = _identical(own)
    found.update(_near_duplicates(own, creator_of, skip=found))
    owner = {asset_id: account_id for asset_id, account_id, *_ in own}
    for item in _describe(found):
        out[owner[item["asset_id"]]].matches.append(item)
    for scan in out.values():
        scan.matches.sort(
            key=lambda s: (s["kind"] != "identical", s["hamming_distance"], s["asset_id"], s["other_asset_id"])
        )
    return out


def _identical(own: list[tuple]) -> dict[tuple[int, int], dict[str, Any]]:
    """Same bytes on another creator's account: an indexed equality lookup on sha256."""
    by_sha: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for asset_id, _, creator_id, sha, phash, *_ in own:
        if sha:
            by_sha[sha].append((asset_id, creator_id, phash))
    found: dict[tuple[int, int], dict[str, Any]] = {}
    if not by_sha:
        return found
    rows = MediaAsset.objects.filter(sha256__in=list(by_sha)).values_list(
        "id", "account__creator_id", "sha256", "phash"
    )
    for other_id, other_creator, sha, other_phash in rows:
        for mine, creator_id, phash in by_sha[sha]:
            if creator_id == other_creator:  # a creator's own cross-post
                continue
            found[(mine, other_id)] = {
                "asset_id": mine,
                "other_asset_id": other_id,
                "hamming_distance": hamming_distance(phash, other_phash) if phash and other_phash else 0,
                "kind": "identical",
            }
    return found


def _near_duplicates(
    own: list[tuple], creator_of: dict[int, int], *, skip: dict[tuple[int, int], Any]
) -> dict[tuple[int, int], dict[str, Any]]:
    """Close perceptual hashes on another creator's account, verified on pixels."""
    usable = [
        (asset_id, int(phash, 16))
        for asset_id, _, _, _, phash, *_ in own
        if phash and MIN_HASH_BITS_SET <= int(phash, 16).bit_count() <= 64 - MIN_HASH_BITS_SET
    ]
    if not usable:
        return {}
    table = _hash_table()
    if not len(table["ids"]):
        return {}
    mine = np.array([a for a, _ in usable], dtype=np.int64)
    values = np.array([v for _, v in usable], dtype=np.uint64)
    creators = np.array([creator_of[a] for a in mine], dtype=np.int64)
    candidates: list[tuple[int, int, int]] = []
    block = max(1, _BLOCK_CELLS // len(table["ids"]))
    for start in range(0, len(mine), block):
        stop = start + block
        distances = np.bitwise_count(values[start:stop, None] ^ table["hashes"][None, :])
        close = (distances <= NEAR_DUPLICATE_BITS) & (table["creators"][None, :] != creators[start:stop, None])
        for row, col in zip(*np.nonzero(close), strict=True):
            key = (int(mine[start + row]), int(table["ids"][col]))
            if key not in skip:
                candidates.append((*key, int(distances[row, col])))
    if not candidates:
        return {}
    thumbs = _thumbnails({a for pair in candidates for a in pair[:2]})
    found: dict[tuple[int, int], dict[str, Any]] = {}
    for asset_id, other_id, distance in candidates:
        agree = _pixels_agree(thumbs.get(asset_id), thumbs.get(other_id))
        if agree is False or (agree is None and distance > UNVERIFIED_MAX_BITS):
            continue
        found[(asset_id, other_id)] = {
            "asset_id": asset_id,
            "other_asset_id": other_id,
            "hamming_distance": distance,
            "kind": "near_duplicate",
        }
    return found


def _describe(found: dict[tuple[int, int], dict[str, Any]]) -> list[dict[str, Any]]:
    """The matches with the other asset's account, creator, link and post date."""
    if not found:
        return []
    others = {
        row["id"]: row
        for row in MediaAsset.objects.filter(pk__in={k[1] for k in found}).values(
            "id",
            "account_id",
            "account__handle",
            "account__platform",
            "account__creator_id",
            "image",
            "source_url",
            "post__posted_at",
        )
    }
    described = []
    for item in found.values():
        other = others.get(item["other_asset_id"])
        if other is None:  # deleted meanwhile
            continue
        described.append(
            {
                **item,
                "other_account_id": other["account_id"],
                "other_handle": other["account__handle"],
                "other_platform": other["account__platform"],
                "other_creator_id": other["account__creator_id"],
                "other_image_url": image_url(other["image"], other["source_url"]),
                "other_posted_at": other["post__posted_at"],
            }
        )
    return described


def _thumbnails(asset_ids: set[int]) -> dict[int, np.ndarray | None]:
    """32×32 grey thumbnails of the assets' images (None when a file cannot be read); one query
    for the file names."""
    names = dict(MediaAsset.objects.filter(pk__in=asset_ids).values_list("id", "image"))
    return {asset_id: _thumbnail(names.get(asset_id) or "") for asset_id in asset_ids}


def _thumbnail(name: str) -> np.ndarray | None:
    if not name:
        return None
    try:
        with default_storage.open(name, "rb") as handle:
            image = Image.open(io.BytesIO(handle.read()))
            return np.asarray(image.convert("L").resize((32, 32), Image.Resampling.BOX), dtype=np.float64)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _pixels_agree(ta: np.ndarray | None, tb: np.ndarray | None) -> bool | None:
    """True/False when both images could be compared, None when one cannot be read."""
    if ta is None or tb is None:
        return None
    if ta.std() < 1.0 or tb.std() < 1.0:  # a flat picture: correlation says nothing, no proof of copy
        return False
    return float(np.corrcoef(ta.ravel(), tb.ravel())[0, 1]) >= PIXEL_CORRELATION


def same_picture(image: Image.Image, asset_ids: Iterable[int]) -> list[int]:
    """The assets among `asset_ids` whose image is the same picture as `image` (a copy,
    re-encoded or resized), verified on pixels as near-duplicates are."""
    wanted = {int(a) for a in asset_ids}
    if not wanted:
        return []
    query = np.asarray(image.convert("L").resize((32, 32), Image.Resampling.BOX), dtype=np.float64)
    return [asset_id for asset_id, thumb in _thumbnails(wanted).items() if _pixels_agree(query, thumb)]
