"""The catalogue sample every calibrated score is measured against (vision.creator_scores).

Per embedder and level ("creator" for search and lookalikes, "account" for mood-board scores of
accounts): at most REFERENCE_FEEDS feeds drawn with a fixed seed from the index, at most
REFERENCE_IMAGES of their vectors, read back from the index once per index version and kept in
memory (≤ 20,000 × dim floats, 40 MB at 512-d). A query's calibration then costs one
matrix-vector product.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from vision.creator_scores import REFERENCE_FEEDS, REFERENCE_IMAGES, Calibration, calibrate, sample_groups

if TYPE_CHECKING:
    from vision.services.index import SearchIndex

# (embedder id, level) -> (index identity, reference vectors, their feed ids)
_references: dict[tuple[str, str], tuple[tuple[int, Any, int], np.ndarray, np.ndarray]] = {}


def calibration_for(index: SearchIndex, vector: np.ndarray, *, level: str = "creator") -> Calibration:
    """The calibration of `vector` against the catalogue's feeds of `level` in `index`."""
    key = (id(index), index.version, index.count)
    cached = _references.get((index.embedder_id, level))
    if cached is None or cached[0] != key:
        owners = index.creator_ids if level == "creator" else index.account_ids
        mask = np.isin(owners, sample_groups(owners, REFERENCE_FEEDS))
        if int(mask.sum()) > REFERENCE_IMAGES:
            uniq, counts = np.unique(owners[mask], return_counts=True)
            mask = np.isin(owners, uniq[np.cumsum(counts) <= REFERENCE_IMAGES])
        cached = (key, index.reconstruct(index.asset_ids[mask]), owners[mask].copy())
        _references[(index.embedder_id, level)] = cached
    return calibrate(vector, cached[1], cached[2])


def reset_calibration_cache() -> None:
    """Forget the reference samples (tests)."""
    _references.clear()
