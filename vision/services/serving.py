"""Which embedder answers searches while the configured one is being switched to.

Switching embedder (CLIP weights installed, or a new style descriptor version) gives the new
embedder an empty index: every image must be embedded again, which takes minutes to hours. Until
the new embedder has an index, searches are answered with the PREVIOUS embedder's index (the one
with the most stored vectors whose embedder this code can still build), its query images embedded
by that same embedder — vectors of two embedders are never compared — while an EMBED job
re-embeds the catalogue. Results name the embedder that ranked them and carry `switching_to`
(the configured embedder and how many images it still lacks).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from vision.embedders import Embedder, get_embedder
from vision.embedders.style import VERSION_WEIGHTS, StyleEmbedder
from vision.errors import IndexCorrupt
from vision.models import ImageEmbedding

logger = logging.getLogger(__name__)


@dataclass
class Serving:
    """The embedder that answers, and the one being switched to (None: no switch under way)."""

    embedder: Embedder
    switching_to: dict[str, Any] | None = None


def buildable_embedder(embedder_id: str) -> Embedder | None:
    """An embedder of this id that this code can build without loading a model it does not have:
    any style descriptor version, or the configured embedder itself."""
    current = get_embedder()
    if embedder_id == current.id:
        return current
    for version in VERSION_WEIGHTS:
        if embedder_id.startswith(f"style-v{version}-"):
            candidate = StyleEmbedder(version=version)
            return candidate if candidate.id == embedder_id else None
    return None


def serving_embedder() -> Serving:
    """The configured embedder once it has an index (the usual case: one cached look-up);
    while it has none, the previous embedder that has one (see the module docstring), and the
    re-embedding job is requested."""
    current = get_embedder()
    previous = previous_with_index(current)
    if previous is None:
        return Serving(current)
    from vision.services.embedding import pending_assets
    from vision.services.search import request_embedding

    pending = pending_assets(embedder_id=current.id).count()
    if pending:
        request_embedding(f"switching embedder to {current.id}")
    return Serving(previous, {**current.describe(), "pending_images": pending})


def previous_with_index(current: Embedder) -> Embedder | None:
    """While `current` has no index: the embedder with the most stored vectors that this code
    can build and that has an index; None when `current` has one (or no other can serve)."""
    from vision.services.index import get_index

    if _has_index(current.id, get_index):
        return None
    stored = (
        ImageEmbedding.objects.exclude(embedder_id=current.id)
        .values("embedder_id")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    for row in stored:
        previous = buildable_embedder(row["embedder_id"])
        if previous is not None and _has_index(previous.id, get_index):
            return previous
    return None


def _has_index(embedder_id: str, get_index: Any) -> bool:
    try:
        index = get_index(embedder_id)
    except IndexCorrupt:
        return False
    return index is not None and index.count > 0
